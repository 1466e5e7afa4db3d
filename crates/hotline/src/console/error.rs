//! What the console answers when something cannot be done: a page that says what happened
//! and what to do, with the right status.

use super::render::page;
use super::session::{SignedIn, session_cookie};
use crate::http::AppState;
use crate::store::StoreError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A console request that could not be served.
#[derive(Debug, Clone)]
pub(crate) struct ConsoleError {
    status: StatusCode,
    title: &'static str,
    message: String,
    /// Offer the sign-in form (the session has ended).
    sign_in: bool,
}

#[derive(Serialize)]
struct MessagePage<'a> {
    title: &'a str,
    message: &'a str,
    sign_in: bool,
}

impl ConsoleError {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        ConsoleError {
            status,
            title,
            message: message.into(),
            sign_in: false,
        }
    }

    /// Not for this analyst's role.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Not for your role", message)
    }

    /// No live session behind a form that was sent.
    pub fn signed_out() -> Self {
        ConsoleError {
            sign_in: true,
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "Signed out",
                "You are not signed in (or your session has ended), so nothing was done. Sign \
                 in again and repeat what you were doing.",
            )
        }
    }

    /// A form without this session's form token: sent from another site, or from a page
    /// of an earlier session.
    pub fn forged_form() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Form refused",
            "This form did not come from a page of your current session, so nothing was done. \
             Go back, reload the page and try again.",
        )
    }

    /// A form that cannot be read or has a wrong value.
    pub fn bad_form(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Cannot do that", message)
    }

    /// Nothing here.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", message)
    }

    /// Too many failed attempts.
    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", message)
    }

    /// Not in the state the action needs (someone or something moved it on first).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Cannot do that now", message)
    }

    /// A part of the hotline this needs is not running.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "Not available", message)
    }
}

impl From<StoreError> for ConsoleError {
    fn from(error: StoreError) -> Self {
        let conflict = |error: &StoreError| {
            Self::new(StatusCode::CONFLICT, "Cannot do that", error.to_string())
        };
        match &error {
            StoreError::NoSuchEntry(_)
            | StoreError::NoSuchTakedownItem(_)
            | StoreError::NoSuchPrincipal { .. } => Self::not_found(error.to_string()),
            StoreError::NotSuspended { .. }
            | StoreError::WithdrawnByReporter { .. }
            | StoreError::GuardListed { .. }
            | StoreError::NotAssessable { .. }
            | StoreError::NameTaken { .. } => conflict(&error),
            _ if error.is_outage() => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Database not answering",
                "The database is not answering just now, so nothing was done. Try again in a \
                 minute.",
            ),
            _ => {
                tracing::error!(%error, "console request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on the hotline, so nothing was done. It is in the \
                     service's log.",
                )
            }
        }
    }
}

impl ConsoleError {
    /// The page that says what happened, with the banner of `signed_in` if there is one.
    fn render(&self, signed_in: Option<&SignedIn>) -> Response {
        page(
            self.status,
            "message.html",
            signed_in,
            &MessagePage {
                title: self.title,
                message: &self.message,
                sign_in: self.sign_in,
            },
        )
    }
}

impl IntoResponse for ConsoleError {
    /// The page without a session (an extractor or a handler failed, and has none to
    /// give); [`with_session`] puts the signed-in analyst's banner back.
    fn into_response(self) -> Response {
        let mut response = self.render(None);
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware: an error page answered to an analyst whose session is live shows the same
/// banner (name, role, "Sign out") and navigation as every other page. Only error pages
/// look the session up again; others pass through untouched.
pub(super) async fn with_session(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let presented = session_cookie(request.headers());
    let response = next.run(request).await;
    let (Some(error), Some(session)) = (response.extensions().get::<ConsoleError>(), presented)
    else {
        return response;
    };
    let limits = state.config.console.session_limits();
    match state.store.console_session(&session, limits).await {
        Ok(Some(analyst)) => {
            let mut page = error.render(Some(&SignedIn { analyst, session }));
            // Whatever else the answer said (a cookie that ends the session, say) stands.
            for (name, value) in response.headers() {
                if !page.headers().contains_key(name) {
                    page.headers_mut().insert(name, value.clone());
                }
            }
            page
        }
        // Ended, or the database is not answering: the page as it was.
        _ => response,
    }
}
