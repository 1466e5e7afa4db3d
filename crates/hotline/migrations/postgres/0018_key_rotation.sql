-- Key rotation (issue 19). Keep in step with the other engine's 0018_key_rotation.sql.
-- A key that takes over from another is announced by it: the old key's public half and its
-- signature over the new key (wire's PublishedKey::endorsed_text), so that partners who
-- trust the old key can trust the new one.
ALTER TABLE signing_keys ADD COLUMN endorsed_by TEXT;
ALTER TABLE signing_keys ADD COLUMN endorsement TEXT;
