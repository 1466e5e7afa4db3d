//! The matcher: what a platform runs to find and block pictures on Takeback hotlines'
//! hash lists.
//!
//! A [`Matcher`] follows one or more hotlines' lists (`GET /api/v1/hashlist` with the
//! platform's partner key), keeps them in memory in a `takeback-index` index and on disk
//! (a snapshot and a journal, so a restart resumes rather than downloads the list again),
//! answers "is this listed?" for image bytes or hashes, and sends the platform's outcomes
//! back as counts (`POST /api/v1/feedback`), batched and retried until acknowledged.
//! [`router`] serves it all over HTTP, as `takeback matcher` does.
//!
//! Images are hashed in memory and dropped: nothing here stores or logs image bytes, and
//! nothing sent to a hotline names a user or carries content.
//!
//! Embedding it in a Rust service:
//!
//! ```no_run
//! use takeback_matcher::{Matcher, MatcherConfig, OutcomeKind, PartnerKey, SourceConfig};
//!
//! # fn upload(bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let config = MatcherConfig::new(
//!     "/var/lib/takeback-matcher".into(),
//!     vec![SourceConfig::hotline(
//!         "hotline",
//!         "https://hotline.example.org",
//!         PartnerKey::new("tbp_…".into()),
//!     )],
//! );
//! let matcher = Matcher::open(config)?;
//! matcher.start(); // follows the lists and sends outcomes, on background threads
//!
//! // For each upload (until `matcher.is_ready()`, every list may not be loaded yet):
//! let found = matcher.match_image(bytes)?;
//! for m in &found.matches {
//!     if m.verified {
//!         // An analyst confirmed the listed picture: block, and say so.
//!         matcher.record_outcome(&m.source, m.id, OutcomeKind::BlockedUpload, 1)?;
//!     } else {
//!         // Self-reported: send the upload to human review instead of acting blindly.
//!     }
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

// In layers, each module using only the ones in the layers before it: `types` (the
// vocabulary, using none); `config`, `error`; `wire` (the hotline's JSON), `list` (a list
// in memory), `state` (a list on disk); `client` (a hotline's partner API), `source` (what
// is held for each list), `trust` (whether a page is the hotline's); `follow`, `outbox` (outcomes on disk), `outcomes` (their
// sender); `matcher`; `http`, `testing`. `scan` (with `scan::against` and
// `scan::checkpoint`) stands apart: it uses only `types` and `error`.
mod client;
mod config;
mod error;
mod follow;
mod http;
mod list;
mod matcher;
mod outbox;
mod outcomes;
pub mod scan;
mod source;
mod state;
mod trust;
mod types;
mod wire;

#[doc(hidden)]
pub mod testing;

pub use config::{ConfigError, MatcherConfig, PartnerKey, SourceConfig, SourceKind, SyncSettings};
pub use error::{MatchError, MatcherError, OutcomeError, ScanError, StateError};
pub use http::router;
pub use matcher::Matcher;
pub use takeback_service::BearerToken;
pub use takeback_service::metrics::MetricsToken;
pub use takeback_wire::chain::FeedPublicKey;
pub use types::{
    CheckpointStatus, ImageMatches, ListEntry, ListMatch, ListedHash, ListedVideo, MatchSettings,
    Md5Digest, OutcomeKind, OutcomeReport, PdqQuery, QueryHashes, ScanMatch, Sha256Digest,
    SourceStatus, VideoMatch, VideoMatches,
};
