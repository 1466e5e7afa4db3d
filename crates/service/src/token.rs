//! Bearer tokens an operator sets on a server (the metrics token, the matcher's API
//! token): kept only as a digest and compared in constant time.

use crate::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

/// A bearer token a server asks for.
///
/// Only its SHA-256 digest is kept, and a presented token is compared by digest, every
/// byte of it, so that neither a memory dump nor the time an answer takes gives the
/// token away.
#[derive(Clone)]
pub struct BearerToken {
    digest: [u8; 32],
}

impl BearerToken {
    /// The token `secret` (spaces around it ignored); none for an empty one, which must
    /// not leave a route open by accident: callers refuse it.
    pub fn new(secret: &str) -> Option<Self> {
        let secret = secret.trim();
        (!secret.is_empty()).then(|| BearerToken {
            digest: Sha256::digest(secret.as_bytes()).into(),
        })
    }

    /// Whether `presented` is the token, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        presented
            .iter()
            .zip(self.digest.iter())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
    }

    /// Whether a request's `Authorization: Bearer …` header holds the token.
    pub fn presented_in(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .is_some_and(|(_, token)| self.matches(token))
    }

    /// Checks a request's header: a 401 `unauthorized` saying `message` without the token.
    pub fn check(&self, headers: &HeaderMap, message: &str) -> Result<(), ApiError> {
        if self.presented_in(headers) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                message,
            ))
        }
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_matches_only_itself_and_hides_in_debug() {
        let token = BearerToken::new(" api-secret ").expect("a token");
        assert!(token.matches("api-secret"));
        assert!(!token.matches("api-secrex"));
        assert!(!token.matches(""));
        assert!(BearerToken::new("  ").is_none());
        assert_eq!(format!("{token:?}"), "BearerToken(***)");
        let mut headers = HeaderMap::new();
        assert!(token.check(&headers, "no").is_err());
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("Basic api-secret"),
        );
        assert!(!token.presented_in(&headers));
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("bearer api-secret"),
        );
        assert!(token.check(&headers, "no").is_ok());
    }
}
