-- The service-wide brake counts this hour's new listings on every report write: by hour,
-- so that it reads only this hour's changes, not the whole history.
CREATE INDEX list_changes_at ON list_changes (at);
