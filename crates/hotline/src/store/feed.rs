//! The hash list: its changes, as partners read them, and how they are numbered.
//!
//! `list_changes.seq` is consecutive and commits in order: each transaction takes its
//! numbers from the `sequences` row as its last statement, and that row's lock is held
//! until commit. A partner reading `seq > cursor` can therefore never see a later number
//! before an earlier one, even with several server processes on one PostgreSQL.

use super::entries::StoredEntry;
use super::{Backend, Param, Store, StoreError, algorithm, insert_rows, quality};
use crate::model::{Algorithm, ChangeOp, ListChange};
use sqlx::{Any, Transaction};

/// A change to the list waiting for its sequence number.
#[derive(Debug, Clone)]
pub(super) struct PendingChange {
    pub(super) op: ChangeOp,
    pub(super) entry: StoredEntry,
}

/// A `list_changes` row.
#[derive(Debug, sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    op: String,
    entry_id: i64,
    algorithm: String,
    value: String,
    quality: Option<i64>,
    verified: i64,
}

impl ChangeRow {
    fn into_change(self) -> Result<ListChange, StoreError> {
        Ok(ListChange {
            seq: self.seq,
            op: if self.op == "remove" {
                ChangeOp::Remove
            } else {
                ChangeOp::Add
            },
            id: self.entry_id,
            algorithm: algorithm(&self.algorithm)?,
            value: self.value,
            quality: quality(self.quality),
            verified: self.verified != 0,
        })
    }
}

impl Store {
    /// Changes after `after`, at most `limit`, in order.
    pub async fn list_changes(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ListChange>, StoreError> {
        let rows = sqlx::query_as::<_, ChangeRow>(
            "SELECT seq, op, entry_id, algorithm, value, quality, verified FROM list_changes \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(ChangeRow::into_change).collect()
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

/// Numbers and writes list changes: the transaction's last statements, so the sequence
/// row stays locked for as short a time as possible and commits happen in `seq` order.
pub(super) async fn append_changes(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    changes: &[PendingChange],
    now: i64,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    let last: i64 = sqlx::query_scalar(
        "UPDATE sequences SET last = last + $1 WHERE name = 'list_changes' RETURNING last",
    )
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    let rows: Vec<Vec<Param<'_>>> = (last - count + 1..)
        .zip(changes)
        .map(|(seq, change)| {
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
            ]
        })
        .collect();
    insert_rows(
        tx,
        backend,
        "INSERT INTO list_changes (seq, op, entry_id, algorithm, value, quality, verified, at)",
        &rows,
    )
    .await?;
    Ok(())
}
