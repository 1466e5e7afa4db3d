//! Who is signed in: the session cookie, the form token every form carries, and roles.

use super::error::ConsoleError;
use crate::config::Hsts;
use crate::http::AppState;
use crate::secrets::ConsoleSessionToken;
use crate::store::{AnalystRole, ConsoleAnalyst, Principal};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "takeback_console";

/// Largest form body the console reads (a reason is at most 2,000 characters).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A signed-in analyst, with their session.
#[derive(Debug)]
pub(crate) struct SignedIn {
    /// Who, and their role.
    pub analyst: ConsoleAnalyst,
    /// The session (its form token guards every form).
    pub session: ConsoleSessionToken,
}

impl SignedIn {
    /// The analyst, as the audit log names them.
    pub fn principal(&self) -> &Principal {
        &self.analyst.principal
    }

    /// The token the session's forms carry.
    pub fn form_token(&self) -> String {
        self.session.form_token()
    }

    /// Refuses anyone but an admin.
    pub fn require_admin(&self) -> Result<(), ConsoleError> {
        if self.analyst.role == AnalystRole::Admin {
            Ok(())
        } else {
            Err(ConsoleError::forbidden(
                "Only an admin can open this page. Ask an admin if you need something done here.",
            ))
        }
    }
}

/// The session secret in the request's cookie, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<ConsoleSessionToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| ConsoleSessionToken::from_presented(value))
}

/// Whether a browser says the request comes from a page of another site. Its
/// `Sec-Fetch-Site` says so where it is sent (every current browser); else an `Origin` that
/// names a host other than the one asked (`Host`, or `X-Forwarded-Host` behind a trusted
/// proxy). `Origin: null` says nothing: the console's own pages send it, as they ask for no
/// referrer. Without either header (not a browser) nothing is said.
pub(crate) fn from_elsewhere(headers: &HeaderMap, state: &AppState) -> bool {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        // `none`: typed or bookmarked by the user, not sent by a page.
        return !matches!(site.trim(), "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN.as_str()).map(str::trim) else {
        return false;
    };
    if origin == "null" {
        return false;
    }
    let Some((_, authority)) = origin.split_once("://") else {
        return true;
    };
    let authority = authority.trim_end_matches('/');
    let asked = |name: &str| {
        text(name)
            .and_then(|value| value.split(',').next())
            .is_some_and(|host| host.trim().eq_ignore_ascii_case(authority))
    };
    !(asked(header::HOST.as_str())
        || (state.config.trust_forwarded_for && asked("x-forwarded-host")))
}

/// Whether the request reached the hotline over HTTPS, as far as the hotline can know: then
/// the cookie is `Secure`.
fn over_https(headers: &HeaderMap, state: &AppState) -> bool {
    match state.config.hsts {
        Hsts::Always => true,
        Hsts::Off | Hsts::Auto => {
            state.config.trust_forwarded_for
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|value| value.to_str().ok())
                    .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
        }
    }
}

/// The `Set-Cookie` that starts a session. No `Max-Age`: the browser forgets it when it
/// closes, and the hotline ends it after idling or at its expiry whatever the browser does.
pub(crate) fn start_cookie(
    session: &ConsoleSessionToken,
    headers: &HeaderMap,
    state: &AppState,
) -> HeaderValue {
    let secure = if over_https(headers, state) {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/console; HttpOnly; SameSite=Strict{secure}",
        session.expose()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` that makes the browser forget the session.
pub(crate) fn end_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "takeback_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0",
    )
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let limits = state.config.console.session_limits();
        let presented = session_cookie(&parts.headers);
        let analyst = match &presented {
            Some(session) => state
                .store
                .console_session(session, limits)
                .await
                .map_err(|error| ConsoleError::from(error).into_response())?,
            None => None,
        };
        match (analyst, presented) {
            (Some(analyst), Some(session)) => Ok(SignedIn { analyst, session }),
            (_, presented) => {
                // A page asked for goes back to the sign-in form (saying why, when a session
                // had ended); a form sent is refused, so that nothing is done unsigned.
                let ended = presented.is_some();
                if parts.method == Method::GET || parts.method == Method::HEAD {
                    let to = if ended {
                        "/console?ended=1"
                    } else {
                        "/console"
                    };
                    let mut response = Redirect::to(to).into_response();
                    if ended {
                        response
                            .headers_mut()
                            .insert(header::SET_COOKIE, end_cookie());
                    }
                    Err(response)
                } else {
                    Err(ConsoleError::signed_out().into_response())
                }
            }
        }
    }
}

/// A form posted by a signed-in analyst from one of the session's own pages: its form token
/// is checked before anything else is read, so a forged cross-site post does nothing.
#[derive(Debug)]
pub(crate) struct Posted<T> {
    /// Who sent it.
    pub signed_in: SignedIn,
    /// Its fields.
    pub form: T,
}

#[derive(Deserialize)]
struct FormToken {
    form_token: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let signed_in = SignedIn::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let bytes = read_form(request, state).await?;
        let token: FormToken = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| ConsoleError::bad_form("The form could not be read.").into_response())?;
        let expected = signed_in.form_token();
        let presented = token.form_token.unwrap_or_default();
        if !same(presented.as_bytes(), expected.as_bytes()) {
            return Err(ConsoleError::forged_form().into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|error| {
            ConsoleError::bad_form(format!("The form could not be read: {error}.")).into_response()
        })?;
        Ok(Posted { signed_in, form })
    }
}

/// A form's body: `application/x-www-form-urlencoded` only, and small.
pub(crate) async fn read_form(request: Request, state: &AppState) -> Result<Bytes, Response> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(ConsoleError::bad_form(
            "The console takes only its own forms (application/x-www-form-urlencoded).",
        )
        .into_response());
    }
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|_| ConsoleError::bad_form("The form could not be read.").into_response())?;
    if bytes.len() > MAX_FORM_BYTES {
        return Err(ConsoleError::bad_form("The form is too long.").into_response());
    }
    Ok(bytes)
}

/// Compares in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
