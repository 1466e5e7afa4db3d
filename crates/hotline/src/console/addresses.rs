//! Reported addresses: the takedown items of the URL takedown workflow (`crate::takedown`)
//! as analysts work them. The queue by what each needs, one address with its assessment,
//! notices and their delivery, re-checks, escalations and timeline, and the analyst's
//! steps: assess, re-check now, send the notice again, mark removed, escalate.
//!
//! An address is only ever text here. Opening it is a deliberate step: a link to a page
//! that warns first (`/open`), which `console.js` replaces by a warning dialog; either way
//! it opens in a new tab with no referrer. Nothing on these pages loads it.

use super::error::ConsoleError;
use super::render::page;
use super::session::{Posted, SignedIn};
use crate::http::AppState;
use crate::model::{AuditRecord, TakedownItemView, TakedownState};
use crate::store::{
    AddressGroup, AddressStep, QueuedAddress, StoreError, can_escalate, can_mark_removed,
    can_notice_again,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most addresses one page of a group shows.
const PAGE: i64 = 100;
/// The most addresses each group shows on the queue's first page, before "more".
const GROUP_PREVIEW: i64 = 20;
/// The most lines of an address's timeline shown.
const TIMELINE_LINES: i64 = 500;
/// Longest reason accepted, in characters (as the API).
const MAX_REASON_CHARS: usize = 2000;

/// The warning before an address opens, shown by `console.js` and by the `/open` page.
const OPEN_WARNING: &str = "This opens the reported address in a new tab, with no referrer. \
    It may show child sexual abuse material: open it only if you must see what is there \
    now, and only where your hotline's procedures allow it. Continue?";

/// A state in an analyst's words.
fn state_label(state: TakedownState) -> &'static str {
    match state {
        TakedownState::Reported => "to assess",
        TakedownState::Actionable => "actionable: notice being sent",
        TakedownState::NotActionable => "not actionable",
        TakedownState::NoContact => "actionable: no one to notify",
        TakedownState::NoticeSent => "notice sent, awaiting removal",
        TakedownState::StillUp => "still up after a notice",
        TakedownState::Escalated => "escalated",
        TakedownState::Removed => "removed",
        TakedownState::Withdrawn => "withdrawn by every case",
    }
}

fn stored_label(stored: &str) -> &str {
    match TakedownState::from_stored(stored) {
        Some(state) => state_label(state),
        None => stored,
    }
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// An item id from the path, or a page that says there is no such address.
type ItemId = Result<Path<i64>, axum::extract::rejection::PathRejection>;

fn item_id(path: ItemId) -> Result<i64, ConsoleError> {
    path.map(|Path(id)| id)
        .map_err(|_| ConsoleError::not_found("There is no reported address with that number."))
}

fn no_such(id: i64) -> ConsoleError {
    ConsoleError::not_found(format!("There is no reported address {id}."))
}

/// `?state=GROUP&after=ID` on the queue.
#[derive(Debug, Deserialize)]
pub(super) struct QueueQuery {
    state: Option<String>,
    after: Option<i64>,
}

/// One address in a queue's table.
#[derive(Serialize)]
struct QueueLine {
    id: i64,
    url: String,
    host: String,
    state: String,
    /// Since first reported, in seconds.
    age: i64,
    /// In this state for, in seconds.
    in_state: i64,
    failing_notices: i64,
}

impl QueueLine {
    fn new(address: QueuedAddress, now: i64) -> Self {
        QueueLine {
            id: address.id,
            state: stored_label(&address.state).to_owned(),
            age: (now - address.first_reported_at / 1000).max(0),
            in_state: (now - address.state_changed_at / 1000).max(0),
            failing_notices: address.failing_notices,
            url: address.url,
            host: address.host,
        }
    }
}

/// One group of the queue.
#[derive(Serialize)]
struct Group {
    key: &'static str,
    label: &'static str,
    lines: Vec<QueueLine>,
    /// The address of the rest of the group, if there is more.
    more: Option<String>,
}

#[derive(Serialize)]
struct QueuePage {
    title: &'static str,
    section: &'static str,
    /// The group chosen, if one is.
    state: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    groups: Vec<Group>,
}

/// `GET /console/addresses`: the reported addresses by what they need, oldest first in
/// each group; `?state=` shows one group, a page at a time.
pub(super) async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    query: Result<Query<QueueQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ConsoleError> {
    let Query(query) = query.map_err(|_| {
        ConsoleError::bad_form("The queue's address has a value that is not a number.")
    })?;
    let only = match query.state.as_deref() {
        None | Some("") => None,
        Some(key) => Some(AddressGroup::from_key(key).ok_or_else(|| {
            let keys: Vec<&str> = AddressGroup::ALL.iter().map(|g| g.key()).collect();
            ConsoleError::bad_form(format!("state is one of {}.", keys.join(", ")))
        })?),
    };
    let after = query.after.unwrap_or(0).max(0);
    let now = now_s();
    let mut groups = Vec::new();
    let mut returned = 0;
    match only {
        Some(group) => {
            let addresses = state.store.address_queue(group, after, PAGE).await?;
            returned += addresses.len();
            let more = (addresses.len() == PAGE as usize)
                .then(|| addresses.last().map(|address| address.id))
                .flatten()
                .map(|last| format!("/console/addresses?state={}&after={last}", group.key()));
            groups.push(Group {
                key: group.key(),
                label: group.label(),
                lines: addresses
                    .into_iter()
                    .map(|address| QueueLine::new(address, now))
                    .collect(),
                more,
            });
        }
        None => {
            for group in AddressGroup::ALL {
                let addresses = state.store.address_queue(group, 0, GROUP_PREVIEW).await?;
                returned += addresses.len();
                let more = (addresses.len() == GROUP_PREVIEW as usize)
                    .then(|| format!("/console/addresses?state={}", group.key()));
                groups.push(Group {
                    key: group.key(),
                    label: group.label(),
                    lines: addresses
                        .into_iter()
                        .map(|address| QueueLine::new(address, now))
                        .collect(),
                    more,
                });
            }
        }
    }
    let detail = serde_json::json!({
        "state": only.map(AddressGroup::key), "after": after, "returned": returned,
    })
    .to_string();
    state
        .store
        .audit_read(signed_in.principal(), "addresses_read", None, Some(&detail))
        .await?;
    Ok(page(
        StatusCode::OK,
        "addresses.html",
        Some(&signed_in),
        &QueuePage {
            title: "Reported addresses",
            section: "addresses",
            state: only.map(AddressGroup::key),
            options: AddressGroup::ALL
                .iter()
                .map(|group| (group.key(), group.label()))
                .collect(),
            groups,
        },
    ))
}

/// A line of an address's timeline.
#[derive(Serialize)]
struct TimelineLine {
    /// Unix ms.
    at: i64,
    who: String,
    what: String,
}

/// A re-check that is in the log: one an analyst asked for, or one that changed something.
#[derive(Serialize)]
struct RecheckLine {
    at: i64,
    who: String,
    found: String,
    /// Whether what the address served matched the reports: `yes`, `no` or none.
    matched: Option<&'static str>,
    change: Option<String>,
}

/// An escalation: when, by whom or what, and why.
#[derive(Serialize)]
struct EscalationLine {
    at: i64,
    who: String,
    why: String,
}

fn text<'a>(detail: &'a Value, key: &str) -> Option<&'a str> {
    detail.get(key).and_then(Value::as_str)
}

fn who(record: &AuditRecord) -> String {
    match record.actor_kind.as_str() {
        "analyst" => format!("{} (analyst)", record.actor),
        "host" => "the host".to_owned(),
        _ if record.actor == "reports" => "a report".to_owned(),
        _ if record.actor == "withdrawals" => "a withdrawal".to_owned(),
        _ => "the hotline".to_owned(),
    }
}

/// `from → to`, in an analyst's words, if the line says the state changed.
fn change(detail: &Value) -> Option<String> {
    let to = text(detail, "to")?;
    let from = text(detail, "from");
    if from == Some(to) {
        return None;
    }
    Some(match from {
        Some(from) => format!("{} → {}", stored_label(from), stored_label(to)),
        None => stored_label(to).to_owned(),
    })
}

/// What an audit line says, in a sentence.
fn describe(record: &AuditRecord) -> String {
    let detail: Value = record
        .detail
        .as_deref()
        .and_then(|detail| serde_json::from_str(detail).ok())
        .unwrap_or(Value::Null);
    let reason = text(&detail, "reason")
        .map(|reason| format!(" Reason: {reason}"))
        .unwrap_or_default();
    let changed = change(&detail)
        .map(|change| format!(" ({change})"))
        .unwrap_or_default();
    match record.action.as_str() {
        "takedown_state" => format!("State{changed}."),
        "takedown_assessment" => format!("Assessed{changed}.{reason}"),
        "takedown_notice_queued" => format!(
            "Notice {} queued by {} to {}.",
            text(&detail, "notice").unwrap_or("?"),
            text(&detail, "channel").unwrap_or("?"),
            text(&detail, "to").unwrap_or("?"),
        ),
        "takedown_notice_sent" => format!(
            "Notice {} delivered{changed}.",
            text(&detail, "notice").unwrap_or("?")
        ),
        "takedown_no_contact" => format!(
            "No one to notify was found{changed}; looked in {}.",
            text(&detail, "looked_in").unwrap_or("?")
        ),
        "takedown_recheck" => {
            let again = if detail.get("notice_again") == Some(&Value::Bool(true)) {
                " Another notice is wanted."
            } else {
                ""
            };
            format!(
                "Re-checked: {}{changed}.{again}",
                text(&detail, "found").unwrap_or("?")
            )
        }
        "takedown_removal_confirmed" => format!(
            "The host confirmed removal by the link in notice {}; it is checked again.",
            text(&detail, "notice").unwrap_or("?")
        ),
        "takedown_notice_retry" => "Asked for the failing notice to be tried again now.".into(),
        "takedown_notice_again" => "Asked for the notice to be sent again.".into(),
        "takedown_marked_removed" => format!("Marked removed{changed}.{reason}"),
        "takedown_escalation" => format!("Escalated{changed}.{reason}"),
        "address_open_page" => "Opened the warning page before the address.".into(),
        other => match &record.detail {
            Some(detail) => format!("{other}: {detail}"),
            None => other.to_owned(),
        },
    }
}

#[derive(Serialize)]
struct AddressPage {
    title: String,
    section: &'static str,
    item: TakedownItemView,
    state_label: &'static str,
    /// Since first reported, in seconds.
    age: i64,
    open_warning: &'static str,
    can_assess: bool,
    can_notice_again: bool,
    can_mark_removed: bool,
    can_escalate: bool,
    /// Whether the takedown worker runs here (re-checks need it).
    can_recheck: bool,
    rechecks: Vec<RecheckLine>,
    escalations: Vec<EscalationLine>,
    timeline: Vec<TimelineLine>,
    done: Option<&'static str>,
}

/// `?done=…` after a step.
#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

/// `GET /console/addresses/{id}`: one address with everything an analyst needs to act.
pub(super) async fn address(
    State(state): State<AppState>,
    signed_in: SignedIn,
    id: ItemId,
    query: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    state
        .store
        .audit_read(
            signed_in.principal(),
            "address_read",
            Some(&format!("takedown item {id}")),
            None,
        )
        .await?;
    let item = state
        .store
        .takedown_item(id)
        .await?
        .ok_or_else(|| no_such(id))?;
    let records = state.store.address_timeline(id, TIMELINE_LINES).await?;
    let mut rechecks = Vec::new();
    let mut escalations = Vec::new();
    let mut timeline = Vec::with_capacity(records.len());
    for record in &records {
        let detail: Value = record
            .detail
            .as_deref()
            .and_then(|detail| serde_json::from_str(detail).ok())
            .unwrap_or(Value::Null);
        if record.action == "takedown_recheck" {
            let found = text(&detail, "found").unwrap_or("?").to_owned();
            let matched = if found.contains("content matches") {
                Some("yes")
            } else if found.contains("does not match") {
                Some("no")
            } else {
                None
            };
            rechecks.push(RecheckLine {
                at: record.at,
                who: who(record),
                found,
                matched,
                change: change(&detail),
            });
        }
        if text(&detail, "to") == Some("escalated") && text(&detail, "from") != Some("escalated") {
            escalations.push(EscalationLine {
                at: record.at,
                who: who(record),
                why: text(&detail, "reason")
                    .map(str::to_owned)
                    .unwrap_or_else(|| match record.actor_kind.as_str() {
                        "analyst" => "—".to_owned(),
                        _ => "still up long after the first notice".to_owned(),
                    }),
            });
        }
        timeline.push(TimelineLine {
            at: record.at,
            who: who(record),
            what: describe(record),
        });
    }
    let done = query
        .ok()
        .and_then(|Query(query)| match query.done.as_deref() {
            Some("assessed") => Some("Assessment recorded."),
            Some("rechecked") => Some("The address was checked again; the result is below."),
            Some("notice_again") => Some("The notice will be sent again."),
            Some("removed") => Some("Marked removed."),
            Some("escalated") => Some("Escalated."),
            _ => None,
        });
    Ok(page(
        StatusCode::OK,
        "address.html",
        Some(&signed_in),
        &AddressPage {
            title: format!("Address {id}"),
            section: "addresses",
            state_label: state_label(item.state),
            age: (now_s() - item.first_reported_at).max(0),
            open_warning: OPEN_WARNING,
            can_assess: item.state.assessable(),
            can_notice_again: can_notice_again(item.state),
            can_mark_removed: can_mark_removed(item.state),
            can_escalate: can_escalate(item.state),
            can_recheck: state.takedown.is_some(),
            rechecks,
            escalations,
            timeline,
            item,
            done,
        },
    ))
}

#[derive(Serialize)]
struct OpenPage {
    title: String,
    section: &'static str,
    id: i64,
    url: String,
    open_warning: &'static str,
}

/// `GET /console/addresses/{id}/open`: the warning before an address opens, for a
/// browser without JavaScript, then the link (new tab, no referrer).
pub(super) async fn open(
    State(state): State<AppState>,
    signed_in: SignedIn,
    id: ItemId,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    let item = state
        .store
        .takedown_item(id)
        .await?
        .ok_or_else(|| no_such(id))?;
    state
        .store
        .audit_read(
            signed_in.principal(),
            "address_open_page",
            Some(&format!("takedown item {id}")),
            None,
        )
        .await?;
    Ok(page(
        StatusCode::OK,
        "address_open.html",
        Some(&signed_in),
        &OpenPage {
            title: format!("Open address {id}?"),
            section: "addresses",
            id,
            url: item.url,
            open_warning: OPEN_WARNING,
        },
    ))
}

/// A step's form: a reason, where the step takes one.
#[derive(Debug, Deserialize)]
pub(super) struct ReasonForm {
    reason: Option<String>,
}

/// The assessment's form.
#[derive(Debug, Deserialize)]
pub(super) struct AssessForm {
    assessment: Option<String>,
    reason: Option<String>,
}

/// A reason, trimmed, if any; refused when too long.
fn reason(text: Option<&str>) -> Result<Option<&str>, ConsoleError> {
    let reason = text.map(str::trim).filter(|reason| !reason.is_empty());
    if reason.is_some_and(|reason| reason.chars().count() > MAX_REASON_CHARS) {
        return Err(ConsoleError::bad_form(
            "The reason is at most 2,000 characters.",
        ));
    }
    Ok(reason)
}

fn after(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/console/addresses/{id}?done={done}")).into_response()
}

/// The page for a step the address's state does not allow.
fn wrong_state(id: i64, step: &str, state: TakedownState) -> ConsoleError {
    ConsoleError::conflict(format!(
        "Address {id} is {} now, so it cannot be {step}. Nothing was done. Reload its page \
         to see where it stands.",
        state_label(state)
    ))
}

/// `POST /console/addresses/{id}/assess`: actionable (a notice goes to the host), or not
/// actionable with a reason the reporters read.
pub(super) async fn assess(
    State(state): State<AppState>,
    id: ItemId,
    Posted { signed_in, form }: Posted<AssessForm>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    let actionable = match form.assessment.as_deref() {
        Some("actionable") => true,
        Some("not_actionable") => false,
        _ => {
            return Err(ConsoleError::bad_form(
                "Choose whether the address is actionable or not.",
            ));
        }
    };
    let reason = reason(form.reason.as_deref())?;
    if !actionable && reason.is_none() {
        return Err(ConsoleError::bad_form(
            "An address that is not actionable needs a reason: the reporters will read it, so \
             write it for them (for example \"This page is a search result, not the picture \
             itself.\").",
        ));
    }
    match state
        .store
        .assess_takedown_item(signed_in.principal(), id, actionable, reason)
        .await
    {
        Ok(_) => {}
        Err(StoreError::NotAssessable { state: now, .. }) => {
            return Err(wrong_state(id, "assessed", now));
        }
        Err(StoreError::NoSuchTakedownItem(_)) => return Err(no_such(id)),
        Err(error) => return Err(error.into()),
    }
    if actionable && let Some(worker) = &state.takedown {
        worker.wake();
    }
    metrics::counter!(
        "takeback_takedown_assessments_total",
        "actionable" => if actionable { "true" } else { "false" }
    )
    .increment(1);
    Ok(after(id, "assessed"))
}

/// `POST /console/addresses/{id}/recheck`: fetches the address now, as the scheduled
/// re-checks do, and records what it found.
pub(super) async fn recheck(
    State(state): State<AppState>,
    id: ItemId,
    Posted { signed_in, form: _ }: Posted<ReasonForm>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    let worker = state.takedown.as_ref().ok_or_else(|| {
        ConsoleError::unavailable(
            "The takedown worker is not running on this server, so the address cannot be \
             checked from here.",
        )
    })?;
    worker
        .recheck_now(id, &signed_in.principal().name)
        .await?
        .ok_or_else(|| no_such(id))?;
    Ok(after(id, "rechecked"))
}

/// `POST /console/addresses/{id}/notice-again`.
pub(super) async fn notice_again(
    State(state): State<AppState>,
    id: ItemId,
    Posted { signed_in, form: _ }: Posted<ReasonForm>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    match step(
        state.store.notice_again(signed_in.principal(), id).await,
        id,
    )? {
        AddressStep::Done => {}
        AddressStep::WrongState(now) => return Err(wrong_state(id, "noticed again", now)),
    }
    if let Some(worker) = &state.takedown {
        worker.wake();
    }
    Ok(after(id, "notice_again"))
}

/// `POST /console/addresses/{id}/removed`.
pub(super) async fn mark_removed(
    State(state): State<AppState>,
    id: ItemId,
    Posted { signed_in, form }: Posted<ReasonForm>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    let reason = reason(form.reason.as_deref())?;
    let result = state
        .store
        .mark_address_removed(signed_in.principal(), id, reason)
        .await;
    match step(result, id)? {
        AddressStep::Done => Ok(after(id, "removed")),
        AddressStep::WrongState(now) => Err(wrong_state(id, "marked removed", now)),
    }
}

/// `POST /console/addresses/{id}/escalate`.
pub(super) async fn escalate(
    State(state): State<AppState>,
    id: ItemId,
    Posted { signed_in, form }: Posted<ReasonForm>,
) -> Result<Response, ConsoleError> {
    let id = item_id(id)?;
    let reason = reason(form.reason.as_deref())?;
    let result = state
        .store
        .escalate_address(signed_in.principal(), id, reason)
        .await;
    match step(result, id)? {
        AddressStep::Done => Ok(after(id, "escalated")),
        AddressStep::WrongState(now) => Err(wrong_state(id, "escalated", now)),
    }
}

/// A step's store result, with the address's own words for an unknown one.
fn step(result: Result<AddressStep, StoreError>, id: i64) -> Result<AddressStep, ConsoleError> {
    result.map_err(|error| match error {
        StoreError::NoSuchTakedownItem(_) => no_such(id),
        error => error.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(action: &str, detail: &str) -> AuditRecord {
        AuditRecord {
            id: 1,
            at: 0,
            actor_kind: "analyst".into(),
            actor: "Ana".into(),
            action: action.into(),
            subject: Some("takedown item 1".into()),
            detail: Some(detail.into()),
            count: 1,
        }
    }

    #[test]
    fn timeline_lines_read_as_sentences() {
        assert_eq!(
            describe(&record(
                "takedown_assessment",
                r#"{"from":"reported","to":"not_actionable","reason":"a search page"}"#
            )),
            "Assessed (to assess → not actionable). Reason: a search page"
        );
        assert_eq!(
            describe(&record(
                "takedown_recheck",
                r#"{"from":"notice_sent","to":"notice_sent","found":"up: answered 200"}"#
            )),
            "Re-checked: up: answered 200."
        );
        assert_eq!(who(&record("x", "{}")), "Ana (analyst)");
    }
}
