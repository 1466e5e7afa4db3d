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
use takeback_wire::ListedHash;
use takeback_wire::chain::{ChainHead, FeedSigningKey};
use takeback_wire::snapshot::{SnapshotEntry, SnapshotFrame, SnapshotHeader, SnapshotWriter};
use tokio::sync::mpsc;

/// Entries read per query.
const BATCH: i64 = 20_000;
/// Bytes gathered before they are handed on.
const CHUNK_BYTES: usize = 1 << 20;

/// A listed entry's row, with a video's frames.
#[derive(Debug, sqlx::FromRow)]
struct ListedRow {
    id: i64,
    algorithm: String,
    value: String,
    quality: Option<i64>,
    verified: i64,
    frames: Option<String>,
}

impl ListedRow {
    fn into_entry(self) -> Result<SnapshotEntry, StoreError> {
        let algorithm = algorithm(&self.algorithm)?;
        let corrupt = || StoreError::Corrupt(format!("value of entry {}", self.id));
        let (hash, frames) = if algorithm == Algorithm::Vpdq {
            let identity = self.value.parse().map_err(|_| corrupt())?;
            let text = self.frames.as_deref().ok_or_else(|| {
                StoreError::Corrupt(format!("video entry {} has no frames", self.id))
            })?;
            let frames = parse_frames(self.id, text)?
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
                ListedHash::parse(algorithm, &self.value).map_err(|_| corrupt())?,
                None,
            )
        };
        Ok(SnapshotEntry {
            id: self.id,
            hash,
            algorithm,
            quality: quality(self.quality),
            verified: self.verified != 0,
            frames,
        })
    }
}

impl Store {
    /// Writes the current list as a signed snapshot into `sink` a megabyte or so at a
    /// time; stops early (`Ok`) when the receiver is gone (the reader went away).
    pub async fn write_snapshot(
        &self,
        key: &FeedSigningKey,
        sink: &mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    ) -> Result<(), StoreError> {
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
        let mut after = 0;
        let mut written: i64 = 0;
        loop {
            let rows = sqlx::query_as::<_, ListedRow>(
                "SELECT e.id, e.algorithm, e.value, e.quality, e.verified, ef.frames \
                 FROM entries e LEFT JOIN entry_frames ef ON ef.entry_id = e.id \
                 WHERE e.state = 'listed' AND e.id > $1 ORDER BY e.id LIMIT $2",
            )
            .bind(after)
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id;
            for row in rows {
                writer.entry(&row.into_entry()?, &mut chunk);
                written += 1;
                if chunk.len() >= CHUNK_BYTES
                    && sink.send(Ok(std::mem::take(&mut chunk))).await.is_err()
                {
                    return Ok(());
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
        chunk.extend(writer.finish(key));
        let _ = sink.send(Ok(chunk)).await;
        Ok(())
    }
}
