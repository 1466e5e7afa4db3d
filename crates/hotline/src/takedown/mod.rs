//! Takedown of reported web addresses: the states an address goes through, and the one
//! spelling of an address that makes the same address reported in several cases one item.
//!
//! - [`contacts`]: the operator's contacts file; [`rdap`]: abuse contacts from RDAP.
//! - [`notice`]: what a notice says, and its delivery by e-mail or signed webhook.
//! - [`fetch`]: the re-check of an address (no internal addresses; pictures fingerprinted
//!   in memory and dropped).
//! - [`worker`]: the background task that queues, delivers and re-checks, through the
//!   database (`store/notices.rs`, `store/rechecks.rs`).
//! - [`settings`]: the `[takedown]` table.

pub mod contacts;
pub mod fetch;
pub mod notice;
pub mod rdap;
pub mod settings;
pub mod worker;

use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

/// Where a reported address stands, as the analyst API and the reporter's status name it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TakedownState {
    /// Reported, waiting for an analyst to assess it.
    Reported,
    /// An analyst found it is something the hotline can ask the host to remove.
    Actionable,
    /// An analyst found the hotline cannot act on it, for a reason the reporter sees.
    NotActionable,
    /// Actionable, but no one to send a notice to was found.
    NoContact,
    /// A notice was sent to the host.
    NoticeSent,
    /// A re-check found it still up after a notice.
    StillUp,
    /// Still up long after notices: back with an analyst.
    Escalated,
    /// Gone from the address.
    Removed,
    /// Every case that reported it was withdrawn.
    Withdrawn,
}

impl TakedownState {
    /// Every state, in the order of the workflow.
    pub const ALL: [TakedownState; 9] = [
        TakedownState::Reported,
        TakedownState::Actionable,
        TakedownState::NotActionable,
        TakedownState::NoContact,
        TakedownState::NoticeSent,
        TakedownState::StillUp,
        TakedownState::Escalated,
        TakedownState::Removed,
        TakedownState::Withdrawn,
    ];

    /// As stored and as the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            TakedownState::Reported => "reported",
            TakedownState::Actionable => "actionable",
            TakedownState::NotActionable => "not_actionable",
            TakedownState::NoContact => "no_contact",
            TakedownState::NoticeSent => "notice_sent",
            TakedownState::StillUp => "still_up",
            TakedownState::Escalated => "escalated",
            TakedownState::Removed => "removed",
            TakedownState::Withdrawn => "withdrawn",
        }
    }

    /// Reads the stored (or typed) form.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether an analyst may assess an item in this state: one waiting for it, or one
    /// assessed already and not yet acted on (a second look changes the decision). Once
    /// notices go out, or the address is gone or no longer asked for, it is too late.
    pub fn assessable(self) -> bool {
        matches!(
            self,
            TakedownState::Reported
                | TakedownState::Actionable
                | TakedownState::NotActionable
                | TakedownState::NoContact
                | TakedownState::Escalated
        )
    }

    /// Whether a new report of the address puts it back in front of an analyst: one no
    /// case asks for any more, or one an analyst could not act on (the new report may be
    /// about what is there now).
    pub fn reopened_by_report(self) -> bool {
        matches!(
            self,
            TakedownState::Withdrawn | TakedownState::NotActionable
        )
    }
}

/// A reported address in its one spelling, with its host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NormalUrl {
    /// The address: scheme and host in lower case, an international host name in
    /// punycode, no default port, no user name or password, no fragment; path and query
    /// as the `url` crate reads them (percent-encoded where they must be).
    pub url: String,
    /// Its host, as in `url`.
    pub host: String,
}

/// Why an address cannot be normalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not a URL at all, or a host name that cannot be a host's.
    #[error("it is not a web address that can be opened ({0})")]
    Unparsable(url::ParseError),
    /// Another scheme than http or https.
    #[error("it must start with http:// or https://")]
    Scheme,
    /// No host.
    #[error("it has no site name after http:// or https://")]
    NoHost,
}

/// Normalises a reported address so that the same address spelt differently (`HTTPS://
/// Example.COM:443/a#top`, `https://example.com/a`) is one takedown item.
///
/// The user name and password, if any, are dropped too: they are not part of which page
/// it is, and a notice to the host must not carry them.
pub fn normalise(text: &str) -> Result<NormalUrl, UrlError> {
    let mut url = Url::parse(text.trim()).map_err(UrlError::Unparsable)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlError::Scheme);
    }
    // For http(s) the parser has lower-cased the scheme and the host, turned an
    // international host into punycode (IDNA, UTS 46) and dropped the scheme's default
    // port; what is left is the fragment and the credentials.
    url.set_fragment(None);
    // Cannot fail for an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let host = url.host_str().ok_or(UrlError::NoHost)?.to_owned();
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    Ok(NormalUrl {
        url: url.into(),
        host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(text: &str) -> String {
        normalise(text).unwrap().url
    }

    #[test]
    fn spellings_of_one_address_are_one() {
        let one = "https://example.com/a/b?x=1&y=2";
        for spelling in [
            "https://example.com/a/b?x=1&y=2",
            "HTTPS://EXAMPLE.COM/a/b?x=1&y=2",
            "https://Example.Com:443/a/b?x=1&y=2",
            "https://example.com/a/b?x=1&y=2#comments",
            "https://user:pass@example.com/a/b?x=1&y=2",
            "  https://example.com/a/b?x=1&y=2 ",
            "https://example.com/a/./c/../b?x=1&y=2",
        ] {
            assert_eq!(norm(spelling), one, "{spelling}");
        }
        assert_eq!(norm("http://example.com:80/"), "http://example.com/");
        assert_eq!(norm("http://example.com"), "http://example.com/");
    }

    #[test]
    fn path_query_and_other_ports_are_kept() {
        // Paths and queries are case-sensitive on most servers.
        assert_ne!(norm("https://example.com/A"), norm("https://example.com/a"));
        assert_ne!(
            norm("https://example.com/?q=A"),
            norm("https://example.com/?q=a")
        );
        assert_eq!(
            norm("https://example.com:8443/p"),
            "https://example.com:8443/p"
        );
        assert_eq!(norm("http://example.com:443/p"), "http://example.com:443/p");
        assert_ne!(norm("http://example.com/p"), norm("https://example.com/p"));
    }

    #[test]
    fn international_hosts_become_punycode() {
        let url = normalise("https://BÜCHER.example/straße?ä=1").unwrap();
        assert_eq!(url.host, "xn--bcher-kva.example");
        assert_eq!(
            url.url,
            "https://xn--bcher-kva.example/stra%C3%9Fe?%C3%A4=1"
        );
        assert_eq!(
            normalise("https://xn--bcher-kva.example/stra%C3%9Fe?%C3%A4=1").unwrap(),
            url
        );
    }

    #[test]
    fn ip_hosts() {
        assert_eq!(
            normalise("http://192.0.2.1:80/x").unwrap().host,
            "192.0.2.1"
        );
        assert_eq!(norm("http://[2001:DB8::1]/x"), "http://[2001:db8::1]/x");
    }

    #[test]
    fn what_is_not_an_address_is_refused() {
        for bad in [
            "example.com/a",
            "ftp://example.com/",
            "javascript:alert(1)",
            "https://",
            "http://exa mple.com/",
            "https://exa%mple.com/",
            "https://[::1/",
        ] {
            assert!(normalise(bad).is_err(), "{bad}");
        }
        assert_eq!(normalise("mailto:a@b.example"), Err(UrlError::Scheme));
    }

    #[test]
    fn states_round_trip() {
        for state in TakedownState::ALL {
            assert_eq!(TakedownState::from_stored(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::json!(state.as_str())
            );
        }
        assert_eq!(TakedownState::from_stored("pending"), None);
    }

    proptest! {
        /// Normalising is idempotent: the one spelling is its own one spelling.
        #[test]
        fn normalising_twice_is_once(
            scheme in "(?i)https?",
            host in "[a-zA-Z0-9äöüß-]{1,12}(\\.[a-zA-Z]{2,5}){1,2}",
            port in proptest::option::of(prop_oneof![Just(80u16), Just(443u16), 1u16..]),
            path in "(/[a-zA-Z0-9._~%!$&'()*+,;=:@äé-]{0,8}){0,4}",
            query in proptest::option::of("[a-zA-Z0-9=&%+ä/?-]{0,16}"),
            fragment in proptest::option::of("[a-zA-Z0-9#?/ä-]{0,8}"),
        ) {
            let mut text = format!("{scheme}://{host}");
            if let Some(port) = port {
                text.push_str(&format!(":{port}"));
            }
            text.push_str(&path);
            if let Some(query) = query {
                text.push('?');
                text.push_str(&query);
            }
            if let Some(fragment) = &fragment {
                text.push('#');
                text.push_str(fragment);
            }
            if let Ok(once) = normalise(&text) {
                let twice = normalise(&once.url).unwrap();
                prop_assert_eq!(&twice, &once);
                prop_assert!(!once.url.contains('#'));
                prop_assert!(once.url.starts_with("http"));
                prop_assert_eq!(once.host.to_ascii_lowercase(), once.host.clone());
                prop_assert!(once.host.is_ascii());
                // Upper-casing the scheme and host changes nothing.
                // (ASCII only: `ß` upper-cased is `SS`, another name.)
                let shouted = text.replacen(&scheme, &scheme.to_ascii_uppercase(), 1)
                    .replacen(&host, &host.to_ascii_uppercase(), 1);
                if let Ok(loud) = normalise(&shouted) {
                    prop_assert_eq!(loud.host, once.host);
                }
            }
        }
    }
}
