-- Partners' keys and analysts' tokens can be revoked (a leaked key, a partner leaving).
-- Rows stay, so the audit log's names keep their meaning.
ALTER TABLE partners ADD COLUMN revoked_at BIGINT;
ALTER TABLE analysts ADD COLUMN revoked_at BIGINT;
