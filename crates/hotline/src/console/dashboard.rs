//! The dashboard: what needs attention now (each a count linking to the page that handles
//! it, read live), and how the service is doing: figures that read many rows, so computed
//! at most once per `[console] dashboard_refresh` and shared ([`ServiceFiguresCache`]), with
//! charts drawn on the server (`takeback-charts`), each with its numbers as a table.

use super::error::ConsoleError;
use super::render::{day, page};
use super::session::SignedIn;
use crate::http::AppState;
use crate::store::{AttentionFigures, DayCounts, RemovalFigures, ServiceFigures, StoreError};
use arc_swap::ArcSwapOption;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use takeback_charts::{LineChart, Series, line_chart};

#[derive(Serialize)]
struct Dashboard<'a> {
    title: &'static str,
    section: &'static str,
    attention: AttentionFigures,
    /// How old the service figures may grow (`1m`); none when read on every request.
    refresh: Option<String>,
    figures: &'a ServiceFigures,
    charts: &'a Charts,
}

/// The dashboard's charts as SVG markup; `None` where one could not be drawn (the table
/// beside it still shows its numbers).
#[derive(Debug, Serialize)]
struct Charts {
    reports: Option<String>,
    list_changes: Option<String>,
    removal: Option<String>,
}

/// Service figures and their charts, as last read.
#[derive(Debug)]
struct Computed {
    read_at: Instant,
    figures: ServiceFigures,
    charts: Charts,
}

/// The last service figures read, shared by every analyst's dashboard. When they are older
/// than `dashboard_refresh`, the next dashboard shows them as they are and starts one
/// reading in the background, so that no analyst waits for a month of list changes to be
/// counted; only the very first dashboard after start-up waits.
#[derive(Debug, Default)]
pub(crate) struct ServiceFiguresCache {
    current: ArcSwapOption<Computed>,
    /// A background reading is under way.
    refreshing: AtomicBool,
    /// Serialises the first reading, so that analysts arriving together read once.
    first: tokio::sync::Mutex<()>,
}

impl ServiceFiguresCache {
    async fn get(&self, state: &AppState) -> Result<Arc<Computed>, StoreError> {
        let refresh = state.config.console.dashboard_refresh;
        if refresh == Duration::ZERO {
            return Ok(Arc::new(compute(state).await?));
        }
        if let Some(current) = self.current.load_full() {
            if current.read_at.elapsed() >= refresh && !self.refreshing.swap(true, Ordering::AcqRel)
            {
                let state = state.clone();
                tokio::spawn(async move {
                    let cache = &state.service_figures;
                    match compute(&state).await {
                        Ok(computed) => cache.current.store(Some(Arc::new(computed))),
                        // The figures shown stay the last good ones; the next dashboard tries
                        // again.
                        Err(error) => {
                            tracing::warn!(%error, "the dashboard's figures could not be read")
                        }
                    }
                    cache.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(current);
        }
        let _first = self.first.lock().await;
        if let Some(current) = self.current.load_full() {
            return Ok(current);
        }
        let computed = Arc::new(compute(state).await?);
        self.current.store(Some(Arc::clone(&computed)));
        Ok(computed)
    }
}

async fn compute(state: &AppState) -> Result<Computed, StoreError> {
    let read_at = Instant::now();
    let figures = state.store.service_figures().await?;
    let charts = charts(&figures.days, &figures.weeks);
    Ok(Computed {
        read_at,
        figures,
        charts,
    })
}

/// `GET /console/dashboard`.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, ConsoleError> {
    let attention = state.store.attention_figures().await?;
    let computed = state.service_figures.get(&state).await?;
    Ok(page(
        StatusCode::OK,
        "dashboard.html",
        Some(&signed_in),
        &Dashboard {
            title: "Dashboard",
            section: "dashboard",
            attention,
            refresh: Some(state.config.console.dashboard_refresh)
                .filter(|refresh| !refresh.is_zero())
                .map(|refresh| humantime::format_duration(refresh).to_string()),
            figures: &computed.figures,
            charts: &computed.charts,
        },
    ))
}

fn charts(days: &[DayCounts], weeks: &[RemovalFigures]) -> Charts {
    // Days and weeks as `11-22`: the year is in the tables.
    let short = |ms: i64| {
        day(Some(ms))
            .map(|day| day[5..].to_owned())
            .unwrap_or_default()
    };
    let day_labels: Vec<String> = days.iter().map(|counts| short(counts.day)).collect();
    let count = |pick: fn(&DayCounts) -> i64| -> Vec<Option<f64>> {
        days.iter()
            .map(|counts| Some(pick(counts) as f64))
            .collect()
    };
    let reports = count(|counts| counts.reports);
    let added = count(|counts| counts.added);
    let removed = count(|counts| counts.removed);
    let week_labels: Vec<String> = weeks
        .iter()
        .map(|week| week.week.map(short).unwrap_or_default())
        .collect();
    let hours = |pick: fn(&RemovalFigures) -> Option<i64>| -> Vec<Option<f64>> {
        weeks
            .iter()
            .map(|week| pick(week).map(|seconds| seconds as f64 / 3600.0))
            .collect()
    };
    let median = hours(|week| week.median_seconds);
    let p90 = hours(|week| week.p90_seconds);
    Charts {
        reports: drawn(LineChart {
            title: "Reports per day, last 30 days",
            x_labels: &day_labels,
            y_label: "reports",
            series: &[Series {
                name: "Reports",
                values: &reports,
            }],
        }),
        list_changes: drawn(LineChart {
            title: "Entries added to and removed from the list per day, last 30 days",
            x_labels: &day_labels,
            y_label: "entries",
            series: &[
                Series {
                    name: "Added",
                    values: &added,
                },
                Series {
                    name: "Removed",
                    values: &removed,
                },
            ],
        }),
        removal: drawn(LineChart {
            title: "Time from first report to removal per week, last 12 weeks",
            x_labels: &week_labels,
            y_label: "hours",
            series: &[
                Series {
                    name: "Median",
                    values: &median,
                },
                Series {
                    name: "90th percentile",
                    values: &p90,
                },
            ],
        }),
    }
}

/// A chart's markup; a chart that cannot be drawn is logged and left out, as the page's
/// tables hold the same numbers.
fn drawn(chart: LineChart<'_>) -> Option<String> {
    line_chart(&chart)
        .map_err(|error| tracing::error!(%error, "a dashboard chart could not be drawn"))
        .ok()
        .map(|svg| svg.into_string())
}
