//! Signing in with an analyst's token, and signing out.

use super::error::ConsoleError;
use super::render::page;
use super::session::{
    Posted, SignedIn, end_cookie, from_elsewhere, read_form, session_cookie, start_cookie,
};
use crate::http::AppState;
use crate::http::extract::Source;
use crate::secrets::ApiToken;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// What the sign-in page says above the form.
#[derive(Serialize, Default)]
struct SignInPage<'a> {
    title: &'a str,
    notice: Option<&'a str>,
    problem: Option<&'a str>,
}

/// `?ended=1` after a session ended, `?signed_out=1` after signing out.
#[derive(Deserialize)]
pub(super) struct SignInQuery {
    ended: Option<String>,
    signed_out: Option<String>,
}

/// `GET /console`: the sign-in form; the dashboard for someone signed in.
pub(super) async fn form(
    State(state): State<AppState>,
    query: Result<Query<SignInQuery>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    if let Some(session) = session_cookie(request.headers())
        && let Ok(Some(_)) = state
            .store
            .console_session(&session, state.config.console.session_limits())
            .await
    {
        return Redirect::to("/console/dashboard").into_response();
    }
    let notice = query.ok().and_then(|Query(query)| {
        if query.signed_out.is_some() {
            Some("You have signed out.")
        } else if query.ended.is_some() {
            Some("Your session ended. Sign in again to go on.")
        } else {
            None
        }
    });
    sign_in_page(StatusCode::OK, notice, None)
}

fn sign_in_page(status: StatusCode, notice: Option<&str>, problem: Option<&str>) -> Response {
    page(
        status,
        "sign_in.html",
        None,
        &SignInPage {
            title: "Sign in",
            notice,
            problem,
        },
    )
}

#[derive(Deserialize)]
struct SignInForm {
    token: Option<String>,
}

/// `POST /console/sign-in`: a token for a session cookie.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    Source(source): Source,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    // No session yet, so no form token: a browser's Origin tells a sign-in form posted from
    // another site (which would sign the analyst's browser in as someone else).
    if from_elsewhere(&headers, &state) {
        return ConsoleError::forged_form().into_response();
    }
    let body = match read_form(request, &state).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let form: SignInForm =
        serde_urlencoded::from_bytes(&body).unwrap_or(SignInForm { token: None });
    let typed = form.token.unwrap_or_default();
    let typed = typed.trim();
    if typed.is_empty() {
        return sign_in_page(
            StatusCode::BAD_REQUEST,
            None,
            Some("Enter your analyst token (it starts with tba_)."),
        );
    }
    let limits = state.config.console.session_limits();
    let signed_in = match ApiToken::from_presented(typed) {
        Some(token) => state.store.sign_in(&token, limits).await,
        None => Ok(None),
    };
    match signed_in {
        Ok(Some((session, _))) => {
            metrics::counter!("takeback_console_sign_ins_total", "outcome" => "signed_in")
                .increment(1);
            let mut response = Redirect::to("/console/dashboard").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, start_cookie(&session, &headers, &state));
            response
        }
        Ok(None) => {
            metrics::counter!("takeback_console_sign_ins_total", "outcome" => "refused")
                .increment(1);
            match state.throttles.failed_sign_ins.record(&source).await {
                Ok(true) => ConsoleError::too_many(
                    "Too many failed sign-ins from your network in the last hour. Wait, then \
                     try again with your token.",
                )
                .into_response(),
                Ok(false) => sign_in_page(
                    StatusCode::UNAUTHORIZED,
                    None,
                    Some(
                        "That token is not one this hotline knows, or it was revoked. Check \
                         it, or ask an admin for a new one.",
                    ),
                ),
                Err(error) => ConsoleError::from(error).into_response(),
            }
        }
        Err(error) => ConsoleError::from(error).into_response(),
    }
}

/// `POST /console/sign-out`.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    Posted { signed_in, .. }: Posted<serde::de::IgnoredAny>,
) -> Response {
    let SignedIn { analyst, session } = signed_in;
    if let Err(error) = state.store.sign_out(&session, &analyst).await {
        return ConsoleError::from(error).into_response();
    }
    let mut response = Redirect::to("/console?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, end_cookie());
    response
}
