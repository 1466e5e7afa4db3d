//! The HTTP API: routes, shared state, and what every request goes through (body limit,
//! timeout, metrics, a log line without personal data).

mod analysts;
pub mod error;
mod extract;
mod openapi;
mod partners;
mod reports;
mod state;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::Uri;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use error::ApiError;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub use openapi::openapi_json;
pub use state::AppState;

/// The Prometheus recorder, installed once per process.
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder may already be installed by an embedding program; then its
        // metrics are the ones that count and ours renders empty.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    // Touch the recorder so that metrics recorded before the first scrape are kept.
    prometheus();
    let body_limit = state.config.max_body_bytes;
    let pages = match &state.pages {
        Some(pages) => Arc::clone(pages).router(),
        None => Router::new(),
    };
    Router::new()
        .route("/api/v1/reports", post(reports::create))
        .route(
            "/api/v1/reports/{case_id}",
            get(reports::status).delete(reports::withdraw),
        )
        .route("/api/v1/hashlist", get(partners::hashlist))
        .route("/api/v1/feedback", post(partners::feedback))
        .route("/api/v1/analyst/queue", get(analysts::queue))
        .route("/api/v1/analyst/entries/{id}", get(analysts::entry))
        .route(
            "/api/v1/analyst/entries/{id}/decision",
            post(analysts::decide),
        )
        .route("/api/v1/analyst/urls", get(analysts::urls))
        .route("/api/v1/analyst/cases/{case_id}", get(analysts::case))
        .route("/api/v1/analyst/audit", get(analysts::audit))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
        .merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(body_limit, refuse_oversized))
        .layer(middleware::from_fn(observe))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// How long a request may take before it is abandoned.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Counts and times each request, and logs one line: route template, status, duration.
/// Never the path itself, a header, a body or the client's address.
async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    // A request that takes this long is abandoned with a JSON answer. A report still
    // queued for the writer is then dropped, not stored (see writer.rs).
    let mut response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "The service took too long to answer. Please try again in a few minutes.",
        )
        .into_response(),
    };
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!("takeback_http_requests_total",
        "method" => method.clone(), "route" => route.clone(), "status" => status.to_string())
    .increment(1);
    metrics::histogram!("takeback_http_request_duration_seconds",
        "method" => method.clone(), "route" => route.clone())
    .record(elapsed.as_secs_f64());
    tracing::info!(
        method,
        route,
        status,
        ms = elapsed.as_secs_f64() * 1e3,
        "request"
    );
    // Answers may carry case details or the list: no cache should keep them, no browser
    // should guess their type, and no link should tell another site where it came from.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // The pages set their own policy; anything else (JSON, metrics) may load nothing.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

/// Refuses a body whose announced length is over the limit before reading any of it.
/// (Bodies without a length are cut off by `DefaultBodyLimit` as they arrive.)
async fn refuse_oversized(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return extract::body_too_large().into_response();
    }
    next.run(request).await
}

/// JSON for the API's addresses; the pages' own "not found" page for anything a browser
/// may have been sent to.
async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    if let Some(pages) = &state.pages
        && !uri.path().starts_with("/api/")
    {
        return pages.not_found();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is nothing at this address.",
    )
    .into_response()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This address does not accept that method.",
    )
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

/// `GET /metrics`: Prometheus text format.
async fn metrics_page(State(state): State<AppState>) -> Response {
    // The list's size is read at scrape time, so that every process reports the shared
    // database's truth.
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
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        prometheus().render(),
    )
        .into_response()
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}
