//! Reported web addresses, for analysts: the takedown items with the context an
//! assessment needs (never a picture), and the assessment itself. Every call is written
//! to the audit log.

use super::analysts::{PageQuery, page};
use super::error::ApiError;
use super::extract::{Analyst, JsonBody};
use super::state::AppState;
use crate::model::{AssessmentRequest, TakedownItemView, TakedownState};
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
    metrics::counter!(
        "takeback_takedown_assessments_total",
        "actionable" => if request.actionable { "true" } else { "false" }
    )
    .increment(1);
    Ok(Json(view))
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
