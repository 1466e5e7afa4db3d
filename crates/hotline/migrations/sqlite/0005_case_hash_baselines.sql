-- What each case saw of an entry when it reported it, so that its status shows only what
-- follows from its own report: outcomes counted since, and decisions made since. Filled
-- in the transaction that writes the link (NULL only until then). Links from before this
-- migration keep showing what they showed.
ALTER TABLE case_hashes ADD COLUMN matched_before BIGINT;
ALTER TABLE case_hashes ADD COLUMN removed_before BIGINT;
ALTER TABLE case_hashes ADD COLUMN blocked_upload_before BIGINT;
ALTER TABLE case_hashes ADD COLUMN decided_at_before BIGINT;   -- the entry's decided_at
ALTER TABLE case_hashes ADD COLUMN listed_when_reported BIGINT; -- 0 or 1
UPDATE case_hashes SET matched_before = 0, removed_before = 0, blocked_upload_before = 0,
    decided_at_before = 0, listed_when_reported = 1;
CREATE INDEX case_hashes_unfilled ON case_hashes (case_id) WHERE decided_at_before IS NULL;
