//! The one error body of every Takeback API: `{"error": {"code", "message"}}`.
//!
//! `message` is written for the person who will read it; `code` is stable, for programs.
//! The codes a client acts on are the constants in [`code`].

use serde::{Deserialize, Serialize};

/// The JSON body of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, such as `invalid_hash`.
    pub code: String,
    /// Plain-language explanation.
    pub message: String,
}

impl ErrorBody {
    /// A body with this code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
            },
        }
    }

    /// The `code` of an answer's body, if it has this shape (a proxy's HTML page does not).
    pub fn code_of(body: &[u8]) -> Option<String> {
        #[derive(Deserialize)]
        struct CodeOnly {
            error: Code,
        }
        #[derive(Deserialize)]
        struct Code {
            code: String,
        }
        serde_json::from_slice::<CodeOnly>(body)
            .ok()
            .map(|body| body.error.code)
    }
}

/// Error codes that clients branch on. The others are in each API's description.
pub mod code {
    /// The hotline: a feedback batch names an id that was never in the feed; nothing in it
    /// was counted. A matcher drops or splits the batch rather than retrying it forever.
    pub const UNKNOWN_ENTRY: &str = "unknown_entry";
    /// Anywhere: there is nothing at this address.
    pub const NOT_FOUND: &str = "not_found";
    /// The matcher: not every list is loaded yet, so "no match" would not be true.
    pub const LIST_NOT_LOADED: &str = "list_not_loaded";
    /// Anywhere: the service cannot store or read just now; try again later.
    pub const UNAVAILABLE: &str = "unavailable";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_read_from_an_error_body_only() {
        let body = serde_json::to_vec(&ErrorBody::new(code::UNKNOWN_ENTRY, "no entry 7"))
            .expect("serialises");
        assert_eq!(
            String::from_utf8_lossy(&body),
            r#"{"error":{"code":"unknown_entry","message":"no entry 7"}}"#
        );
        assert_eq!(ErrorBody::code_of(&body).as_deref(), Some("unknown_entry"));
        assert_eq!(ErrorBody::code_of(b"<html>Bad gateway</html>"), None);
    }
}
