//! Reported web addresses, for analysts: the takedown items with the context an
//! assessment needs (never a picture), and the assessment itself. Every call is written
//! to the audit log.

use super::analysts::{PageQuery, page};
use super::error::ApiError;
use super::extract::{Analyst, JsonBody};
use super::state::AppState;
use crate::model::{AssessmentRequest, TakedownItemView, TakedownState, TakedownStats};
use crate::store::StoreError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// Longest reason or note accepted, in characters.
const MAX_REASON_CHARS: usize = 2000;

/// An item id from the path, with the API's JSON error when it is not a whole number.
type ItemId = Result<Path<i64>, axum::extract::rejection::PathRejection>;

fn item_id(path: ItemId) -> Result<i64, ApiError> {
    path.map(|Path(id)| id).map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            "the address id must be a whole number from 1 to 9223372036854775807",
        )
    })
}

/// Reported web addresses, one item per address however many cases reported it, oldest
/// first; `state` picks one state.
#[utoipa::path(
    get, path = "/api/v1/analyst/urls", tag = "analysts",
    params(super::analysts::Page), security(("analyst_token" = [])),
    responses((status = 200, body = [TakedownItemView]))
)]
pub(super) async fn urls(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    query: PageQuery,
) -> Result<Json<Vec<TakedownItemView>>, ApiError> {
    let (page, after, limit) = page(query)?;
    let only = match page.state.as_deref() {
        None => None,
        Some(text) => Some(TakedownState::from_stored(text).ok_or_else(|| {
            let names: Vec<&str> = TakedownState::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::bad_request(
                "invalid_parameter",
                format!("state must be one of {}", names.join(", ")),
            )
        })?),
    };
    let items = state.store.takedown_items(only, after, limit).await?;
    let detail = serde_json::json!({
        "after": after,
        "state": only,
        "returned": items.len(),
    })
    .to_string();
    state
        .store
        .audit_read(&analyst, "urls_read", None, Some(&detail))
        .await?;
    Ok(Json(items))
}

/// Assesses a reported address: `actionable` (the hotline will ask the host to remove
/// it), or not, with a `reason` the reporters will read. An address whose notices went
/// out, that was removed, or that every case withdrew cannot be assessed (409).
#[utoipa::path(
    post, path = "/api/v1/analyst/urls/{id}/assessment", tag = "analysts",
    params(("id" = i64, Path)), request_body = AssessmentRequest,
    security(("analyst_token" = [])),
    responses(
        (status = 200, body = TakedownItemView),
        (status = 404, description = "No reported address has this id"),
        (status = 409, description = "The address is past assessment"),
        (status = 422, description = "No reason for an address that is not actionable, or one too long"),
    )
)]
pub(super) async fn assess(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    id: ItemId,
    JsonBody(request): JsonBody<AssessmentRequest>,
) -> Result<Json<TakedownItemView>, ApiError> {
    let id = item_id(id)?;
    let reason = check_assessment(&request)?;
    let view = state
        .store
        .assess_takedown_item(&analyst, id, request.actionable, reason)
        .await?;
    if request.actionable
        && let Some(worker) = &state.takedown
    {
        worker.wake();
    }
    metrics::counter!(
        "takeback_takedown_assessments_total",
        "actionable" => if request.actionable { "true" } else { "false" }
    )
    .increment(1);
    Ok(Json(view))
}

/// Fetches a reported address now and records what it found (gone, still up, whether
/// it matches the reporting cases' fingerprints), as the scheduled re-checks do.
#[utoipa::path(
    post, path = "/api/v1/analyst/urls/{id}/recheck", tag = "analysts",
    params(("id" = i64, Path)), security(("analyst_token" = [])),
    responses(
        (status = 200, body = TakedownItemView),
        (status = 404, description = "No reported address has this id"),
    )
)]
pub(super) async fn recheck(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    id: ItemId,
) -> Result<Json<TakedownItemView>, ApiError> {
    let id = item_id(id)?;
    let worker = state.takedown.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the takedown worker is not running",
        )
    })?;
    worker
        .recheck_now(id, &analyst.name)
        .await?
        .ok_or(StoreError::NoSuchTakedownItem(id))?;
    let view = state
        .store
        .takedown_item(id)
        .await?
        .ok_or(StoreError::NoSuchTakedownItem(id))?;
    Ok(Json(view))
}

/// The window and host of `GET /api/v1/analyst/stats/takedown`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct StatsQuery {
    /// Count removals from this time (Unix seconds). [default: 0, all time]
    since: Option<i64>,
    /// Count removals before this time (Unix seconds). [default: now]
    until: Option<i64>,
    /// Only this host (as the items name it: lower case, punycode).
    host: Option<String>,
}

/// Takedown items by state, and time to removal (median and 90th percentile, from first
/// report and from first notice) overall and per host, over a window.
#[utoipa::path(
    get, path = "/api/v1/analyst/stats/takedown", tag = "analysts",
    params(StatsQuery), security(("analyst_token" = [])),
    responses((status = 200, body = TakedownStats))
)]
pub(super) async fn stats(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    query: Result<axum::extract::Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<TakedownStats>, ApiError> {
    let axum::extract::Query(query) = query.map_err(|rejection| {
        ApiError::bad_request(
            "invalid_parameter",
            format!(
                "since and until are Unix times in seconds, host a host name ({})",
                rejection.body_text()
            ),
        )
    })?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    let since = query.since.unwrap_or(0);
    let until = query.until.unwrap_or(now.saturating_add(1));
    if since < 0 || until <= since {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "since must be 0 or later and before until",
        ));
    }
    let host = query
        .host
        .as_deref()
        .map(str::trim)
        .filter(|host| !host.is_empty());
    let stats = state.store.takedown_stats(since, until, host).await?;
    let detail = serde_json::json!({"since": since, "until": until, "host": host}).to_string();
    state
        .store
        .audit_read(&analyst, "takedown_stats_read", None, Some(&detail))
        .await?;
    Ok(Json(stats))
}

/// The rules of an assessment that need no database; the reason, trimmed, if any.
fn check_assessment(request: &AssessmentRequest) -> Result<Option<&str>, ApiError> {
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty());
    if reason.is_some_and(|reason| reason.chars().count() > MAX_REASON_CHARS) {
        return Err(ApiError::unprocessable(
            "invalid_field",
            format!("reason is at most {MAX_REASON_CHARS} characters"),
        ));
    }
    if !request.actionable && reason.is_none() {
        return Err(ApiError::unprocessable(
            "reason_required",
            "an address that is not actionable needs a reason: the reporter will read it, \
             so write it for them (for example \"This page is a search result, not the \
             picture itself.\")",
        ));
    }
    Ok(reason)
}

/// The answers for the store's takedown errors (called from `error.rs`).
pub(super) fn store_error(error: &StoreError) -> ApiError {
    match error {
        StoreError::NotAssessable { state, .. } => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "this address is {} and can no longer be assessed",
                state.as_str()
            ),
        ),
        _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", error.to_string()),
    }
}
