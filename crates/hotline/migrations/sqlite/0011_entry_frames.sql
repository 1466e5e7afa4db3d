-- A video's frames (issue 17): a vpdq entry's value is its identity (the SHA-256 of its
-- sorted distinct frame hashes), and its frames are kept here, one row per video, written
-- once when the entry is first stored. Keep in step with ../postgres/0011_entry_frames.sql.
-- `frames` holds the frames kept (at or above the quality floor) in the reference tool's
-- text format, one `frame,quality,hash,timestamp` line each (timestamps to the
-- millisecond), the frame number being its place among the frames reported.
CREATE TABLE entry_frames (
    entry_id    BIGINT PRIMARY KEY REFERENCES entries (id),
    frame_count BIGINT NOT NULL,
    frames      TEXT NOT NULL
);
