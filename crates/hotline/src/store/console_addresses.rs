//! What the console's address pages read and do beyond the analyst API (issue 18): the
//! queue of reported addresses by what they need, an address's timeline from the audit
//! log, and the analyst's own steps in the takedown workflow (send the notice again,
//! mark removed, escalate), each written with its audit row in the transaction that
//! makes it, as `takedown.rs` does for an assessment.

use super::audit::{AuditRow, audit};
use super::takedown::{lock_item, subject};
use super::{Principal, Store, StoreError, now_ms};
use crate::model::{AuditRecord, TakedownState};
use serde::Serialize;

/// The groups of the address queue, in the order an analyst works through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressGroup {
    /// Reported, waiting for an assessment.
    ToAssess,
    /// Found actionable: a notice is on its way or sent, and the host has not removed it.
    AwaitingRemoval,
    /// Still up long after notices (or escalated by an analyst): back with an analyst.
    Escalated,
    /// A notice whose delivery failed and is being tried again.
    NoticesFailing,
    /// Actionable, but no one to send a notice to was found.
    NoContact,
    /// Gone from the address.
    Removed,
    /// Not actionable, or withdrawn by every case that reported it.
    Closed,
}

impl AddressGroup {
    /// Every group, in the queue's order.
    pub const ALL: [AddressGroup; 7] = [
        AddressGroup::ToAssess,
        AddressGroup::AwaitingRemoval,
        AddressGroup::Escalated,
        AddressGroup::NoticesFailing,
        AddressGroup::NoContact,
        AddressGroup::Removed,
        AddressGroup::Closed,
    ];

    /// As the queue's address names it (`?state=`).
    pub fn key(self) -> &'static str {
        match self {
            AddressGroup::ToAssess => "assess",
            AddressGroup::AwaitingRemoval => "awaiting",
            AddressGroup::Escalated => "escalated",
            AddressGroup::NoticesFailing => "failing",
            AddressGroup::NoContact => "no_contact",
            AddressGroup::Removed => "removed",
            AddressGroup::Closed => "closed",
        }
    }

    /// Reads `?state=`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|group| group.key() == key)
    }

    /// The group's heading.
    pub fn label(self) -> &'static str {
        match self {
            AddressGroup::ToAssess => "To assess",
            AddressGroup::AwaitingRemoval => "Notices sent, awaiting removal",
            AddressGroup::Escalated => "Escalated",
            AddressGroup::NoticesFailing => "Notices failing",
            AddressGroup::NoContact => "No one to notify",
            AddressGroup::Removed => "Removed",
            AddressGroup::Closed => "Not actionable or withdrawn",
        }
    }

    /// The condition on `takedown_items i` that picks the group's items.
    fn condition(self) -> &'static str {
        match self {
            AddressGroup::ToAssess => "i.state = 'reported'",
            AddressGroup::AwaitingRemoval => "i.state IN ('actionable', 'notice_sent', 'still_up')",
            AddressGroup::Escalated => "i.state = 'escalated'",
            // Delivery failures are kept on the notice until it is delivered.
            AddressGroup::NoticesFailing => {
                "i.id IN (SELECT n.item_id FROM takedown_notices n \
                 WHERE n.state = 'pending' AND n.last_error IS NOT NULL)"
            }
            AddressGroup::NoContact => "i.state = 'no_contact'",
            AddressGroup::Removed => "i.state = 'removed'",
            AddressGroup::Closed => "i.state IN ('not_actionable', 'withdrawn')",
        }
    }
}

/// One address in the queue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QueuedAddress {
    /// The item's id.
    pub id: i64,
    /// The normalised address (shown as text, never loaded).
    pub url: String,
    /// Its host.
    pub host: String,
    /// Its state, as stored.
    pub state: String,
    /// When a case first reported it (Unix ms, to the hour).
    pub first_reported_at: i64,
    /// When its state last changed (Unix ms).
    pub state_changed_at: i64,
    /// Its notices waiting to be delivered again after a failure.
    pub failing_notices: i64,
}

/// What became of an analyst's step on an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressStep {
    /// Done, and audited.
    Done,
    /// Not in this state: nothing was done.
    WrongState(TakedownState),
}

/// The states in which a notice may go again.
const NOTICE_AGAIN_FROM: [TakedownState; 4] = [
    TakedownState::Actionable,
    TakedownState::NoticeSent,
    TakedownState::StillUp,
    TakedownState::Escalated,
];

/// The states an analyst may mark removed from: any in which the hotline still wants it
/// gone (not one found not actionable or withdrawn, where no one asks for it).
const REMOVABLE_FROM: [TakedownState; 6] = [
    TakedownState::Reported,
    TakedownState::Actionable,
    TakedownState::NoContact,
    TakedownState::NoticeSent,
    TakedownState::StillUp,
    TakedownState::Escalated,
];

/// The states an analyst may escalate from: noticed and still waiting for the host.
const ESCALATABLE_FROM: [TakedownState; 2] = [TakedownState::NoticeSent, TakedownState::StillUp];

/// Whether a notice about an item in `state` may be sent again.
pub fn can_notice_again(state: TakedownState) -> bool {
    NOTICE_AGAIN_FROM.contains(&state)
}

/// Whether an analyst may mark an item in `state` removed.
pub fn can_mark_removed(state: TakedownState) -> bool {
    REMOVABLE_FROM.contains(&state)
}

/// Whether an analyst may escalate an item in `state`.
pub fn can_escalate(state: TakedownState) -> bool {
    ESCALATABLE_FROM.contains(&state)
}

impl Store {
    /// The addresses of one group after the id `after`, oldest first.
    pub async fn address_queue(
        &self,
        group: AddressGroup,
        after: i64,
        limit: i64,
    ) -> Result<Vec<QueuedAddress>, StoreError> {
        Ok(sqlx::query_as::<_, QueuedAddress>(&format!(
            "SELECT i.id, i.url, i.host, i.state, i.first_reported_at, i.state_changed_at, \
             (SELECT COUNT(*) FROM takedown_notices n WHERE n.item_id = i.id \
              AND n.state = 'pending' AND n.last_error IS NOT NULL) AS failing_notices \
             FROM takedown_items i WHERE {} AND i.id > $1 ORDER BY i.id LIMIT $2",
            group.condition()
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// What happened to an address, oldest first, from the audit log: its state changes,
    /// assessments, notices, re-checks and analysts' steps (not who read it).
    pub async fn address_timeline(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor_kind, actor, action, subject, detail, count \
                 FROM audit_log WHERE subject = $1 AND action NOT IN ('address_read') \
                 ORDER BY id LIMIT $2",
        )
        .bind(subject(id))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }

    /// An analyst's "send the notice again": a notice waiting after failed deliveries is
    /// tried again at once; otherwise another notice is wanted now (the takedown worker
    /// queues it, as after an assessment).
    pub async fn notice_again(
        &self,
        analyst: &Principal,
        id: i64,
    ) -> Result<AddressStep, StoreError> {
        retrying!(self.try_notice_again(analyst, id).await)
    }

    async fn try_notice_again(
        &self,
        analyst: &Principal,
        id: i64,
    ) -> Result<AddressStep, StoreError> {
        let mut tx = self.write.begin().await?;
        let before = lock_item(&mut tx, id).await?;
        if !can_notice_again(before) {
            return Ok(AddressStep::WrongState(before));
        }
        let now = now_ms();
        let retried = sqlx::query(
            "UPDATE takedown_notices SET next_attempt_at = $1 \
             WHERE item_id = $2 AND state = 'pending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let action = if retried > 0 {
            "takedown_notice_retry"
        } else {
            sqlx::query("UPDATE takedown_items SET notice_wanted_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            "takedown_notice_again"
        };
        let detail = serde_json::json!({"state": before}).to_string();
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            action,
            Some(&subject(id)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(AddressStep::Done)
    }

    /// An analyst's finding that the address is gone: the item is `removed`, wants no
    /// notice and no re-check, and its notices not yet delivered are cancelled.
    pub async fn mark_address_removed(
        &self,
        analyst: &Principal,
        id: i64,
        reason: Option<&str>,
    ) -> Result<AddressStep, StoreError> {
        retrying!(self.try_mark_removed(analyst, id, reason).await)
    }

    async fn try_mark_removed(
        &self,
        analyst: &Principal,
        id: i64,
        reason: Option<&str>,
    ) -> Result<AddressStep, StoreError> {
        let mut tx = self.write.begin().await?;
        let before = lock_item(&mut tx, id).await?;
        if !can_mark_removed(before) {
            return Ok(AddressStep::WrongState(before));
        }
        let now = now_ms();
        sqlx::query(
            "UPDATE takedown_items SET state = 'removed', state_changed_at = $1, \
             removed_at = $1, notice_wanted_at = NULL, next_recheck_at = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE takedown_notices SET state = 'cancelled', payload = NULL \
             WHERE item_id = $1 AND state = 'pending'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "from": before, "to": TakedownState::Removed, "reason": reason,
        })
        .to_string();
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            "takedown_marked_removed",
            Some(&subject(id)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(AddressStep::Done)
    }

    /// An analyst's escalation of an address the host has not removed after notices
    /// (before the re-checks would escalate it): it is `escalated`, and notices and
    /// re-checks carry on.
    pub async fn escalate_address(
        &self,
        analyst: &Principal,
        id: i64,
        reason: Option<&str>,
    ) -> Result<AddressStep, StoreError> {
        retrying!(self.try_escalate(analyst, id, reason).await)
    }

    async fn try_escalate(
        &self,
        analyst: &Principal,
        id: i64,
        reason: Option<&str>,
    ) -> Result<AddressStep, StoreError> {
        let mut tx = self.write.begin().await?;
        let before = lock_item(&mut tx, id).await?;
        if !can_escalate(before) {
            return Ok(AddressStep::WrongState(before));
        }
        let now = now_ms();
        sqlx::query(
            "UPDATE takedown_items SET state = 'escalated', state_changed_at = $1, \
             escalated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "from": before, "to": TakedownState::Escalated, "reason": reason,
        })
        .to_string();
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            "takedown_escalation",
            Some(&subject(id)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(AddressStep::Done)
    }
}
