//! The analyst console: web pages the hotline's staff work in, under `/console` (issue 18).
//!
//! - Rendered on the server from the templates in `web/console` (`render.rs`); every page
//!   works without JavaScript, and `console.js` adds keyboard shortcuts. The pages carry the
//!   reporter pages' Content-Security-Policy: nothing but the hotline's own files.
//! - An analyst signs in with their token (`takeback analyst add`), exchanged for a session
//!   cookie (`session.rs`, `store/console.rs`): `HttpOnly`, `SameSite=Strict`, `Secure`
//!   behind TLS, ended after idling, at its expiry, at sign-out, or at once when the analyst
//!   is revoked. Every form carries the session's form token ([`session::Posted`]).
//! - Every action and every read of a case or an entry goes in the audit log with the
//!   analyst's name, as through the API.
//! - Never a picture or a video, not even a thumbnail: the hotline has none, and no page
//!   loads anything from elsewhere.

mod addresses;
mod admin;
mod audit_log;
mod cases;
mod dashboard;
mod error;
mod render;
mod review;
mod session;
mod settings;
mod sign_in;

pub(crate) use dashboard::ServiceFiguresCache;
pub use settings::ConsoleSettings;

use crate::http::AppState;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Router, middleware};

/// The console's routes, under `/console`.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/console", get(sign_in::form))
        .route("/console/sign-in", post(sign_in::sign_in))
        .route("/console/sign-out", post(sign_in::sign_out))
        .route("/console/dashboard", get(dashboard::dashboard))
        .route("/console/queue", get(review::queue))
        .route("/console/entries/{id}", get(review::entry))
        .route("/console/entries/{id}/decision", post(review::decide))
        // Reported addresses (addresses.rs).
        .route("/console/addresses", get(addresses::queue))
        .route("/console/addresses/{id}", get(addresses::address))
        .route("/console/addresses/{id}/open", get(addresses::open))
        .route("/console/addresses/{id}/assess", post(addresses::assess))
        .route("/console/addresses/{id}/recheck", post(addresses::recheck))
        .route(
            "/console/addresses/{id}/notice-again",
            post(addresses::notice_again),
        )
        .route(
            "/console/addresses/{id}/removed",
            post(addresses::mark_removed),
        )
        .route(
            "/console/addresses/{id}/escalate",
            post(addresses::escalate),
        )
        // Records (cases, audit log).
        .route("/console/cases", get(cases::cases))
        .route("/console/cases/{reference}", get(cases::case))
        .route("/console/audit", get(audit_log::audit))
        .route("/console/audit.csv", get(audit_log::audit_csv))
        // Admins only (admin.rs).
        .route(
            "/console/partners",
            get(admin::partners).post(admin::add_partner),
        )
        .route("/console/partners/revoke", post(admin::revoke_partner))
        .route(
            "/console/analysts",
            get(admin::analysts).post(admin::add_analyst),
        )
        .route("/console/analysts/role", post(admin::set_role))
        .route("/console/analysts/revoke", post(admin::revoke_analyst))
        .route("/console/assets/console.css", get(stylesheet))
        .route("/console/assets/console.js", get(script))
        // A signed-in analyst's error pages keep the banner with "Sign out".
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            error::with_session,
        ))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        render::STYLESHEET,
    )
}

async fn script() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        render::SCRIPT,
    )
}
