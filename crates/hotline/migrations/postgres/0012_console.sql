-- The analyst console (issue 18). Keep in step with the other engine's 0012_console.sql.
-- An analyst's role: `analyst` reviews and decides; `admin` also manages partners and
-- analysts from the console.
ALTER TABLE analysts ADD COLUMN role TEXT NOT NULL DEFAULT 'analyst';

-- Signed-in console sessions. Only the SHA-256 of the cookie's secret is kept. A session
-- ends at sign-out, after `idle` without a request, at its absolute expiry, or at once
-- when its analyst is revoked (checked on every request).
CREATE TABLE console_sessions (
    token_hash   TEXT PRIMARY KEY,
    analyst_id   BIGINT NOT NULL REFERENCES analysts (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
