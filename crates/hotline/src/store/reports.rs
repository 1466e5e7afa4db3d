//! Writing reports: the group-commit side of the report writer.

use super::cases::fill_link_baselines;
use super::entries::{ENTRY_COLUMNS, EntryRow, StoredEntry};
use super::feed::{PendingChange, append_changes};
use super::frames::insert_frames;
use super::takedown::link_reported_urls;
use super::{
    Backend, HOLD_FLOOD_BRAKE, HOUR_MS, HashVerdict, ListingPolicy, ListingRules, Param,
    PreparedReport, REASON_GUARD_LIST, Store, StoreError, WriteSummary, insert_rows, now_ms,
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
        rules: ListingRules,
    ) -> Result<WriteSummary, StoreError> {
        retrying!(self.try_insert_reports(reports, rules).await)
    }

    async fn try_insert_reports(
        &self,
        reports: &[PreparedReport],
        rules: ListingRules,
    ) -> Result<WriteSummary, StoreError> {
        // Rounded down to the hour: an exact time could be matched against a proxy's or a
        // network's logs to link a case to an address. The hour is all a reporter needs.
        let now = now_ms() / HOUR_MS * HOUR_MS;
        let mut tx = self.write.begin().await?;

        // Entries first, in one order for every transaction, so that concurrent writers on
        // PostgreSQL lock them in the same order and do not deadlock.
        // Keyed by the stored text of (algorithm, value): `lock_order` in every transaction.
        let mut wanted: BTreeMap<(&str, &str), (&CheckedHash, HashVerdict)> = BTreeMap::new();
        for prepared in reports {
            for (hash, &verdict) in prepared.report.hashes.iter().zip(&prepared.verdicts) {
                let slot = wanted
                    .entry((hash.algorithm.as_str(), hash.value.as_str()))
                    .or_insert((hash, verdict));
                slot.1 = stricter(slot.1, verdict);
            }
        }
        let mut brake = Brake::read(&mut tx, self.backend, rules, now).await?;
        let mut changes = Vec::new();
        let mut entry_ids = BTreeMap::new();
        for (&(algorithm, value), &(hash, verdict)) in &wanted {
            let (state, reason) = match verdict {
                HashVerdict::Guarded => (EntryState::Rejected, Some(REASON_GUARD_LIST)),
                HashVerdict::Hold(reason) => (EntryState::Held, Some(reason)),
                HashVerdict::Clear => match rules.policy {
                    ListingPolicy::PublishUnverified => brake.decide(),
                    ListingPolicy::HoldForAnalyst => (EntryState::Held, Some("awaiting_analyst")),
                },
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
                    if let Some(video) = &hash.video {
                        insert_frames(&mut tx, entry.id, video).await?;
                    }
                    brake.count(entry.state, reason);
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
                        brake.count(state, reason);
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
        link_reported_urls(&mut tx, self.backend, reports, now).await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(brake.summary())
    }
}

/// The stricter of two verdicts on one fingerprint reported twice in a batch.
fn stricter(a: HashVerdict, b: HashVerdict) -> HashVerdict {
    match (a, b) {
        (HashVerdict::Guarded, _) | (_, HashVerdict::Guarded) => HashVerdict::Guarded,
        (HashVerdict::Hold(reason), _) | (_, HashVerdict::Hold(reason)) => {
            HashVerdict::Hold(reason)
        }
        _ => HashVerdict::Clear,
    }
}

/// Any number, the same in every process: the advisory lock that makes PostgreSQL writers
/// count this hour's listings one at a time.
const BRAKE_LOCK: i64 = 0x7461_6b65_6272_6b00;

/// The service-wide brake on new unverified listings, counted from the database so that
/// every process sharing it counts the same listings.
struct Brake {
    /// `None`: no limit (or a policy that lists nothing unverified).
    remaining: Option<u64>,
    summary: WriteSummary,
}

impl Brake {
    async fn read(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        backend: Backend,
        rules: ListingRules,
        now: i64,
    ) -> Result<Self, StoreError> {
        let limit = u64::from(rules.new_listings_per_hour);
        if limit == 0 || rules.policy != ListingPolicy::PublishUnverified {
            return Ok(Brake {
                remaining: None,
                summary: WriteSummary::default(),
            });
        }
        if backend == Backend::Postgres {
            // Held until commit: another process's batch waits here, then counts ours.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(BRAKE_LOCK)
                .execute(&mut **tx)
                .await?;
        }
        // `at` is the hour the change was written in (rounded down), so this counts the
        // current clock hour.
        let listed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM list_changes WHERE op = 'add' AND verified = 0 AND at >= $1",
        )
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let remaining = limit.saturating_sub(u64::try_from(listed).unwrap_or(0));
        Ok(Brake {
            remaining: Some(remaining),
            summary: WriteSummary {
                held_by_brake: 0,
                brake_engaged: remaining == 0,
            },
        })
    }

    /// The state of a new entry with nothing against it.
    fn decide(&self) -> (EntryState, Option<&'static str>) {
        match self.remaining {
            Some(0) => (EntryState::Held, Some(HOLD_FLOOD_BRAKE)),
            _ => (EntryState::Listed, None),
        }
    }

    /// Counts a new entry once its state is written.
    fn count(&mut self, state: EntryState, reason: Option<&str>) {
        if let Some(remaining) = self.remaining.as_mut() {
            if state == EntryState::Listed {
                *remaining = remaining.saturating_sub(1);
            } else if reason == Some(HOLD_FLOOD_BRAKE) {
                self.summary.held_by_brake += 1;
                self.summary.brake_engaged = true;
            }
        }
    }

    fn summary(&self) -> WriteSummary {
        self.summary
    }
}
