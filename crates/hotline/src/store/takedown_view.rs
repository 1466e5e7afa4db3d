//! What analysts read of takedown items: the list, one item with the context an
//! assessment needs (cases, reporter kinds, the host's history), its notices and its last
//! re-check. Never a picture.

use super::takedown::state;
use super::{Store, StoreError};
use crate::model::{HostHistory, NoticeView, ReporterCounts, TakedownItemView, TakedownState};

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
