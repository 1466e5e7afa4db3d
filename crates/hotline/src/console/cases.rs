//! Cases: look one up by its reference, the recent ones newest first, and one case with its
//! entries, reported addresses and history. Every case read is in the audit log.

use super::error::ConsoleError;
use super::render::page;
use super::session::SignedIn;
use crate::http::AppState;
use crate::model::AuditRecord;
use crate::secrets::CaseId;
use crate::store::{AuditFilter, CaseAddress, CaseCursor, CaseEntry, CaseSummary};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// The most cases one page of the list shows.
const CASES_PAGE: i64 = 50;

/// The most lines of a case's history shown.
const HISTORY_LINES: i64 = 200;

/// `?reference=…` (the look-up form) or `?before=MS&before_id=REF` (the next page).
#[derive(Debug, Deserialize)]
pub(super) struct CasesQuery {
    reference: Option<String>,
    before: Option<i64>,
    before_id: Option<String>,
}

#[derive(Serialize)]
struct CasesPage {
    title: &'static str,
    section: &'static str,
    cases: Vec<CaseSummary>,
    next: Option<(i64, String)>,
}

/// `GET /console/cases`: the look-up form and the recent cases.
pub(super) async fn cases(
    State(state): State<AppState>,
    signed_in: SignedIn,
    query: Result<Query<CasesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ConsoleError> {
    let Query(query) = query.map_err(|_| {
        ConsoleError::bad_form("The cases page's address has a value that is not a number.")
    })?;
    if let Some(typed) = query.reference.as_deref().map(str::trim)
        && !typed.is_empty()
    {
        let Some(case_id) = CaseId::parse(typed) else {
            return Err(ConsoleError::not_found(
                "That is not a case reference: one looks like ABCD-EFGH-JKLM.",
            ));
        };
        return Ok(Redirect::to(&format!("/console/cases/{}", case_id.as_str())).into_response());
    }
    let cursor = match (query.before, query.before_id) {
        (Some(created_at), Some(id)) => Some(CaseCursor { created_at, id }),
        _ => None,
    };
    let cases = state
        .store
        .recent_cases(cursor.as_ref(), CASES_PAGE)
        .await?;
    let detail = serde_json::json!({"returned": cases.len()}).to_string();
    state
        .store
        .audit_read(signed_in.principal(), "cases_listed", None, Some(&detail))
        .await?;
    let next = (cases.len() == CASES_PAGE as usize)
        .then(|| cases.last().map(|case| (case.created_at, case.id.clone())))
        .flatten();
    Ok(page(
        StatusCode::OK,
        "cases.html",
        Some(&signed_in),
        &CasesPage {
            title: "Cases",
            section: "cases",
            cases,
            next,
        },
    ))
}

#[derive(Serialize)]
struct CasePage {
    title: String,
    section: &'static str,
    case: CaseSummary,
    entries: Vec<CaseEntry>,
    addresses: Vec<CaseAddress>,
    history: Vec<AuditRecord>,
}

/// `GET /console/cases/{reference}`: one case. Its read is in the audit log, before it is
/// read, as through the analyst API.
pub(super) async fn case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    reference: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ConsoleError> {
    let not_found = || ConsoleError::not_found("There is no case with that reference.");
    let case_id = reference
        .ok()
        .and_then(|Path(typed)| CaseId::parse(&typed))
        .ok_or_else(not_found)?;
    state
        .store
        .audit_read(
            signed_in.principal(),
            "case_read",
            Some(case_id.as_str()),
            None,
        )
        .await?;
    let case = state
        .store
        .case_summary(case_id.as_str())
        .await?
        .ok_or_else(not_found)?;
    let entries = state.store.case_entries(case_id.as_str()).await?;
    let addresses = state.store.case_addresses(case_id.as_str()).await?;
    let history = state
        .store
        .audit_lines(
            &AuditFilter {
                subject: Some(case_id.as_str().to_owned()),
                ..AuditFilter::default()
            },
            None,
            HISTORY_LINES,
        )
        .await?;
    Ok(page(
        StatusCode::OK,
        "case.html",
        Some(&signed_in),
        &CasePage {
            title: format!("Case {}", case_id.as_str()),
            section: "cases",
            case,
            entries,
            addresses,
            history,
        },
    ))
}
