-- An analyst's reinstatement of an entry the guard list had suspended: the guard-list
-- fingerprints (`pdq:HEX`, `md5:HEX`, `sha256:HEX`, one per line) that guarded it then.
-- Reading the guard list again does not suspend it for those; only one added later does.
ALTER TABLE entries ADD COLUMN guard_waiver TEXT;
