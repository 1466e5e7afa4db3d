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
