//! Takedown items: one per reported web address (normalised, `crate::takedown`), linked to
//! each case that reported it; what a case's reporter sees of them; an analyst's list and
//! assessment.
//!
//! Every state change is written with an audit row in the transaction that causes it.
//! Items are locked (by an `UPDATE … RETURNING`) before their state is read, in the byte
//! order of their normalised address, after any list entries the same transaction locks:
//! the order every transaction keeps, so that none waits on another in a cycle.

use super::audit::audit;
use super::{Backend, Param, PreparedReport, Principal, Store, StoreError, insert_rows, now_ms};
use crate::model::{
    HostHistory, NoticeView, ReporterCounts, TakedownItemView, TakedownState, UrlStatus,
};
use crate::secrets::CaseId;
use crate::takedown::{NormalUrl, normalise};
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

/// The item columns an analyst's view reads.
const ITEM_COLUMNS: &str = "id, url, host, state, reason, first_reported_at, last_reported_at, \
                            state_changed_at, assessed_at, first_notice_at, last_notice_at, \
                            removed_at, escalated_at, last_checked_at, last_check, \
                            content_matches, host_confirmed_at";

/// A `takedown_items` row ([`ITEM_COLUMNS`]).
#[derive(Debug, sqlx::FromRow)]
struct ItemRow {
    id: i64,
    url: String,
    host: String,
    state: String,
    reason: Option<String>,
    first_reported_at: i64,
    last_reported_at: i64,
    state_changed_at: i64,
    assessed_at: Option<i64>,
    first_notice_at: Option<i64>,
    last_notice_at: Option<i64>,
    removed_at: Option<i64>,
    escalated_at: Option<i64>,
    last_checked_at: Option<i64>,
    last_check: Option<String>,
    content_matches: Option<i64>,
    host_confirmed_at: Option<i64>,
}

/// A `takedown_notices` row, as an analyst sees it.
#[derive(Debug, sqlx::FromRow)]
struct NoticeRow {
    id: String,
    channel: String,
    target: String,
    state: String,
    attempts: i64,
    created_at: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
    confirmed_at: Option<i64>,
}

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

fn state(stored: &str) -> Result<TakedownState, StoreError> {
    TakedownState::from_stored(stored)
        .ok_or_else(|| StoreError::Corrupt(format!("takedown state {stored:?}")))
}

fn subject(id: i64) -> String {
    format!("takedown item {id}")
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
    /// Takedown items after the id `after`, oldest first, in one state or any.
    pub async fn takedown_items(
        &self,
        only: Option<TakedownState>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TakedownItemView>, StoreError> {
        // '' for any state: one statement either way.
        let rows = sqlx::query_as::<_, ItemRow>(&format!(
            "SELECT {ITEM_COLUMNS} FROM takedown_items WHERE ($1 = '' OR state = $1) \
             AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(only.map_or("", TakedownState::as_str))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            views.push(self.item_view(row).await?);
        }
        Ok(views)
    }

    /// One takedown item.
    pub async fn takedown_item(&self, id: i64) -> Result<Option<TakedownItemView>, StoreError> {
        let row = sqlx::query_as::<_, ItemRow>(&format!(
            "SELECT {ITEM_COLUMNS} FROM takedown_items WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        match row {
            Some(row) => Ok(Some(self.item_view(row).await?)),
            None => Ok(None),
        }
    }

    async fn item_view(&self, row: ItemRow) -> Result<TakedownItemView, StoreError> {
        let links: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT l.case_id, l.state, c.reporter FROM takedown_links l \
             JOIN cases c ON c.id = l.case_id WHERE l.item_id = $1 ORDER BY l.case_id",
        )
        .bind(row.id)
        .fetch_all(&self.read)
        .await?;
        let mut case_ids = Vec::new();
        let mut reporters = ReporterCounts::default();
        let mut withdrawn_cases = 0;
        for (case_id, link_state, reporter) in links {
            if link_state != "open" {
                withdrawn_cases += 1;
                continue;
            }
            match reporter.as_str() {
                "young_person" => reporters.young_person += 1,
                "trusted_adult" => reporters.trusted_adult += 1,
                other => return Err(StoreError::Corrupt(format!("reporter {other:?}"))),
            }
            case_ids.push(case_id);
        }
        let earlier: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT first_reported_at, removed_at FROM takedown_items \
             WHERE host = $1 AND id < $2",
        )
        .bind(&row.host)
        .bind(row.id)
        .fetch_all(&self.read)
        .await?;
        let mut removal_seconds: Vec<i64> = earlier
            .iter()
            .filter_map(|&(first, removed)| removed.map(|removed| (removed - first).max(0) / 1000))
            .collect();
        removal_seconds.sort_unstable();
        let host_history = HostHistory {
            previous_items: i64::try_from(earlier.len()).unwrap_or(i64::MAX),
            removed: i64::try_from(removal_seconds.len()).unwrap_or(i64::MAX),
            median_seconds_to_removal: median(&removal_seconds),
        };
        let notices = sqlx::query_as::<_, NoticeRow>(
            "SELECT id, channel, target, state, attempts, created_at, sent_at, last_error, \
             confirmed_at FROM takedown_notices WHERE item_id = $1 ORDER BY created_at, id",
        )
        .bind(row.id)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(|notice| NoticeView {
            id: notice.id,
            channel: notice.channel,
            target: notice.target,
            state: notice.state,
            attempts: notice.attempts,
            created_at: notice.created_at / 1000,
            sent_at: seconds(notice.sent_at),
            last_error: notice.last_error,
            confirmed_at: seconds(notice.confirmed_at),
        })
        .collect();
        Ok(TakedownItemView {
            id: row.id,
            url: row.url,
            host: row.host,
            state: state(&row.state)?,
            reason: row.reason,
            first_reported_at: row.first_reported_at / 1000,
            last_reported_at: row.last_reported_at / 1000,
            state_changed_at: row.state_changed_at / 1000,
            assessed_at: row.assessed_at.map(|ms| ms / 1000),
            case_ids,
            reporters,
            withdrawn_cases,
            host_history,
            first_notice_at: seconds(row.first_notice_at),
            last_notice_at: seconds(row.last_notice_at),
            removed_at: seconds(row.removed_at),
            escalated_at: seconds(row.escalated_at),
            last_checked_at: seconds(row.last_checked_at),
            last_check: row.last_check,
            content_matches: row.content_matches.map(|matches| matches != 0),
            host_confirmed_at: seconds(row.host_confirmed_at),
            notices,
        })
    }

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
        let stored: Option<String> =
            sqlx::query_scalar("UPDATE takedown_items SET id = id WHERE id = $1 RETURNING state")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let before = state(&stored.ok_or(StoreError::NoSuchTakedownItem(id))?)?;
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

/// Stored milliseconds as the API's seconds.
fn seconds(ms: Option<i64>) -> Option<i64> {
    ms.map(|ms| ms / 1000)
}

/// The median of sorted numbers (the lower middle one of an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    sorted.get((sorted.len() - 1) / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_a_few() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 9]), Some(1));
        assert_eq!(median(&[1, 2, 9]), Some(2));
    }
}
