//! Analysts: the queue of held and suspended entries, decisions, cases and the audit log
//! (reported web addresses: `takedown.rs`). Every call is itself written to the audit log.

use super::error::ApiError;
use super::extract::{Analyst, JsonBody};
use super::partners::number_param;
use super::state::AppState;
use crate::model::{AuditRecord, CaseStatus, DecisionRequest, EntryState, EntryView};
use crate::secrets::CaseId;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

/// A page of a listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct Page {
    /// Start after this id (default 0).
    after: Option<String>,
    /// Most rows (default 100, at most 1000).
    limit: Option<String>,
    /// The queue: `held`, `suspended` or both (default). Reported addresses: one of their
    /// states (`reported`, `actionable`, …) or all (default).
    pub(super) state: Option<String>,
}

pub(super) type PageQuery = Result<Query<Page>, axum::extract::rejection::QueryRejection>;

/// An entry id from the path, with the API's JSON error when it is not a whole number.
type EntryId = Result<Path<i64>, axum::extract::rejection::PathRejection>;

fn entry_id(path: EntryId) -> Result<i64, ApiError> {
    path.map(|Path(id)| id).map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            "the entry id must be a whole number from 1 to 9223372036854775807",
        )
    })
}

pub(super) fn page(query: PageQuery) -> Result<(Page, i64, i64), ApiError> {
    let Query(page) = query
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let after = number_param("after", page.after.as_deref(), 0, 0, i64::MAX)?;
    let limit = number_param("limit", page.limit.as_deref(), 100, 1, 1000)?;
    Ok((page, after, limit))
}

/// Entries waiting for a decision: held for review, or suspended after false-positive
/// reports or by the guard list, while an open case reports them.
#[utoipa::path(
    get, path = "/api/v1/analyst/queue", tag = "analysts",
    params(Page), security(("analyst_token" = [])),
    responses((status = 200, body = [EntryView]), (status = 401), (status = 403))
)]
pub(super) async fn queue(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    query: PageQuery,
) -> Result<Json<Vec<EntryView>>, ApiError> {
    let (page, after, limit) = page(query)?;
    let states = match page.state.as_deref() {
        None => vec![EntryState::Held, EntryState::Suspended],
        Some("held") => vec![EntryState::Held],
        Some("suspended") => vec![EntryState::Suspended],
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                "state must be held or suspended",
            ));
        }
    };
    let entries = state.store.queue(&states, after, limit).await?;
    let detail = serde_json::json!({"after": after, "returned": entries.len()}).to_string();
    state
        .store
        .audit_read(&analyst, "queue_read", None, Some(&detail))
        .await?;
    Ok(Json(entries))
}

/// One entry with its provenance.
#[utoipa::path(
    get, path = "/api/v1/analyst/entries/{id}", tag = "analysts",
    params(("id" = i64, Path)), security(("analyst_token" = [])),
    responses((status = 200, body = EntryView), (status = 404))
)]
pub(super) async fn entry(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    id: EntryId,
) -> Result<Json<EntryView>, ApiError> {
    let id = entry_id(id)?;
    state
        .store
        .audit_read(&analyst, "entry_read", Some(&format!("entry {id}")), None)
        .await?;
    let entry = state.store.entry(id).await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no list entry with id {id}"),
        )
    })?;
    Ok(Json(entry))
}

/// Decides on an entry: `list` (as verified), `reject`, or `reinstate` a suspended one. A
/// fingerprint the guard list guards is refused (409), unless it is suspended: listing it
/// again then stands against the guard-list entries that guard it now.
#[utoipa::path(
    post, path = "/api/v1/analyst/entries/{id}/decision", tag = "analysts",
    params(("id" = i64, Path)), request_body = DecisionRequest, security(("analyst_token" = [])),
    responses((status = 200, body = EntryView), (status = 404), (status = 409, description = "The decision does not apply to the entry's state"))
)]
pub(super) async fn decide(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    id: EntryId,
    JsonBody(request): JsonBody<DecisionRequest>,
) -> Result<Json<EntryView>, ApiError> {
    let id = entry_id(id)?;
    check_decision(&request)?;
    let view = state
        .store
        .decide(
            &analyst,
            id,
            request.decision,
            request.note.as_deref(),
            &state.guard.load(),
        )
        .await?;
    metrics::counter!("takeback_analyst_decisions_total").increment(1);
    Ok(Json(view))
}

/// The rules of a decision that need no database.
pub(super) fn check_decision(request: &DecisionRequest) -> Result<(), ApiError> {
    if request
        .note
        .as_ref()
        .is_some_and(|note| note.chars().count() > 2000)
    {
        return Err(ApiError::unprocessable(
            "invalid_field",
            "note is at most 2000 characters",
        ));
    }
    Ok(())
}

/// A case, as its reporter would see it. The read is logged.
#[utoipa::path(
    get, path = "/api/v1/analyst/cases/{case_id}", tag = "analysts",
    params(("case_id" = String, Path)), security(("analyst_token" = [])),
    responses((status = 200, body = CaseStatus), (status = 404))
)]
pub(super) async fn case(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    case_id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<CaseStatus>, ApiError> {
    let not_found = || {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            "There is no such case.",
        )
    };
    let case_id = case_id
        .ok()
        .and_then(|Path(typed)| CaseId::parse(&typed))
        .ok_or_else(not_found)?;
    // Logged before the read, so that no read goes unrecorded.
    state
        .store
        .audit_read(&analyst, "case_read", Some(case_id.as_str()), None)
        .await?;
    let case = state
        .store
        .case_for_analyst(&case_id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(case))
}

/// The audit log, oldest first.
#[utoipa::path(
    get, path = "/api/v1/analyst/audit", tag = "analysts",
    params(Page), security(("analyst_token" = [])),
    responses((status = 200, body = [AuditRecord]))
)]
pub(super) async fn audit(
    State(state): State<AppState>,
    Analyst(analyst): Analyst,
    query: PageQuery,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let (_, after, limit) = page(query)?;
    state
        .store
        .audit_read(&analyst, "audit_read", None, None)
        .await?;
    Ok(Json(state.store.audit_log(after, limit).await?))
}
