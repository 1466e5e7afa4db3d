//! The console's dashboard: what needs attention now, and how the service is doing over
//! the last 30 days (reports, list changes, partners) and 12 weeks (time to removal).
//! Each figure is an indexed count or range scan (migration 0016), never a full table walk
//! over cases or entries by time.

use super::takedown_stats::percentile;
use super::{Store, StoreError, now_ms};
use serde::Serialize;
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;
const WEEK_MS: i64 = 7 * DAY_MS;

/// Days shown in the daily series.
const DASHBOARD_DAYS: i64 = 30;
/// Weeks shown in the time to removal.
const DASHBOARD_WEEKS: i64 = 12;

/// One day's figures (the day as Unix ms at midnight UTC).
#[derive(Debug, Clone, Serialize)]
pub struct DayCounts {
    /// Midnight UTC, Unix ms.
    pub day: i64,
    /// Reports (cases) made that day.
    pub reports: i64,
    /// Entries added to the list.
    pub added: i64,
    /// Entries removed from the list.
    pub removed: i64,
}

/// One partner's last sync and feedback totals.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PartnerFigures {
    /// The partner.
    pub name: String,
    /// The start of the hour of its last feed read (Unix ms), if any.
    pub last_sync: Option<i64>,
    /// Matches reported.
    pub matched: i64,
    /// Removals reported.
    pub removed: i64,
    /// Uploads blocked.
    pub blocked: i64,
    /// False positives reported.
    pub false_positives: i64,
}

/// Median and 90th percentile time to removal over a group of removed items.
#[derive(Debug, Clone, Serialize)]
pub struct RemovalFigures {
    /// The week (Unix ms of its start) or the host.
    pub label: String,
    /// The week's start (Unix ms) when grouped by week.
    pub week: Option<i64>,
    /// Items removed.
    pub removed: i64,
    /// Median seconds from first report to removal.
    pub median_seconds: Option<i64>,
    /// 90th percentile seconds from first report to removal.
    pub p90_seconds: Option<i64>,
}

/// What needs an analyst now: read live on every dashboard, each an indexed count of a
/// few rows.
#[derive(Debug, Clone, Serialize)]
pub struct AttentionFigures {
    /// Entries held for an analyst.
    pub held: i64,
    /// Entries suspended.
    pub suspended: i64,
    /// Reported addresses waiting to be assessed (takedown state `reported`).
    pub to_assess: i64,
    /// Takedowns escalated (state `escalated`).
    pub escalated: i64,
    /// Addresses with a notice not yet delivered after a failed attempt (the addresses
    /// page's "Notices failing" group).
    pub notices_failing: i64,
}

/// How the service is doing: the list's size, the last 30 days and 12 weeks. These read
/// many rows (every listed entry, a month of list changes), so the console computes them
/// at most once per `[console] dashboard_refresh` and shares them between analysts.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceFigures {
    /// When they were read (Unix ms).
    pub as_of: i64,
    /// Entries on the list.
    pub list_size: i64,
    /// The last 30 days, oldest first.
    pub days: Vec<DayCounts>,
    /// Partners by name.
    pub partners: Vec<PartnerFigures>,
    /// The last 12 weeks, oldest first.
    pub weeks: Vec<RemovalFigures>,
    /// The hosts with the most removals over the 12 weeks, most first.
    pub hosts: Vec<RemovalFigures>,
}

/// The most hosts the dashboard lists.
const TOP_HOSTS: usize = 10;

impl Store {
    /// What needs an analyst now.
    pub async fn attention_figures(&self) -> Result<AttentionFigures, StoreError> {
        let entry_count = |state: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM entries WHERE state = $1")
                .bind(state)
                .fetch_one(&self.read)
                .await
        };
        let item_count = |state: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM takedown_items WHERE state = $1")
                .bind(state)
                .fetch_one(&self.read)
                .await
        };
        Ok(AttentionFigures {
            held: entry_count("held").await?,
            suspended: entry_count("suspended").await?,
            to_assess: item_count("reported").await?,
            escalated: item_count("escalated").await?,
            notices_failing: sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(DISTINCT item_id) FROM takedown_notices \
                 WHERE state = 'pending' AND last_error IS NOT NULL",
            )
            .fetch_one(&self.read)
            .await?,
        })
    }

    /// How the service is doing, as of now.
    pub async fn service_figures(&self) -> Result<ServiceFigures, StoreError> {
        let now = now_ms();
        let today = now / DAY_MS * DAY_MS;
        let since = today - (DASHBOARD_DAYS - 1) * DAY_MS;
        let list_size =
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM entries WHERE state = 'listed'")
                .fetch_one(&self.read)
                .await?;

        let mut days: BTreeMap<i64, DayCounts> = (0..DASHBOARD_DAYS)
            .map(|i| {
                let day = since + i * DAY_MS;
                (
                    day,
                    DayCounts {
                        day,
                        reports: 0,
                        added: 0,
                        removed: 0,
                    },
                )
            })
            .collect();
        let reports: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT created_at / $2 AS day, COUNT(*) FROM cases WHERE created_at >= $1 \
             GROUP BY created_at / $2",
        )
        .bind(since)
        .bind(DAY_MS)
        .fetch_all(&self.read)
        .await?;
        for (day, count) in reports {
            if let Some(counts) = days.get_mut(&(day * DAY_MS)) {
                counts.reports = count;
            }
        }
        let changes: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT at / $2 AS day, op, COUNT(*) FROM list_changes WHERE at >= $1 \
             GROUP BY at / $2, op",
        )
        .bind(since)
        .bind(DAY_MS)
        .fetch_all(&self.read)
        .await?;
        for (day, op, count) in changes {
            if let Some(counts) = days.get_mut(&(day * DAY_MS)) {
                match op.as_str() {
                    "add" => counts.added += count,
                    _ => counts.removed += count,
                }
            }
        }

        let partners = sqlx::query_as::<_, PartnerFigures>(
            "SELECT p.name, \
             (SELECT MAX(a.at) FROM audit_log a WHERE a.actor_kind = 'partner' \
              AND a.actor = p.name AND a.action = 'hashlist_reads') AS last_sync, \
             COALESCE((SELECT CAST(SUM(f.matched) AS BIGINT) FROM feedback f WHERE f.partner_id = p.id), 0) \
              AS matched, \
             COALESCE((SELECT CAST(SUM(f.removed) AS BIGINT) FROM feedback f WHERE f.partner_id = p.id), 0) \
              AS removed, \
             COALESCE((SELECT CAST(SUM(f.blocked_upload) AS BIGINT) FROM feedback f WHERE f.partner_id = p.id), 0) \
              AS blocked, \
             COALESCE((SELECT CAST(SUM(f.false_positive) AS BIGINT) FROM feedback f WHERE f.partner_id = p.id), 0) \
              AS false_positives \
             FROM partners p WHERE p.revoked_at IS NULL ORDER BY p.name",
        )
        .fetch_all(&self.read)
        .await?;

        // Weeks from Monday (1 January 1970 was a Thursday, day 0; the 5th a Monday).
        const MONDAY_MS: i64 = 4 * DAY_MS;
        let week_start = |ms: i64| (ms - MONDAY_MS).div_euclid(WEEK_MS) * WEEK_MS + MONDAY_MS;
        let first_week = week_start(now) - (DASHBOARD_WEEKS - 1) * WEEK_MS;
        let removals: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT host, first_reported_at, removed_at FROM takedown_items \
             WHERE removed_at >= $1 AND state = 'removed'",
        )
        .bind(first_week)
        .fetch_all(&self.read)
        .await?;
        let mut by_week: BTreeMap<i64, Vec<i64>> = (0..DASHBOARD_WEEKS)
            .map(|i| (first_week + i * WEEK_MS, Vec::new()))
            .collect();
        let mut by_host: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (host, reported, removed) in removals {
            let seconds = (removed - reported).max(0) / 1000;
            by_week
                .entry(week_start(removed))
                .or_default()
                .push(seconds);
            by_host.entry(host).or_default().push(seconds);
        }
        let figures = |label: String, week: Option<i64>, mut seconds: Vec<i64>| {
            seconds.sort_unstable();
            RemovalFigures {
                label,
                week,
                removed: i64::try_from(seconds.len()).unwrap_or(i64::MAX),
                median_seconds: percentile(&seconds, 50),
                p90_seconds: percentile(&seconds, 90),
            }
        };
        let weeks = by_week
            .into_iter()
            .map(|(week, seconds)| figures(String::new(), Some(week), seconds))
            .collect();
        let mut hosts: Vec<RemovalFigures> = by_host
            .into_iter()
            .map(|(host, seconds)| figures(host, None, seconds))
            .collect();
        hosts.sort_by(|a, b| b.removed.cmp(&a.removed).then(a.label.cmp(&b.label)));
        hosts.truncate(TOP_HOSTS);

        Ok(ServiceFigures {
            as_of: now,
            list_size,
            days: days.into_values().collect(),
            partners,
            weeks,
            hosts,
        })
    }
}
