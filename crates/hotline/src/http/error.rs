//! The API's one error shape, `{"error": {"code", "message"}}` with a fitting status
//! ([`ApiError`], shared with the matcher), and the hotline's own error answers.

use crate::store::StoreError;
use crate::writer::WriteError;
use axum::http::StatusCode;

pub use takeback_service::ApiError;
/// The error body, for the OpenAPI description.
pub use takeback_wire::{ErrorBody, ErrorDetail};

/// The hotline's own error answers, beside [`ApiError`]'s general ones.
pub trait HotlineError {
    /// The same answer for an unknown case and a wrong secret.
    fn case_not_found() -> Self;
    /// The database is unreachable: logged here, once, without any request data.
    fn unavailable(error: &dyn std::fmt::Display) -> Self;
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
            StoreError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            StoreError::NotFound(message) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
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

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Store(error) => error.into(),
            WriteError::Stopped => ApiError::unavailable(&"the report writer has stopped"),
        }
    }
}
