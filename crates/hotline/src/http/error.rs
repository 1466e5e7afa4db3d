//! The API's one error shape, `{"error": {"code", "message"}}` with a fitting status
//! ([`ApiError`], shared with the matcher), and the hotline's own error answers.

use crate::store::StoreError;
use crate::writer::WriteError;
use axum::http::StatusCode;

pub use takeback_service::ApiError;
/// The error body, for the OpenAPI description.
pub use takeback_wire::{ErrorBody, ErrorDetail};

/// What a 503 about the database tells clients to wait before trying again.
const RETRY_AFTER_SECONDS: u32 = 30;

/// The hotline's own error answers, beside [`ApiError`]'s general ones.
pub trait HotlineError {
    /// The same answer for an unknown case and a wrong secret.
    fn case_not_found() -> Self;
    /// The database is unreachable: logged here, once, without any request data.
    fn unavailable(error: &dyn std::fmt::Display) -> Self;
    /// The database's disk is full: logged here for the operator, who must free space.
    fn storage_full(error: &dyn std::fmt::Display) -> Self;
    /// 413, with what to do instead.
    fn body_too_large() -> Self;
}

impl HotlineError for ApiError {
    fn case_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "case_not_found",
            "No report matches this case number and secret. Please check both and try again.",
        )
    }

    fn unavailable(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "database unavailable");
        metrics::counter!("takeback_database_errors_total", "kind" => "unavailable").increment(1);
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The service cannot store or read reports just now. Nothing was saved from this \
             request; please try again in a few minutes.",
        )
        .retry_after(RETRY_AFTER_SECONDS)
    }

    fn storage_full(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(
            %error,
            "the database's disk is full: no report can be stored until space is freed \
             (writing resumes by itself, without a restart)"
        );
        metrics::counter!("takeback_database_errors_total", "kind" => "storage_full").increment(1);
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_full",
            "The service has run out of room to store reports, and its operators have been \
             told. Nothing was saved from this request; please try again later.",
        )
        .retry_after(RETRY_AFTER_SECONDS)
    }

    fn body_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "The request is too large. A report holds fingerprints and web addresses only, \
             which are small; send fewer in each request.",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => ApiError::unavailable(&error),
            StoreError::StorageFull(_) => ApiError::storage_full(&error),
            StoreError::NameTaken { kind, name } => conflict(format!(
                "there is already a {} named {name:?}",
                kind.as_str()
            )),
            StoreError::NoSuchPrincipal { kind, name } => {
                not_found(format!("there is no {} named {name:?}", kind.as_str()))
            }
            StoreError::NoSuchEntry(id) => not_found(no_entry_message(id)),
            StoreError::NoSuchTakedownItem(_) | StoreError::NotAssessable { .. } => {
                crate::http::takedown::store_error(&error)
            }
            StoreError::NotSuspended { state, .. } => conflict(format!(
                "only a suspended entry can be reinstated; this one is {}",
                state.as_str()
            )),
            StoreError::WithdrawnByReporter { .. } => {
                conflict("the reporter withdrew this fingerprint; it cannot be listed")
            }
            StoreError::GuardListed { .. } => {
                conflict("this fingerprint is on the guard list and may never be listed")
            }
            other => {
                tracing::error!(error = %other, "internal error");
                metrics::counter!("takeback_database_errors_total", "kind" => "internal")
                    .increment(1);
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side. Nothing was saved from this request; \
                     please try again.",
                )
            }
        }
    }
}

/// 409 for a request that the data's current state refuses.
fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "conflict", message)
}

/// 404 for a row that the request names and that does not exist.
fn not_found(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
}

/// What a client is told about a list entry id that does not exist.
pub(super) fn no_entry_message(id: i64) -> String {
    format!("there is no list entry with id {id}")
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Store(error) => error.into(),
            WriteError::Stopped => ApiError::unavailable(&"the report writer has stopped"),
        }
    }
}
