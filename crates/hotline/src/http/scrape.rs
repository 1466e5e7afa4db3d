//! `GET /metrics`: the shared Prometheus text, with the list's size by state, behind an
//! optional token and, when the operator asks, on its own address.

use super::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use std::time::{Duration, Instant};
use takeback_service::metrics::{MetricsToken, render_for};
use tokio::sync::Mutex;

/// How long the list's counts are reused between scrapes. Counting is a scan of the
/// entries table; without a pause anyone who can reach `/metrics` could keep the database
/// busy with it. Five seconds is shorter than any sane scrape interval (15 s or more), so
/// a scraper still sees every change by its next scrape.
pub const ENTRY_COUNTS_FOR: Duration = Duration::from_secs(5);

/// What `/metrics` keeps between requests: the token it asks for, and when the list was
/// last counted.
#[derive(Debug, Default)]
pub struct MetricsPage {
    /// The token, if the operator set one.
    pub(crate) token: Option<MetricsToken>,
    /// When the counts were last read. A lock rather than an atomic, so that scrapes that
    /// arrive together wait for one count instead of each starting its own.
    counted: Mutex<Option<Instant>>,
}

impl MetricsPage {
    /// A page behind `token`, if any.
    pub fn new(token: Option<MetricsToken>) -> Self {
        MetricsPage {
            token,
            counted: Mutex::new(None),
        }
    }
}

/// `GET /metrics`: Prometheus text format; 401 without the token when one is set.
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let page = &state.metrics;
    if let Some(token) = &page.token
        && let Err(refused) = token.check(&headers)
    {
        return axum::response::IntoResponse::into_response(refused);
    }
    let mut counted = page.counted.lock().await;
    if counted.is_none_or(|at| at.elapsed() >= ENTRY_COUNTS_FOR) {
        count_entries(&state).await;
        *counted = Some(Instant::now());
    }
    drop(counted);
    render_for(None, &headers)
}

/// Sets the list's gauges from the database: read at scrape time (not kept up to date by
/// each process) so that every process reports the shared database's truth.
async fn count_entries(state: &AppState) {
    match state.store.entry_counts().await {
        Ok(counts) => {
            // Every state, so that one that has emptied shows 0 rather than its last count.
            for entry_state in ["listed", "held", "withdrawn", "suspended", "rejected"] {
                let count = counts
                    .iter()
                    .find(|(state, _)| state == entry_state)
                    .map_or(0, |(_, count)| *count);
                metrics::gauge!("takeback_list_entries", "state" => entry_state).set(count as f64);
            }
            metrics::gauge!("takeback_database_up").set(1.0);
        }
        Err(_) => metrics::gauge!("takeback_database_up").set(0.0),
    }
    // Time to removal, all time: the same figures as /api/v1/analyst/stats/takedown.
    if let Ok(stats) = state.store.takedown_stats(0, i64::MAX / 1000, None).await {
        for (takedown_state, count) in &stats.counts {
            metrics::gauge!("takeback_takedown_items", "state" => takedown_state.clone())
                .set(*count as f64);
        }
        metrics::gauge!("takeback_takedown_removed_items").set(stats.removed as f64);
        for (quantile, seconds) in [
            ("0.5", stats.median_seconds_to_removal),
            ("0.9", stats.p90_seconds_to_removal),
        ] {
            metrics::gauge!("takeback_takedown_seconds_to_removal", "quantile" => quantile)
                .set(seconds.map_or(f64::NAN, |seconds| seconds as f64));
        }
        for (quantile, seconds) in [
            ("0.5", stats.median_seconds_from_notice_to_removal),
            ("0.9", stats.p90_seconds_from_notice_to_removal),
        ] {
            metrics::gauge!("takeback_takedown_seconds_from_notice_to_removal", "quantile" => quantile)
                .set(seconds.map_or(f64::NAN, |seconds| seconds as f64));
        }
    }
}
