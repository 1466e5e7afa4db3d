//! Partners' outcomes: counts per entry, and suspension after false positives.

use super::audit::audit;
use super::feed::{PendingChange, append_changes};
use super::{FeedbackOutcome, Principal, Store, StoreError, now_ms};
use crate::model::{ChangeOp, EntryState, FeedbackBatch};

impl Store {
    /// The id of the entry with this fingerprint (`vpdq`: its identity, the SHA-256 of its
    /// frames), if it has ever been in the feed: how a partner that holds a signal but not
    /// its id (a python-threatexchange bank) names it in feedback. Entries never published
    /// are not found, as for feedback by id.
    pub async fn published_entry_id(
        &self,
        algorithm: &str,
        value: &str,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM entries e WHERE algorithm = $1 AND value = $2 \
             AND EXISTS (SELECT 1 FROM list_changes c WHERE c.entry_id = e.id)",
        )
        .bind(algorithm)
        .bind(value)
        .fetch_optional(&self.read)
        .await?;
        Ok(id.map(|(id,)| id))
    }

    /// Adds a partner's outcomes. Unknown entry ids refuse the whole batch. When
    /// `suspend_after` distinct partners have reported an entry as a false positive since
    /// an analyst last decided on it, it is suspended.
    pub async fn record_feedback(
        &self,
        partner: &Principal,
        batch: &FeedbackBatch,
        suspend_after: i64,
    ) -> Result<FeedbackOutcome, StoreError> {
        retrying!(
            self.try_record_feedback(partner, batch, suspend_after)
                .await
        )
    }

    async fn try_record_feedback(
        &self,
        partner: &Principal,
        batch: &FeedbackBatch,
        suspend_after: i64,
    ) -> Result<FeedbackOutcome, StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        if let Some(batch_id) = &batch.batch_id {
            let fresh = sqlx::query(
                "INSERT INTO feedback_batches (partner_id, batch_id, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (partner_id, batch_id) DO NOTHING RETURNING partner_id",
            )
            .bind(partner.id)
            .bind(batch_id.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if fresh.is_none() {
                return Ok(FeedbackOutcome::AlreadyRecorded);
            }
        }
        // Only entries that have been in the feed can be named: partners know no others,
        // and the answer must not tell them which other ids exist. Locked in the order
        // every transaction uses, (algorithm, value), so that this cannot deadlock with a
        // report or a withdrawal.
        let mut keyed = Vec::with_capacity(batch.items.len());
        for item in &batch.items {
            let key: Option<(String, String)> = sqlx::query_as(
                "SELECT algorithm, value FROM entries e WHERE id = $1 \
                 AND EXISTS (SELECT 1 FROM list_changes c WHERE c.entry_id = e.id)",
            )
            .bind(item.id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(key) = key else {
                return Err(StoreError::NoSuchEntry(item.id));
            };
            keyed.push((key, item));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut changes = Vec::new();
        for (_, item) in keyed {
            let Some(mut entry) = self.lock_entry(&mut tx, item.id, now).await? else {
                return Err(StoreError::NoSuchEntry(item.id));
            };
            // Read after the lock, so that an analyst's decision committed just before
            // is older than this report.
            let now = now_ms();
            sqlx::query(
                "INSERT INTO feedback (entry_id, partner_id, matched, removed, blocked_upload, \
                 false_positive, last_false_positive_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (entry_id, partner_id) DO UPDATE SET \
                 matched = feedback.matched + excluded.matched, \
                 removed = feedback.removed + excluded.removed, \
                 blocked_upload = feedback.blocked_upload + excluded.blocked_upload, \
                 false_positive = feedback.false_positive + excluded.false_positive, \
                 last_false_positive_at = CASE WHEN excluded.false_positive > 0 \
                 THEN excluded.last_false_positive_at ELSE feedback.last_false_positive_at END",
            )
            .bind(item.id)
            .bind(partner.id)
            .bind(i64::from(item.matched))
            .bind(i64::from(item.removed))
            .bind(i64::from(item.blocked_upload))
            .bind(i64::from(item.false_positive))
            .bind(if item.false_positive > 0 { now } else { 0 })
            .execute(&mut *tx)
            .await?;
            if item.false_positive == 0 || entry.state != EntryState::Listed {
                continue;
            }
            let partners: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM feedback WHERE entry_id = $1 AND false_positive > 0 \
                 AND last_false_positive_at >= $2",
            )
            .bind(item.id)
            .bind(entry.decided_at)
            .fetch_one(&mut *tx)
            .await?;
            if partners >= suspend_after {
                entry.state = EntryState::Suspended;
                entry.reason = Some("false_positive_reports".into());
                self.set_entry_state(&mut tx, &entry, now, false).await?;
                changes.push(PendingChange {
                    op: ChangeOp::Remove,
                    entry,
                });
            }
        }
        let detail = serde_json::json!({
            "batch_id": batch.batch_id,
            "entries": batch.items.len(),
            "suspended": changes.len(),
        })
        .to_string();
        audit(
            &mut *tx,
            now,
            "partner",
            &partner.name,
            "feedback",
            None,
            Some(&detail),
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(FeedbackOutcome::Recorded {
            suspended: changes.len(),
        })
    }
}
