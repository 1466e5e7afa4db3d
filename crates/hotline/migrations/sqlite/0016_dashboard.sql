-- The console's dashboard (issue 18): indexed range scans over the last 30 days / 12 weeks
-- instead of per-day counters, so nothing else has to keep a counter in step.
CREATE INDEX cases_created_at ON cases (created_at);
CREATE INDEX takedown_items_removed_at ON takedown_items (removed_at);
CREATE INDEX feedback_partner ON feedback (partner_id);
-- The audit log page filters by who and by what, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
