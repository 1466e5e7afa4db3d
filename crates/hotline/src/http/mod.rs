//! The HTTP API: routes, shared state, and what every request goes through (body limit,
//! timeout, metrics, a log line without personal data, headers: the shared
//! [`takeback_service::Plumbing`], set here for the hotline).

mod analysts;
#[doc(hidden)]
pub mod bodies;
mod confirm;
pub mod error;
pub(crate) mod extract;
mod openapi;
mod partners;
mod reports;
mod scrape;
mod state;
mod takedown;

use crate::config::Hsts;
use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use error::{ApiError, HotlineError};
use std::sync::Arc;
use std::time::Duration;
use takeback_service::metrics::{HTTP_REQUEST_DURATION, prometheus};
use takeback_service::{Plumbing, RequestLog, Served, StrictTransport};

pub use openapi::openapi_json;
pub use scrape::{ENTRY_COUNTS_FOR, MetricsPage};
pub use state::AppState;

/// The whole API; `/metrics` too, unless the operator gave it its own address
/// (`metrics_listen`: then [`metrics_router`] serves it there, and here it is not found).
pub fn router(state: AppState) -> Router {
    let plumbing = plumbing(&state);
    let pages = match &state.pages {
        Some(pages) => Arc::clone(pages).router(),
        None => Router::new(),
    };
    let mut routes = Router::new()
        .route("/api/v1/reports", post(reports::create))
        .route(
            "/api/v1/reports/{case_id}",
            get(reports::status).delete(reports::withdraw),
        )
        .route("/api/v1/hashlist", get(partners::hashlist))
        .route("/api/v1/hashlist/snapshot", get(partners::snapshot))
        .route("/api/v1/hashlist/entry", get(partners::entry))
        .route("/api/v1/keys", get(partners::keys))
        .route("/api/v1/feedback", post(partners::feedback))
        .route("/api/v1/analyst/queue", get(analysts::queue))
        .route("/api/v1/analyst/entries/{id}", get(analysts::entry))
        .route(
            "/api/v1/analyst/entries/{id}/decision",
            post(analysts::decide),
        )
        .route("/api/v1/analyst/urls", get(takedown::urls))
        .route("/api/v1/analyst/stats/takedown", get(takedown::stats))
        .route("/api/v1/analyst/urls/{id}/recheck", post(takedown::recheck))
        .route(
            "/api/v1/takedown/confirm/{token}",
            get(confirm::form).post(confirm::confirm),
        )
        .route(
            "/api/v1/analyst/urls/{id}/assessment",
            post(takedown::assess),
        )
        .route("/api/v1/analyst/cases/{case_id}", get(analysts::case))
        .route("/api/v1/analyst/audit", get(analysts::audit))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz));
    if state.config.metrics_listen.is_none() {
        routes = routes.route("/metrics", get(scrape::page));
    }
    if state.config.console.enabled {
        routes = routes.merge(crate::console::router(&state));
    }
    let routes = routes
        .merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(takeback_service::method_not_allowed);
    plumbing.around(routes).with_state(state)
}

/// `/metrics` alone, for its own address (`metrics_listen`).
pub fn metrics_router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/metrics", get(scrape::page))
        .fallback(takeback_service::not_found)
        .method_not_allowed_fallback(takeback_service::method_not_allowed);
    plumbing(&state).around(routes).with_state(state)
}

/// The hotline's plumbing.
fn plumbing(state: &AppState) -> Plumbing {
    // Touch the recorder so that metrics recorded before the first scrape are kept.
    prometheus();
    Plumbing {
        body_limit: state.config.max_body_bytes,
        too_large: |_| ApiError::body_too_large(),
        requests: RequestLog {
            counter: "takeback_http_requests_total",
            duration: Some(HTTP_REQUEST_DURATION.name),
            by_method: true,
            log: log_request,
        },
        // A request that takes this long is abandoned with a JSON answer. A report still
        // queued for the writer is then dropped, not stored (see writer.rs).
        timeout: Some(REQUEST_TIMEOUT),
        // Browsers reach the hotline (the pages, and the API they call).
        browser_headers: true,
        // Only where the request is known to have come over HTTPS: never on plain HTTP
        // (on this machine, say) unless the operator says every client uses HTTPS.
        strict_transport: match state.config.hsts {
            Hsts::Always => StrictTransport::Always,
            Hsts::Auto if state.config.trust_forwarded_for => StrictTransport::WhenForwardedHttps,
            Hsts::Auto | Hsts::Off => StrictTransport::Never,
        },
    }
}

/// How long a request may take before it is abandoned.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One log line per request: method, route template, status, duration. Never the path
/// itself, a header, a body or the client's address.
fn log_request(served: &Served<'_>) {
    tracing::info!(
        method = served.method,
        route = served.route,
        status = served.status,
        ms = served.ms(),
        "request"
    );
}

/// JSON for the API's addresses; the pages' own "not found" page for anything a browser
/// may have been sent to.
async fn not_found(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    if let Some(pages) = &state.pages
        && !uri.path().starts_with("/api/")
    {
        return pages.not_found(uri.path(), &headers);
    }
    ApiError::not_found().into_response()
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}
