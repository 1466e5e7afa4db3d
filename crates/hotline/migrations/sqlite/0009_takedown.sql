-- Takedown of reported web addresses (issue 16): one item per normalised address, linked
-- to each case that reported it. Keep in step with ../postgres/0009_takedown.sql.
--
-- Times are Unix milliseconds. Those a reporter's action causes (first_reported_at,
-- last_reported_at, withdrawn_at, and state_changed_at when a report or a withdrawal
-- changed the state) are rounded down to the hour, as cases.created_at is: an exact time
-- could re-date a report.
--
-- The rows of case_urls (one per case and address, all `pending` or `withdrawn`) are moved
-- here by the server when it starts (store/takedown.rs: the address must be normalised
-- with the same code as new reports, which SQL cannot do); case_urls is then left empty.

CREATE TABLE takedown_items (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    url               TEXT NOT NULL UNIQUE,   -- normalised (takedown.rs)
    host              TEXT NOT NULL,          -- the normalised URL's host (punycode)
    state             TEXT NOT NULL,          -- reported | actionable | not_actionable |
                                              -- no_contact | notice_sent | still_up |
                                              -- escalated | removed | withdrawn
    reason            TEXT,                   -- why not actionable (the reporter sees it)
    first_reported_at BIGINT NOT NULL,
    last_reported_at  BIGINT NOT NULL,
    state_changed_at  BIGINT NOT NULL,
    assessed_at       BIGINT,                 -- last assessment (actionable or not)
    no_contact_at     BIGINT,
    first_notice_at   BIGINT,
    last_notice_at    BIGINT,
    still_up_at       BIGINT,                 -- last re-check that found it up
    escalated_at      BIGINT,
    removed_at        BIGINT,
    withdrawn_at      BIGINT
);
CREATE INDEX takedown_items_state ON takedown_items (state, id);
CREATE INDEX takedown_items_host ON takedown_items (host, id);

-- Which cases reported which items, and whether each case still asks for it.
CREATE TABLE takedown_links (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    item_id      BIGINT NOT NULL REFERENCES takedown_items (id),
    reported_url TEXT NOT NULL,               -- as this case's reporter typed it
    state        TEXT NOT NULL,               -- open | withdrawn
    linked_at    BIGINT NOT NULL,
    withdrawn_at BIGINT,
    PRIMARY KEY (case_id, item_id)
);
CREATE INDEX takedown_links_item ON takedown_links (item_id);
