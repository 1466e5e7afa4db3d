//! The dashboard: what needs attention now (each a count linking to the page that handles
//! it), and how the service is doing: charts drawn on the server (`takeback-charts`), each
//! with its numbers as a table beside it.

use super::error::ConsoleError;
use super::render::{day, page};
use super::session::SignedIn;
use crate::http::AppState;
use crate::store::{DashboardFigures, DayCounts, RemovalFigures};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use takeback_charts::{LineChart, Series, line_chart};

#[derive(Serialize)]
struct Dashboard {
    title: &'static str,
    section: &'static str,
    figures: DashboardFigures,
    charts: Charts,
}

/// The dashboard's charts as SVG markup; `None` where one could not be drawn (the table
/// beside it still shows its numbers).
#[derive(Serialize)]
struct Charts {
    reports: Option<String>,
    list_changes: Option<String>,
    removal: Option<String>,
}

/// `GET /console/dashboard`.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, ConsoleError> {
    let figures = state.store.dashboard_figures().await?;
    let charts = charts(&figures.days, &figures.weeks);
    Ok(page(
        StatusCode::OK,
        "dashboard.html",
        Some(&signed_in),
        &Dashboard {
            title: "Dashboard",
            section: "dashboard",
            figures,
            charts,
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
