//! The whole current list for `GET /api/v1/hashlist/snapshot` (issue 19), read as of one
//! moment and written in `takeback_wire::snapshot`'s signed format as it is read.
//!
//! One read transaction holds the moment: the sequence row's position, head and size, and
//! every entry in state `listed` then (on PostgreSQL at REPEATABLE READ; on SQLite a read
//! transaction in WAL mode sees one snapshot of the database). The writer's changes and an
//! entry's state are committed together, so the listed entries are exactly what replaying
//! the feed up to that position gives.

use super::frames::parse_frames;
use super::{Backend, Store, StoreError, algorithm, now_ms, quality};
use crate::model::Algorithm;
use std::collections::HashMap;
use std::io::Write;
use takeback_wire::ListedHash;
use takeback_wire::chain::{ChainHead, FeedSigningKey};
use takeback_wire::snapshot::{SnapshotEntry, SnapshotFrame, SnapshotHeader, SnapshotWriter};
use tokio::sync::mpsc;

/// Entries read per query.
const BATCH: i64 = 20_000;
/// Bytes gathered before they are handed on.
const CHUNK_BYTES: usize = 1 << 20;

/// One listed entry, as the batch query spells it (see [`batch_sql`]).
fn parse_entry(text: &str, frames: &mut HashMap<i64, String>) -> Result<SnapshotEntry, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("a listed entry read as {text:?}"));
    let mut fields = text.split(' ');
    let mut next = || fields.next().ok_or_else(corrupt);
    let id: i64 = next()?.parse().map_err(|_| corrupt())?;
    let algorithm = algorithm(next()?)?;
    let value = next()?;
    let stored_quality: i64 = next()?.parse().map_err(|_| corrupt())?;
    let verified = next()? != "0";
    let corrupt_value = || StoreError::Corrupt(format!("value of entry {id}"));
    let (hash, frames) = if algorithm == Algorithm::Vpdq {
        let identity = value.parse().map_err(|_| corrupt_value())?;
        let text = frames
            .remove(&id)
            .ok_or_else(|| StoreError::Corrupt(format!("video entry {id} has no frames")))?;
        let frames = parse_frames(id, &text)?
            .frames
            .iter()
            .map(|frame| SnapshotFrame {
                hash: frame.hash,
                quality: frame.quality,
                // As the feed gives them (frames.rs: wire_frames).
                timestamp: (frame.timestamp * 1000.0).round() / 1000.0,
            })
            .collect();
        (ListedHash::Sha256(identity), Some(frames))
    } else {
        (
            ListedHash::parse(algorithm, value).map_err(|_| corrupt_value())?,
            None,
        )
    };
    Ok(SnapshotEntry {
        id,
        hash,
        algorithm,
        quality: quality((stored_quality >= 0).then_some(stored_quality)),
        verified,
        frames,
    })
}

/// The next `$2` listed entries after id `$1`, as one text: `id algorithm value quality
/// verified` (quality -1 for none), comma-separated. One row a batch rather than one a
/// entry: SQLite's driver hands each row from its worker thread on its own, and at ten
/// million rows that hand-over, not the reading, was most of the time.
fn batch_sql(backend: Backend) -> String {
    let entry = "CAST(id AS TEXT) || ' ' || algorithm || ' ' || value || ' ' || \
                 CAST(COALESCE(quality, -1) AS TEXT) || ' ' || CAST(verified AS TEXT)";
    let aggregate = match backend {
        Backend::Postgres => format!("string_agg({entry}, ',' ORDER BY id)"),
        Backend::Sqlite => format!("group_concat({entry}, ',')"),
    };
    format!(
        "SELECT {aggregate}, MAX(id) FROM (SELECT id, algorithm, value, quality, verified \
         FROM entries WHERE state = 'listed' AND id > $1 ORDER BY id LIMIT $2) AS batch"
    )
}

/// A snapshot written whole: what it was of, and the digest of its entries (which
/// [`takeback_wire::snapshot::sign_entries`] signs again for another reader).
#[derive(Debug, Clone)]
pub struct SnapshotWritten {
    /// Its header (the time is when it was written).
    pub header: SnapshotHeader,
    /// The SHA-256 of its entries' bytes.
    pub entries_digest: [u8; 32],
    /// Whether all the entries' bytes went into the `keep` file.
    pub kept: bool,
}

impl Store {
    /// Writes the current list as a signed snapshot into `sink` a megabyte or so at a
    /// time, and its entries' bytes (not the header or trailer) into `keep` if given.
    /// Returns `None` when it stopped early because the receiver is gone (the reader went
    /// away).
    pub async fn write_snapshot(
        &self,
        key: &FeedSigningKey,
        sink: &mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
        mut keep: Option<&mut std::fs::File>,
    ) -> Result<Option<SnapshotWritten>, StoreError> {
        let mut tx = self.read.begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let (seq, head, size): (i64, Option<String>, Option<i64>) =
            sqlx::query_as("SELECT last, head, size FROM sequences WHERE name = 'list_changes'")
                .fetch_one(&mut *tx)
                .await?;
        let (head, size) = match (head, size) {
            (Some(head), Some(size)) => (
                head.parse::<ChainHead>()
                    .map_err(|_| StoreError::Corrupt(format!("feed chain head {head:?}")))?,
                size,
            ),
            (None, _) if seq == 0 => (ChainHead::GENESIS, 0),
            _ => return Err(StoreError::Corrupt("the feed's chain is not made".into())),
        };
        let header = SnapshotHeader {
            seq,
            head,
            size,
            time: now_ms(),
            key_id: key.public_key().to_string(),
        };
        let (mut writer, mut chunk) = SnapshotWriter::new(header);
        // Where the entries start in `chunk`: after the header in the first one.
        let mut entries_from = chunk.len();
        // A plain write: a megabyte into the page cache does not hold the runtime up. The
        // copy only spares the next reader a read: if it cannot be written, the reader
        // being served still gets the snapshot.
        let kept = |chunk: &[u8], keep: &mut Option<&mut std::fs::File>| {
            if let Some(file) = keep
                && let Err(error) = file.write_all(chunk)
            {
                tracing::warn!(%error, "cannot keep a copy of the snapshot's entries");
                *keep = None;
            }
        };
        let sql = batch_sql(self.backend());
        let mut after = 0;
        let mut written: i64 = 0;
        loop {
            let (text, last): (Option<String>, Option<i64>) = sqlx::query_as(&sql)
                .bind(after)
                .bind(BATCH)
                .fetch_one(&mut *tx)
                .await?;
            let (Some(text), Some(last)) = (text, last) else {
                break;
            };
            // The batch's videos' frames, by id.
            let mut frames: HashMap<i64, String> = sqlx::query_as(
                "SELECT ef.entry_id, ef.frames FROM entry_frames ef \
                 JOIN entries e ON e.id = ef.entry_id \
                 WHERE e.state = 'listed' AND e.id > $1 AND e.id <= $2",
            )
            .bind(after)
            .bind(last)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
            let mut entries = text
                .split(',')
                .map(|entry| parse_entry(entry, &mut frames))
                .collect::<Result<Vec<_>, _>>()?;
            // In id order whatever order the aggregate kept.
            entries.sort_unstable_by_key(|entry| entry.id);
            after = last;
            for entry in entries {
                writer.entry(&entry, &mut chunk);
                written += 1;
                if chunk.len() >= CHUNK_BYTES {
                    kept(&chunk[entries_from..], &mut keep);
                    entries_from = 0;
                    if sink.send(Ok(std::mem::take(&mut chunk))).await.is_err() {
                        return Ok(None);
                    }
                }
            }
        }
        tx.commit().await?;
        if written != size {
            // The header promised `size`: a reader would fail on the trailer anyway.
            return Err(StoreError::Corrupt(format!(
                "the list holds {written} listed entries but the feed's chain counts {size}"
            )));
        }
        kept(&chunk[entries_from..], &mut keep);
        let header = writer.header().clone();
        let kept = keep.is_some();
        let entries_digest = writer.entries_digest();
        chunk.extend(takeback_wire::snapshot::sign_entries(
            &header,
            &entries_digest,
            key,
        ));
        if sink.send(Ok(chunk)).await.is_err() {
            return Ok(None);
        }
        Ok(Some(SnapshotWritten {
            header,
            entries_digest,
            kept,
        }))
    }
}
