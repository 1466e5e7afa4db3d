-- Takedown notices and re-checks (issue 16). Keep in step with ../postgres/0010_takedown_notices.sql.
-- Times are Unix milliseconds.

-- When a notice should go about the item (an analyst found it actionable, or a re-check
-- found it still up long after the last notice); cleared when one is queued.
ALTER TABLE takedown_items ADD COLUMN notice_wanted_at BIGINT;
-- When the address is next fetched again; a checker holds an item by moving it on.
ALTER TABLE takedown_items ADD COLUMN next_recheck_at BIGINT;
ALTER TABLE takedown_items ADD COLUMN last_checked_at BIGINT;
-- What the last check found, in a few words (never anything of the content).
ALTER TABLE takedown_items ADD COLUMN last_check TEXT;
-- Whether what the address served matched the reporting cases' fingerprints: 1, 0, or
-- NULL when it was not a picture (or not looked at).
ALTER TABLE takedown_items ADD COLUMN content_matches BIGINT;
-- Checks in a row whose connection was refused; a few mean the site is gone.
ALTER TABLE takedown_items ADD COLUMN refused_in_a_row BIGINT NOT NULL DEFAULT 0;
-- When the host said, by the link in a notice, that it removed the content.
ALTER TABLE takedown_items ADD COLUMN host_confirmed_at BIGINT;
CREATE INDEX takedown_items_notice_wanted ON takedown_items (notice_wanted_at);
CREATE INDEX takedown_items_next_recheck ON takedown_items (next_recheck_at);

-- The outbox of notices. A notice is delivered at least once: a sender leases it
-- (leased_until), delivers it, then marks it sent; one that dies while sending lets the
-- lease run out and another sender delivers it again under the same id.
CREATE TABLE takedown_notices (
    id                 TEXT PRIMARY KEY,      -- the notice reference the host sees
    item_id            BIGINT NOT NULL REFERENCES takedown_items (id),
    channel            TEXT NOT NULL,         -- email | webhook
    target             TEXT NOT NULL,         -- the e-mail address or webhook URL
    payload            TEXT,                  -- the notice (JSON) until it is delivered
    state              TEXT NOT NULL,         -- pending | sent | cancelled
    attempts           BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    next_attempt_at    BIGINT NOT NULL,
    leased_until       BIGINT,
    last_error         TEXT,
    sent_at            BIGINT,
    confirm_token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the removal confirmation token
    confirmed_at       BIGINT
);
CREATE INDEX takedown_notices_due ON takedown_notices (state, next_attempt_at);
CREATE INDEX takedown_notices_item ON takedown_notices (item_id);
