//! A followed list on disk: a snapshot of the whole list at a cursor, and a journal of the
//! changes after it, so that a restart resumes where the last durable page left off.
//!
//! Both files carry a generation number: a journal belongs to the snapshot with its
//! generation, and any other journal is stale (its changes are already in the snapshot,
//! or belong to a list the hotline has since replaced). Snapshots are written to a
//! temporary file, synced and renamed over the old one; journal records are synced before
//! the change is applied, and each carries a CRC, so a record cut short by a crash is
//! recognised and dropped.

use crate::error::{StateError, io_error};
use crate::list::{MAX_ENTRY_ID, SourceList};
use crate::types::{ListChange, ListEntry, ListedHash};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use takeback_durable::check_crc;
use takeback_pdq::PdqHash;
use takeback_wire::{ChangeOp, Md5Digest, Sha256Digest};

const SNAPSHOT_MAGIC: &[u8; 8] = b"TBLIST01";
const JOURNAL_MAGIC: &[u8; 8] = b"TBJRNL01";
const SNAPSHOT_FILE: &str = "list.snapshot";
const JOURNAL_FILE: &str = "list.journal";
/// id, kind, verified, value.
const ENTRY_BYTES: usize = 8 + 1 + 1 + 32;
/// seq, op, entry, CRC.
const RECORD_BYTES: usize = 8 + 1 + ENTRY_BYTES + 4;
/// Changes applied to the index at a time when replaying a journal.
const REPLAY_CHUNK: usize = 50_000;

/// What was on disk.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The list at `cursor`.
    pub(crate) list: SourceList,
    /// The feed position of the last change held.
    pub(crate) cursor: i64,
    /// A snapshot existed: the list was complete (caught up with its hotline) once.
    pub(crate) complete: bool,
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
        let (generation, mut cursor, entries) = match snapshot {
            Some(s) => (s.generation, s.cursor, s.entries),
            None => (0, 0, Vec::new()),
        };
        let list = SourceList::from_entries(entries);
        let journal_path = dir.join(JOURNAL_FILE);
        let (journal, journal_records) =
            match replay_journal(&journal_path, generation, origin, &mut cursor, &list)? {
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
                complete,
            },
        ))
    }

    /// Appends changes to the journal and syncs it; only then may they be applied.
    pub(crate) fn append(&mut self, changes: &[(i64, ListChange)]) -> Result<(), StateError> {
        let path = self.dir.join(JOURNAL_FILE);
        let mut bytes = Vec::with_capacity(changes.len() * RECORD_BYTES);
        for (seq, change) in changes {
            let start = bytes.len();
            bytes.extend_from_slice(&seq.to_le_bytes());
            bytes.push(match change.op {
                ChangeOp::Add => 1,
                ChangeOp::Remove => 2,
            });
            encode_entry(&change.entry, &mut bytes);
            takeback_durable::push_crc(&mut bytes, start);
        }
        takeback_durable::append(&mut self.journal, &path, &bytes)?;
        self.journal_records += changes.len() as u64;
        Ok(())
    }

    /// Changes in the journal since the last snapshot.
    pub(crate) fn journal_records(&self) -> u64 {
        self.journal_records
    }

    /// Saves the whole list at `cursor` as the new snapshot and starts an empty journal.
    pub(crate) fn write_snapshot(
        &mut self,
        list: &SourceList,
        cursor: i64,
    ) -> Result<(), StateError> {
        // Generations need only differ from the last one: a damaged (or crafted)
        // snapshot's u64::MAX goes on to 0 rather than overflowing.
        let generation = self.generation.wrapping_add(1);
        let path = self.dir.join(SNAPSHOT_FILE);
        let entries = list.entries();
        takeback_durable::replace_checksummed(&path, |out| {
            out.write_all(SNAPSHOT_MAGIC)?;
            out.write_all(&generation.to_le_bytes())?;
            out.write_all(&cursor.to_le_bytes())?;
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
    origin: String,
    entries: Vec<ListEntry>,
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
    if reader.take::<8>() != Some(*SNAPSHOT_MAGIC) {
        return Err(damaged("not a Takeback list snapshot"));
    }
    let header = (|| {
        let generation = u64::from_le_bytes(reader.take()?);
        let cursor = i64::from_le_bytes(reader.take()?);
        let origin_len = u32::from_le_bytes(reader.take()?) as usize;
        let origin = String::from_utf8(reader.slice(origin_len)?.to_vec()).ok()?;
        let count = u64::from_le_bytes(reader.take()?);
        Some((generation, cursor, origin, count))
    })();
    let Some((generation, cursor, origin, count)) = header else {
        return Err(damaged("truncated header"));
    };
    if reader.0.len() as u64 != count.saturating_mul(ENTRY_BYTES as u64) {
        return Err(damaged("wrong length for its entry count"));
    }
    let entries = reader
        .0
        .chunks_exact(ENTRY_BYTES)
        .map(decode_entry)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| damaged("an entry of unknown kind"))?;
    Ok(Some(Snapshot {
        generation,
        cursor,
        origin,
        entries,
    }))
}

/// Applies the journal's records that follow `cursor` to `list`, advancing `cursor`, and
/// returns the journal opened for appending after its last good record; `None` when it is
/// missing or of another generation (then a new one is started).
fn replay_journal(
    path: &Path,
    generation: u64,
    origin: &str,
    cursor: &mut i64,
    list: &SourceList,
) -> Result<Option<(File, u64)>, StateError> {
    let file = match OpenOptions::new().read(true).append(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    let mut reader = BufReader::with_capacity(1 << 20, &file);
    let mut header = [0u8; 24];
    if reader.read_exact(&mut header).is_err() || header != journal_header(generation, origin) {
        return Ok(None);
    }
    let mut good_bytes = header.len() as u64;
    let mut records = 0u64;
    let mut chunk = Vec::new();
    let mut record = [0u8; RECORD_BYTES];
    loop {
        match reader.read_exact(&mut record) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(error) => return Err(io_error(path)(error)),
        }
        let Some(change) = decode_record(&record) else {
            break;
        };
        let (seq, change) = change;
        // Records come in feed order; anything else is the damaged tail of a crash (a
        // cursor of i64::MAX, from a snapshot, can have no record after it).
        if cursor.checked_add(1) != Some(seq) {
            break;
        }
        *cursor = seq;
        chunk.push(change);
        records += 1;
        good_bytes += RECORD_BYTES as u64;
        if chunk.len() == REPLAY_CHUNK {
            list.apply(&chunk);
            chunk.clear();
        }
    }
    list.apply(&chunk);
    drop(reader);
    let length = file.metadata().map_err(io_error(path))?.len();
    if length != good_bytes {
        tracing::warn!(
            path = %path.display(),
            kept = records,
            dropped_bytes = length - good_bytes,
            "cut a damaged or partly written end off the list's journal"
        );
        takeback_durable::truncate(&file, path, good_bytes)?;
    }
    Ok(Some((file, records)))
}

/// A journal's first bytes: whose changes it holds, after which snapshot.
fn journal_header(generation: u64, origin: &str) -> [u8; 24] {
    let mut header = [0u8; 24];
    header[..8].copy_from_slice(JOURNAL_MAGIC);
    header[8..16].copy_from_slice(&generation.to_le_bytes());
    header[16..20].copy_from_slice(&takeback_durable::crc32(origin.as_bytes()).to_le_bytes());
    header
}

fn new_journal(dir: &Path, generation: u64, origin: &str) -> Result<File, StateError> {
    let path = dir.join(JOURNAL_FILE);
    takeback_durable::replace(&path, |out| {
        out.write_all(&journal_header(generation, origin))
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
    out.push(kind);
    out.push(u8::from(entry.verified));
    out.extend_from_slice(&value);
}

fn decode_entry(bytes: &[u8]) -> Option<ListEntry> {
    let mut reader = Reader(bytes);
    let id = i64::from_le_bytes(reader.take()?);
    let [kind, verified] = reader.take()?;
    let value: [u8; 32] = reader.take()?;
    let hash = match kind {
        1 => ListedHash::Pdq(PdqHash::from_bytes(value)),
        2 => ListedHash::Md5(Md5Digest(value[..16].try_into().ok()?)),
        3 => ListedHash::Sha256(Sha256Digest(value)),
        _ => return None,
    };
    (1..=MAX_ENTRY_ID).contains(&id).then_some(ListEntry {
        id,
        hash,
        verified: verified == 1,
        video: None,
    })
}

fn decode_record(record: &[u8; RECORD_BYTES]) -> Option<(i64, ListChange)> {
    let body = check_crc(record)?;
    let mut reader = Reader(body);
    let seq = i64::from_le_bytes(reader.take()?);
    let [op] = reader.take()?;
    let op = match op {
        1 => ChangeOp::Add,
        2 => ChangeOp::Remove,
        _ => return None,
    };
    let entry = decode_entry(reader.0)?;
    Some((seq, ListChange { op, entry }))
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
        files.append(&first).expect("append");
        let changes: Vec<ListChange> = first.iter().map(|(_, c)| c.clone()).collect();
        loaded.list.apply(&changes);
        files.write_snapshot(&loaded.list, 6).expect("snapshot");
        let later = [
            (7, change(2, ChangeOp::Remove, 0)),
            (8, change(3, ChangeOp::Add, 9)),
        ];
        files.append(&later).expect("append");
        loaded.list.apply(&[later[0].1.clone(), later[1].1.clone()]);
        drop(files);

        let (files, again) = ListFiles::open(dir.path(), "https://a").expect("reopen");
        assert_eq!((again.cursor, again.complete), (8, true));
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
            .append(&[
                (1, change(1, ChangeOp::Add, 1)),
                (2, change(2, ChangeOp::Add, 2)),
            ])
            .expect("append");
        drop(files);
        let path = dir.path().join(JOURNAL_FILE);
        let length = fs::metadata(&path).expect("journal").len();
        let file = OpenOptions::new().write(true).open(&path).expect("journal");
        file.set_len(length - 5).expect("truncate");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((loaded.cursor, loaded.list.len()), (1, 1));
        // Appending after the cut continues cleanly.
        files
            .append(&[(2, change(2, ChangeOp::Add, 2))])
            .expect("append");
        drop(files);
        let (_, loaded) = ListFiles::open(dir.path(), "o").expect("reopen");
        assert_eq!((loaded.cursor, loaded.list.len()), (2, 2));
    }

    /// A snapshot file holding no entries, at `generation` and `cursor`.
    fn write_bare_snapshot(dir: &Path, origin: &str, generation: u64, cursor: i64) {
        let mut bytes = SNAPSHOT_MAGIC.to_vec();
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
        let mut journal = journal_header(u64::MAX, "o").to_vec();
        let mut record = Vec::new();
        record.extend_from_slice(&i64::MIN.to_le_bytes());
        record.push(1);
        encode_entry(&change(1, ChangeOp::Add, 1).entry, &mut record);
        takeback_durable::push_crc(&mut record, 0);
        journal.extend_from_slice(&record);
        fs::write(dir.path().join(JOURNAL_FILE), journal).expect("write");
        let (mut files, loaded) = ListFiles::open(dir.path(), "o").expect("open");
        assert_eq!((loaded.cursor, loaded.list.len()), (i64::MAX, 0));
        assert_eq!(
            files.journal_records(),
            0,
            "the record after the end is dropped"
        );
        files
            .write_snapshot(&loaded.list, i64::MAX)
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
        files.write_snapshot(&loaded.list, 1).expect("snapshot");
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
}
