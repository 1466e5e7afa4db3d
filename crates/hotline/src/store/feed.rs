//! The hash list: its changes, as partners read them, and how they are numbered.
//!
//! `list_changes.seq` is consecutive and commits in order: each transaction takes its
//! numbers from the `sequences` row as its last statement, and that row's lock is held
//! until commit. A partner reading `seq > cursor` can therefore never see a later number
//! before an earlier one, even with several server processes on one PostgreSQL.

use super::chain::{listed_now, lock_chain, size_delta, store_chain};
use super::entries::StoredEntry;
use super::frames::{parse_frames, wire_frames};
use super::{Backend, Param, Store, StoreError, algorithm, insert_rows, quality};
use crate::model::{Algorithm, ChangeOp, ListChange};
use sqlx::{Any, Transaction};

/// A change to the list waiting for its sequence number.
#[derive(Debug, Clone)]
pub(super) struct PendingChange {
    pub(super) op: ChangeOp,
    pub(super) entry: StoredEntry,
}

/// A `list_changes` row, with its video's frame count.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ChangeRow {
    seq: i64,
    op: String,
    entry_id: i64,
    algorithm: String,
    value: String,
    quality: Option<i64>,
    verified: i64,
    frame_count: Option<i64>,
}

impl ChangeRow {
    fn op(&self) -> ChangeOp {
        if self.op == "remove" {
            ChangeOp::Remove
        } else {
            ChangeOp::Add
        }
    }

    /// Frames the change carries in the feed: a video's, on an `add`.
    fn frames_carried(&self) -> i64 {
        match self.op() {
            ChangeOp::Add => self.frame_count.unwrap_or(0).max(0),
            ChangeOp::Remove => 0,
        }
    }

    pub(super) fn into_change(self) -> Result<ListChange, StoreError> {
        Ok(ListChange {
            seq: self.seq,
            op: self.op(),
            id: self.entry_id,
            algorithm: algorithm(&self.algorithm)?,
            value: self.value,
            quality: quality(self.quality),
            verified: self.verified != 0,
            frames: None,
        })
    }
}

/// Most video frames one page of the feed carries, so that a page stays bounded (about
/// 10 MB of JSON) however many videos are listed: a page ends before the change that
/// would pass it, except that a page always has at least one change.
pub const MAX_FRAMES_PER_PAGE: i64 = 100_000;

impl Store {
    /// Changes after `after`, at most `limit`, in order; a video's `add` carries its
    /// frames, and the page ends early rather than carry more than
    /// [`MAX_FRAMES_PER_PAGE`] frames.
    pub async fn list_changes(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ListChange>, StoreError> {
        let mut rows = sqlx::query_as::<_, ChangeRow>(
            "SELECT lc.seq, lc.op, lc.entry_id, lc.algorithm, lc.value, lc.quality, \
             lc.verified, ef.frame_count FROM list_changes lc \
             LEFT JOIN entry_frames ef ON ef.entry_id = lc.entry_id \
             WHERE lc.seq > $1 ORDER BY lc.seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut frames = 0;
        let mut keep = 0;
        for row in &rows {
            frames += row.frames_carried();
            if keep > 0 && frames > MAX_FRAMES_PER_PAGE {
                break;
            }
            keep += 1;
        }
        rows.truncate(keep);
        let videos: Vec<i64> = rows
            .iter()
            .filter(|row| row.frames_carried() > 0)
            .map(|row| row.seq)
            .collect();
        let mut changes = rows
            .into_iter()
            .map(ChangeRow::into_change)
            .collect::<Result<Vec<_>, _>>()?;
        if let (Some(&first), Some(&last)) = (videos.first(), videos.last()) {
            // One query for every video on the page; the cap above bounds what it reads.
            let stored: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT lc.seq, lc.entry_id, ef.frames FROM list_changes lc \
                 JOIN entry_frames ef ON ef.entry_id = lc.entry_id \
                 WHERE lc.seq >= $1 AND lc.seq <= $2 AND lc.op = 'add' ORDER BY lc.seq",
            )
            .bind(first)
            .bind(last)
            .fetch_all(&self.read)
            .await?;
            let mut slots: std::collections::HashMap<i64, &mut ListChange> = changes
                .iter_mut()
                .map(|change| (change.seq, change))
                .collect();
            for (seq, entry_id, text) in stored {
                if let Some(change) = slots.get_mut(&seq) {
                    change.frames = Some(wire_frames(&parse_frames(entry_id, &text)?));
                }
            }
        }
        Ok(changes)
    }

    /// The current list: every entry in state `listed`, as (id, algorithm, value, verified).
    pub async fn listed_entries(&self) -> Result<Vec<(i64, Algorithm, String, bool)>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, String, i64)>(
            "SELECT id, algorithm, value, verified FROM entries WHERE state = 'listed' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(id, stored_algorithm, value, verified)| {
                Ok((id, algorithm(&stored_algorithm)?, value, verified != 0))
            })
            .collect()
    }

    /// The last sequence number handed out.
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT last FROM sequences WHERE name = 'list_changes'")
                .fetch_one(&self.read)
                .await?,
        )
    }

    /// How many entries are in each state.
    pub async fn entry_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT state, COUNT(*) AS n FROM entries GROUP BY state")
                .fetch_all(&self.read)
                .await?,
        )
    }
}

/// Numbers, chains and writes list changes: the transaction's last statements, so the
/// sequence row stays locked for as short a time as possible and commits happen in `seq`
/// order, each change's link made from the one before.
pub(super) async fn append_changes(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    changes: &[PendingChange],
    now: i64,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    // Before the sequence lock: whether each entry is on the list (its rows are this
    // transaction's already).
    let ids: Vec<i64> = changes.iter().map(|change| change.entry.id).collect();
    let mut listed = listed_now(tx, backend, &ids).await?;
    let (last, state) = lock_chain(tx).await?;
    let (mut head, mut size) = state.ok_or_else(|| {
        StoreError::Corrupt("the feed's chain was not started (Store::connect starts it)".into())
    })?;
    let count = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    let mut links = Vec::with_capacity(changes.len());
    for (seq, change) in (last + 1..).zip(changes) {
        let entry = &change.entry;
        let wire = ListChange {
            seq,
            op: change.op,
            id: entry.id,
            algorithm: algorithm(&entry.algorithm)?,
            value: entry.value.clone(),
            quality: quality(entry.quality),
            verified: entry.verified,
            frames: None,
        };
        head = head.extend(&wire);
        size += size_delta(&mut listed, change.op, entry.id);
        links.push((head.to_string(), size));
    }
    let rows: Vec<Vec<Param<'_>>> = (last + 1..)
        .zip(changes)
        .zip(&links)
        .map(|((seq, change), (link, size))| {
            let entry = &change.entry;
            vec![
                Param::Int(Some(seq)),
                Param::Text(change.op.as_str()),
                Param::Int(Some(entry.id)),
                Param::Text(&entry.algorithm),
                Param::Text(&entry.value),
                Param::Int(entry.quality),
                Param::Int(Some(i64::from(entry.verified))),
                Param::Int(Some(now)),
                Param::Text(link),
                Param::Int(Some(*size)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        backend,
        "INSERT INTO list_changes \
         (seq, op, entry_id, algorithm, value, quality, verified, at, chain, size)",
        &rows,
    )
    .await?;
    store_chain(tx, last + count, &head, size).await?;
    Ok(())
}
