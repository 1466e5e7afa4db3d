//! A followed list on disk: a snapshot of the whole list at a cursor, and a journal of the
//! changes after it, so that a restart resumes where the last durable page left off.
//!
//! Both files carry a generation number: a journal belongs to the snapshot with its
//! generation, and any other journal is stale (its changes are already in the snapshot,
//! or belong to a list the hotline has since replaced). Snapshots are written to a
//! temporary file, synced and renamed over the old one; journal records are synced before
//! the change is applied, and each carries a CRC, so a record cut short by a crash is
//! recognised and dropped.
//!
//! The formats (all numbers little-endian):
//!
//! - snapshot (`TBLIST03`): magic, generation u64, cursor i64, the feed's chain head at the
//!   cursor (32 bytes), origin (u32 length, UTF-8), entry count u64, the entries, and a
//!   CRC-32 of all before it (`TBLIST02` is the same without the head);
//! - journal (`TBJRNL02`): a 24-byte header (magic, generation u64, CRC-32 of the origin,
//!   four zero bytes), then records: seq i64, op (1 add, 2 remove), an entry, CRC-32 of
//!   the record; after each page's changes, a head record: the seq of the page's last
//!   change, op 3, the chain head after it (32 bytes), ten zero bytes (so that it is as long
//!   as a change record's fixed part), CRC-32;
//! - entry: id i64, kind (1 PDQ, 2 MD5, 3 SHA-256, 4 video), verified (0 or 1), a 32-byte
//!   value (an MD5 in its first 16 bytes; a video's identity, a SHA-256); a video then has
//!   a u32 frame count and, per frame, its 32-byte PDQ hash, its quality byte and its
//!   timestamp (f64). Frame numbers are not kept: they are the frames' places, as in the
//!   feed. A removal's video may have no frames (the feed's removals carry none).
//!
//! Records are as long as their entry, so replay reads one at a time, and a record cut
//! short, or whose frame count no record could hold, ends the journal there.
//!
//! The chain head lets the follower check the next page against the hotline's signed
//! checkpoint. Where the files cannot say it at their cursor (a `TBLIST02` snapshot, or a
//! journal whose last page lost its head record in a crash), [`Loaded::head`] is `None` and
//! the follower fetches the whole list again, once, checking it from the start.
//!
//! Matchers before videos wrote `TBLIST01`/`TBJRNL01`: the same, without kind 4 (every
//! entry 42 bytes). They journaled each video change as the removal of its id, so such a
//! list may lack videos: it is still read and answers queries, and [`Loaded::refetch`]
//! asks the follower to fetch the whole list once more. That flag lasts, restart after
//! restart, as long as the old snapshot does: its journal is rewritten in the new format
//! (so that changes can follow it), and only a new snapshot replaces the old one. An old
//! journal without an old snapshot is dropped: the list it began was never complete, and
//! the feed gives its changes again from the cursor the files then hold.

use crate::error::{StateError, io_error};
use crate::list::{MAX_ENTRY_ID, SourceList};
use crate::types::{ListChange, ListEntry, ListedHash, ListedVideo, MAX_VIDEO_FRAMES};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use takeback_durable::check_crc;
use takeback_pdq::PdqHash;
use takeback_vpdq::VpdqFrame;
use takeback_wire::chain::ChainHead;
use takeback_wire::{ChangeOp, Md5Digest, Sha256Digest};

const SNAPSHOT_FILE: &str = "list.snapshot";
const JOURNAL_FILE: &str = "list.journal";
/// An entry's fixed fields: id, kind, verified, value.
const ENTRY_BYTES: usize = 8 + 1 + 1 + 32;
/// Where an entry's kind is in a journal record (after seq, op and id).
const RECORD_KIND_AT: usize = 8 + 1 + 8;
/// A record's fields before a video's frames: seq, op, the entry's fixed fields.
const RECORD_HEAD_BYTES: usize = 8 + 1 + ENTRY_BYTES;
const CRC_BYTES: usize = 4;
/// A video's frame: hash, quality, timestamp.
const FRAME_BYTES: usize = 32 + 1 + 8;
/// The entry kind of a video.
const KIND_VIDEO: u8 = 4;
/// Where a journal record's op is, and the op of a chain head record.
const RECORD_OP_AT: usize = 8;
const OP_HEAD: u8 = 3;
/// The snapshot that keeps the chain head (entries as `TBLIST02`).
const SNAPSHOT_MAGIC_CHAINED: &[u8; 8] = b"TBLIST03";
/// Changes applied to the index at a time when replaying a journal.
const REPLAY_CHUNK: usize = 50_000;

/// The files' formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `TBLIST01`/`TBJRNL01`, from matchers that kept no videos: pictures' and files'
    /// hashes only, every entry of the same size.
    NoVideos,
    /// `TBLIST02`/`TBJRNL02`: entries may be videos, with their frames.
    WithVideos,
}

impl Format {
    fn snapshot_magic(self) -> &'static [u8; 8] {
        match self {
            Format::NoVideos => b"TBLIST01",
            Format::WithVideos => b"TBLIST02",
        }
    }

    fn journal_magic(self) -> &'static [u8; 8] {
        match self {
            Format::NoVideos => b"TBJRNL01",
            Format::WithVideos => b"TBJRNL02",
        }
    }
}

/// What was on disk.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The list at `cursor`.
    pub(crate) list: SourceList,
    /// The feed position of the last change held.
    pub(crate) cursor: i64,
    /// The feed's chain head at `cursor`, if the files can say it.
    pub(crate) head: Option<ChainHead>,
    /// A snapshot existed: the list was complete (caught up with its hotline) once.
    pub(crate) complete: bool,
    /// The list was saved by a matcher that kept no videos (`TBLIST01`), and may lack
    /// them: fetch the whole list again, once, while this one goes on answering.
    pub(crate) refetch: bool,
}

/// The files of one followed list.
#[derive(Debug)]
pub(crate) struct ListFiles {
    dir: PathBuf,
    /// Who the list came from; a snapshot of another source is not reused.
    origin: String,
    generation: u64,
    journal: File,
    journal_records: u64,
}

impl ListFiles {
    /// Opens (creating if needed) the list kept in `dir` for the hotline at `origin`, and
    /// reads it. A damaged snapshot, or one of another origin, is set aside (renamed with
    /// `.damaged`/`.other`) and the list starts empty; a journal's damaged tail is cut off.
    /// Files from matchers before videos are read, and flagged for a refetch (see the
    /// module's documentation).
    pub(crate) fn open(dir: &Path, origin: &str) -> Result<(ListFiles, Loaded), StateError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let snapshot_path = dir.join(SNAPSHOT_FILE);
        let snapshot = match read_snapshot(&snapshot_path) {
            Ok(Some(snapshot)) if snapshot.origin == origin => Some(snapshot),
            Ok(Some(_)) => {
                tracing::warn!(
                    path = %snapshot_path.display(),
                    "the saved list came from another hotline address; fetching the list again"
                );
                set_aside(&snapshot_path, "other")?;
                None
            }
            Ok(None) => None,
            Err(StateError::Damaged { reason, .. }) => {
                tracing::warn!(
                    path = %snapshot_path.display(), reason,
                    "the saved list is damaged; fetching the list again"
                );
                set_aside(&snapshot_path, "damaged")?;
                None
            }
            Err(error) => return Err(error),
        };
        let complete = snapshot.is_some();
        let (generation, mut cursor, mut head, entries, format) = match snapshot {
            Some(s) => (s.generation, s.cursor, s.head, s.entries, s.format),
            None => (
                0,
                0,
                Some(ChainHead::GENESIS),
                Vec::new(),
                Format::WithVideos,
            ),
        };
        let refetch = format == Format::NoVideos;
        let list = SourceList::from_entries(entries);
        let journal_path = dir.join(JOURNAL_FILE);
        let (journal, journal_records) = match replay_journal(
            &journal_path,
            generation,
            origin,
            format,
            &mut cursor,
            &mut head,
            &list,
        )? {
            Some(open) => open,
            None => (new_journal(dir, generation, origin)?, 0),
        };
        list.compact();
        let files = ListFiles {
            dir: dir.to_owned(),
            origin: origin.to_owned(),
            generation,
            journal,
            journal_records,
        };
        Ok((
            files,
            Loaded {
                list,
                cursor,
                head,
                complete,
                refetch,
            },
        ))
    }

    /// Appends a page's changes to the journal, then the chain's `head` after them, and
    /// syncs it; only then may they be applied.
    pub(crate) fn append(
        &mut self,
        changes: &[(i64, ListChange)],
        head: ChainHead,
    ) -> Result<(), StateError> {
        let Some((last, _)) = changes.last() else {
            return Ok(());
        };
        let path = self.dir.join(JOURNAL_FILE);
        let mut bytes = Vec::with_capacity((changes.len() + 1) * (RECORD_HEAD_BYTES + CRC_BYTES));
        for (seq, change) in changes {
            encode_record(*seq, change, &mut bytes);
        }
        encode_head_record(*last, &head, &mut bytes);
        takeback_durable::append(&mut self.journal, &path, &bytes)?;
        self.journal_records += changes.len() as u64;
        Ok(())
    }

    /// Changes in the journal since the last snapshot.
    pub(crate) fn journal_records(&self) -> u64 {
        self.journal_records
    }

    /// Saves the whole list at `cursor`, where the chain's head is `head`, as the new
    /// snapshot and starts an empty journal.
    pub(crate) fn write_snapshot(
        &mut self,
        list: &SourceList,
        cursor: i64,
        head: ChainHead,
    ) -> Result<(), StateError> {
        // Generations need only differ from the last one: a damaged (or crafted)
        // snapshot's u64::MAX goes on to 0 rather than overflowing.
        let generation = self.generation.wrapping_add(1);
        let path = self.dir.join(SNAPSHOT_FILE);
        let entries = list.entries();
        takeback_durable::replace_checksummed(&path, |out| {
            out.write_all(SNAPSHOT_MAGIC_CHAINED)?;
            out.write_all(&generation.to_le_bytes())?;
            out.write_all(&cursor.to_le_bytes())?;
            out.write_all(head.as_bytes())?;
            out.write_all(&(self.origin.len() as u32).to_le_bytes())?;
            out.write_all(self.origin.as_bytes())?;
            out.write_all(&(entries.len() as u64).to_le_bytes())?;
            let mut record = Vec::with_capacity(ENTRY_BYTES);
            for entry in &entries {
                record.clear();
                encode_entry(entry, &mut record);
                out.write_all(&record)?;
            }
            Ok(())
        })?;
        // The old journal's changes are in the snapshot now; a crash before the new
        // journal replaces it leaves a journal of the old generation, which is ignored.
        self.journal = new_journal(&self.dir, generation, &self.origin)?;
        self.generation = generation;
        self.journal_records = 0;
        Ok(())
    }
}

/// A snapshot as read.
struct Snapshot {
    generation: u64,
    cursor: i64,
    head: Option<ChainHead>,
    origin: String,
    entries: Vec<ListEntry>,
    format: Format,
}

fn read_snapshot(path: &Path) -> Result<Option<Snapshot>, StateError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    let damaged = |reason: &str| StateError::Damaged {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if bytes.len() < 4 {
        return Err(damaged("too short"));
    }
    let Some(body) = check_crc(&bytes) else {
        return Err(damaged("checksum mismatch"));
    };
    let mut reader = Reader(body);
    let (format, chained) = match reader.take::<8>() {
        Some(magic) if magic == *SNAPSHOT_MAGIC_CHAINED => (Format::WithVideos, true),
        Some(magic) if magic == *Format::WithVideos.snapshot_magic() => (Format::WithVideos, false),
        Some(magic) if magic == *Format::NoVideos.snapshot_magic() => (Format::NoVideos, false),
        _ => return Err(damaged("not a Takeback list snapshot")),
    };
    let header = (|| {
        let generation = u64::from_le_bytes(reader.take()?);
        let cursor = i64::from_le_bytes(reader.take()?);
        let head = match chained {
            true => Some(ChainHead::from_bytes(reader.take()?)),
            false => None,
        };
        let origin_len = u32::from_le_bytes(reader.take()?) as usize;
        let origin = String::from_utf8(reader.slice(origin_len)?.to_vec()).ok()?;
        let count = u64::from_le_bytes(reader.take()?);
        Some((generation, cursor, head, origin, count))
    })();
    let Some((generation, cursor, head, origin, count)) = header else {
        return Err(damaged("truncated header"));
    };
    // Every entry takes at least its fixed fields: a damaged count allocates no more
    // than the file could hold.
    if reader.0.len() as u64 / (ENTRY_BYTES as u64) < count {
        return Err(damaged("too short for its entry count"));
    }
    let mut entries = Vec::with_capacity(count as usize);
    for _ in 0..count {
        entries.push(decode_entry(&mut reader, format).map_err(damaged)?);
    }
    if !reader.0.is_empty() {
        return Err(damaged("longer than its entries"));
    }
    Ok(Some(Snapshot {
        generation,
        cursor,
        head,
        origin,
        entries,
        format,
    }))
}

/// Applies the journal's records that follow `cursor` to `list`, advancing `cursor` and
/// `head` (the chain's head at `cursor`, `None` once no head record says it), and
/// returns the journal opened for appending after its last good record; `None` when it is
/// missing or of another generation (then a new one is started). A journal of the old
/// format is replayed only after a snapshot of the old format (`snapshot_format`), and
/// then rewritten in the new one.
fn replay_journal(
    path: &Path,
    generation: u64,
    origin: &str,
    snapshot_format: Format,
    cursor: &mut i64,
    head: &mut Option<ChainHead>,
    list: &SourceList,
) -> Result<Option<(File, u64)>, StateError> {
    let file = match OpenOptions::new().read(true).append(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    let length = file.metadata().map_err(io_error(path))?.len();
    let mut reader = BufReader::with_capacity(1 << 20, &file);
    let mut header = [0u8; 24];
    if reader.read_exact(&mut header).is_err() {
        return Ok(None);
    }
    let format = if header == journal_header(Format::WithVideos, generation, origin) {
        Format::WithVideos
    } else if header == journal_header(Format::NoVideos, generation, origin) {
        if snapshot_format != Format::NoVideos {
            // Without the old snapshot, no flag would outlive a restart to fetch the
            // videos this journal lacks: start again from the snapshot's cursor instead,
            // and the feed gives these changes again, with their videos.
            tracing::info!(
                path = %path.display(),
                "the list's journal was written by a matcher that kept no videos; it is \
                 dropped and its changes fetched again"
            );
            return Ok(None);
        }
        Format::NoVideos
    } else {
        return Ok(None);
    };
    let mut good_bytes = header.len() as u64;
    let mut records = 0u64;
    let mut chunk = Vec::new();
    let mut record = Vec::new();
    loop {
        let left = length.saturating_sub(good_bytes);
        if !read_record(&mut reader, format, left, &mut record).map_err(io_error(path))? {
            break;
        }
        let Some(decoded) = decode_record(&record, format) else {
            break;
        };
        match decoded {
            Record::Change(seq, change) => {
                // Records come in feed order; anything else is the damaged tail of a crash
                // (a cursor of i64::MAX, from a snapshot, can have no record after it).
                if cursor.checked_add(1) != Some(seq) {
                    break;
                }
                *cursor = seq;
                // Unknown until the page's head record.
                *head = None;
                chunk.push(change);
                records += 1;
            }
            // A head names the change it follows.
            Record::Head(seq, at) if seq == *cursor => *head = Some(at),
            Record::Head(..) => break,
        }
        good_bytes += record.len() as u64;
        if chunk.len() == REPLAY_CHUNK {
            list.apply(&chunk);
            chunk.clear();
        }
    }
    list.apply(&chunk);
    drop(reader);
    if length != good_bytes {
        tracing::warn!(
            path = %path.display(),
            kept = records,
            dropped_bytes = length - good_bytes,
            "cut a damaged or partly written end off the list's journal"
        );
        if format == Format::WithVideos {
            takeback_durable::truncate(&file, path, good_bytes)?;
        }
    }
    if format == Format::NoVideos {
        drop(file);
        let file = convert_journal(path, generation, origin, records)?;
        return Ok(Some((file, records)));
    }
    Ok(Some((file, records)))
}

/// Reads the next journal record of `format` whole into `record`: `false` at the end of
/// the journal, or where no whole record can be (cut short, or a video's frame count
/// larger than any saved video has or than the `left` bytes of the journal could hold).
fn read_record(
    reader: &mut impl Read,
    format: Format,
    left: u64,
    record: &mut Vec<u8>,
) -> io::Result<bool> {
    record.clear();
    record.resize(RECORD_HEAD_BYTES, 0);
    if !read_whole(reader, record)? {
        return Ok(false);
    }
    let mut length = RECORD_HEAD_BYTES + CRC_BYTES;
    if format == Format::WithVideos
        && record[RECORD_OP_AT] != OP_HEAD
        && record[RECORD_KIND_AT] == KIND_VIDEO
    {
        let mut count = [0u8; 4];
        if !read_whole(reader, &mut count)? {
            return Ok(false);
        }
        record.extend_from_slice(&count);
        // Checked before the CRC can be: a damaged count must not size the buffer.
        let count = u32::from_le_bytes(count);
        let frames = u64::from(count) * FRAME_BYTES as u64;
        let whole = (record.len() + CRC_BYTES) as u64 + frames;
        if count > MAX_VIDEO_FRAMES || whole > left {
            return Ok(false);
        }
        length = whole as usize;
    }
    let start = record.len();
    record.resize(length, 0);
    read_whole(reader, &mut record[start..])
}

/// Fills `buffer`; `false` if the input ends first.
fn read_whole(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<bool> {
    match reader.read_exact(buffer) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(error),
    }
}

/// Rewrites a journal of the old format (its first `records` records, already checked)
/// in the new one, so that new records can follow them; returns it opened for appending.
fn convert_journal(
    path: &Path,
    generation: u64,
    origin: &str,
    records: u64,
) -> Result<File, StateError> {
    let old = File::open(path).map_err(io_error(path))?;
    takeback_durable::replace(path, |out| {
        out.write_all(&journal_header(Format::WithVideos, generation, origin))?;
        let mut reader = BufReader::with_capacity(1 << 20, old);
        let mut header = [0u8; 24];
        reader.read_exact(&mut header)?;
        let mut record = Vec::new();
        let mut converted = Vec::new();
        for _ in 0..records {
            let whole = read_record(&mut reader, Format::NoVideos, u64::MAX, &mut record)?;
            let change = whole
                .then(|| decode_record(&record, Format::NoVideos))
                .flatten();
            let Some(Record::Change(seq, change)) = change else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the journal changed while it was rewritten",
                ));
            };
            converted.clear();
            encode_record(seq, &change, &mut converted);
            out.write_all(&converted)?;
        }
        Ok(())
    })?;
    OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io_error(path))
}

/// A journal's first bytes: its format, and whose changes it holds, after which snapshot.
fn journal_header(format: Format, generation: u64, origin: &str) -> [u8; 24] {
    let mut header = [0u8; 24];
    header[..8].copy_from_slice(format.journal_magic());
    header[8..16].copy_from_slice(&generation.to_le_bytes());
    header[16..20].copy_from_slice(&takeback_durable::crc32(origin.as_bytes()).to_le_bytes());
    header
}

fn new_journal(dir: &Path, generation: u64, origin: &str) -> Result<File, StateError> {
    let path = dir.join(JOURNAL_FILE);
    takeback_durable::replace(&path, |out| {
        out.write_all(&journal_header(Format::WithVideos, generation, origin))
    })?;
    OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(io_error(&path))
}

fn set_aside(path: &Path, why: &str) -> Result<(), StateError> {
    let aside = path.with_extension(format!("snapshot.{why}"));
    fs::rename(path, &aside).map_err(io_error(path))
}

/// A journal record: seq, op, entry, CRC.
fn encode_record(seq: i64, change: &ListChange, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&seq.to_le_bytes());
    out.push(match change.op {
        ChangeOp::Add => 1,
        ChangeOp::Remove => 2,
    });
    encode_entry(&change.entry, out);
    takeback_durable::push_crc(out, start);
}

/// A head record: the chain's `head` after change `seq` (see the module's documentation).
fn encode_head_record(seq: i64, head: &ChainHead, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&seq.to_le_bytes());
    out.push(OP_HEAD);
    out.extend_from_slice(head.as_bytes());
    out.resize(start + RECORD_HEAD_BYTES, 0);
    takeback_durable::push_crc(out, start);
}

fn encode_entry(entry: &ListEntry, out: &mut Vec<u8>) {
    out.extend_from_slice(&entry.id.to_le_bytes());
    let mut value = [0u8; 32];
    let kind = match &entry.hash {
        ListedHash::Pdq(hash) => {
            value = hash.to_bytes();
            1
        }
        ListedHash::Md5(md5) => {
            value[..16].copy_from_slice(&md5.0);
            2
        }
        ListedHash::Sha256(sha) => {
            value = sha.0;
            3
        }
    };
    // A video's identity is a SHA-256, as the feed gives it (see `wire`).
    out.push(if entry.video.is_some() {
        KIND_VIDEO
    } else {
        kind
    });
    out.push(u8::from(entry.verified));
    out.extend_from_slice(&value);
    if let Some(video) = &entry.video {
        // The feed refuses videos of more than MAX_VIDEO_FRAMES, as reading does.
        out.extend_from_slice(&(video.frames.len() as u32).to_le_bytes());
        for frame in &video.frames {
            out.extend_from_slice(&frame.hash.to_bytes());
            out.push(frame.quality);
            out.extend_from_slice(&frame.timestamp.to_le_bytes());
        }
    }
}

/// Reads an entry of `format` off the front of `reader`, or says why the bytes are none.
fn decode_entry(reader: &mut Reader<'_>, format: Format) -> Result<ListEntry, &'static str> {
    let fixed = (|| {
        let id = i64::from_le_bytes(reader.take()?);
        let [kind, verified] = reader.take()?;
        let value: [u8; 32] = reader.take()?;
        Some((id, kind, verified, value))
    })();
    let (id, kind, verified, value) = fixed.ok_or("an entry cut short")?;
    if !(1..=MAX_ENTRY_ID).contains(&id) {
        return Err("an entry id out of range");
    }
    let (hash, video) = match kind {
        1 => (ListedHash::Pdq(PdqHash::from_bytes(value)), None),
        2 => {
            let mut md5 = [0u8; 16];
            md5.copy_from_slice(&value[..16]);
            (ListedHash::Md5(Md5Digest(md5)), None)
        }
        3 => (ListedHash::Sha256(Sha256Digest(value)), None),
        KIND_VIDEO if format == Format::WithVideos => (
            ListedHash::Sha256(Sha256Digest(value)),
            Some(Arc::new(decode_frames(reader)?)),
        ),
        _ => return Err("an entry of unknown kind"),
    };
    Ok(ListEntry {
        id,
        hash,
        verified: verified == 1,
        video,
    })
}

/// A video's frames, as [`encode_entry`] writes them; held to what the feed lets in.
fn decode_frames(reader: &mut Reader<'_>) -> Result<ListedVideo, &'static str> {
    let count = u32::from_le_bytes(reader.take().ok_or("a video cut short")?);
    if count > MAX_VIDEO_FRAMES {
        return Err("a video of more frames than any list holds");
    }
    // Checked before anything is allocated for them.
    if (reader.0.len() / FRAME_BYTES) < count as usize {
        return Err("a video cut short");
    }
    let mut video = ListedVideo::default();
    video.frames.reserve_exact(count as usize);
    for number in 0..u64::from(count) {
        let frame = (|| {
            let hash = PdqHash::from_bytes(reader.take()?);
            let [quality] = reader.take()?;
            let timestamp = f64::from_le_bytes(reader.take()?);
            Some((hash, quality, timestamp))
        })();
        let (hash, quality, timestamp) = frame.ok_or("a video cut short")?;
        if quality > 100 || !timestamp.is_finite() {
            return Err("a malformed video frame");
        }
        video.frames.push(VpdqFrame {
            frame: number,
            hash,
            quality,
            timestamp,
        });
    }
    Ok(video)
}

/// A journal record, as read.
#[derive(Debug, PartialEq)]
enum Record {
    /// A change at its position.
    Change(i64, ListChange),
    /// The chain's head after the change at that position.
    Head(i64, ChainHead),
}

fn decode_record(record: &[u8], format: Format) -> Option<Record> {
    let body = check_crc(record)?;
    let mut reader = Reader(body);
    let seq = i64::from_le_bytes(reader.take()?);
    let [op] = reader.take()?;
    let op = match op {
        1 => ChangeOp::Add,
        2 => ChangeOp::Remove,
        OP_HEAD if format == Format::WithVideos => {
            let head = ChainHead::from_bytes(reader.take()?);
            let padding: [u8; RECORD_HEAD_BYTES - 8 - 1 - 32] = reader.take()?;
            return (padding == [0; 10] && reader.0.is_empty()).then_some(Record::Head(seq, head));
        }
        _ => return None,
    };
    let entry = decode_entry(&mut reader, format).ok()?;
    reader
        .0
        .is_empty()
        .then_some(Record::Change(seq, ListChange { op, entry }))
}

/// Reads fixed-size fields off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn slice(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain head to save and read back.
    fn head(n: u8) -> ChainHead {
        ChainHead::from_bytes([n; 32])
    }

    fn change(id: i64, op: ChangeOp, byte: u8) -> ListChange {
        ListChange {
            op,
            entry: ListEntry {
                id,
                hash: match id % 3 {
                    0 => ListedHash::Pdq(PdqHash::from_bytes([byte; 32])),
                    1 => ListedHash::Md5(Md5Digest([byte; 16])),
                    _ => ListedHash::Sha256(Sha256Digest([byte; 32])),
                },
                verified: id % 2 == 0,
                video: None,
            },
        }
    }

    fn sorted(list: &SourceList) -> Vec<ListEntry> {
        let mut entries = list.entries();
        entries.sort_by_key(|e| e.id);
        entries
    }

    #[test]
    fn journal_and_snapshot_restore_the_list() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, loaded) = ListFiles::open(dir.path(), "https://a").expect("open");
        assert_eq!(
            (loaded.cursor, loaded.complete, loaded.list.len()),
            (0, false, 0)
        );
        let first: Vec<(i64, ListChange)> = (1..=6)
            .map(|id| (id, change(id, ChangeOp::Add, id as u8)))
            .collect();
        files.append(&first, head(1)).expect("append");
        let changes: Vec<ListChange> = first.iter().map(|(_, c)| c.clone()).collect();
        loaded.list.apply(&changes);
        files
            .write_snapshot(&loaded.list, 6, head(2))
            .expect("snapshot");
        let later = [
            (7, change(2, ChangeOp::Remove, 0)),
            (8, change(3, ChangeOp::Add, 9)),
        ];
        files.append(&later, head(3)).expect("append");
        loaded.list.apply(&[later[0].1.clone(), later[1].1.clone()]);
        drop(files);

        let (files, again) = ListFiles::open(dir.path(), "https://a").expect("reopen");
        assert_eq!((again.cursor, again.complete), (8, true));
        assert_eq!(again.head, Some(head(3)));
        assert_eq!(files.journal_records(), 2);
        assert_eq!(sorted(&again.list), sorted(&loaded.list));

        // Another origin's snapshot is not used.
        let (_, other) = ListFiles::open(dir.path(), "https://b").expect("other");
        assert_eq!(
            (other.cursor, other.complete, other.list.len()),
            (0, false, 0)
        );
    }

    #[test]
    fn a_torn_journal_record_is_cut_off() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, _) = ListFiles::open(dir.path(), "o").expect("open");
        files
            .append(
                &[
                    (1, change(1, ChangeOp::Add, 1)),
                    (2, change(2, ChangeOp::Add, 2)),
                ],
                head(1),
            )
            .expect("append");
        drop(files);
        let path = dir.path().join(JOURNAL_FILE);
        let length = fs::metadata(&path).expect("journal").len();
        let file = OpenOptions::new().write(true).open(&path).expect("journal");
        // Into the head record: the changes are kept, but their head is unknown.
        file.set_len(length - 5).expect("truncate");
        let (files, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!(
            (loaded.cursor, loaded.list.len(), loaded.head),
            (2, 2, None)
        );
        drop(files);
        // Into the second change: the first is kept, and no head says where it led.
        let head_record = (RECORD_HEAD_BYTES + CRC_BYTES) as u64;
        file.set_len(length - head_record - 5).expect("truncate");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!(
            (loaded.cursor, loaded.list.len(), loaded.head),
            (1, 1, None)
        );
        // Appending after the cut continues cleanly.
        files
            .append(&[(2, change(2, ChangeOp::Add, 2))], head(4))
            .expect("append");
        drop(files);
        let (_, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((loaded.cursor, loaded.list.len()), (2, 2));
        assert_eq!(loaded.head, Some(head(4)));
    }

    /// A snapshot file holding no entries, at `generation` and `cursor`.
    fn write_bare_snapshot(dir: &Path, origin: &str, generation: u64, cursor: i64) {
        let mut bytes = Format::WithVideos.snapshot_magic().to_vec();
        bytes.extend_from_slice(&generation.to_le_bytes());
        bytes.extend_from_slice(&cursor.to_le_bytes());
        bytes.extend_from_slice(&(origin.len() as u32).to_le_bytes());
        bytes.extend_from_slice(origin.as_bytes());
        bytes.extend_from_slice(&0u64.to_le_bytes());
        takeback_durable::push_crc(&mut bytes, 0);
        fs::write(dir.join(SNAPSHOT_FILE), bytes).expect("write");
    }

    #[test]
    fn the_largest_generation_and_cursor_neither_overflow() {
        // Found writing the matcher_state fuzz target (reproducer in fuzz/regressions/): a
        // snapshot at generation u64::MAX could not be saved again, and one at cursor
        // i64::MAX could not replay a journal record after it.
        let dir = tempfile::tempdir().expect("temporary directory");
        write_bare_snapshot(dir.path(), "o", u64::MAX, i64::MAX);
        let mut journal = journal_header(Format::WithVideos, u64::MAX, "o").to_vec();
        encode_record(i64::MIN, &change(1, ChangeOp::Add, 1), &mut journal);
        fs::write(dir.path().join(JOURNAL_FILE), journal).expect("write");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        assert_eq!((loaded.cursor, loaded.list.len()), (i64::MAX, 0));
        assert_eq!(
            files.journal_records(),
            0,
            "the record after the end is dropped"
        );
        files
            .write_snapshot(&loaded.list, i64::MAX, head(2))
            .expect("snapshot");
        drop(files);
        let (_, again) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((again.cursor, again.complete), (i64::MAX, true));
    }

    #[test]
    fn a_damaged_snapshot_is_set_aside() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        loaded.list.apply(&[change(1, ChangeOp::Add, 1)]);
        files
            .write_snapshot(&loaded.list, 1, head(2))
            .expect("snapshot");
        drop(files);
        let path = dir.path().join(SNAPSHOT_FILE);
        let mut bytes = fs::read(&path).expect("snapshot");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        fs::write(&path, bytes).expect("write");
        let (_, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!(
            (loaded.cursor, loaded.complete, loaded.list.len()),
            (0, false, 0)
        );
        assert!(dir.path().join("list.snapshot.damaged").exists());
    }

    /// A video of `frames` frames, each different in hash, quality and timestamp.
    fn video(id: i64, frames: u8, verified: bool, op: ChangeOp) -> ListChange {
        let frames = (0..frames)
            .map(|n| VpdqFrame {
                frame: u64::from(n),
                hash: PdqHash::from_bytes([n.wrapping_mul(31) ^ id as u8; 32]),
                quality: 40 + n % 61,
                timestamp: f64::from(n) * 1.001 + 0.25,
            })
            .collect();
        ListChange {
            op,
            entry: ListEntry {
                id,
                hash: ListedHash::Sha256(Sha256Digest([id as u8; 32])),
                verified,
                video: Some(Arc::new(ListedVideo { frames })),
            },
        }
    }

    fn numbered(from: i64, changes: Vec<ListChange>) -> Vec<(i64, ListChange)> {
        (from..).zip(changes).collect()
    }

    fn apply(list: &SourceList, changes: &[(i64, ListChange)]) {
        let changes: Vec<ListChange> = changes.iter().map(|(_, c)| c.clone()).collect();
        list.apply(&changes);
    }

    #[test]
    fn videos_survive_a_snapshot_a_journal_and_a_restart() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        let first = numbered(
            1,
            vec![
                change(1, ChangeOp::Add, 1),
                video(2, 5, true, ChangeOp::Add),
                video(3, 1, false, ChangeOp::Add),
                change(4, ChangeOp::Add, 4),
                video(5, 200, false, ChangeOp::Add),
            ],
        );
        files.append(&first, head(1)).expect("append");
        apply(&loaded.list, &first);
        files
            .write_snapshot(&loaded.list, 5, head(2))
            .expect("snapshot");
        // After the snapshot: a video replaced by another, one removed as the feed removes
        // it (no frames), a picture's entry turned into a video, a new video.
        let later = numbered(
            6,
            vec![
                video(2, 7, false, ChangeOp::Add),
                video(3, 0, false, ChangeOp::Remove),
                video(4, 3, true, ChangeOp::Add),
                video(6, 2, true, ChangeOp::Add),
            ],
        );
        files.append(&later, head(1)).expect("append");
        apply(&loaded.list, &later);
        drop(files);

        let (files, again) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!(
            (again.cursor, again.complete, again.refetch),
            (9, true, false)
        );
        assert_eq!(files.journal_records(), 4);
        let held = sorted(&again.list);
        assert_eq!(held, sorted(&loaded.list));
        let frames: Vec<usize> = held
            .iter()
            .map(|e| e.video.as_ref().map_or(0, |v| v.frames.len()))
            .collect();
        assert_eq!(frames, [0, 7, 3, 200, 2]);
    }

    #[test]
    fn a_removal_keeps_the_video_it_carries() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, _) = ListFiles::open(dir.path(), "o").expect("open");
        let changes = numbered(
            1,
            vec![
                video(1, 0, true, ChangeOp::Remove),
                video(2, 2, false, ChangeOp::Remove),
            ],
        );
        files.append(&changes, head(1)).expect("append");
        drop(files);
        let journal = fs::read(dir.path().join(JOURNAL_FILE)).expect("journal");
        let mut reader = &journal[24..];
        for (seq, expected) in &changes {
            let mut record = Vec::new();
            assert!(
                read_record(&mut reader, Format::WithVideos, u64::MAX, &mut record).expect("read")
            );
            let decoded = decode_record(&record, Format::WithVideos).expect("a record");
            assert_eq!(decoded, Record::Change(*seq, expected.clone()));
        }
        let mut record = Vec::new();
        assert!(read_record(&mut reader, Format::WithVideos, u64::MAX, &mut record).expect("read"));
        assert_eq!(
            decode_record(&record, Format::WithVideos),
            Some(Record::Head(2, head(1)))
        );
        assert!(reader.is_empty());
    }

    #[test]
    fn a_video_record_cut_anywhere_loses_only_that_record() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (mut files, _) = ListFiles::open(dir.path(), "o").expect("open");
        files
            .append(
                &numbered(1, vec![video(1, 3, true, ChangeOp::Add)]),
                head(1),
            )
            .expect("append");
        let path = dir.path().join(JOURNAL_FILE);
        let kept = fs::metadata(&path).expect("journal").len() as usize;
        files
            .append(
                &numbered(2, vec![video(2, 4, false, ChangeOp::Add)]),
                head(2),
            )
            .expect("append");
        drop(files);
        let whole = fs::read(&path).expect("journal");
        let video_record = RECORD_HEAD_BYTES + 4 + 4 * FRAME_BYTES + 4;
        let head_record = RECORD_HEAD_BYTES + CRC_BYTES;
        assert_eq!(whole.len() - kept, video_record + head_record);
        for cut in kept..whole.len() {
            fs::write(&path, &whole[..cut]).expect("write");
            let (files, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
            // Cut in the video, the page is lost; cut in its head record, only the head.
            let (expected, length) = if cut < kept + video_record {
                ((1, 1, 1, Some(head(1))), kept)
            } else {
                ((2, 2, 2, None), kept + video_record)
            };
            assert_eq!(
                (
                    loaded.cursor,
                    loaded.list.len(),
                    files.journal_records(),
                    loaded.head
                ),
                expected,
                "cut at {cut}"
            );
            drop(files);
            assert_eq!(fs::metadata(&path).expect("journal").len() as usize, length);
        }
        fs::write(&path, &whole).expect("write");
        let (_, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((loaded.cursor, loaded.list.len()), (2, 2));
    }

    /// A journal record for video `id` whose frame count is `count`, with no frames after
    /// it, and a CRC that matches.
    fn record_claiming_frames(seq: i64, id: i64, count: u32) -> Vec<u8> {
        let mut record = Vec::new();
        encode_record(seq, &video(id, 0, true, ChangeOp::Add), &mut record);
        record.truncate(record.len() - CRC_BYTES - 4);
        record.extend_from_slice(&count.to_le_bytes());
        takeback_durable::push_crc(&mut record, 0);
        record
    }

    #[test]
    fn a_damaged_frame_count_in_the_journal_is_refused_not_allocated() {
        // u32::MAX frames would ask for hundreds of gigabytes if the count sized anything.
        for count in [u32::MAX, MAX_VIDEO_FRAMES + 1, MAX_VIDEO_FRAMES, 1] {
            let dir = tempfile::tempdir().expect("temporary directory");
            let mut journal = journal_header(Format::WithVideos, 0, "o").to_vec();
            encode_record(1, &video(1, 2, true, ChangeOp::Add), &mut journal);
            journal.extend_from_slice(&record_claiming_frames(2, 2, count));
            // Enough bytes after it that only the bound refuses the largest counts.
            journal.extend_from_slice(&[0; 4096]);
            fs::write(dir.path().join(JOURNAL_FILE), &journal).expect("write");
            let (files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
            assert_eq!(
                (loaded.cursor, loaded.list.len(), files.journal_records()),
                (1, 1, 1),
                "{count} frames"
            );
        }
    }

    /// A snapshot of the new format holding `entries` as encoded, at cursor 1.
    fn write_snapshot_bytes(dir: &Path, count: u64, entries: &[u8]) {
        let mut bytes = Format::WithVideos.snapshot_magic().to_vec();
        bytes.extend_from_slice(&1u64.to_le_bytes());
        bytes.extend_from_slice(&1i64.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(b"o");
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(entries);
        takeback_durable::push_crc(&mut bytes, 0);
        fs::write(dir.join(SNAPSHOT_FILE), bytes).expect("write");
    }

    #[test]
    fn a_damaged_video_in_a_snapshot_sets_it_aside() {
        let good = {
            let mut entry = Vec::new();
            encode_entry(&video(1, 2, true, ChangeOp::Add).entry, &mut entry);
            entry
        };
        let frames_at = ENTRY_BYTES;
        let with_count = |count: u32| {
            let mut entry = good.clone();
            entry[frames_at..frames_at + 4].copy_from_slice(&count.to_le_bytes());
            entry
        };
        let first_frame = frames_at + 4;
        let mut bad_quality = good.clone();
        bad_quality[first_frame + 32] = 101;
        let mut bad_timestamp = good.clone();
        bad_timestamp[first_frame + 33..first_frame + 41]
            .copy_from_slice(&f64::INFINITY.to_le_bytes());
        let cases = [
            (
                with_count(u32::MAX),
                "a video of more frames than any list holds",
            ),
            (
                with_count(MAX_VIDEO_FRAMES + 1),
                "a video of more frames than any list holds",
            ),
            (with_count(3), "a video cut short"),
            (with_count(1), "longer than its entries"),
            (good[..good.len() - 1].to_vec(), "a video cut short"),
            (bad_quality, "a malformed video frame"),
            (bad_timestamp, "a malformed video frame"),
        ];
        for (entry, reason) in cases {
            let dir = tempfile::tempdir().expect("temporary directory");
            write_snapshot_bytes(dir.path(), 1, &entry);
            match read_snapshot(&dir.path().join(SNAPSHOT_FILE)) {
                Err(StateError::Damaged { reason: said, .. }) => assert_eq!(said, reason),
                other => panic!("{reason}: {:?}", other.map(|s| s.map(|s| s.entries))),
            }
            let (_, loaded) = ListFiles::open(dir.path(), "o").expect("open");
            assert_eq!((loaded.complete, loaded.list.len()), (false, 0), "{reason}");
            assert!(
                dir.path().join("list.snapshot.damaged").exists(),
                "{reason}"
            );
        }
        // A damaged entry count, too, allocates nothing before it is refused.
        let dir = tempfile::tempdir().expect("temporary directory");
        write_snapshot_bytes(dir.path(), u64::MAX, &good);
        assert!(matches!(
            read_snapshot(&dir.path().join(SNAPSHOT_FILE)),
            Err(StateError::Damaged { reason, .. }) if reason == "too short for its entry count"
        ));
    }

    /// An entry as matchers before videos wrote it: always 42 bytes.
    fn old_entry(entry: &ListEntry) -> Vec<u8> {
        assert!(entry.video.is_none(), "the old format holds no videos");
        let mut bytes = Vec::new();
        encode_entry(entry, &mut bytes);
        assert_eq!(bytes.len(), ENTRY_BYTES);
        bytes
    }

    /// A `TBLIST01` snapshot, as matchers before videos wrote it.
    fn write_old_snapshot(
        dir: &Path,
        origin: &str,
        generation: u64,
        cursor: i64,
        entries: &[ListEntry],
    ) {
        let mut bytes = b"TBLIST01".to_vec();
        bytes.extend_from_slice(&generation.to_le_bytes());
        bytes.extend_from_slice(&cursor.to_le_bytes());
        bytes.extend_from_slice(&(origin.len() as u32).to_le_bytes());
        bytes.extend_from_slice(origin.as_bytes());
        bytes.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for entry in entries {
            bytes.extend_from_slice(&old_entry(entry));
        }
        takeback_durable::push_crc(&mut bytes, 0);
        fs::write(dir.join(SNAPSHOT_FILE), bytes).expect("write");
    }

    /// A `TBJRNL01` journal: its header, then 55-byte records.
    fn write_old_journal(dir: &Path, origin: &str, generation: u64, changes: &[(i64, ListChange)]) {
        let mut bytes = b"TBJRNL01".to_vec();
        bytes.extend_from_slice(&generation.to_le_bytes());
        bytes.extend_from_slice(&takeback_durable::crc32(origin.as_bytes()).to_le_bytes());
        bytes.extend_from_slice(&[0; 4]);
        for (seq, change) in changes {
            let start = bytes.len();
            bytes.extend_from_slice(&seq.to_le_bytes());
            bytes.push(if change.op == ChangeOp::Add { 1 } else { 2 });
            bytes.extend_from_slice(&old_entry(&change.entry));
            takeback_durable::push_crc(&mut bytes, start);
            assert_eq!(bytes.len() - start, 55);
        }
        fs::write(dir.join(JOURNAL_FILE), bytes).expect("write");
    }

    #[test]
    fn old_files_are_read_and_ask_for_a_refetch_until_a_new_snapshot() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let saved: Vec<ListEntry> = (1..=4)
            .map(|id| change(id, ChangeOp::Add, id as u8).entry)
            .collect();
        write_old_snapshot(dir.path(), "o", 3, 4, &saved);
        // The old matcher journaled a video added at 6 as the removal of its id.
        let journal = numbered(
            5,
            vec![
                change(2, ChangeOp::Remove, 0),
                change(6, ChangeOp::Remove, 0),
                change(7, ChangeOp::Add, 7),
            ],
        );
        write_old_journal(dir.path(), "o", 3, &journal);
        // A torn last record is cut off, as before.
        let path = dir.path().join(JOURNAL_FILE);
        let mut bytes = fs::read(&path).expect("journal");
        bytes.extend_from_slice(&[1; 30]);
        fs::write(&path, &bytes).expect("write");
        let expected = SourceList::from_entries(saved);
        apply(&expected, &journal);

        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        assert_eq!(
            (loaded.cursor, loaded.complete, loaded.refetch),
            (7, true, true)
        );
        assert_eq!(files.journal_records(), 3);
        assert_eq!(sorted(&loaded.list), sorted(&expected));
        // The journal is in the new format now, and takes videos after the old records.
        let converted = fs::read(&path).expect("journal");
        assert_eq!(&converted[..24], journal_header(Format::WithVideos, 3, "o"));
        let next = numbered(8, vec![video(6, 3, true, ChangeOp::Add)]);
        files.append(&next, head(1)).expect("append");
        apply(&expected, &next);
        drop(files);

        // Until a new snapshot replaces the old one, every start asks for the refetch.
        let (mut files, again) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((again.cursor, again.refetch), (8, true));
        assert_eq!(sorted(&again.list), sorted(&expected));
        files
            .write_snapshot(&again.list, 8, head(2))
            .expect("snapshot");
        drop(files);
        let snapshot = fs::read(dir.path().join(SNAPSHOT_FILE)).expect("snapshot");
        assert_eq!(&snapshot[..8], b"TBLIST03");
        let (_, last) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((last.cursor, last.complete, last.refetch), (8, true, false));
        assert_eq!(last.head, Some(head(2)));
        assert_eq!(sorted(&last.list), sorted(&expected));
    }

    #[test]
    fn an_old_snapshot_alone_asks_for_a_refetch() {
        let dir = tempfile::tempdir().expect("temporary directory");
        write_old_snapshot(dir.path(), "o", 1, 2, &[change(1, ChangeOp::Add, 1).entry]);
        let (files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        assert_eq!(
            (
                loaded.cursor,
                loaded.complete,
                loaded.refetch,
                loaded.list.len()
            ),
            (2, true, true, 1)
        );
        assert_eq!(files.journal_records(), 0);
        // Another origin's old snapshot is set aside, as a new one is: nothing to refetch.
        drop(files);
        let (_, other) = ListFiles::open(dir.path(), "p").expect("open");
        assert_eq!(
            (other.complete, other.refetch, other.list.len()),
            (false, false, 0)
        );
    }

    #[test]
    fn an_old_journal_without_an_old_snapshot_is_dropped() {
        // A first fetch the old matcher never finished: from the start again, by the feed.
        let dir = tempfile::tempdir().expect("temporary directory");
        write_old_journal(
            dir.path(),
            "o",
            0,
            &numbered(
                1,
                vec![change(1, ChangeOp::Add, 1), change(2, ChangeOp::Remove, 0)],
            ),
        );
        let (files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        assert_eq!(
            (
                loaded.cursor,
                loaded.complete,
                loaded.refetch,
                loaded.list.len()
            ),
            (0, false, false, 0)
        );
        assert_eq!(files.journal_records(), 0);
        let journal = fs::read(dir.path().join(JOURNAL_FILE)).expect("journal");
        assert_eq!(journal, journal_header(Format::WithVideos, 0, "o"));
    }

    #[test]
    fn the_old_format_holds_no_videos() {
        let mut entry = video(1, 1, true, ChangeOp::Add).entry;
        entry.video = None;
        let mut bytes = Vec::new();
        encode_entry(&entry, &mut bytes);
        bytes[8] = KIND_VIDEO;
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut snapshot = b"TBLIST01".to_vec();
        snapshot.extend_from_slice(&[0; 20]);
        snapshot.extend_from_slice(&1u64.to_le_bytes());
        snapshot.extend_from_slice(&bytes);
        snapshot.extend_from_slice(&0u32.to_le_bytes());
        takeback_durable::push_crc(&mut snapshot, 0);
        fs::write(dir.path().join(SNAPSHOT_FILE), snapshot).expect("write");
        assert!(matches!(
            read_snapshot(&dir.path().join(SNAPSHOT_FILE)),
            Err(StateError::Damaged { reason, .. }) if reason == "an entry of unknown kind"
        ));
    }
}
