-- Feedback may name only entries that have been in the feed; this finds them quickly.
CREATE INDEX list_changes_entry ON list_changes (entry_id);
