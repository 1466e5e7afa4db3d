//! The dashboard: what needs attention now (each a count linking to the page that handles
//! it), and how the service is doing, as tables of figures.

use super::error::ConsoleError;
use super::render::page;
use super::session::SignedIn;
use crate::http::AppState;
use crate::store::DashboardFigures;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

#[derive(Serialize)]
struct Dashboard {
    title: &'static str,
    section: &'static str,
    figures: DashboardFigures,
}

/// `GET /console/dashboard`.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, ConsoleError> {
    let figures = state.store.dashboard_figures().await?;
    Ok(page(
        StatusCode::OK,
        "dashboard.html",
        Some(&signed_in),
        &Dashboard {
            title: "Dashboard",
            section: "dashboard",
            figures,
        },
    ))
}
