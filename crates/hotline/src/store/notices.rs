//! The outbox of takedown notices: queued in the transaction that wants them, leased by
//! one sender at a time, marked sent once delivered; and the hosts' confirmations.
//!
//! Several `takeback serve` processes may share one PostgreSQL database: a sender takes
//! notices with `FOR UPDATE SKIP LOCKED` and a lease, so that no two deliver one notice at
//! once, and a sender that dies leaves its lease to run out, after which the notice goes
//! again under the same id (the receiver drops the repeat). On SQLite one statement takes
//! them, and SQLite runs one writer at a time.

use super::audit::audit;
use super::takedown::subject;
use super::{Backend, Store, StoreError, now_ms};
use crate::model::TakedownState;
use std::time::Duration;

/// An item that wants a notice and has none queued.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemToNotify {
    /// The item.
    pub id: i64,
    /// Its normalised address.
    pub url: String,
    /// Its host.
    pub host: String,
    /// When a case first reported it (Unix ms, to the hour).
    pub first_reported_at: i64,
}

/// A notice to queue.
#[derive(Debug, Clone)]
pub struct NewNotice {
    /// Its reference (the receiver's `webhook-id`).
    pub id: String,
    /// `email` or `webhook`.
    pub channel: &'static str,
    /// The address or URL.
    pub target: String,
    /// The notice as it will be delivered (JSON).
    pub payload: String,
    /// SHA-256 (hex) of the token in its removal confirmation link.
    pub confirm_token_hash: String,
}

/// A notice a sender holds until `lease` is over.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeasedNotice {
    /// Its reference.
    pub id: String,
    /// Its item.
    pub item_id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    /// The address or URL.
    pub target: String,
    /// What to deliver.
    pub payload: Option<String>,
    /// Deliveries tried, this one included.
    pub attempts: i64,
}

/// The states in which an item is still being taken down (a notice may go, and it is
/// checked again).
pub(super) const UNDER_NOTICE: &str = "('actionable', 'notice_sent', 'still_up', 'escalated')";

impl Store {
    /// Items that want a notice and have none waiting to be delivered, oldest wish first.
    pub async fn items_to_notify(&self, limit: i64) -> Result<Vec<ItemToNotify>, StoreError> {
        Ok(sqlx::query_as::<_, ItemToNotify>(&format!(
            "SELECT id, url, host, first_reported_at FROM takedown_items i \
             WHERE notice_wanted_at <= $2 AND state IN {UNDER_NOTICE} \
             AND NOT EXISTS (SELECT 1 FROM takedown_notices n \
                             WHERE n.item_id = i.id AND n.state = 'pending') \
             ORDER BY notice_wanted_at, id LIMIT $1"
        ))
        .bind(limit)
        .bind(now_ms())
        .fetch_all(&self.read)
        .await?)
    }

    /// Queues a notice about an item that still wants one, in one transaction with its
    /// audit row; false if it no longer does (another process queued one first, or the
    /// item moved on).
    pub async fn queue_notice(&self, item: i64, notice: &NewNotice) -> Result<bool, StoreError> {
        retrying!(self.try_queue_notice(item, notice).await)
    }

    async fn try_queue_notice(&self, item: i64, notice: &NewNotice) -> Result<bool, StoreError> {
        let mut tx = self.write.begin().await?;
        let wanted: Option<Option<i64>> = sqlx::query_scalar(&format!(
            "UPDATE takedown_items SET id = id WHERE id = $1 AND state IN {UNDER_NOTICE} \
             RETURNING notice_wanted_at"
        ))
        .bind(item)
        .fetch_optional(&mut *tx)
        .await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM takedown_notices WHERE item_id = $1 AND state = 'pending'",
        )
        .bind(item)
        .fetch_one(&mut *tx)
        .await?;
        if !matches!(wanted, Some(Some(_))) || pending > 0 {
            return Ok(false);
        }
        let now = now_ms();
        sqlx::query(
            "INSERT INTO takedown_notices (id, item_id, channel, target, payload, state, \
             created_at, next_attempt_at, confirm_token_hash) \
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, $7)",
        )
        .bind(&notice.id)
        .bind(item)
        .bind(notice.channel)
        .bind(&notice.target)
        .bind(&notice.payload)
        .bind(now)
        .bind(&notice.confirm_token_hash)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE takedown_items SET notice_wanted_at = NULL WHERE id = $1")
            .bind(item)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({
            "notice": notice.id, "channel": notice.channel, "to": notice.target,
        })
        .to_string();
        audit(
            &mut *tx,
            now,
            "system",
            "takedown",
            "takedown_notice_queued",
            Some(&subject(item)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Puts off the notice an item wants (its contact could not be looked up) by `wait`.
    pub async fn defer_notice(&self, item: i64, wait: Duration) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE takedown_items SET notice_wanted_at = $1 \
             WHERE id = $2 AND notice_wanted_at IS NOT NULL",
        )
        .bind(now_ms().saturating_add(millis(wait)))
        .bind(item)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records that no one to notify was found for an item an analyst found actionable.
    pub async fn no_contact(&self, item: i64, looked_in: &str) -> Result<(), StoreError> {
        retrying!(self.try_no_contact(item, looked_in).await)
    }

    async fn try_no_contact(&self, item: i64, looked_in: &str) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let now = now_ms();
        // A re-notice with no one to send it to is dropped; an item never noticed is
        // no_contact.
        sqlx::query("UPDATE takedown_items SET notice_wanted_at = NULL WHERE id = $1 AND state <> 'actionable'")
            .bind(item)
            .execute(&mut *tx)
            .await?;
        let changed = sqlx::query(
            "UPDATE takedown_items SET state = 'no_contact', state_changed_at = $1, \
             no_contact_at = $1, notice_wanted_at = NULL \
             WHERE id = $2 AND state = 'actionable' AND notice_wanted_at IS NOT NULL",
        )
        .bind(now)
        .bind(item)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            let detail = serde_json::json!({
                "from": TakedownState::Actionable, "to": TakedownState::NoContact,
                "looked_in": looked_in,
            })
            .to_string();
            audit(
                &mut *tx,
                now,
                "system",
                "takedown",
                "takedown_no_contact",
                Some(&subject(item)),
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Takes up to `limit` notices due for delivery, for `lease`. Notices whose item was
    /// withdrawn, removed or found not actionable since are cancelled instead.
    pub async fn lease_notices(
        &self,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<LeasedNotice>, StoreError> {
        let now = now_ms();
        sqlx::query(&format!(
            "UPDATE takedown_notices SET state = 'cancelled', payload = NULL \
             WHERE state = 'pending' AND item_id IN \
             (SELECT id FROM takedown_items WHERE state NOT IN {UNDER_NOTICE})"
        ))
        .execute(&self.write)
        .await?;
        let skip_locked = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let free = "state = 'pending' AND next_attempt_at <= $2 \
                    AND (leased_until IS NULL OR leased_until <= $2)";
        // The outer condition again: PostgreSQL checks it once more on the row it
        // locked, in case another sender changed the row in between.
        let leased = sqlx::query_as::<_, LeasedNotice>(&format!(
            "UPDATE takedown_notices SET leased_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM takedown_notices WHERE {free} \
                          ORDER BY next_attempt_at, id LIMIT $3 {skip_locked}) \
             AND {free} \
             RETURNING id, item_id, channel, target, payload, attempts"
        ))
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        Ok(leased)
    }

    /// Records a notice delivered: the item is `notice_sent` (an escalated one stays
    /// escalated) and is first checked again `first_recheck_after` from now.
    pub async fn notice_delivered(
        &self,
        notice: &str,
        first_recheck_after: Duration,
    ) -> Result<(), StoreError> {
        retrying!(self.try_notice_delivered(notice, first_recheck_after).await)
    }

    async fn try_notice_delivered(
        &self,
        notice: &str,
        first_recheck_after: Duration,
    ) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let now = now_ms();
        let item: Option<i64> = sqlx::query_scalar(
            "UPDATE takedown_notices SET state = 'sent', sent_at = $1, payload = NULL, \
             leased_until = NULL, last_error = NULL WHERE id = $2 AND state = 'pending' \
             RETURNING item_id",
        )
        .bind(now)
        .bind(notice)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(item) = item else {
            // Delivered twice (a lease ran out mid-delivery): the first one counted.
            return Ok(());
        };
        let before: Option<String> =
            sqlx::query_scalar("UPDATE takedown_items SET id = id WHERE id = $1 RETURNING state")
                .bind(item)
                .fetch_optional(&mut *tx)
                .await?;
        let before = before.as_deref().and_then(TakedownState::from_stored);
        let to = match before {
            Some(TakedownState::Escalated) => TakedownState::Escalated,
            Some(
                TakedownState::Actionable | TakedownState::NoticeSent | TakedownState::StillUp,
            ) => TakedownState::NoticeSent,
            // Withdrawn or removed while it was being delivered: the state stands.
            _ => {
                tx.commit().await?;
                return Ok(());
            }
        };
        sqlx::query(
            "UPDATE takedown_items SET state = $1, state_changed_at = $2, \
             first_notice_at = COALESCE(first_notice_at, $2), last_notice_at = $2, \
             next_recheck_at = $3 WHERE id = $4",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(now.saturating_add(millis(first_recheck_after)))
        .bind(item)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"from": before, "to": to, "notice": notice}).to_string();
        audit(
            &mut *tx,
            now,
            "system",
            "takedown",
            "takedown_notice_sent",
            Some(&subject(item)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed delivery; the notice goes again at `retry_at` (Unix ms).
    pub async fn notice_failed(
        &self,
        notice: &str,
        error: &str,
        retry_after: Duration,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE takedown_notices SET leased_until = NULL, last_error = $1, \
             next_attempt_at = $2 WHERE id = $3 AND state = 'pending'",
        )
        .bind(error)
        .bind(now_ms().saturating_add(millis(retry_after)))
        .bind(notice)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A host's confirmation that it removed what a notice named: the item is checked
    /// again at once (the confirmation alone is not trusted). Returns the item, or none
    /// for an unknown token. Confirming twice changes nothing more.
    pub async fn confirm_removal(&self, token_hash: &str) -> Result<Option<i64>, StoreError> {
        retrying!(self.try_confirm_removal(token_hash).await)
    }

    async fn try_confirm_removal(&self, token_hash: &str) -> Result<Option<i64>, StoreError> {
        let mut tx = self.write.begin().await?;
        let now = now_ms();
        let found: Option<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, item_id, confirmed_at FROM takedown_notices \
             WHERE confirm_token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((notice, item, confirmed_at)) = found else {
            return Ok(None);
        };
        if confirmed_at.is_none() {
            sqlx::query("UPDATE takedown_notices SET confirmed_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&notice)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!(
                "UPDATE takedown_items SET host_confirmed_at = $1, \
                 next_recheck_at = CASE WHEN state IN {UNDER_NOTICE} THEN $1 \
                                   ELSE next_recheck_at END WHERE id = $2"
            ))
            .bind(now)
            .bind(item)
            .execute(&mut *tx)
            .await?;
            let detail = serde_json::json!({"notice": notice}).to_string();
            audit(
                &mut *tx,
                now,
                "host",
                "takedown",
                "takedown_removal_confirmed",
                Some(&subject(item)),
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(item))
    }
}

/// A duration in milliseconds, as times are stored.
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
