//! Time to removal, published: counts of takedown items by state, and how long removed
//! items took to come down, overall and per host, over a window.

use super::{Store, StoreError};
use crate::model::{RemovalTimes, TakedownState, TakedownStats};
use std::collections::BTreeMap;

/// One removed item's times (Unix ms).
#[derive(Debug, sqlx::FromRow)]
struct Removal {
    host: String,
    first_reported_at: i64,
    first_notice_at: Option<i64>,
    removed_at: i64,
}

/// One takedown item as a transparency report lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TakedownRecord {
    /// The item.
    pub id: i64,
    /// The normalised address.
    pub url: String,
    /// Its host.
    pub host: String,
    /// Its state.
    pub state: String,
    /// Why not actionable, if so.
    pub reason: Option<String>,
    /// When first reported (Unix ms, to the hour).
    pub first_reported_at: i64,
    /// When last assessed (Unix ms).
    pub assessed_at: Option<i64>,
    /// When the first notice was delivered (Unix ms).
    pub first_notice_at: Option<i64>,
    /// When the last notice was delivered (Unix ms).
    pub last_notice_at: Option<i64>,
    /// Notices delivered.
    pub notices_sent: i64,
    /// When escalated (Unix ms).
    pub escalated_at: Option<i64>,
    /// When found gone (Unix ms).
    pub removed_at: Option<i64>,
    /// Whether the content last seen matched the report (1 or 0).
    pub content_matches: Option<i64>,
}

impl Store {
    /// Counts by state (now), and times to removal of the items removed in
    /// `[since, until)` (Unix seconds), overall and per host; only `host` if given.
    pub async fn takedown_stats(
        &self,
        since: i64,
        until: i64,
        host: Option<&str>,
    ) -> Result<TakedownStats, StoreError> {
        let counted: Vec<(String, i64)> = sqlx::query_as(
            "SELECT state, COUNT(*) FROM takedown_items WHERE ($1 = '' OR host = $1) \
             GROUP BY state",
        )
        .bind(host.unwrap_or(""))
        .fetch_all(&self.read)
        .await?;
        let mut counts: BTreeMap<TakedownState, i64> =
            TakedownState::ALL.iter().map(|state| (*state, 0)).collect();
        for (state, count) in counted {
            let state = super::takedown::state(&state)?;
            counts.insert(state, count);
        }
        let removals = sqlx::query_as::<_, Removal>(
            "SELECT host, first_reported_at, first_notice_at, removed_at FROM takedown_items \
             WHERE state = 'removed' AND removed_at >= $1 AND removed_at < $2 \
             AND ($3 = '' OR host = $3) ORDER BY host",
        )
        .bind(since.saturating_mul(1000))
        .bind(until.saturating_mul(1000))
        .bind(host.unwrap_or(""))
        .fetch_all(&self.read)
        .await?;
        let overall = RemovalTimes::of(&removals.iter().collect::<Vec<_>>(), times);
        let mut by_host: BTreeMap<&str, Vec<&Removal>> = BTreeMap::new();
        for removal in &removals {
            by_host.entry(&removal.host).or_default().push(removal);
        }
        let hosts = by_host
            .into_iter()
            .map(|(host, removals)| (host.to_owned(), RemovalTimes::of(&removals, times)))
            .collect();
        Ok(TakedownStats {
            counts: counts
                .into_iter()
                .map(|(state, count)| (state.as_str().to_owned(), count))
                .collect(),
            since,
            until,
            removed: overall.removed,
            median_seconds_to_removal: overall.median_seconds_to_removal,
            p90_seconds_to_removal: overall.p90_seconds_to_removal,
            median_seconds_from_notice_to_removal: overall.median_seconds_from_notice_to_removal,
            p90_seconds_from_notice_to_removal: overall.p90_seconds_from_notice_to_removal,
            hosts,
        })
    }

    /// Every takedown item for an operator's transparency report, oldest first, after the
    /// id `after`: no case, reporter or fingerprint, only the address and its history.
    pub async fn takedown_records(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TakedownRecord>, StoreError> {
        Ok(sqlx::query_as::<_, TakedownRecord>(
            "SELECT i.id, i.url, i.host, i.state, i.reason, i.first_reported_at, \
             i.assessed_at, i.first_notice_at, i.last_notice_at, \
             (SELECT COUNT(*) FROM takedown_notices n \
              WHERE n.item_id = i.id AND n.state = 'sent') AS notices_sent, \
             i.escalated_at, i.removed_at, i.content_matches \
             FROM takedown_items i WHERE i.id > $1 ORDER BY i.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}

/// Seconds from first report, and from first notice (if one went), to removal.
fn times(removal: &Removal) -> (i64, Option<i64>) {
    let seconds = |from: i64| (removal.removed_at - from).max(0) / 1000;
    (
        seconds(removal.first_reported_at),
        removal.first_notice_at.map(seconds),
    )
}

impl RemovalTimes {
    fn of(removals: &[&Removal], times: fn(&Removal) -> (i64, Option<i64>)) -> Self {
        let mut from_report: Vec<i64> = Vec::with_capacity(removals.len());
        let mut from_notice: Vec<i64> = Vec::with_capacity(removals.len());
        for removal in removals {
            let (report, notice) = times(removal);
            from_report.push(report);
            from_notice.extend(notice);
        }
        from_report.sort_unstable();
        from_notice.sort_unstable();
        RemovalTimes {
            removed: i64::try_from(removals.len()).unwrap_or(i64::MAX),
            median_seconds_to_removal: percentile(&from_report, 50),
            p90_seconds_to_removal: percentile(&from_report, 90),
            median_seconds_from_notice_to_removal: percentile(&from_notice, 50),
            p90_seconds_from_notice_to_removal: percentile(&from_notice, 90),
        }
    }
}

/// The nearest-rank percentile of sorted numbers: the smallest value with at least `p`
/// percent of them at or below it.
pub(crate) fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 50), Some(7));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2], 50), Some(1));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 50), Some(50));
        assert_eq!(percentile(&hundred, 90), Some(90));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 100), Some(10));
    }
}
