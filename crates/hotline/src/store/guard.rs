//! The guard list applied to fingerprints already stored: a picture put on the guard list
//! after it was reported leaves the list, and one waiting for an analyst is never listed.
//!
//! Entries are found by a scan in pages of ids (each state's rows through the `(state,
//! id)` index), each checked against the guard list's index in memory, so the cost grows
//! with the entries, not with entries times guard hashes. The few found are then changed
//! in transactions of a bounded size, each locking its rows in the one order every
//! transaction uses (`entries.rs`) and checking each row again under its lock.

use super::audit::audit;
use super::entries::{ENTRY_COLUMNS, EntryRow, StoredEntry};
use super::feed::{PendingChange, append_changes};
use super::{Store, StoreError, algorithm, now_ms};
use crate::guard::GuardList;
use crate::model::{ChangeOp, EntryState};

/// The reason of a listed entry that the guard list took off the list: an analyst may
/// reinstate it (`Store::decide`), which then stands against the guard-list entries that
/// guarded it.
pub const REASON_GUARDED: &str = "guarded";

/// The reason of an entry the guard list keeps off the list for good: one reported when
/// the guard list already guarded it, or one still waiting for an analyst when it came to.
pub const REASON_GUARD_LIST: &str = "guard_list";

/// What applying the guard list to the stored entries did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GuardSweep {
    /// Entries looked at (listed, held and suspended).
    pub checked: u64,
    /// Listed entries taken off the list: suspended, reason [`REASON_GUARDED`].
    pub suspended: u64,
    /// Held entries that will not be listed: rejected, reason [`REASON_GUARD_LIST`].
    pub rejected: u64,
    /// Entries suspended for another reason, now marked [`REASON_GUARDED`] so that an
    /// analyst sees why before reinstating them.
    pub marked: u64,
}

/// Rows read per page of the scan.
const SCAN_PAGE: i64 = 5_000;

/// Entries changed per transaction: each is short, so reports are not held up behind it.
const APPLY_BATCH: usize = 500;

impl Store {
    /// What the guard list does to an entry: the guard-list fingerprints that guard it (a
    /// video: near any of its frames), or `None` when it is left as it is (not guarded,
    /// already dealt with, or reinstated by an analyst against these very guard-list entries).
    async fn guarding(
        &self,
        guard: &GuardList,
        entry: &StoredEntry,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let applies = match entry.state {
            EntryState::Listed | EntryState::Held => true,
            EntryState::Suspended => entry.reason.as_deref() != Some(REASON_GUARDED),
            EntryState::Rejected | EntryState::Withdrawn => false,
        };
        if !applies {
            return Ok(None);
        }
        let keys = self
            .entry_guarded_by(guard, entry, algorithm(&entry.algorithm)?)
            .await?;
        let waived = |key: &String| {
            entry
                .guard_waiver
                .as_deref()
                .is_some_and(|waiver| waiver.lines().any(|line| line == key))
        };
        Ok((!keys.is_empty() && !keys.iter().all(waived)).then_some(keys))
    }

    /// Applies `guard` to every listed, held and suspended entry: a listed entry it guards
    /// leaves the list (suspended, reason `guarded`: a remove in the feed), a held one will
    /// never be listed (rejected, reason `guard_list`), a suspended one is marked
    /// `guarded`. Each change is in the audit log as the guard list's. An entry an analyst
    /// reinstated is left listed unless a guard-list entry other than those it was
    /// reinstated against guards it.
    pub async fn apply_guard_list(&self, guard: &GuardList) -> Result<GuardSweep, StoreError> {
        let mut sweep = GuardSweep::default();
        if guard.is_empty() {
            return Ok(sweep);
        }
        let mut found: Vec<((String, String), i64)> = Vec::new();
        for state in [EntryState::Listed, EntryState::Held, EntryState::Suspended] {
            let mut after = 0;
            loop {
                let rows = sqlx::query_as::<_, EntryRow>(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM entries WHERE state = $1 AND id > $2 \
                     ORDER BY id LIMIT $3"
                ))
                .bind(state.as_str())
                .bind(after)
                .bind(SCAN_PAGE)
                .fetch_all(&self.read)
                .await?;
                let full = rows.len() as i64 == SCAN_PAGE;
                for row in rows {
                    let entry = StoredEntry::try_from(row)?;
                    after = entry.id;
                    sweep.checked += 1;
                    if self.guarding(guard, &entry).await?.is_some() {
                        found.push(((entry.algorithm, entry.value), entry.id));
                    }
                }
                if !full {
                    break;
                }
            }
        }
        // The order every transaction locks entries in: bytes of (algorithm, value).
        found.sort();
        for batch in found.chunks(APPLY_BATCH) {
            let done = retrying!(self.try_apply_guard_list(guard, batch).await)?;
            sweep.suspended += done.suspended;
            sweep.rejected += done.rejected;
            sweep.marked += done.marked;
        }
        Ok(sweep)
    }

    async fn try_apply_guard_list(
        &self,
        guard: &GuardList,
        batch: &[((String, String), i64)],
    ) -> Result<GuardSweep, StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let mut done = GuardSweep::default();
        let mut changes = Vec::new();
        for &(_, id) in batch {
            let Some(mut entry) = self.lock_entry(&mut tx, id, now).await? else {
                continue;
            };
            // Checked again under the lock: an analyst or a withdrawal may have been first.
            let Some(keys) = self.guarding(guard, &entry).await? else {
                continue;
            };
            let before = entry.state;
            match before {
                EntryState::Listed => {
                    entry.state = EntryState::Suspended;
                    entry.reason = Some(REASON_GUARDED.into());
                    done.suspended += 1;
                    changes.push(PendingChange {
                        op: ChangeOp::Remove,
                        entry: entry.clone(),
                    });
                }
                EntryState::Held => {
                    entry.state = EntryState::Rejected;
                    entry.reason = Some(REASON_GUARD_LIST.into());
                    done.rejected += 1;
                }
                EntryState::Suspended => {
                    entry.reason = Some(REASON_GUARDED.into());
                    done.marked += 1;
                }
                EntryState::Rejected | EntryState::Withdrawn => continue,
            }
            // Not an analyst's decision: a case that saw the entry listed shows it
            // suspended, as after partners' false-positive reports, and nothing more.
            self.set_entry_state(&mut tx, &entry, now, false).await?;
            let detail = serde_json::json!({
                "from": before,
                "to": entry.state,
                "reason": entry.reason,
                "guarded_by": keys,
            })
            .to_string();
            audit(
                &mut *tx,
                now,
                "operator",
                "guard_list",
                "guard_list_applied",
                Some(&format!("entry {id}")),
                Some(&detail),
            )
            .await?;
        }
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(done)
    }
}
