//! The re-check of a reported web address: is it still there, and is it still the picture or
//! video the cases reported? (issue 16)
//!
//! A fetch is bounded in time, size and redirects, and goes only to http and https
//! addresses on the public internet: the host is checked before each request, redirects
//! included, and the resolver drops internal addresses, so the address actually connected
//! to is the one checked (no DNS rebinding). A picture or video is fingerprinted in memory
//! and compared with the reported fingerprints; its bytes are dropped as soon as that is
//! done, and never written, logged, cached or put in a [`Recheck`].
//!
//! ```no_run
//! use takeback_hotline::takedown::fetch::{FetchLimits, Fetcher, Recheck};
//! # async fn example(reported: &[takeback_wire::ListedHash]) -> Result<(), takeback_hotline::takedown::fetch::FetchError> {
//! let fetcher = Fetcher::new(FetchLimits::default())?;
//! match fetcher.check("https://host.example/picture.jpg", reported).await {
//!     Recheck::Gone(reason) => println!("removed: {reason:?}"),
//!     Recheck::Up { content_matches, .. } => println!("still up, same content: {content_matches:?}"),
//!     other => println!("try again later: {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```

mod address;
#[cfg(test)]
mod tests;

pub use address::is_internal;

use address::{GuardedResolver, Lookup, ResolveFailure};
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Client, Response, StatusCode};
use std::error::Error as _;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use takeback_fingerprint::{DecodeBudget, ImageFormat, Options, digest_bytes, fingerprint_bytes};
use takeback_wire::ListedHash;
use url::{Host, Url};

/// What the hotline calls itself to the hosts it re-checks.
pub const USER_AGENT: &str = "Takeback-recheck/0.1 (+hotline takedown re-check)";

/// The largest PDQ distance at which what an address serves counts as the reported picture.
pub const CONTENT_MATCH_DISTANCE: u32 = 31;

/// Enough of a body to recognise a picture format by its first bytes.
const SNIFF_BYTES: usize = 32;

/// Memory for decoding pictures, shared by every clone of a [`Fetcher`]: a hostile host can
/// serve a small file that declares a huge picture, and several re-checks run at once.
const DECODE_BUDGET_BYTES: u64 = 256 << 20;

/// Bounds on one re-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Time for the whole check: every redirect, the body, and fingerprinting it.
    pub total_timeout: Duration,
    /// Largest body read; a larger one is not fingerprinted.
    pub max_bytes: u64,
    /// Redirects followed at most.
    pub max_redirects: u8,
    /// Connect to private, loopback, link-local and other internal addresses too. For
    /// tests only: a hotline that fetches them can be made to probe its own network.
    pub allow_private_targets: bool,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            total_timeout: Duration::from_secs(20),
            max_bytes: 50 << 20,
            max_redirects: 5,
            allow_private_targets: false,
        }
    }
}

/// Why a [`Fetcher`] could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built (its TLS set-up, say).
    #[error("cannot build the HTTP client for re-checks: {0}")]
    Client(#[source] reqwest::Error),
}

/// Why an address counts as gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneReason {
    /// The host answered 404, 410 or 451.
    Status(u16),
    /// The host's name does not exist any more.
    NoSuchHost,
}

/// What a re-check found at an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    /// The content is gone: the item is `removed`.
    Gone(GoneReason),
    /// The address answered with a 2xx status: the item is `still_up`.
    Up {
        /// The final status, after redirects.
        status: u16,
        /// Whether a picture or video served there matches a reported fingerprint; `None`
        /// when it is neither, was larger than the size limit, could not be read whole or
        /// fingerprinted, or nothing was reported to compare with.
        content_matches: Option<bool>,
    },
    /// The connection was refused (or reset while connecting). Once is not gone: the
    /// caller counts these in a row.
    Refused,
    /// No answer worth acting on (timeout, 5xx, 403, 429, too many redirects, TLS
    /// failure, a failed name lookup...): try again later. A short reason, safe to log
    /// and store; never anything the host sent.
    Inconclusive(String),
    /// The address, or a redirect's target, is internal or not http or https: nothing
    /// was requested from it.
    Blocked(String),
}

/// Fetches reported addresses for re-checks. Holds one HTTP client: cheap to clone, and
/// clones share its connections and decode memory.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: Client,
    limits: FetchLimits,
    budget: Arc<DecodeBudget>,
}

impl Fetcher {
    /// A fetcher within `limits`, resolving names with the system's resolver.
    pub fn new(limits: FetchLimits) -> Result<Fetcher, FetchError> {
        Fetcher::with_lookup(limits, Lookup::System)
    }

    fn with_lookup(limits: FetchLimits, lookup: Lookup) -> Result<Fetcher, FetchError> {
        let resolver = GuardedResolver {
            allow_private_targets: limits.allow_private_targets,
            lookup,
        };
        let client = Client::builder()
            // A proxy would connect to addresses the resolver never saw.
            .no_proxy()
            // Followed here, so that each hop is checked.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(resolver))
            .user_agent(USER_AGENT)
            .connect_timeout(limits.total_timeout)
            .build()
            .map_err(FetchError::Client)?;
        let budget = DecodeBudget::new(DECODE_BUDGET_BYTES).waiting_at_most(limits.total_timeout);
        Ok(Fetcher {
            client,
            limits,
            budget: Arc::new(budget),
        })
    }

    /// Fetches `url` and compares what it serves with `reported` (the fingerprints of the
    /// cases that reported it).
    pub async fn check(&self, url: &str, reported: &[ListedHash]) -> Recheck {
        let limit = self.limits.total_timeout;
        tokio::time::timeout(limit, self.follow(url, reported))
            .await
            .unwrap_or_else(|_| {
                Recheck::Inconclusive(format!("no complete answer within {limit:?}"))
            })
    }

    /// Requests `url`, following redirects that stay on public http and https addresses.
    async fn follow(&self, url: &str, reported: &[ListedHash]) -> Recheck {
        let Ok(mut current) = Url::parse(url) else {
            return Recheck::Blocked("not a valid web address".to_owned());
        };
        for hop in 0..=self.limits.max_redirects {
            if let Err(barrier) = self.may_request(&current) {
                return Recheck::Blocked(barrier.reason(hop));
            }
            let response = match self.client.get(current.clone()).send().await {
                Ok(response) => response,
                Err(error) => return request_failed(&error, hop),
            };
            let status = response.status();
            let code = status.as_u16();
            if matches!(code, 404 | 410 | 451) {
                return Recheck::Gone(GoneReason::Status(code));
            }
            if status.is_success() {
                let content_matches = self.content(response, reported).await;
                return Recheck::Up {
                    status: code,
                    content_matches,
                };
            }
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                return Recheck::Inconclusive(format!("status {code}"));
            }
            let next = response
                .headers()
                .get(LOCATION)
                .and_then(|location| location.to_str().ok())
                .and_then(|location| current.join(location).ok());
            match next {
                Some(next) => current = next,
                None => {
                    return Recheck::Inconclusive(format!(
                        "status {code} without a usable Location"
                    ));
                }
            }
        }
        Recheck::Inconclusive(format!("more than {} redirects", self.limits.max_redirects))
    }

    /// Refuses an address before anything is sent to it. A name is checked by the resolver
    /// instead, on the addresses it resolves to.
    fn may_request(&self, url: &Url) -> Result<(), Barrier> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Barrier::NotWeb);
        }
        // The URL parser has already turned the other spellings of an IPv4 address
        // (2130706433, 0x7f.1, 127.1) into one.
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(Barrier::NotWeb),
        };
        if is_internal(ip) && !self.limits.allow_private_targets {
            return Err(Barrier::Internal);
        }
        Ok(())
    }

    /// Whether what a 2xx response serves matches `reported`. Only a picture or a video is
    /// read whole; the bytes are dropped as soon as they are fingerprinted.
    async fn content(&self, mut response: Response, reported: &[ListedHash]) -> Option<bool> {
        if reported.is_empty() {
            return None;
        }
        let media = Media::declared(response.headers());
        let max_bytes = self.limits.max_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > max_bytes)
        {
            return None;
        }
        let mut body = Vec::new();
        // A read error leaves the content unknown; the status already said the address is up.
        while let Some(chunk) = response.chunk().await.ok()? {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return None;
            }
            let was_short = body.len() < SNIFF_BYTES;
            body.extend_from_slice(&chunk);
            // A page that is not a picture is not read further than its first bytes.
            if was_short && body.len() >= SNIFF_BYTES && !media.worth_reading(&body) {
                return None;
            }
        }
        if !media.worth_reading(&body) {
            return None;
        }
        let (reported, budget) = (reported.to_vec(), Arc::clone(&self.budget));
        // Decoding is CPU work: off the async threads.
        tokio::task::spawn_blocking(move || compare(body, media, &reported, budget))
            .await
            .ok()?
    }
}

/// Why an address may not be requested.
#[derive(Debug, Clone, Copy)]
enum Barrier {
    NotWeb,
    Internal,
}

impl Barrier {
    fn reason(self, hop: u8) -> String {
        let what = match self {
            Barrier::NotWeb => "an address that is not http or https",
            Barrier::Internal => "an internal address",
        };
        if hop == 0 {
            format!("the reported address is {what}")
        } else {
            format!("redirect {hop} leads to {what}")
        }
    }
}

/// What a response says it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    Picture,
    Video,
    Other,
}

impl Media {
    fn declared(headers: &HeaderMap) -> Media {
        let essence = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|essence| essence.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if essence.starts_with("image/") {
            Media::Picture
        } else if essence.starts_with("video/") {
            Media::Video
        } else {
            Media::Other
        }
    }

    /// Pictures served under another type (application/octet-stream, say) are recognised
    /// by their first bytes.
    fn worth_reading(self, first_bytes: &[u8]) -> bool {
        self != Media::Other || ImageFormat::sniff(first_bytes).is_some()
    }
}

/// Fingerprints `body` and compares it with `reported`: a PDQ within
/// [`CONTENT_MATCH_DISTANCE`], or an equal MD5 or SHA-256, is a match.
fn compare(
    body: Vec<u8>,
    media: Media,
    reported: &[ListedHash],
    budget: Arc<DecodeBudget>,
) -> Option<bool> {
    let options = Options {
        budget: Some(budget),
        ..Options::default()
    };
    // A video, or a picture that cannot be decoded, still has digests.
    let (pdq, digests) = match fingerprint_bytes(&body, &options) {
        Ok(print) => (Some(print.pdq.hash), print.digests),
        Err(_) => (None, digest_bytes(&body)),
    };
    drop(body);
    let matches = reported.iter().any(|hash| match hash {
        ListedHash::Pdq(listed) => {
            pdq.is_some_and(|pdq| pdq.distance(listed) <= CONTENT_MATCH_DISTANCE)
        }
        ListedHash::Md5(listed) => *listed == digests.md5,
        ListedHash::Sha256(listed) => *listed == digests.sha256,
    });
    if matches {
        Some(true)
    } else if pdq.is_some() || media == Media::Video {
        Some(false)
    } else {
        None
    }
}

/// What a request that got no response means for the address.
fn request_failed(error: &reqwest::Error, hop: u8) -> Recheck {
    let mut innermost = None;
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(failure) = resolve_failure(current) {
            return match failure {
                ResolveFailure::NoSuchName => Recheck::Gone(GoneReason::NoSuchHost),
                ResolveFailure::LookupFailed(_) => Recheck::Inconclusive(failure.to_string()),
                ResolveFailure::OnlyInternal => Recheck::Blocked(if hop == 0 {
                    "the reported host resolves only to internal addresses".to_owned()
                } else {
                    format!(
                        "redirect {hop} leads to a host that resolves only to internal addresses"
                    )
                }),
            };
        }
        if let Some(io) = current.downcast_ref::<io::Error>() {
            let refused = io.kind() == io::ErrorKind::ConnectionRefused
                || (io.kind() == io::ErrorKind::ConnectionReset && error.is_connect());
            if refused {
                return Recheck::Refused;
            }
        }
        innermost = Some(current);
        cause = current.source();
    }
    if error.is_timeout() {
        return Recheck::Inconclusive("timed out".to_owned());
    }
    let what = if error.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    // The innermost cause names what went wrong (a certificate, a protocol error); these
    // messages come from the TLS and HTTP libraries and the system, never from a body.
    let reason = match innermost {
        Some(cause) => format!("{what}: {cause}"),
        None => what.to_owned(),
    };
    Recheck::Inconclusive(reason.chars().take(200).collect())
}

/// The resolver's own error, wherever reqwest and hyper put it in the chain (an
/// `io::Error` hides what it wraps from `source`).
fn resolve_failure<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a ResolveFailure> {
    error.downcast_ref::<ResolveFailure>().or_else(|| {
        error
            .downcast_ref::<io::Error>()?
            .get_ref()?
            .downcast_ref::<ResolveFailure>()
    })
}
