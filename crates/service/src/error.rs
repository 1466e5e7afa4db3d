//! The one error answer: a status and `{"error": {"code", "message"}}`
//! ([`takeback_wire::ErrorBody`]).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use takeback_wire::ErrorBody;
use takeback_wire::error::code;

/// An error answer. `message` is written for the person who will read it.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code, such as `invalid_hash`.
    pub code: &'static str,
    /// Plain-language explanation.
    pub message: String,
    /// Seconds after which trying again may succeed, sent as `Retry-After` (RFC 9110):
    /// for answers about the service's state rather than the request.
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same answer, telling the client to try again after `seconds`.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 400 with the given code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 with the given code.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 404 `not_found`: no route at this address.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            code::NOT_FOUND,
            "There is nothing at this address.",
        )
    }

    /// 405 `method_not_allowed`: a route, but not for this method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This address does not accept that method.",
        )
    }

    /// 503 `timeout`: the request took longer than the server allows.
    pub fn timeout() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "The service took too long to answer. Please try again in a few minutes.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody::new(self.code, self.message);
        let mut response = (self.status, Json(body)).into_response();
        // RFC 9110: a 401 names the scheme that would do; every token here is a bearer.
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The fallback for an address with no route: 404 `not_found`.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// The fallback for a route that does not take the request's method: 405
/// `method_not_allowed`.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
