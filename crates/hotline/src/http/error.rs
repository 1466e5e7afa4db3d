//! The API's one error shape: `{"error": {"code", "message"}}` with a fitting status.

use crate::store::StoreError;
use crate::writer::WriteError;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer. `message` is written for the person who will read it.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Plain-language explanation.
    pub message: String,
}

/// The JSON body of an error (for the OpenAPI description).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, such as `invalid_hash`.
    pub code: String,
    /// Plain-language explanation.
    pub message: String,
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with the given code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 with the given code.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// The same answer for an unknown case and a wrong secret.
    pub fn case_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "case_not_found",
            "No report matches this case number and secret. Please check both and try again.",
        )
    }

    /// The database is unreachable: logged here, once, without any request data.
    pub fn unavailable(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "database unavailable");
        metrics::counter!("takeback_database_errors_total", "kind" => "unavailable").increment(1);
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The service cannot store or read reports just now. Nothing was saved from this \
             request; please try again in a few minutes.",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => ApiError::unavailable(&error),
            StoreError::NameTaken { kind, name } => conflict(format!(
                "there is already a {} named {name:?}",
                kind.as_str()
            )),
            StoreError::NoSuchPrincipal { kind, name } => {
                not_found(format!("there is no {} named {name:?}", kind.as_str()))
            }
            StoreError::NoSuchEntry(id) => not_found(no_entry_message(id)),
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
