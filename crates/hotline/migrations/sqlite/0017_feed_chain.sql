-- The feed's hash chain (issue 19). Keep in step with the other engine's 0017_feed_chain.sql.
-- Each change keeps its link of the chain and the list's size after it; the sequence row
-- keeps the head and the size, moved on under its lock as `last` is. Changes written before
-- this migration are chained by the server when it starts (store/chain.rs): SHA-256 is not
-- SQL that both engines share.
ALTER TABLE list_changes ADD COLUMN chain TEXT;
ALTER TABLE list_changes ADD COLUMN size BIGINT;
ALTER TABLE sequences ADD COLUMN head TEXT;
ALTER TABLE sequences ADD COLUMN size BIGINT;
-- Finds changes not chained yet at start-up without reading the feed: empty once chained.
CREATE INDEX list_changes_unchained ON list_changes (seq) WHERE chain IS NULL;

-- The keys the hotline signs the feed's checkpoints with: made on first start unless one
-- is configured. The newest unretired key signs.
CREATE TABLE signing_keys (
    public_key TEXT PRIMARY KEY,  -- Ed25519, base64: the id checkpoints name
    seed       TEXT NOT NULL,     -- the secret seed, base64; never served
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
