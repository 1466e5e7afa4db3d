//! What travels between Takeback's parts over HTTP, as one set of types for both sides.
//!
//! The hotline serialises the hash list feed and reads partners' feedback with these
//! types; the matcher reads the same feed and writes the same feedback with them; the
//! matcher's own API and `takeback scan --matcher` share its query and answer. A change to
//! a contract is therefore a change here, and the compiler finds every side it breaks.
//!
//! - [`hex`] (from `takeback-pdq`, so that PDQ hashes share it), [`Md5Digest`],
//!   [`Sha256Digest`], [`Algorithm`] and [`ListedHash`]: fingerprints as they travel.
//! - [`feed`]: `GET /api/v1/hashlist` (a page of [`ListChange`]s; a video's carry its
//!   [`VideoFrame`]s).
//! - [`chain`]: the feed's hash chain and signed [`Checkpoint`](chain::Checkpoint)s.
//! - [`snapshot`]: `GET /api/v1/hashlist/snapshot`, the whole list in one signed stream.
//! - [`export`]: `takeback partner export`'s seal, which binds an exported file to a
//!   signed checkpoint.
//! - [`feedback`]: `POST /api/v1/feedback`.
//! - [`error`]: the one error body, `{"error": {"code", "message"}}`, and the codes a
//!   client acts on.
//! - [`matching`]: the matcher's `POST /v1/match` and `POST /v1/outcomes`.
//!
//! ```
//! use takeback_wire::{Algorithm, HashListPage};
//!
//! let page: HashListPage = serde_json::from_str(
//!     r#"{"changes": [{"seq": 1, "op": "add", "id": 7, "algorithm": "md5",
//!         "value": "9e107d9d372bb6826bd81d3542a419d6", "quality": null, "verified": false}],
//!       "next": 1}"#,
//! )?;
//! let hash = page.changes[0].hash()?;
//! assert_eq!(hash.algorithm(), Algorithm::Md5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crate does no I/O; `serde` does the encoding. With the `openapi` feature every type
//! also describes itself to utoipa, for the hotline's OpenAPI document.

#![warn(missing_docs)]

pub mod chain;
mod digest;
pub mod error;
pub mod export;
pub mod feed;
pub mod feedback;
mod hash;
pub mod matching;
pub mod snapshot;

pub use digest::{Md5Digest, Sha256Digest};
pub use error::{ErrorBody, ErrorDetail};
pub use feed::{ChangeOp, HashListPage, ListChange, VideoFrame};
pub use feedback::{FeedbackBatch, FeedbackItem};
pub use hash::{Algorithm, HashError, ListedHash, UnknownAlgorithm};
pub use takeback_pdq::PdqHash;
pub use takeback_pdq::hex;
