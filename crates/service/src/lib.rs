//! What every Takeback server (the hotline, the matcher) shares around its handlers, so
//! that both answer, count and log alike:
//!
//! - [`ApiError`]: the one error answer, a status and `{"error": {"code", "message"}}`
//!   (with `WWW-Authenticate: Bearer` on a 401), and the [`not_found`] and
//!   [`method_not_allowed`] fallbacks that answer with it.
//! - [`Plumbing`]: what every request goes through: a body limit that refuses an
//!   announced oversized body before reading it, an optional deadline, a counter, an
//!   optional duration histogram and a log line per request (route template and status,
//!   never a path, header, body or address), and `Cache-Control: no-store` with, for a
//!   server that browsers reach, `nosniff`, `no-referrer` and a default content security
//!   policy.
//! - [`metrics`]: the Prometheus recorder, installed once per process with every
//!   server's histogram buckets, and the `/metrics` answer.
//! - [`BearerToken`]: a token an operator sets (the metrics token, the matcher's API
//!   token), kept as a digest and compared in constant time.
//!
//! ```
//! use axum::Router;
//! use axum::routing::get;
//! use takeback_service::{ApiError, Plumbing, RequestLog, Served, StrictTransport};
//!
//! fn log(served: &Served<'_>) {
//!     eprintln!("{} {} {}", served.route, served.status, served.ms());
//! }
//!
//! let plumbing = Plumbing {
//!     body_limit: 64 * 1024,
//!     too_large: |limit| {
//!         ApiError::new(
//!             axum::http::StatusCode::PAYLOAD_TOO_LARGE,
//!             "too_large",
//!             format!("The body is over the limit of {limit} bytes."),
//!         )
//!     },
//!     requests: RequestLog {
//!         counter: "example_requests_total",
//!         duration: None,
//!         by_method: false,
//!         log,
//!     },
//!     timeout: None,
//!     browser_headers: false,
//!     strict_transport: StrictTransport::Never,
//! };
//! let router: Router = plumbing.around(
//!     Router::new()
//!         .route("/healthz", get(|| async { "ok" }))
//!         .fallback(takeback_service::not_found)
//!         .method_not_allowed_fallback(takeback_service::method_not_allowed),
//! );
//! # drop(router);
//! ```

#![warn(missing_docs)]

mod error;
pub mod metrics;
mod plumbing;
mod token;

pub use error::{ApiError, method_not_allowed, not_found};
pub use plumbing::{
    DEFAULT_CONTENT_SECURITY_POLICY, DRAIN_MAX_BYTES, DRAIN_MAX_TIME, Plumbing, RequestLog,
    STRICT_TRANSPORT_SECURITY, Served, StrictTransport, method_label,
};
pub use token::BearerToken;
