-- The console's address pages (issue 18). Keep in step with the other engine's
-- 0015_console_addresses.sql.
-- An address's timeline is read from the audit log by its subject ("takedown item N").
CREATE INDEX audit_log_subject ON audit_log (subject, id);
