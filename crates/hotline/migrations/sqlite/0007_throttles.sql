-- The per-source throttles, counted in the database when several processes share it.
-- SQLite has one process, which counts in memory and never writes here; the tables exist
-- so that both engines have one schema (see postgres/0007_throttles.sql).
CREATE TABLE throttle_counts (
    expires_at BIGINT NOT NULL,
    throttle TEXT NOT NULL,
    keyed_hash BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (expires_at, throttle, keyed_hash)
);
CREATE TABLE throttle_keys (
    expires_at BIGINT NOT NULL,
    throttle TEXT NOT NULL,
    window_key TEXT NOT NULL,
    PRIMARY KEY (expires_at, throttle)
);
