//! The review queue: held and suspended entries with their provenance, one entry's page,
//! and the decisions on it (list, reject, reinstate, with a reason).

use super::error::ConsoleError;
use super::render::page;
use super::session::{Posted, SignedIn};
use crate::http::AppState;
use crate::model::{Decision, EntryState, EntryView};
use crate::store::{EntryProvenance, QueuedEntry};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// The most entries one page of the queue shows.
const QUEUE_PAGE: i64 = 100;

/// `?after=ID&state=held|suspended` on the queue; `?done=…&entry=…` after a decision.
#[derive(Debug, Deserialize)]
pub(super) struct QueueQuery {
    after: Option<i64>,
    state: Option<String>,
    done: Option<String>,
    entry: Option<i64>,
}

#[derive(Serialize)]
struct QueuePage<'a> {
    title: &'static str,
    section: &'static str,
    entries: Vec<QueuedEntry>,
    state: Option<&'a str>,
    next_after: Option<i64>,
    done: Option<String>,
}

/// `GET /console/queue`: the entries waiting for a decision, oldest first.
pub(super) async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    query: Result<Query<QueueQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ConsoleError> {
    let Query(query) = query.map_err(|_| {
        ConsoleError::bad_form("The queue's address has a value that is not a number.")
    })?;
    let states = match query.state.as_deref() {
        None | Some("") => vec![EntryState::Held, EntryState::Suspended],
        Some("held") => vec![EntryState::Held],
        Some("suspended") => vec![EntryState::Suspended],
        Some(_) => return Err(ConsoleError::bad_form("state is held or suspended")),
    };
    let after = query.after.unwrap_or(0).max(0);
    let entries = state.store.review_queue(&states, after, QUEUE_PAGE).await?;
    let detail = serde_json::json!({"after": after, "returned": entries.len()}).to_string();
    state
        .store
        .audit_read(signed_in.principal(), "queue_read", None, Some(&detail))
        .await?;
    let next_after = (entries.len() == QUEUE_PAGE as usize)
        .then(|| entries.last().map(|entry| entry.id))
        .flatten();
    let done = match (query.done.as_deref(), query.entry) {
        (Some(decision @ ("listed" | "rejected" | "reinstated")), Some(id)) => {
            Some(format!("Entry {id} {decision}."))
        }
        _ => None,
    };
    Ok(page(
        StatusCode::OK,
        "queue.html",
        Some(&signed_in),
        &QueuePage {
            title: "Review queue",
            section: "queue",
            entries,
            state: query.state.as_deref().filter(|state| !state.is_empty()),
            next_after,
            done,
        },
    ))
}

#[derive(Serialize)]
struct EntryPage {
    title: String,
    section: &'static str,
    entry: EntryView,
    provenance: EntryProvenance,
    can_list: bool,
    can_reject: bool,
    can_reinstate: bool,
    /// Distance to the nearest guard-list hash (PDQ only; none when the list is empty).
    guard_distance: Option<u32>,
    done: Option<String>,
}

/// `?done=…&entry=…`: the decision on the entry before, which opened this one.
#[derive(Debug, Deserialize)]
pub(super) struct EntryQuery {
    done: Option<String>,
    entry: Option<i64>,
}

/// An entry id from the path, or a page that says it is not one.
type EntryId = Result<Path<i64>, axum::extract::rejection::PathRejection>;

fn entry_id(path: EntryId) -> Result<i64, ConsoleError> {
    path.map(|Path(id)| id)
        .map_err(|_| ConsoleError::not_found("There is no entry with that number."))
}

/// `GET /console/entries/{id}`: an entry with its provenance and the decisions that apply.
pub(super) async fn entry(
    State(state): State<AppState>,
    signed_in: SignedIn,
    id: EntryId,
    query: Result<Query<EntryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ConsoleError> {
    let id = entry_id(id)?;
    state
        .store
        .audit_read(
            signed_in.principal(),
            "entry_read",
            Some(&format!("entry {id}")),
            None,
        )
        .await?;
    let entry = state
        .store
        .entry(id)
        .await?
        .ok_or_else(|| ConsoleError::not_found(format!("There is no list entry {id}.")))?;
    let provenance = state.store.entry_provenance(id).await?;
    let guard_distance =
        state
            .guard
            .load()
            .nearest_distance(entry.algorithm, &entry.value, entry.frames.as_deref());
    let done = query
        .ok()
        .and_then(|Query(query)| match (query.done.as_deref(), query.entry) {
            (Some(done @ ("listed" | "rejected" | "reinstated")), Some(before)) => Some(format!(
                "Entry {before} {done}. This is the next one waiting."
            )),
            _ => None,
        });
    Ok(page(
        StatusCode::OK,
        "entry.html",
        Some(&signed_in),
        &EntryPage {
            title: format!("Entry {id}"),
            section: "queue",
            can_list: entry.state != EntryState::Withdrawn
                && !(entry.state == EntryState::Listed && entry.verified),
            can_reject: entry.state != EntryState::Rejected,
            can_reinstate: entry.state == EntryState::Suspended,
            guard_distance,
            provenance,
            entry,
            done,
        },
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionForm {
    decision: Option<String>,
    reason: Option<String>,
}

/// `POST /console/entries/{id}/decision`: then the next entry in the queue opens.
pub(super) async fn decide(
    State(state): State<AppState>,
    id: EntryId,
    Posted { signed_in, form }: Posted<DecisionForm>,
) -> Result<Response, ConsoleError> {
    let id = entry_id(id)?;
    let (decision, done) = match form.decision.as_deref() {
        Some("list") => (Decision::List, "listed"),
        Some("reject") => (Decision::Reject, "rejected"),
        Some("reinstate") => (Decision::Reinstate, "reinstated"),
        _ => {
            return Err(ConsoleError::bad_form("Choose List, Reject or Reinstate."));
        }
    };
    let reason = form
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty());
    if reason.is_some_and(|reason| reason.chars().count() > 2000) {
        return Err(ConsoleError::bad_form(
            "The reason is at most 2,000 characters.",
        ));
    }
    state
        .store
        .decide(
            signed_in.principal(),
            id,
            decision,
            reason,
            &state.guard.load(),
        )
        .await?;
    metrics::counter!("takeback_analyst_decisions_total").increment(1);
    // The next entry waiting, after this one (or from the start, when this was the last).
    let states = [EntryState::Held, EntryState::Suspended];
    let mut next = state.store.review_queue(&states, id, 1).await?;
    if next.is_empty() {
        next = state.store.review_queue(&states, 0, 1).await?;
    }
    let to = match next.first() {
        Some(entry) => format!("/console/entries/{}?done={done}&entry={id}", entry.id),
        None => format!("/console/queue?done={done}&entry={id}"),
    };
    Ok(Redirect::to(&to).into_response())
}
