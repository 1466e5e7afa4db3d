-- The per-source throttles (and the per-case-number one), counted here so that every
-- process sharing this database gives one allowance. Only keyed hashes are stored, never an
-- address or a case number. Each row belongs to one fixed window (an hour, aligned to the
-- clock) and is deleted once `expires_at` (Unix ms, the window's end) has passed.
CREATE TABLE throttle_counts (
    expires_at BIGINT NOT NULL,
    throttle TEXT NOT NULL,        -- which limit: reports, exact_hashes, ...
    keyed_hash BIGINT NOT NULL,    -- of the source or case number, with the window's key
    count BIGINT NOT NULL,
    PRIMARY KEY (expires_at, throttle, keyed_hash)
);
-- One random key per throttle and window, made by whichever process needs it first and
-- deleted with its window's counts: hashes from different windows cannot be linked.
CREATE TABLE throttle_keys (
    expires_at BIGINT NOT NULL,
    throttle TEXT NOT NULL,
    window_key TEXT NOT NULL,      -- 32 random bytes, hex
    PRIMARY KEY (expires_at, throttle)
);
