-- Takeback hotline schema (SQLite). Keep in step with ../postgres/0001_initial.sql.
-- Times are Unix milliseconds. Nothing here identifies a reporter: no names, e-mail
-- addresses or IP addresses, and secrets only as SHA-256 digests.

CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL,
    reporter     TEXT NOT NULL,
    state        TEXT NOT NULL,            -- open | withdrawn
    created_at   BIGINT NOT NULL,
    withdrawn_at BIGINT
);

-- One row per distinct fingerprint; the list partners receive is the rows in state 'listed'.
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    algorithm  TEXT NOT NULL,
    value      TEXT NOT NULL,
    quality    BIGINT,
    state      TEXT NOT NULL,              -- listed | held | withdrawn | suspended | rejected
    verified   BIGINT NOT NULL,            -- 0 or 1
    reason     TEXT,
    decided_at BIGINT NOT NULL DEFAULT 0,  -- last analyst decision
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (algorithm, value)
);
CREATE INDEX entries_state ON entries (state, id);

-- Provenance: which reports named which entries.
CREATE TABLE case_hashes (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    entry_id BIGINT NOT NULL REFERENCES entries (id),
    PRIMARY KEY (case_id, entry_id)
);
CREATE INDEX case_hashes_entry ON case_hashes (entry_id);

CREATE TABLE case_urls (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    url        TEXT NOT NULL,
    state      TEXT NOT NULL,              -- pending | withdrawn
    created_at BIGINT NOT NULL
);
CREATE INDEX case_urls_case ON case_urls (case_id);

-- The feed partners follow. seq is consecutive: it is taken from `sequences` under the
-- row's lock, so changes commit in seq order and a reader never sees a gap fill later.
CREATE TABLE list_changes (
    seq       BIGINT PRIMARY KEY,
    op        TEXT NOT NULL,               -- add | remove
    entry_id  BIGINT NOT NULL,
    algorithm TEXT NOT NULL,
    value     TEXT NOT NULL,
    quality   BIGINT,
    verified  BIGINT NOT NULL,
    at        BIGINT NOT NULL
);

CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO sequences (name, last) VALUES ('list_changes', 0);

CREATE TABLE partners (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE analysts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Partners' outcomes, summed per entry and partner.
CREATE TABLE feedback (
    entry_id               BIGINT NOT NULL REFERENCES entries (id),
    partner_id             BIGINT NOT NULL REFERENCES partners (id),
    matched                BIGINT NOT NULL DEFAULT 0,
    removed                BIGINT NOT NULL DEFAULT 0,
    blocked_upload         BIGINT NOT NULL DEFAULT 0,
    false_positive         BIGINT NOT NULL DEFAULT 0,
    last_false_positive_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, partner_id)
);

-- Idempotency keys of feedback batches already counted.
CREATE TABLE feedback_batches (
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    batch_id   TEXT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (partner_id, batch_id)
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,              -- partner | analyst | operator
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT,
    detail     TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
