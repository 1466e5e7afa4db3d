//! Cases: what a reporter reads and withdraws with their case number and secret, and what
//! an analyst reads of a case.

use super::entries::open_reports;
use super::feed::{PendingChange, append_changes};
use super::takedown::{case_urls, withdraw_links};
use super::{HOUR_MS, Store, StoreError, algorithm, now_ms};
use crate::model::{
    CaseStatus, ChangeOp, EntryState, HashStatus, OutcomeCounts, ReportedState, Reporter,
};
use crate::secrets::CaseId;
use sqlx::{Any, Executor, Transaction};

/// A `cases` row, as checked against a secret.
#[derive(Debug, sqlx::FromRow)]
struct CaseRow {
    secret_hash: String,
    reporter: String,
    state: String,
    created_at: i64,
}

/// One of a case's fingerprints, with the outcomes partners reported for it since the
/// case reported it, and what the case saw of its entry then.
#[derive(Debug, sqlx::FromRow)]
struct CaseHashRow {
    algorithm: String,
    value: String,
    state: String,
    decided_at: i64,
    decided_at_before: i64,
    listed_when_reported: i64,
    matched: i64,
    removed: i64,
    blocked_upload: i64,
    frame_count: Option<i64>,
}

impl CaseHashRow {
    /// What the case's reporter is told: only what follows from this case's own report.
    ///
    /// Anyone holding the picture can report it, so the answer must not say whether
    /// someone else reported it first, what an analyst decided before this report, or
    /// whether it is on the guard list. A picture that is listed is shown as listed (the
    /// one thing that anyone can find out anyway, by uploading it to a partner
    /// platform). Otherwise it is `pending` until something happens after this report:
    /// an analyst's decision not to list it (`not_listed`), or a suspension of a listing
    /// this case saw (`suspended`).
    fn reported_state(&self) -> Result<ReportedState, StoreError> {
        let decided_since = self.decided_at > self.decided_at_before;
        Ok(match EntryState::from_stored(&self.state) {
            Some(EntryState::Listed) => ReportedState::Listed,
            Some(EntryState::Rejected) if decided_since => ReportedState::NotListed,
            Some(EntryState::Suspended) if decided_since || self.listed_when_reported != 0 => {
                ReportedState::Suspended
            }
            // Held, withdrawn by other reporters' withdrawals (never while this case is
            // open), or decided against before this report.
            Some(
                EntryState::Held
                | EntryState::Withdrawn
                | EntryState::Rejected
                | EntryState::Suspended,
            ) => ReportedState::Pending,
            None => return Err(StoreError::Corrupt(format!("state {:?}", self.state))),
        })
    }
}

/// Records, for every link written in this transaction, what its case sees of the entry
/// now: the outcomes so far, the last decision and whether it is listed. A case's status
/// is then told relative to these (see [`CaseHashRow::reported_state`]). Call after the
/// entries' states are settled and the links are inserted, in the same transaction.
pub(super) async fn fill_link_baselines(
    tx: &mut Transaction<'static, Any>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE case_hashes SET \
         matched_before = (SELECT COALESCE(SUM(f.matched), 0) FROM feedback f \
         WHERE f.entry_id = case_hashes.entry_id), \
         removed_before = (SELECT COALESCE(SUM(f.removed), 0) FROM feedback f \
         WHERE f.entry_id = case_hashes.entry_id), \
         blocked_upload_before = (SELECT COALESCE(SUM(f.blocked_upload), 0) FROM feedback f \
         WHERE f.entry_id = case_hashes.entry_id), \
         decided_at_before = (SELECT e.decided_at FROM entries e \
         WHERE e.id = case_hashes.entry_id), \
         listed_when_reported = (SELECT CASE WHEN e.state = 'listed' THEN 1 ELSE 0 END \
         FROM entries e WHERE e.id = case_hashes.entry_id) \
         WHERE decided_at_before IS NULL",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Checks a case's secret; `None` for an unknown case or a wrong secret alike.
    async fn open_case<'e, E>(
        executor: E,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<Option<(Reporter, String, i64)>, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        let row = sqlx::query_as::<_, CaseRow>(
            "SELECT secret_hash, reporter, state, created_at FROM cases WHERE id = $1",
        )
        .bind(case_id.as_str())
        .fetch_optional(executor)
        .await?;
        let Some(row) = row else { return Ok(None) };
        // Both sides are digests of 100-bit secrets: comparing them reveals nothing that
        // helps a guesser, so an ordinary comparison is enough.
        if row.secret_hash != secret_digest {
            return Ok(None);
        }
        let reporter = reporter(&row.reporter)?;
        Ok(Some((reporter, row.state, row.created_at)))
    }

    /// A case as its reporter sees it; `None` for an unknown case or a wrong secret.
    pub async fn case_status(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<Option<CaseStatus>, StoreError> {
        let Some((reporter, state, created_at)) =
            Self::open_case(&self.read, case_id, secret_digest).await?
        else {
            return Ok(None);
        };
        self.case_details(case_id, reporter, state, created_at)
            .await
            .map(Some)
    }

    async fn case_details(
        &self,
        case_id: &CaseId,
        reporter: Reporter,
        state: String,
        created_at: i64,
    ) -> Result<CaseStatus, StoreError> {
        let withdrawn = state == "withdrawn";
        let rows = sqlx::query_as::<_, CaseHashRow>(
            "SELECT e.algorithm, e.value, e.state, e.decided_at, \
             CAST(COALESCE(ch.decided_at_before, 0) AS BIGINT) AS decided_at_before, \
             CAST(COALESCE(ch.listed_when_reported, 1) AS BIGINT) AS listed_when_reported, \
             CAST(COALESCE(SUM(f.matched), 0) - COALESCE(ch.matched_before, 0) AS BIGINT) \
             AS matched, \
             CAST(COALESCE(SUM(f.removed), 0) - COALESCE(ch.removed_before, 0) AS BIGINT) \
             AS removed, \
             CAST(COALESCE(SUM(f.blocked_upload), 0) - COALESCE(ch.blocked_upload_before, 0) \
             AS BIGINT) AS blocked_upload, ef.frame_count \
             FROM case_hashes ch JOIN entries e ON e.id = ch.entry_id \
             LEFT JOIN feedback f ON f.entry_id = e.id \
             LEFT JOIN entry_frames ef ON ef.entry_id = e.id \
             WHERE ch.case_id = $1 \
             GROUP BY e.id, e.algorithm, e.value, e.state, e.decided_at, ch.decided_at_before, \
             ch.listed_when_reported, ch.matched_before, ch.removed_before, \
             ch.blocked_upload_before, ef.frame_count \
             ORDER BY e.id",
        )
        .bind(case_id.as_str())
        .fetch_all(&self.read)
        .await?;
        let mut hashes = Vec::with_capacity(rows.len());
        let mut total = OutcomeCounts::default();
        for row in rows {
            // Counts only grow, so these are never negative; `max` guards a hand-edited row.
            let outcomes = OutcomeCounts {
                matched: row.matched.max(0),
                removed: row.removed.max(0),
                blocked_upload: row.blocked_upload.max(0),
            };
            total.matched += outcomes.matched;
            total.removed += outcomes.removed;
            total.blocked_upload += outcomes.blocked_upload;
            let state = if withdrawn {
                ReportedState::Withdrawn
            } else {
                row.reported_state()?
            };
            hashes.push(HashStatus {
                algorithm: algorithm(&row.algorithm)?,
                value: row.value,
                frame_count: row.frame_count,
                state,
                outcomes,
            });
        }
        let urls = case_urls(&self.read, case_id).await?;
        Ok(CaseStatus {
            case_id: case_id.to_string(),
            state,
            reporter,
            created_at: created_at / 1000,
            hashes,
            urls,
            platform_outcomes: total,
        })
    }

    /// Withdraws a case: its fingerprints leave the list unless another open report names
    /// them. `Ok(false)` for an unknown case or a wrong secret. Withdrawing twice is fine.
    pub async fn withdraw_case(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<bool, StoreError> {
        retrying!(self.try_withdraw_case(case_id, secret_digest).await)
    }

    async fn try_withdraw_case(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<bool, StoreError> {
        // To the hour, as for reports.
        let now = now_ms() / HOUR_MS * HOUR_MS;
        let mut tx = self.write.begin().await?;
        let Some((_, state, _)) = Self::open_case(&mut *tx, case_id, secret_digest).await? else {
            return Ok(false);
        };
        if state == "withdrawn" {
            return Ok(true);
        }
        sqlx::query("UPDATE cases SET state = 'withdrawn', withdrawn_at = $1 WHERE id = $2")
            .bind(now)
            .bind(case_id.as_str())
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT e.id, e.algorithm, e.value FROM case_hashes ch \
             JOIN entries e ON e.id = ch.entry_id WHERE ch.case_id = $1",
        )
        .bind(case_id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let mut entry_ids: Vec<((String, String), i64)> = rows
            .into_iter()
            .map(|(id, algorithm, value)| ((algorithm, value), id))
            .collect();
        // The order every transaction locks entries in (byte order of algorithm, value;
        // sorted here, not by the database's collation), so that a withdrawal and a report
        // of the same fingerprints cannot deadlock.
        entry_ids.sort();
        let mut changes = Vec::new();
        for (_, id) in entry_ids {
            let Some(mut entry) = self.lock_entry(&mut tx, id, now).await? else {
                continue;
            };
            let still_reported = open_reports(&mut tx, id).await?;
            // Only a fingerprint that is listed or waiting is withdrawn. A rejection (an
            // analyst's or the guard list's) and a suspension stand until an analyst
            // decides otherwise: were they withdrawn, reporting the picture again would
            // list it at once. No decision can list an entry without an open report.
            let decided_against = matches!(
                entry.state,
                EntryState::Rejected | EntryState::Suspended | EntryState::Withdrawn
            );
            if still_reported > 0 || decided_against {
                continue;
            }
            let was_listed = entry.state == EntryState::Listed;
            entry.state = EntryState::Withdrawn;
            entry.reason = Some("withdrawn_by_reporter".into());
            self.set_entry_state(&mut tx, &entry, now, false).await?;
            if was_listed {
                changes.push(PendingChange {
                    op: ChangeOp::Remove,
                    entry,
                });
            }
        }
        // After the entries: the lock order.
        withdraw_links(&mut tx, case_id, now).await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A case as an analyst sees it (no secret needed; the caller logs the read).
    pub async fn case_for_analyst(
        &self,
        case_id: &CaseId,
    ) -> Result<Option<CaseStatus>, StoreError> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT reporter, state, created_at FROM cases WHERE id = $1")
                .bind(case_id.as_str())
                .fetch_optional(&self.read)
                .await?;
        let Some((stored_reporter, state, created_at)) = row else {
            return Ok(None);
        };
        self.case_details(case_id, reporter(&stored_reporter)?, state, created_at)
            .await
            .map(Some)
    }
}

fn reporter(stored: &str) -> Result<Reporter, StoreError> {
    Reporter::from_stored(stored).ok_or_else(|| StoreError::Corrupt(format!("reporter {stored:?}")))
}
