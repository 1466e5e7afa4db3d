//! Takedown items: one per reported web address (normalised, `crate::takedown`), linked to
//! each case that reported it; what a case's reporter sees of them; an analyst's assessment
//! (what analysts read of them is `takedown_view.rs`).
//!
//! Every state change is written with an audit row in the transaction that causes it.
//! Items are locked (by an `UPDATE … RETURNING`) before their state is read, in the byte
//! order of their normalised address, after any list entries the same transaction locks:
//! the order every transaction keeps, so that none waits on another in a cycle.

use super::audit::audit;
use super::{Backend, Param, PreparedReport, Principal, Store, StoreError, insert_rows, now_ms};
use crate::model::{TakedownItemView, TakedownState, UrlStatus};
use crate::secrets::CaseId;
use crate::takedown::{NormalUrl, normalise};
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

/// One of a case's addresses with what its reporter may see of the item.
#[derive(Debug, sqlx::FromRow)]
struct CaseUrlRow {
    reported_url: String,
    link_state: String,
    state: String,
    reason: Option<String>,
    first_notice_at: Option<i64>,
    removed_at: Option<i64>,
}

pub(super) fn state(stored: &str) -> Result<TakedownState, StoreError> {
    TakedownState::from_stored(stored)
        .ok_or_else(|| StoreError::Corrupt(format!("takedown state {stored:?}")))
}

pub(super) fn subject(id: i64) -> String {
    format!("takedown item {id}")
}

/// Locks a takedown item's row for the rest of the transaction and reads its state: a row is
/// locked before its state is read, so that two analysts' steps on one address serialise.
pub(super) async fn lock_item(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> Result<TakedownState, StoreError> {
    let stored: Option<String> =
        sqlx::query_scalar("UPDATE takedown_items SET id = id WHERE id = $1 RETURNING state")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    state(&stored.ok_or(StoreError::NoSuchTakedownItem(id))?)
}

/// The audit detail of a state change.
fn change_detail(from: Option<TakedownState>, to: TakedownState, reason: Option<&str>) -> String {
    serde_json::json!({"from": from, "to": to, "reason": reason}).to_string()
}

/// Creates or updates the items of the addresses in a batch of reports and links each to
/// its case, in the reports' transaction. `now` is the hour the reports are dated.
///
/// A new address is `reported`. One that no case asks for any more (`withdrawn`) or that
/// an analyst could not act on goes back to `reported`, so that the new report is
/// assessed; any other state stands.
pub(super) async fn link_reported_urls(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    reports: &[PreparedReport],
    now: i64,
) -> Result<(), StoreError> {
    // Keyed by the normalised address: the lock order.
    let mut wanted: BTreeMap<NormalUrl, Vec<(&str, &str)>> = BTreeMap::new();
    for prepared in reports {
        for typed in &prepared.report.urls {
            // The report's checks normalised it already; failing here is a bug.
            let normal = normalise(typed)
                .map_err(|error| StoreError::Corrupt(format!("unchecked address: {error}")))?;
            wanted
                .entry(normal)
                .or_default()
                .push((prepared.case_id.as_str(), typed.as_str()));
        }
    }
    let mut links: Vec<(&str, i64, &str)> = Vec::new();
    let mut audits: Vec<(i64, String)> = Vec::new();
    for (normal, cases) in &wanted {
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO takedown_items (url, host, state, first_reported_at, \
             last_reported_at, state_changed_at) VALUES ($1, $2, 'reported', $3, $3, $3) \
             ON CONFLICT (url) DO NOTHING RETURNING id",
        )
        .bind(&normal.url)
        .bind(&normal.host)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        let id = match inserted {
            Some(id) => {
                audits.push((id, change_detail(None, TakedownState::Reported, None)));
                id
            }
            None => {
                // Locks the row until commit.
                let (id, stored): (i64, String) = sqlx::query_as(
                    "UPDATE takedown_items SET last_reported_at = $1 WHERE url = $2 \
                     RETURNING id, state",
                )
                .bind(now)
                .bind(&normal.url)
                .fetch_one(&mut **tx)
                .await?;
                let before = state(&stored)?;
                if before.reopened_by_report() {
                    set_state(tx, id, TakedownState::Reported, now).await?;
                    audits.push((
                        id,
                        change_detail(Some(before), TakedownState::Reported, None),
                    ));
                }
                id
            }
        };
        for &(case_id, typed) in cases {
            links.push((case_id, id, typed));
        }
    }
    let link_rows: Vec<Vec<Param<'_>>> = links
        .iter()
        .map(|&(case_id, id, typed)| {
            vec![
                Param::Text(case_id),
                Param::Int(Some(id)),
                Param::Text(typed),
                Param::Text("open"),
                Param::Int(Some(now)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        backend,
        "INSERT INTO takedown_links (case_id, item_id, reported_url, state, linked_at)",
        &link_rows,
    )
    .await?;
    let subjects: Vec<String> = audits.iter().map(|(id, _)| subject(*id)).collect();
    let audit_rows: Vec<Vec<Param<'_>>> = audits
        .iter()
        .zip(&subjects)
        .map(|((_, detail), subject)| {
            vec![
                Param::Int(Some(now)),
                Param::Text("system"),
                Param::Text("reports"),
                Param::Text("takedown_state"),
                Param::Text(subject),
                Param::Text(detail),
            ]
        })
        .collect();
    insert_rows(
        tx,
        backend,
        "INSERT INTO audit_log (at, actor_kind, actor, action, subject, detail)",
        &audit_rows,
    )
    .await?;
    Ok(())
}

/// Sets an item's state and the time of the change (and of this kind of change).
async fn set_state(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    to: TakedownState,
    at: i64,
) -> Result<(), StoreError> {
    // The column that keeps when the item last entered this state, if it has one.
    let column = match to {
        TakedownState::Reported => None,
        TakedownState::Actionable | TakedownState::NotActionable => Some("assessed_at"),
        TakedownState::NoContact => Some("no_contact_at"),
        TakedownState::NoticeSent => Some("last_notice_at"),
        TakedownState::StillUp => Some("still_up_at"),
        TakedownState::Escalated => Some("escalated_at"),
        TakedownState::Removed => Some("removed_at"),
        TakedownState::Withdrawn => Some("withdrawn_at"),
    };
    let also = column.map_or(String::new(), |column| format!(", {column} = $2"));
    sqlx::query(&format!(
        "UPDATE takedown_items SET state = $1, state_changed_at = $2{also} WHERE id = $3"
    ))
    .bind(to.as_str())
    .bind(at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Withdraws a case's links to its addresses, in the case's withdrawal. An item whose
/// last open link this was becomes `withdrawn` (unless it was removed already: that
/// stands); another case's link to the same item is untouched. `now` is to the hour.
pub(super) async fn withdraw_links(
    tx: &mut Transaction<'static, Any>,
    case_id: &CaseId,
    now: i64,
) -> Result<(), StoreError> {
    let mut items: Vec<(String, i64)> = sqlx::query_as(
        "SELECT i.url, i.id FROM takedown_links l JOIN takedown_items i ON i.id = l.item_id \
         WHERE l.case_id = $1 AND l.state = 'open'",
    )
    .bind(case_id.as_str())
    .fetch_all(&mut **tx)
    .await?;
    // Byte order of the address, as reports lock them (not the database's collation).
    items.sort();
    for (_, id) in items {
        let stored: String =
            sqlx::query_scalar("UPDATE takedown_items SET id = id WHERE id = $1 RETURNING state")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        sqlx::query(
            "UPDATE takedown_links SET state = 'withdrawn', withdrawn_at = $1 \
             WHERE case_id = $2 AND item_id = $3",
        )
        .bind(now)
        .bind(case_id.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM takedown_links WHERE item_id = $1 AND state = 'open'",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        let before = state(&stored)?;
        if open == 0 && !matches!(before, TakedownState::Removed | TakedownState::Withdrawn) {
            set_state(tx, id, TakedownState::Withdrawn, now).await?;
            let detail = change_detail(Some(before), TakedownState::Withdrawn, None);
            audit(
                &mut **tx,
                now,
                "system",
                "withdrawals",
                "takedown_state",
                Some(&subject(id)),
                Some(&detail),
            )
            .await?;
        }
    }
    Ok(())
}

/// A case's addresses as its reporter sees them (see [`UrlStatus`]).
pub(super) async fn case_urls<'e, E>(
    executor: E,
    case_id: &CaseId,
) -> Result<Vec<UrlStatus>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query_as::<_, CaseUrlRow>(
        "SELECT l.reported_url, l.state AS link_state, i.state, i.reason, i.first_notice_at, \
         i.removed_at FROM takedown_links l JOIN takedown_items i ON i.id = l.item_id \
         WHERE l.case_id = $1 ORDER BY i.id",
    )
    .bind(case_id.as_str())
    .fetch_all(executor)
    .await?;
    let mut urls = Vec::with_capacity(rows.len());
    for row in rows {
        let item = state(&row.state)?;
        let shown = if row.link_state == "withdrawn" {
            TakedownState::Withdrawn
        } else {
            item
        };
        let since = match shown {
            TakedownState::NoticeSent | TakedownState::StillUp | TakedownState::Escalated => {
                row.first_notice_at
            }
            TakedownState::Removed => row.removed_at,
            _ => None,
        };
        urls.push(UrlStatus {
            url: row.reported_url,
            state: shown,
            since: since.map(|ms| ms / 1000),
            reason: if shown == TakedownState::NotActionable {
                row.reason
            } else {
                None
            },
        });
    }
    Ok(urls)
}

impl Store {
    /// Records an analyst's assessment of an item, with its audit row; returns the item.
    /// `reason` is kept (and shown to the reporters) only when it is not actionable.
    pub async fn assess_takedown_item(
        &self,
        analyst: &Principal,
        id: i64,
        actionable: bool,
        reason: Option<&str>,
    ) -> Result<TakedownItemView, StoreError> {
        retrying!(self.try_assess(analyst, id, actionable, reason).await)?;
        self.takedown_item(id)
            .await?
            .ok_or(StoreError::NoSuchTakedownItem(id))
    }

    async fn try_assess(
        &self,
        analyst: &Principal,
        id: i64,
        actionable: bool,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let before = lock_item(&mut tx, id).await?;
        if !before.assessable() {
            return Err(StoreError::NotAssessable {
                item: id,
                state: before,
            });
        }
        let now = now_ms();
        let to = if actionable {
            TakedownState::Actionable
        } else {
            TakedownState::NotActionable
        };
        set_state(&mut tx, id, to, now).await?;
        // An actionable item wants a notice (the takedown worker queues it); one found
        // not actionable wants none.
        sqlx::query("UPDATE takedown_items SET reason = $1, notice_wanted_at = $2 WHERE id = $3")
            .bind(if actionable { None } else { reason })
            .bind(actionable.then_some(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = change_detail(Some(before), to, reason);
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            "takedown_assessment",
            Some(&subject(id)),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
