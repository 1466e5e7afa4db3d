//! Partner platforms: the hash list feed and their outcomes.

use super::error::{ApiError, no_entry_message};
use super::extract::{JsonBody, Partner};
use super::state::AppState;
use crate::model::{FeedbackBatch, HashListPage};
use crate::snapshots::SnapshotRefused;
use crate::store::{FeedbackOutcome, StoreError};
use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use takeback_wire::chain::PublishedKeys;
use utoipa::IntoParams;

/// Where to read the feed from.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct Cursor {
    /// The `next` of the previous page; absent to start from the beginning.
    after: Option<String>,
    /// Most changes to return (default 1000).
    limit: Option<String>,
}

/// Reads a whole number within bounds, with a clear error naming the parameter.
pub(super) fn number_param(
    name: &str,
    value: Option<&str>,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ApiError> {
    let Some(text) = value else {
        return Ok(default);
    };
    text.parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("{name} must be a whole number from {min} to {max}"),
            )
        })
}

/// The public keys the feed's checkpoints are signed with, newest first. Open to anyone:
/// a partner reads it once, checks it out of band, and configures it.
#[utoipa::path(
    get, path = "/api/v1/keys", tag = "partners",
    responses((status = 200, body = PublishedKeys)),
)]
pub(super) async fn keys(State(state): State<AppState>) -> Result<Json<PublishedKeys>, ApiError> {
    let keys = state.store.signing_keys().await?;
    Ok(Json(PublishedKeys { keys }))
}

/// The whole current list in one signed stream, as of one moment.
///
/// The body is `takeback_wire::snapshot`'s format (the README describes it): a header with
/// the feed position `seq`, the chain head there and the entry count; the listed entries
/// in id order; a trailer signed with the key `GET /api/v1/keys` publishes. A new partner
/// loads it, checks the trailer, and follows `GET /api/v1/hashlist?after={seq}` from there.
/// Partners asking within `snapshot_reuse_seconds` of one another, or while the list has
/// not changed, get the same entries, signed afresh.
#[utoipa::path(
    get, path = "/api/v1/hashlist/snapshot", tag = "partners",
    security(("partner_key" = [])),
    responses(
        (status = 200, description = "The snapshot", content_type = "application/vnd.takeback.snapshot"),
        (status = 401, description = "No key or unknown key", body = super::error::ErrorBody),
        (status = 403, description = "An analyst token", body = super::error::ErrorBody),
        (status = 503, description = "Too many snapshots being sent: try again after Retry-After", body = super::error::ErrorBody),
    )
)]
pub(super) async fn snapshot(
    State(state): State<AppState>,
    Partner(partner): Partner,
) -> Result<Response, ApiError> {
    let Some(key) = state.feed_key.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_signed",
            "This hotline does not sign its list, so it offers no snapshot: follow \
             /api/v1/hashlist from the start.",
        ));
    };
    let receiver = match state.snapshots.send(&state.store, key, partner.name).await {
        Ok(receiver) => receiver,
        Err(SnapshotRefused::Busy) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Other partners are fetching the whole list just now. Try again in a minute, \
                 or follow /api/v1/hashlist meanwhile.",
            )
            .retry_after(60));
        }
        Err(SnapshotRefused::Store(error)) => return Err(error.into()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, takeback_wire::snapshot::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver)),
    )
        .into_response())
}

/// Follows the hash list: changes after a cursor, in order.
///
/// A partner that starts with no `after` and applies every page (`add` inserts or replaces
/// the entry with that id, `remove` deletes it) holds exactly the current list.
#[utoipa::path(
    get, path = "/api/v1/hashlist", tag = "partners",
    params(Cursor),
    security(("partner_key" = [])),
    responses(
        (status = 200, body = HashListPage),
        (status = 400, description = "Bad cursor or limit", body = super::error::ErrorBody),
        (status = 401, description = "No key or unknown key", body = super::error::ErrorBody),
        (status = 403, description = "An analyst token", body = super::error::ErrorBody),
        (status = 409, description = "The cursor is ahead of the list: start again from the beginning", body = super::error::ErrorBody),
    )
)]
pub(super) async fn hashlist(
    State(state): State<AppState>,
    Partner(partner): Partner,
    query: Result<Query<Cursor>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<HashListPage>, ApiError> {
    let Query(cursor) = query
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let after = number_param("after", cursor.after.as_deref(), 0, 0, i64::MAX)?;
    let page_limit = i64::from(state.config.hashlist_page_limit.max(1));
    let limit = number_param(
        "limit",
        cursor.limit.as_deref(),
        1000.min(page_limit),
        1,
        page_limit,
    )?;
    let changes = state.store.list_changes(after, limit).await?;
    if changes.is_empty() && after > 0 {
        let last = state.store.last_seq().await?;
        if after > last {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "cursor_ahead",
                format!(
                    "The cursor {after} is ahead of the list, which ends at {last}. Start again \
                     without `after` and replace the list you hold."
                ),
            ));
        }
    }
    let next = changes.last().map_or(after, |change| change.seq);
    // The hourly tally of reads is bookkeeping: on a full disk the list is still served
    // (platforms keep blocking), and the lost count is logged instead.
    match state.store.count_feed_read(&partner).await {
        Err(StoreError::StorageFull(error)) => {
            tracing::warn!(partner = %partner.name, %error, "the disk is full: a feed read was served but not counted");
            metrics::counter!("takeback_hashlist_reads_uncounted_total").increment(1);
        }
        other => other?,
    }
    metrics::counter!("takeback_hashlist_changes_served_total").increment(changes.len() as u64);
    let checkpoint = match &state.feed_key {
        Some(key) => state.store.checkpoint(key, next).await?,
        None => None,
    };
    Ok(Json(HashListPage {
        changes,
        next,
        checkpoint,
    }))
}

/// Which fingerprint to look up.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct Signal {
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    algorithm: Option<String>,
    /// The fingerprint as the feed gives it: lowercase hex (a video's identity for `vpdq`).
    value: Option<String>,
}

/// A list entry's id, found by its fingerprint.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct EntryId {
    /// The id feedback names.
    id: i64,
}

/// The id of the list entry with exactly this fingerprint: for partners whose systems keep
/// signals rather than ids (python-threatexchange, Hasher-Matcher-Actioner), to name it in
/// feedback. Only entries that have been in the feed are found.
#[utoipa::path(
    get, path = "/api/v1/hashlist/entry", tag = "partners",
    params(Signal),
    security(("partner_key" = [])),
    responses(
        (status = 200, body = EntryId),
        (status = 400, description = "No algorithm or value, or a malformed one", body = super::error::ErrorBody),
        (status = 401, description = "No key or unknown key", body = super::error::ErrorBody),
        (status = 403, description = "An analyst token", body = super::error::ErrorBody),
        (status = 404, description = "`unknown_entry`: no entry with this fingerprint has been on the list", body = super::error::ErrorBody),
    )
)]
pub(super) async fn entry(
    State(state): State<AppState>,
    Partner(_partner): Partner,
    query: Result<Query<Signal>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<EntryId>, ApiError> {
    let Query(signal) = query
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let (Some(algorithm), Some(value)) = (signal.algorithm, signal.value) else {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "give both algorithm (pdq, md5, sha256 or vpdq) and value (lowercase hex)",
        ));
    };
    let algorithm: takeback_wire::Algorithm = algorithm.parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            format!("unknown algorithm {algorithm:?}: pdq, md5, sha256 or vpdq"),
        )
    })?;
    let value = value.trim().to_ascii_lowercase();
    if value.len() != algorithm.hex_len() || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!("a {algorithm} value is {} hex digits", algorithm.hex_len()),
        ));
    }
    match state
        .store
        .published_entry_id(algorithm.as_str(), &value)
        .await?
    {
        Some(id) => Ok(Json(EntryId { id })),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_entry",
            format!("no {algorithm} entry with this value has been on the list"),
        )),
    }
}

/// Most items in one feedback batch.
const MAX_FEEDBACK_ITEMS: usize = 10_000;

/// Reports what a partner found and did, in counts per list entry.
///
/// Send a `batch_id` to make retries safe: a batch with a known id is acknowledged and not
/// counted again.
#[utoipa::path(
    post, path = "/api/v1/feedback", tag = "partners",
    request_body = FeedbackBatch,
    security(("partner_key" = [])),
    responses(
        (status = 200, description = "Counted (or counted before, for a repeated batch_id)"),
        (status = 401, description = "No key or unknown key", body = super::error::ErrorBody),
        (status = 403, description = "An analyst token", body = super::error::ErrorBody),
        (status = 404, description = "`unknown_entry`: an entry id that was never on the list; nothing counted", body = super::error::ErrorBody),
        (status = 422, description = "Malformed batch", body = super::error::ErrorBody),
    )
)]
pub(super) async fn feedback(
    State(state): State<AppState>,
    Partner(partner): Partner,
    JsonBody(batch): JsonBody<FeedbackBatch>,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_feedback(&batch)?;
    let suspend_after = i64::from(state.config.false_positive_partners_to_suspend.max(1));
    let outcome = state
        .store
        .record_feedback(&partner, &batch, suspend_after)
        .await
        .map_err(|error| match error {
            // Its own code, so that a partner can tell it from a wrong address.
            StoreError::NoSuchEntry(id) => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_entry", no_entry_message(id))
            }
            other => other.into(),
        })?;
    Ok(Json(match outcome {
        FeedbackOutcome::Recorded { suspended } => {
            metrics::counter!("takeback_feedback_items_total").increment(batch.items.len() as u64);
            serde_json::json!({"recorded": batch.items.len(), "suspended": suspended})
        }
        FeedbackOutcome::AlreadyRecorded => {
            serde_json::json!({"recorded": 0, "already_recorded": true})
        }
    }))
}

/// The rules of a feedback batch that need no database: how many items, and its id.
pub(super) fn check_feedback(batch: &FeedbackBatch) -> Result<(), ApiError> {
    if batch.items.is_empty() || batch.items.len() > MAX_FEEDBACK_ITEMS {
        return Err(ApiError::unprocessable(
            "invalid_feedback",
            format!("A batch holds from 1 to {MAX_FEEDBACK_ITEMS} items."),
        ));
    }
    if batch
        .batch_id
        .as_ref()
        .is_some_and(|id| id.is_empty() || id.len() > 200 || id.chars().any(char::is_control))
    {
        return Err(ApiError::unprocessable(
            "invalid_feedback",
            "batch_id is from 1 to 200 characters, without control characters.",
        ));
    }
    Ok(())
}
