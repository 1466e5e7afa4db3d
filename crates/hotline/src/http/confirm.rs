//! The link in every takedown notice by which a host confirms it removed the content.
//!
//! `GET` shows a page with a button, and changes nothing (mail scanners open links);
//! `POST` records the confirmation, once, and asks for a re-check at once: the hotline
//! believes the re-check, not the confirmation.

use super::error::ApiError;
use super::state::AppState;
use crate::secrets::RemovalToken;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A page of the confirmation, with the pages' strict policy (no script, no style at all).
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether the caller is a browser (a form), which gets a page rather than JSON.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A token is 32 characters of Crockford's base 32; anything else is not one.
fn plausible(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// The confirmation page: a button that confirms (a `POST` to the same address).
pub(super) async fn form(Path(token): Path<String>) -> Response {
    if !plausible(&token) {
        return page(
            StatusCode::NOT_FOUND,
            "Link not recognised",
            "<p>This confirmation link is not one we sent. Please use the link in the notice.</p>",
        );
    }
    page(
        StatusCode::OK,
        "Confirm removal",
        "<p>If you have removed the content named in our takedown notice, please confirm \
         below. We will check the address ourselves.</p>\
         <form method=\"post\"><button type=\"submit\">It has been removed</button></form>",
    )
}

/// Records a host's confirmation of removal; 404 for a token no notice carried.
#[utoipa::path(
    post, path = "/api/v1/takedown/confirm/{token}", tag = "takedown",
    params(("token" = String, Path, description = "The token in the notice's link")),
    responses(
        (status = 200, description = "Confirmed; the address will be checked again now"),
        (status = 404, description = "No notice carried this token"),
    )
)]
pub(super) async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let item = if plausible(&token) {
        state
            .store
            .confirm_removal(&RemovalToken::from_presented(&token).digest())
            .await?
    } else {
        None
    };
    let html = wants_html(&headers);
    if item.is_none() {
        if html {
            return Ok(page(
                StatusCode::NOT_FOUND,
                "Link not recognised",
                "<p>This confirmation link is not one we sent. Please use the link in the notice.</p>",
            ));
        }
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no takedown notice carried this confirmation link",
        ));
    }
    metrics::counter!("takeback_takedown_removal_confirmations_total").increment(1);
    if let Some(worker) = &state.takedown {
        worker.wake();
    }
    if html {
        return Ok(page(
            StatusCode::OK,
            "Thank you",
            "<p>Thank you for removing it. We will check the address shortly.</p>",
        ));
    }
    Ok(axum::Json(serde_json::json!({
        "confirmed": true,
        "message": "Thank you. The address will be checked again shortly.",
    }))
    .into_response())
}
