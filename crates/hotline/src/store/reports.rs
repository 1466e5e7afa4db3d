//! Writing reports: the group-commit side of the report writer.

use super::cases::fill_link_baselines;
use super::entries::{ENTRY_COLUMNS, EntryRow, StoredEntry};
use super::feed::{PendingChange, append_changes};
use super::{
    HOUR_MS, ListingPolicy, Param, PreparedReport, Store, StoreError, insert_rows, now_ms,
};
use crate::model::{ChangeOp, EntryState};
use crate::report::CheckedHash;
use std::collections::BTreeMap;

impl Store {
    /// Writes reports in one transaction (group commit): when this returns `Ok`, all of
    /// them are durable.
    pub async fn insert_reports(
        &self,
        reports: &[PreparedReport],
        policy: ListingPolicy,
    ) -> Result<(), StoreError> {
        retrying!(self.try_insert_reports(reports, policy).await)
    }

    async fn try_insert_reports(
        &self,
        reports: &[PreparedReport],
        policy: ListingPolicy,
    ) -> Result<(), StoreError> {
        // Rounded down to the hour: an exact time could be matched against a proxy's or a
        // network's logs to link a case to an address. The hour is all a reporter needs.
        let now = now_ms() / HOUR_MS * HOUR_MS;
        let mut tx = self.write.begin().await?;

        // Entries first, in one order for every transaction, so that concurrent writers on
        // PostgreSQL lock them in the same order and do not deadlock.
        // Keyed by the stored text of (algorithm, value): `lock_order` in every transaction.
        let mut wanted: BTreeMap<(&str, &str), (&CheckedHash, bool)> = BTreeMap::new();
        for prepared in reports {
            for (hash, &guarded) in prepared.report.hashes.iter().zip(&prepared.guarded) {
                let slot = wanted
                    .entry((hash.algorithm.as_str(), hash.value.as_str()))
                    .or_insert((hash, guarded));
                slot.1 |= guarded;
            }
        }
        let mut changes = Vec::new();
        let mut entry_ids = BTreeMap::new();
        for (&(algorithm, value), &(hash, guarded)) in &wanted {
            let (state, reason) = if guarded {
                (EntryState::Rejected, Some("guard_list"))
            } else {
                match policy {
                    ListingPolicy::PublishUnverified => (EntryState::Listed, None),
                    ListingPolicy::HoldForAnalyst => (EntryState::Held, Some("awaiting_analyst")),
                }
            };
            let inserted = sqlx::query_as::<_, EntryRow>(&format!(
                "INSERT INTO entries (algorithm, value, quality, state, verified, reason, \
                 decided_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, 0, $6, $6) \
                 ON CONFLICT (algorithm, value) DO NOTHING RETURNING {ENTRY_COLUMNS}"
            ))
            .bind(algorithm)
            .bind(value)
            .bind(hash.quality.map(i64::from))
            .bind(state.as_str())
            .bind(reason)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let entry = match inserted {
                Some(row) => {
                    let entry = StoredEntry::try_from(row)?;
                    if entry.state == EntryState::Listed {
                        changes.push(PendingChange {
                            op: ChangeOp::Add,
                            entry: entry.clone(),
                        });
                    }
                    entry
                }
                None => {
                    let mut entry = self
                        .lock_entry_by_value(&mut tx, algorithm, value, now)
                        .await?;
                    // A fingerprint whose earlier reports were all withdrawn comes back as
                    // if new; any other state (including an analyst's rejection) stands.
                    if entry.state == EntryState::Withdrawn {
                        entry.state = state;
                        entry.reason = reason.map(str::to_owned);
                        // A new report is self-reported again until an analyst looks.
                        entry.verified = false;
                        self.set_entry_state(&mut tx, &entry, now, false).await?;
                        if state == EntryState::Listed {
                            changes.push(PendingChange {
                                op: ChangeOp::Add,
                                entry: entry.clone(),
                            });
                        }
                    }
                    entry
                }
            };
            entry_ids.insert((algorithm, value), entry.id);
        }

        // The rest in a few multi-row statements: with group commit a transaction holds
        // hundreds of reports, and one statement per row would dominate its cost.
        let mut case_rows = Vec::with_capacity(reports.len());
        let mut link_rows = Vec::new();
        let mut url_rows = Vec::new();
        for prepared in reports {
            let case_id = prepared.case_id.as_str();
            case_rows.push(vec![
                Param::Text(case_id),
                Param::Text(&prepared.secret_digest),
                Param::Text(prepared.report.reporter.as_str()),
                Param::Text("open"),
                Param::Int(Some(now)),
            ]);
            for hash in &prepared.report.hashes {
                let entry_id = entry_ids
                    .get(&(hash.algorithm.as_str(), hash.value.as_str()))
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt("entry not written".into()))?;
                link_rows.push(vec![Param::Text(case_id), Param::Int(Some(entry_id))]);
            }
            for url in &prepared.report.urls {
                url_rows.push(vec![
                    Param::Text(case_id),
                    Param::Text(url),
                    Param::Text("pending"),
                    Param::Int(Some(now)),
                ]);
            }
        }
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO cases (id, secret_hash, reporter, state, created_at)",
            &case_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO case_hashes (case_id, entry_id)",
            &link_rows,
        )
        .await?;
        fill_link_baselines(&mut tx).await?;
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO case_urls (case_id, url, state, created_at)",
            &url_rows,
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
