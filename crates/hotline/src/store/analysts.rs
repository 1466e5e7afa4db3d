//! What analysts read and decide: the queue, entries with their provenance, decisions.
//! (Reported web addresses: `takedown.rs`.)

use super::audit::audit;
use super::entries::{ENTRY_COLUMNS, EntryRow, StoredEntry, open_reports};
use super::feed::{PendingChange, append_changes};
use super::frames::{entry_frames, wire_frames};
use super::{Principal, REASON_GUARD_LIST, Store, StoreError, algorithm, now_ms, quality};
use crate::guard::GuardList;
use crate::model::{ChangeOp, Decision, EntryState, EntryView, OutcomeCounts};

/// An entry's outcome counts, summed over partners.
#[derive(Debug, sqlx::FromRow)]
struct OutcomeRow {
    matched: i64,
    removed: i64,
    blocked_upload: i64,
    /// Partners that reported a false positive since the last decision.
    fp_partners: i64,
}

impl Store {
    /// Entries in the given states (held and suspended by default) that an open case
    /// still reports, oldest first, after the id `after`. An entry whose cases were all
    /// withdrawn needs no decision (none could list it) until it is reported again.
    pub async fn queue(
        &self,
        states: &[EntryState],
        after: i64,
        limit: i64,
    ) -> Result<Vec<EntryView>, StoreError> {
        let mut entries = Vec::new();
        // One query per state keeps the SQL free of dynamic IN lists; the queue is small.
        for state in states {
            let rows = sqlx::query_as::<_, EntryRow>(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE state = $1 AND id > $2 \
                 AND EXISTS (SELECT 1 FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
                 WHERE ch.entry_id = entries.id AND c.state = 'open') \
                 ORDER BY id LIMIT $3"
            ))
            .bind(state.as_str())
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
            for row in rows {
                entries.push(StoredEntry::try_from(row)?);
            }
        }
        entries.sort_by_key(|entry| entry.id);
        entries.truncate(usize::try_from(limit).unwrap_or(0));
        let mut views = Vec::with_capacity(entries.len());
        for entry in entries {
            views.push(self.entry_view(entry, false).await?);
        }
        Ok(views)
    }

    /// One entry with its provenance.
    pub async fn entry(&self, id: i64) -> Result<Option<EntryView>, StoreError> {
        let row = sqlx::query_as::<_, EntryRow>(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        match row {
            Some(row) => Ok(Some(
                self.entry_view(StoredEntry::try_from(row)?, true).await?,
            )),
            None => Ok(None),
        }
    }

    /// An entry as analysts see it; a video's frames only `with_frames`.
    async fn entry_view(
        &self,
        entry: StoredEntry,
        with_frames: bool,
    ) -> Result<EntryView, StoreError> {
        let cases: Vec<(String, String)> = sqlx::query_as(
            "SELECT ch.case_id, c.state FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
             WHERE ch.entry_id = $1 ORDER BY ch.case_id",
        )
        .bind(entry.id)
        .fetch_all(&self.read)
        .await?;
        // A withdrawn case no longer asks for anything: it is shown apart from the open
        // ones, so that an analyst does not act on it.
        let (open, withdrawn): (Vec<_>, Vec<_>) =
            cases.into_iter().partition(|(_, state)| state == "open");
        let case_ids = open.into_iter().map(|(id, _)| id).collect();
        let withdrawn_case_ids = withdrawn.into_iter().map(|(id, _)| id).collect();
        let row = sqlx::query_as::<_, OutcomeRow>(
            "SELECT CAST(COALESCE(SUM(matched), 0) AS BIGINT) AS matched, \
             CAST(COALESCE(SUM(removed), 0) AS BIGINT) AS removed, \
             CAST(COALESCE(SUM(blocked_upload), 0) AS BIGINT) AS blocked_upload, \
             CAST(COALESCE(SUM(CASE WHEN false_positive > 0 AND last_false_positive_at >= $2 \
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS fp_partners \
             FROM feedback WHERE entry_id = $1",
        )
        .bind(entry.id)
        .bind(entry.decided_at)
        .fetch_one(&self.read)
        .await?;
        let algorithm = algorithm(&entry.algorithm)?;
        // A video's frames in the view of one entry; the queue, which may list many
        // videos, says only how many each has.
        let (frame_count, frames) = match (algorithm.is_video(), with_frames) {
            (false, _) => (None, None),
            (true, true) => {
                let video = entry_frames(&self.read, entry.id).await?;
                (
                    video
                        .as_ref()
                        .map(|video| i64::try_from(video.frames.len()).unwrap_or(i64::MAX)),
                    video.as_ref().map(wire_frames),
                )
            }
            (true, false) => (
                sqlx::query_scalar("SELECT frame_count FROM entry_frames WHERE entry_id = $1")
                    .bind(entry.id)
                    .fetch_optional(&self.read)
                    .await?,
                None,
            ),
        };
        Ok(EntryView {
            id: entry.id,
            algorithm,
            value: entry.value,
            quality: quality(entry.quality),
            frame_count,
            frames,
            state: entry.state,
            verified: entry.verified,
            reason: entry.reason,
            case_ids,
            withdrawn_case_ids,
            false_positive_partners: row.fp_partners,
            outcomes: OutcomeCounts {
                matched: row.matched,
                removed: row.removed,
                blocked_upload: row.blocked_upload,
            },
        })
    }

    /// Applies an analyst's decision and logs it; returns the entry's new view.
    ///
    /// `guard` is the guard list as it is now. A fingerprint it guards is never listed,
    /// with one exception: an analyst may list again (`list` or `reinstate`) an entry that
    /// is suspended, the guard list's suspensions included. That decision stands against
    /// the guard-list entries that guard it now (they are kept with the entry, and
    /// reading the guard list again does not suspend it for them); a guard-list entry
    /// added later suspends it again.
    pub async fn decide(
        &self,
        analyst: &Principal,
        id: i64,
        decision: Decision,
        note: Option<&str>,
        guard: &GuardList,
    ) -> Result<EntryView, StoreError> {
        retrying!(self.try_decide(analyst, id, decision, note, guard).await)?;
        self.entry(id)
            .await?
            .ok_or_else(|| StoreError::NoSuchEntry(id))
    }

    async fn try_decide(
        &self,
        analyst: &Principal,
        id: i64,
        decision: Decision,
        note: Option<&str>,
        guard: &GuardList,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let Some(mut entry) = self.lock_entry(&mut tx, id, now).await? else {
            return Err(StoreError::NoSuchEntry(id));
        };
        // After the lock: false-positive reports committed before it are older.
        let now = now_ms();
        let before = entry.state;
        let was_verified = entry.verified;
        let guarded = entry.reason.as_deref() == Some(REASON_GUARD_LIST);
        let guarded_by = self
            .entry_guarded_by(guard, &entry, algorithm(&entry.algorithm)?)
            .await?;
        let mut waived = Vec::new();
        match decision {
            Decision::List | Decision::Reinstate => {
                if decision == Decision::Reinstate && before != EntryState::Suspended {
                    return Err(StoreError::NotSuspended {
                        entry: id,
                        state: before,
                    });
                }
                if before == EntryState::Withdrawn || open_reports(&mut tx, id).await? == 0 {
                    return Err(StoreError::WithdrawnByReporter { entry: id });
                }
                if guarded || (!guarded_by.is_empty() && before != EntryState::Suspended) {
                    return Err(StoreError::GuardListed { entry: id });
                }
                waived = guarded_by;
                entry.state = EntryState::Listed;
                entry.verified = true;
                entry.reason = None;
            }
            Decision::Reject => {
                entry.state = EntryState::Rejected;
                if !guarded {
                    entry.reason = Some("analyst".into());
                }
            }
        }
        self.set_entry_state(&mut tx, &entry, now, true).await?;
        if !waived.is_empty() {
            sqlx::query("UPDATE entries SET guard_waiver = $1 WHERE id = $2")
                .bind(waived.join("\n"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mut changes = Vec::new();
        let newly_listed = before != EntryState::Listed || !was_verified;
        if entry.state == EntryState::Listed && newly_listed {
            changes.push(PendingChange {
                op: ChangeOp::Add,
                entry: entry.clone(),
            });
        } else if entry.state != EntryState::Listed && before == EntryState::Listed {
            changes.push(PendingChange {
                op: ChangeOp::Remove,
                entry: entry.clone(),
            });
        }
        let mut detail = serde_json::json!({
            "decision": decision,
            "from": before,
            "to": entry.state,
            "note": note,
        });
        if !waived.is_empty() {
            detail["over_guard_list"] = serde_json::json!(waived);
        }
        let detail = detail.to_string();
        let subject = format!("entry {id}");
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            "decision",
            Some(&subject),
            Some(&detail),
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
