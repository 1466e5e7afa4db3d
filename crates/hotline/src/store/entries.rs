//! List entries: reading, locking and changing one.
//!
//! Entry rows are locked (by an `UPDATE … RETURNING`) before their state is read, so a
//! withdrawal and a new report of the same fingerprint cannot both decide on stale state;
//! every transaction locks them in the byte order of (algorithm, value), so two
//! transactions never wait on each other in a cycle.

use super::{Store, StoreError};
use crate::model::EntryState;
use sqlx::{Any, Transaction};

/// A list entry, read from its row.
#[derive(Debug, Clone)]
pub(super) struct StoredEntry {
    pub(super) id: i64,
    pub(super) algorithm: String,
    pub(super) value: String,
    pub(super) quality: Option<i64>,
    pub(super) state: EntryState,
    pub(super) verified: bool,
    pub(super) reason: Option<String>,
    pub(super) decided_at: i64,
    /// The guard-list fingerprints an analyst reinstated it against, one per line.
    pub(super) guard_waiver: Option<String>,
}

/// An entry's row as stored ([`ENTRY_COLUMNS`]), before its state is checked.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct EntryRow {
    id: i64,
    algorithm: String,
    value: String,
    quality: Option<i64>,
    state: String,
    verified: i64,
    reason: Option<String>,
    decided_at: i64,
    guard_waiver: Option<String>,
}

impl TryFrom<EntryRow> for StoredEntry {
    type Error = StoreError;

    fn try_from(row: EntryRow) -> Result<Self, StoreError> {
        Ok(StoredEntry {
            id: row.id,
            algorithm: row.algorithm,
            value: row.value,
            quality: row.quality,
            state: EntryState::from_stored(&row.state)
                .ok_or_else(|| StoreError::Corrupt(format!("entry state {:?}", row.state)))?,
            verified: row.verified != 0,
            reason: row.reason,
            decided_at: row.decided_at,
            guard_waiver: row.guard_waiver,
        })
    }
}

pub(super) const ENTRY_COLUMNS: &str =
    "id, algorithm, value, quality, state, verified, reason, decided_at, guard_waiver";

impl Store {
    /// Locks an entry's row and reads it.
    pub(super) async fn lock_entry_by_value(
        &self,
        tx: &mut Transaction<'static, Any>,
        algorithm: &str,
        value: &str,
        now: i64,
    ) -> Result<StoredEntry, StoreError> {
        let row = sqlx::query_as::<_, EntryRow>(&format!(
            "UPDATE entries SET updated_at = $1 WHERE algorithm = $2 AND value = $3 \
             RETURNING {ENTRY_COLUMNS}"
        ))
        .bind(now)
        .bind(algorithm)
        .bind(value)
        .fetch_one(&mut **tx)
        .await?;
        StoredEntry::try_from(row)
    }

    /// Locks an entry's row by id and reads it; `None` if there is no such entry.
    pub(super) async fn lock_entry(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: i64,
        now: i64,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query_as::<_, EntryRow>(&format!(
            "UPDATE entries SET updated_at = $1 WHERE id = $2 RETURNING {ENTRY_COLUMNS}"
        ))
        .bind(now)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        row.map(StoredEntry::try_from).transpose()
    }

    pub(super) async fn set_entry_state(
        &self,
        tx: &mut Transaction<'static, Any>,
        entry: &StoredEntry,
        now: i64,
        decided: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE entries SET state = $1, verified = $2, reason = $3, updated_at = $4, \
             decided_at = CASE WHEN $5 = 1 THEN $4 ELSE decided_at END WHERE id = $6",
        )
        .bind(entry.state.as_str())
        .bind(i64::from(entry.verified))
        .bind(entry.reason.as_deref())
        .bind(now)
        .bind(i64::from(decided))
        .bind(entry.id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// How many open reports name an entry.
pub(super) async fn open_reports(
    tx: &mut Transaction<'static, Any>,
    entry_id: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
         WHERE ch.entry_id = $1 AND c.state = 'open'",
    )
    .bind(entry_id)
    .fetch_one(&mut **tx)
    .await?)
}
