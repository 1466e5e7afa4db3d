//! The outbox on disk: outcomes kept until the hotline has acknowledged them.
//!
//! Each outcome is appended to the journal `outcomes-<g>.log` and synced before it is
//! acknowledged. To send, the counts so far are sealed into `sealed-<g>.json` (written
//! whole and renamed into place), each batch with a random `batch_id` the hotline uses to
//! count a retried batch once; then journal `g + 1` is started and journal `g` deleted. A
//! journal whose sealed file exists has been counted already and is dropped at start-up.
//! A sealed file is deleted when every batch in it has been acknowledged.
//!
//! Every crash is safe because of the order: a sealed file covers every journal up to its
//! generation; the next journal exists before the sealed file does; a sealed file's
//! batches are sent only once the journals it covers are gone (see
//! [`Outbox::sealed_to_send`]); a torn last line of a journal was never acknowledged, and
//! is cut off before anything is appended after it.
//!
//! A batch the hotline refuses as a whole (an unknown entry in it, or too large) is split,
//! and its parts take ids derived from its own (`<id>.<i>`, `<id>.h0`, `<id>.h1`): the
//! same batch splits the same way every time, so a part resent after a crash (when the
//! sealed file still holds the whole batch) is counted once.

use crate::error::{StateError, io_error};
use crate::types::{OutcomeKind, OutcomeReport};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use takeback_durable::sync_dir;
use takeback_wire::{FeedbackBatch, FeedbackItem, hex};

/// Most entries in one feedback batch (the hotline takes up to 10,000).
const BATCH_ITEMS: usize = 5_000;

/// Largest feedback batch, in bytes of JSON: three quarters of the hotline's default body
/// limit (256 KiB), so that a batch fits with room to spare. A hotline that set a lower
/// limit answers 413, and the batch is then halved until it fits (see outcomes.rs).
pub(crate) const BATCH_BYTES: usize = 192 * 1024;

/// Cuts `items` into batches of at most [`BATCH_ITEMS`] entries and [`BATCH_BYTES`] bytes.
fn batches_of(items: &[FeedbackItem]) -> Vec<Vec<FeedbackItem>> {
    // The batch's own JSON around its items: the id and the brackets.
    const FRAME: usize = 96;
    let mut batches = Vec::new();
    let mut batch: Vec<FeedbackItem> = Vec::new();
    let mut bytes = FRAME;
    for item in items {
        // An item's JSON and its comma. Serialising four numbers cannot fail.
        let size = serde_json::to_vec(item).map_or(160, |json| json.len()) + 1;
        if !batch.is_empty() && (batch.len() == BATCH_ITEMS || bytes + size > BATCH_BYTES) {
            batches.push(std::mem::take(&mut batch));
            bytes = FRAME;
        }
        batch.push(*item);
        bytes += size;
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// Counts per entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Counts {
    matched: u32,
    removed: u32,
    blocked_upload: u32,
    false_positive: u32,
}

impl Counts {
    fn add(&mut self, kind: OutcomeKind, count: u32) {
        let add = |field: &mut u32| *field = field.saturating_add(count);
        match kind {
            OutcomeKind::Matched => add(&mut self.matched),
            OutcomeKind::Removed => {
                add(&mut self.matched);
                add(&mut self.removed);
            }
            OutcomeKind::BlockedUpload => {
                add(&mut self.matched);
                add(&mut self.blocked_upload);
            }
            OutcomeKind::FalsePositive => add(&mut self.false_positive),
        }
    }
}

/// A sealed file: the batches still to be acknowledged.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Sealed {
    pub(crate) batches: Vec<SealedBatch>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SealedBatch {
    pub(crate) hotline: String,
    /// The hotline's address when the outcomes were recorded: they are never sent to
    /// another (ids mean nothing elsewhere).
    pub(crate) origin: String,
    pub(crate) batch: FeedbackBatch,
}

/// Outcomes on disk.
#[derive(Debug)]
pub(crate) struct Outbox {
    dir: PathBuf,
    open: Mutex<Open>,
    /// See [`Outbox::sending`].
    sending: Mutex<()>,
}

/// Outcomes not yet sealed, by (hotline, its address, entry id).
type Pending = BTreeMap<(String, String, i64), Counts>;

#[derive(Debug)]
struct Open {
    generation: u64,
    journal: File,
    pending: Pending,
}

fn journal_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("outcomes-{generation}.log"))
}

fn sealed_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("sealed-{generation}.json"))
}

/// The generations of the files named `prefix<g>suffix` in `dir`, in order.
fn generations(dir: &Path, prefix: &str, suffix: &str) -> Result<Vec<u64>, StateError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let name = entry.map_err(io_error(dir))?.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(g) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .and_then(|g| g.parse().ok())
        {
            found.push(g);
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// Deletes the journals that sealed file `generation` covers (every one up to it): their
/// outcomes are in it.
fn delete_sealed_journals(dir: &Path, generation: u64) -> Result<(), StateError> {
    let mut deleted = false;
    for g in generations(dir, "outcomes-", ".log")? {
        if g <= generation {
            let path = journal_path(dir, g);
            fs::remove_file(&path).map_err(io_error(&path))?;
            deleted = true;
        }
    }
    if deleted {
        sync_dir(dir)?;
    }
    Ok(())
}

/// A line of the journal.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    hotline: String,
    origin: String,
    id: i64,
    outcome: OutcomeKind,
    count: u32,
}

impl Outbox {
    /// Opens the outbox in `dir`, recovering outcomes not yet sealed.
    ///
    /// A sealed file covers every journal up to its generation; those journals are
    /// deleted. The others are live: their outcomes are pending, and the newest is
    /// appended to (its last line cut off if a crash left it torn).
    pub(crate) fn open(dir: &Path) -> Result<Outbox, StateError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let sealed = generations(dir, "sealed-", ".json")?;
        if let Some(&newest) = sealed.last() {
            delete_sealed_journals(dir, newest)?;
        }
        let live = generations(dir, "outcomes-", ".log")?;
        let mut pending = Pending::new();
        for &g in &live {
            let path = journal_path(dir, g);
            let file = File::open(&path).map_err(io_error(&path))?;
            // Read as bytes: a line a crash left as garbage (not even UTF-8) is dropped
            // like any other damaged line, rather than stopping the matcher.
            for line in BufReader::new(file).split(b'\n') {
                let line = line.map_err(io_error(&path))?;
                // A line cut short by a crash was never acknowledged.
                if let Ok(line) = serde_json::from_slice::<Line>(&line) {
                    pending
                        .entry((line.hotline, line.origin, line.id))
                        .or_default()
                        .add(line.outcome, line.count);
                }
            }
        }
        // Each seal moves to the next number; a file named near the end of the numbers
        // (copied in by hand, say) would leave none to move to.
        if let Some(&newest) = live.iter().chain(&sealed).max()
            && newest >= u64::MAX / 2
        {
            return Err(StateError::Damaged {
                path: journal_path(dir, newest),
                reason: "its number is too large to count on from; move the outcomes folder aside"
                    .into(),
            });
        }
        let generation = match live.last() {
            Some(&newest) => newest,
            None => sealed.last().map_or(0, |g| g + 1),
        };
        let path = journal_path(dir, generation);
        let journal = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_error(&path))?;
        // Appending after a torn line would spoil the next one: cut it off.
        let bytes = fs::read(&path).map_err(io_error(&path))?;
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        takeback_durable::truncate(&journal, &path, whole as u64)?;
        sync_dir(dir)?;
        Ok(Outbox {
            dir: dir.to_owned(),
            open: Mutex::new(Open {
                generation,
                journal,
                pending,
            }),
            sending: Mutex::new(()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records outcomes durably, all or none; each with its hotline's address.
    pub(crate) fn record(&self, reports: &[(OutcomeReport, String)]) -> Result<(), StateError> {
        let mut bytes = Vec::new();
        for (report, origin) in reports {
            let line = Line {
                hotline: report.source.clone(),
                origin: origin.clone(),
                id: report.id,
                outcome: report.kind,
                count: report.count,
            };
            // Serialising plain strings and numbers cannot fail.
            if serde_json::to_writer(&mut bytes, &line).is_ok() {
                bytes.push(b'\n');
            }
        }
        let mut open = self.lock();
        let path = journal_path(&self.dir, open.generation);
        takeback_durable::append(&mut open.journal, &path, &bytes)?;
        for (report, origin) in reports {
            open.pending
                .entry((report.source.clone(), origin.clone(), report.id))
                .or_default()
                .add(report.kind, report.count);
        }
        metrics::counter!("takeback_matcher_outcomes_recorded_total")
            .increment(reports.len() as u64);
        metrics::gauge!("takeback_matcher_outcomes_pending").set(open.pending.len() as f64);
        Ok(())
    }

    /// Seals the pending counts into batches, if there are any.
    ///
    /// The order makes every crash safe: the next journal exists before the sealed file
    /// does, so new outcomes never go to a journal that is sealed; the sealed file is
    /// complete before the journals it covers are deleted; and it is not sent until they
    /// are (see [`Outbox::sealed_to_send`]).
    pub(crate) fn seal(&self) -> Result<(), StateError> {
        let mut open = self.lock();
        if open.pending.is_empty() {
            return Ok(());
        }
        let mut by_hotline: BTreeMap<(String, String), Vec<FeedbackItem>> = BTreeMap::new();
        for ((hotline, origin, id), counts) in &open.pending {
            by_hotline
                .entry((hotline.clone(), origin.clone()))
                .or_default()
                .push(FeedbackItem {
                    id: *id,
                    matched: counts.matched,
                    removed: counts.removed,
                    blocked_upload: counts.blocked_upload,
                    false_positive: counts.false_positive,
                });
        }
        let mut sealed = Sealed::default();
        for ((hotline, origin), items) in by_hotline {
            for chunk in batches_of(&items) {
                sealed.batches.push(SealedBatch {
                    hotline: hotline.clone(),
                    origin: origin.clone(),
                    batch: FeedbackBatch {
                        batch_id: Some(batch_id()),
                        items: chunk,
                    },
                });
            }
        }
        let generation = open.generation;
        let next = journal_path(&self.dir, generation + 1);
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&next)
            .map_err(io_error(&next))?;
        sync_dir(&self.dir)?;
        write_sealed(&self.dir, generation, &sealed)?;
        open.journal = journal;
        open.generation = generation + 1;
        open.pending.clear();
        metrics::gauge!("takeback_matcher_outcomes_pending").set(0.0);
        drop(open);
        delete_sealed_journals(&self.dir, generation)
    }

    /// Held while sealed files are sent, so that two flushes do not send one batch twice
    /// at once.
    pub(crate) fn sending(&self) -> MutexGuard<'_, ()> {
        self.sending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generations of the sealed files, oldest first.
    pub(crate) fn sealed_generations(&self) -> Result<Vec<u64>, StateError> {
        generations(&self.dir, "sealed-", ".json")
    }

    /// The batches of sealed file `generation`, once the journals it covers are gone:
    /// were one left, its outcomes would be counted again after a restart. `None` if the
    /// file is damaged; it is then set aside (logged, renamed `.json.damaged`).
    pub(crate) fn sealed_to_send(&self, generation: u64) -> Result<Option<Sealed>, StateError> {
        delete_sealed_journals(&self.dir, generation)?;
        let path = sealed_path(&self.dir, generation);
        match read_sealed(&path) {
            Ok(sealed) => Ok(Some(sealed)),
            Err(error) => {
                tracing::error!(error = %error, "cannot read unsent outcomes; they are set aside");
                let _ = fs::rename(&path, path.with_extension("json.damaged"));
                Ok(None)
            }
        }
    }

    /// Keeps the batches of sealed file `generation` not yet acknowledged (deleting the
    /// file when there are none).
    pub(crate) fn keep_unsent(&self, generation: u64, sealed: &Sealed) -> Result<(), StateError> {
        write_sealed(&self.dir, generation, sealed)
    }
}

fn write_sealed(dir: &Path, generation: u64, sealed: &Sealed) -> Result<(), StateError> {
    let path = sealed_path(dir, generation);
    if sealed.batches.is_empty() {
        return match fs::remove_file(&path) {
            Ok(()) => Ok(sync_dir(dir)?),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(io_error(&path)(error)),
        };
    }
    takeback_durable::replace(&path, |out| Ok(serde_json::to_writer(out, sealed)?))?;
    Ok(())
}

fn read_sealed(path: &Path) -> Result<Sealed, StateError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    serde_json::from_slice(&bytes).map_err(|e| StateError::Damaged {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// A random batch id: 128 bits, hex.
fn batch_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness, the time still makes a fresh id for this matcher.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    hex::encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn report(id: i64, kind: OutcomeKind, count: u32) -> (OutcomeReport, String) {
        let report = OutcomeReport {
            source: "h".into(),
            id,
            kind,
            count,
        };
        (report, "https://h".into())
    }

    #[test]
    fn batches_stay_under_the_byte_limit_whatever_the_counts() {
        let items: Vec<FeedbackItem> = (0..12_000)
            .map(|i| FeedbackItem {
                id: i64::MAX - i,
                matched: u32::MAX,
                removed: u32::MAX,
                blocked_upload: u32::MAX,
                false_positive: u32::MAX,
            })
            .collect();
        let batches = batches_of(&items);
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), items.len());
        for items in batches {
            let batch = FeedbackBatch {
                batch_id: Some(batch_id()),
                items,
            };
            let size = serde_json::to_vec(&batch).unwrap().len();
            assert!(size <= BATCH_BYTES, "{size}");
        }
    }

    #[test]
    fn outcomes_survive_a_restart_and_sealing_counts_them_once() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let outbox = Outbox::open(dir.path()).expect("open");
        outbox
            .record(&[
                report(1, OutcomeKind::Removed, 2),
                report(1, OutcomeKind::FalsePositive, 1),
            ])
            .expect("record");
        outbox
            .record(&[report(2, OutcomeKind::Matched, 1)])
            .expect("record");
        drop(outbox);
        let outbox = Outbox::open(dir.path()).expect("reopen");
        let counts = |outbox: &Outbox| outbox.lock().pending.clone();
        let expected = BTreeMap::from([
            (
                ("h".to_owned(), "https://h".to_owned(), 1),
                Counts {
                    matched: 2,
                    removed: 2,
                    false_positive: 1,
                    ..Counts::default()
                },
            ),
            (
                ("h".to_owned(), "https://h".to_owned(), 2),
                Counts {
                    matched: 1,
                    ..Counts::default()
                },
            ),
        ]);
        assert_eq!(counts(&outbox), expected);
        outbox.seal().expect("seal");
        assert!(counts(&outbox).is_empty());
        drop(outbox);
        // Sealed counts are not pending again after a restart.
        let outbox = Outbox::open(dir.path()).expect("reopen");
        assert!(counts(&outbox).is_empty());
        let sealed_files = generations(dir.path(), "sealed-", ".json").expect("list");
        assert_eq!(sealed_files.len(), 1);
        let sealed = read_sealed(&sealed_path(dir.path(), sealed_files[0])).expect("sealed");
        assert_eq!(sealed.batches.len(), 1);
        assert_eq!(sealed.batches[0].batch.items.len(), 2);
    }

    #[test]
    fn a_journal_line_that_is_not_text_is_dropped_and_the_rest_is_kept() {
        // Found by the matcher_outbox fuzz target: a line of bytes that are not UTF-8 made
        // opening the outbox fail, so the matcher could not start.
        let dir = tempfile::tempdir().expect("temporary directory");
        let line = |id: i64| {
            format!(
                "{{\"hotline\":\"h\",\"origin\":\"https://h\",\"id\":{id},\"outcome\":\"matched\",\"count\":1}}\n"
            )
        };
        let mut journal = line(1).into_bytes();
        journal.extend_from_slice(b"\xff\xfe{\"hotline\"\n");
        journal.extend_from_slice(line(2).as_bytes());
        journal.extend_from_slice(b"\x80\x81");
        std::fs::write(journal_path(dir.path(), 0), journal).expect("write");
        let outbox = Outbox::open(dir.path()).expect("open");
        let ids: Vec<i64> = outbox.lock().pending.keys().map(|k| k.2).collect();
        assert_eq!(ids, [1, 2]);
    }

    #[test]
    fn a_journal_left_behind_by_a_crash_is_not_counted_twice_and_a_torn_line_is_cut() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let outbox = Outbox::open(dir.path()).expect("open");
        outbox
            .record(&[report(1, OutcomeKind::Matched, 1)])
            .expect("record");
        let sealed_generation = outbox.lock().generation;
        outbox.seal().expect("seal");
        drop(outbox);
        // A crash between writing the sealed file and deleting the journal it covers.
        std::fs::write(
            journal_path(dir.path(), sealed_generation),
            "{\"hotline\":\"h\",\"origin\":\"https://h\",\"id\":1,\"outcome\":\"matched\",\"count\":1}\n",
        )
        .expect("write");
        let outbox = Outbox::open(dir.path()).expect("reopen");
        assert!(outbox.lock().pending.is_empty(), "already sealed");
        assert!(!journal_path(dir.path(), sealed_generation).exists());
        // A torn last line: dropped, and the next record still reads.
        outbox
            .record(&[report(2, OutcomeKind::Removed, 1)])
            .expect("record");
        let current = journal_path(dir.path(), outbox.lock().generation);
        drop(outbox);
        let mut file = OpenOptions::new()
            .append(true)
            .open(&current)
            .expect("journal");
        file.write_all(b"{\"hotline\":\"h\",\"ori").expect("tear");
        drop(file);
        let outbox = Outbox::open(dir.path()).expect("reopen");
        outbox
            .record(&[report(3, OutcomeKind::Matched, 1)])
            .expect("record");
        drop(outbox);
        let outbox = Outbox::open(dir.path()).expect("reopen");
        let ids: Vec<i64> = outbox.lock().pending.keys().map(|k| k.2).collect();
        assert_eq!(ids, [2, 3]);
    }

    #[test]
    fn a_journal_numbered_near_the_end_of_the_numbers_is_refused_not_overflowed() {
        let dir = tempfile::tempdir().expect("dir");
        for name in [
            format!("outcomes-{}.log", u64::MAX),
            format!("sealed-{}.json", u64::MAX - 1),
        ] {
            let _ = fs::remove_dir_all(dir.path());
            fs::create_dir_all(dir.path()).expect("dir");
            fs::write(dir.path().join(&name), b"").expect("write");
            match Outbox::open(dir.path()) {
                Err(StateError::Damaged { reason, .. }) => {
                    assert!(reason.contains("too large"), "{reason}")
                }
                Err(other) => panic!("{name}: {other}"),
                Ok(_) => panic!("{name}: opened"),
            }
        }
    }
}
