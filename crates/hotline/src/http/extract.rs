//! Request extractors: JSON bodies with clear errors, bearer tokens, and the client's
//! (hashed) source.

use super::error::{ApiError, HotlineError};
use super::state::AppState;
use crate::secrets::{ApiToken, TokenKind};
use crate::store::Principal;
use crate::throttle::SourceAddress;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};

/// A JSON body. Anything else (a picture above all) is refused before it is read.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let is_json = media_type == "application/json"
            || (media_type.starts_with("application/") && media_type.ends_with("+json"));
        if !is_json {
            return Err(refuse_media_type(&media_type));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| body_error(&rejection))?;
        parse_json(&bytes).map(JsonBody)
    }
}

fn refuse_media_type(media_type: &str) -> ApiError {
    let looks_like_a_file = media_type.starts_with("image/")
        || media_type.starts_with("video/")
        || media_type == "application/octet-stream"
        || media_type.starts_with("multipart/");
    let message = if looks_like_a_file {
        "This service never accepts pictures, videos or files. Fingerprint the picture on \
         your own device and send only the fingerprints, as JSON."
            .to_owned()
    } else if media_type.is_empty() {
        "Send the request body as JSON with Content-Type: application/json.".to_owned()
    } else {
        format!("Send the request body as JSON (Content-Type: application/json), not {media_type}.")
    };
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        message,
    )
}

fn body_error(rejection: &BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::body_too_large()
    } else {
        ApiError::bad_request("unreadable_body", "The request body could not be read.")
    }
}

/// Parses JSON, telling a malformed document (400) from a well-formed one with wrong or
/// unknown fields (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Two steps, so that the status says which kind of mistake it is: first the syntax,
    // then the shape.
    let document: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        ApiError::bad_request(
            "malformed_json",
            format!("The request body is not valid JSON: {error}"),
        )
    })?;
    serde_json::from_value(document).map_err(|error| {
        ApiError::unprocessable(
            "invalid_field",
            format!(
                "The request has a field that is missing, unknown or of the wrong kind: {error}"
            ),
        )
    })
}

/// The token in `Authorization: Bearer …`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

async fn principal(
    parts: &Parts,
    state: &AppState,
    wanted: TokenKind,
) -> Result<Principal, ApiError> {
    let what = match wanted {
        TokenKind::Partner => "a partner API key",
        TokenKind::Analyst => "an analyst token",
    };
    let presented = bearer(&parts.headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("This route needs {what} as Authorization: Bearer <token>."),
        )
    })?;
    let unknown = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("The token is not {what} that this hotline knows."),
        )
    };
    let token = ApiToken::from_presented(presented).ok_or_else(unknown)?;
    let principal = state
        .store
        .authenticate(&token)
        .await?
        .ok_or_else(unknown)?;
    if principal.kind != wanted {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("This route needs {what}; the token given is for other routes."),
        ));
    }
    Ok(principal)
}

/// A caller with a valid partner API key.
#[derive(Debug)]
pub struct Partner(pub Principal);

impl FromRequestParts<AppState> for Partner {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal(parts, state, TokenKind::Partner)
            .await
            .map(Partner)
    }
}

/// A caller with a valid analyst token.
#[derive(Debug)]
pub struct Analyst(pub Principal);

impl FromRequestParts<AppState> for Analyst {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal(parts, state, TokenKind::Analyst)
            .await
            .map(Analyst)
    }
}

/// The client's source, for throttling: its address cut to a prefix, which the throttles
/// keep only as a keyed hash.
#[derive(Debug, Clone, Copy)]
pub struct Source(pub SourceAddress);

impl FromRequestParts<AppState> for Source {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        // Behind a reverse proxy every peer is the proxy; the address it saw is the last
        // one it appended to X-Forwarded-For. Only trusted when configured.
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| {
                let last_header = parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .next_back()?;
                let last_hop = last_header.to_str().ok()?.rsplit(',').next()?;
                last_hop.trim().parse::<IpAddr>().ok()
            })
            .flatten();
        let address = forwarded
            .or(peer)
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(Source(state.throttles.source(address)))
    }
}
