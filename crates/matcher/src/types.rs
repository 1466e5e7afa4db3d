//! The matcher's vocabulary: listed hashes and entries, changes to a list, queries and
//! their matches, how queries are answered, how a list stands, and outcomes. Plain data,
//! used by every other module; it uses none of them.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use takeback_fingerprint::{DecodeLimits, VideoLimits};
use takeback_pdq::PdqHash;
use takeback_vpdq::MatchRule;
use takeback_wire::{Algorithm, ChangeOp};

// What the matcher shares with the hotline and its own clients is the wire crate's.
pub use takeback_wire::matching::{ImageMatches, ListMatch, OutcomeKind, VideoMatch, VideoMatches};
pub use takeback_wire::{ListedHash, Md5Digest, Sha256Digest};

/// A listed video's sampled frames (`vpdq`), as its hotline lists them: their hashes,
/// qualities and timestamps (the frame numbers are their places in the list).
pub use takeback_vpdq::VideoFingerprint as ListedVideo;

/// Most frames a listed video may have. The hotline lists at most 7,200 by default, and a
/// page of the feed (at most 256 MiB) could carry fewer than 3 million; the feed refuses
/// more, and a saved video with a larger count is damage, refused before anything is
/// allocated for it.
pub(crate) const MAX_VIDEO_FRAMES: u32 = 1_000_000;

/// An entry of a hotline's list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    /// The hotline's id for it; outcomes name it.
    pub id: i64,
    /// Its fingerprint. For a video, its identity as the hotline lists it (a SHA-256 of
    /// its distinct frame hashes), which no file's SHA-256 is ever compared with: a
    /// video's fingerprint is its [`video`](Self::video) frames.
    pub hash: ListedHash,
    /// Checked by an analyst (`true`) or self-reported (`false`).
    pub verified: bool,
    /// A video's frames (`vpdq`); `None` for a picture's or a file's hash.
    pub video: Option<Arc<ListedVideo>>,
}

impl ListEntry {
    /// An entry of one hash (a picture's PDQ, a file's MD5 or SHA-256).
    pub fn hash(id: i64, hash: ListedHash, verified: bool) -> Self {
        ListEntry {
            id,
            hash,
            verified,
            video: None,
        }
    }

    /// `pdq`, `md5`, `sha256` or, for a video, `vpdq`.
    pub fn algorithm(&self) -> Algorithm {
        if self.video.is_some() {
            Algorithm::Vpdq
        } else {
            self.hash.algorithm()
        }
    }
}

/// One change to a list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListChange {
    pub(crate) op: ChangeOp,
    pub(crate) entry: ListEntry,
}

/// The PDQ side of a query: the hash, or the hashes of all eight orientations (in the
/// order of [`Dihedral::ALL`](takeback_pdq::Dihedral::ALL), as `takeback hash --dihedral` prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a query lives on the stack for one lookup
pub enum PdqQuery {
    /// One hash.
    One(PdqHash),
    /// All eight orientations; the first is the picture as it is.
    Dihedral([PdqHash; 8]),
}

/// Hashes to look up. Any may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryHashes {
    /// PDQ.
    pub pdq: Option<PdqQuery>,
    /// PDQ's quality, when known: below the quality floor PDQ is not searched.
    pub quality: Option<u8>,
    /// MD5 of the file.
    pub md5: Option<Md5Digest>,
    /// SHA-256 of the file.
    pub sha256: Option<Sha256Digest>,
}

/// The default decode budget, 2 GiB: a picture at the default limit of 200 megapixels,
/// 8-bit RGB, needs about 1.2 GB to decode.
pub const DEFAULT_DECODE_MEMORY: u64 = 2 << 30;

/// How queries are answered.
#[derive(Debug, Clone, Copy)]
pub struct MatchSettings {
    /// Largest PDQ distance that counts as a match (0-256). Default 31, as PDQ's authors
    /// suggest.
    pub max_distance: u32,
    /// Lowest PDQ quality searched (0-100); default 50.
    pub quality_floor: u8,
    /// Also match images turned and mirrored (all eight orientations). Default on.
    pub dihedral: bool,
    /// Limits for decoding each image handed in.
    pub limits: DecodeLimits,
    /// Memory all the images being decoded at once may take, in bytes; default 2 GiB,
    /// enough for one picture at the default pixel limit. A picture that needs more is
    /// refused; one that would overrun it waits for others to finish.
    pub decode_memory: u64,
    /// How long an image waits for decode memory before it is refused as busy; default
    /// 20 s, inside the API's 30 s deadline.
    pub decode_wait: Duration,
    /// Share of a query video's distinct frames (0 to 1) that must be within
    /// `max_distance` of a listed video's for a match; default 0.8, as
    /// python-threatexchange.
    pub video_query_threshold: f64,
    /// Share of a listed video's distinct frames (0 to 1) that must be within
    /// `max_distance` of the query's; default 0. To find a listed clip inside longer
    /// footage, raise this and lower `video_query_threshold`.
    pub video_listed_threshold: f64,
    /// Seconds between the frames hashed of a video handed in; default 1, as the hotline's
    /// pages and python-threatexchange sample.
    pub seconds_per_hash: f64,
    /// Limits for decoding each video handed in (its size: `max_file_bytes`, default
    /// 512 MiB, held in memory while it is hashed).
    pub video_limits: VideoLimits,
}

impl MatchSettings {
    /// The vPDQ rule videos are matched by: the thresholds, with PDQ's `max_distance`
    /// and `quality_floor`.
    pub fn video_rule(&self) -> MatchRule {
        MatchRule {
            query_threshold: self.video_query_threshold,
            listed_threshold: self.video_listed_threshold,
            max_distance: self.max_distance,
            min_quality: self.quality_floor,
        }
    }
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            max_distance: 31,
            quality_floor: takeback_pdq::RECOMMENDED_MIN_QUALITY,
            dihedral: true,
            limits: DecodeLimits {
                max_file_bytes: 64 * 1024 * 1024,
                ..DecodeLimits::default()
            },
            decode_memory: DEFAULT_DECODE_MEMORY,
            decode_wait: Duration::from_secs(20),
            video_query_threshold: MatchRule::default().query_threshold,
            video_listed_threshold: MatchRule::default().listed_threshold,
            seconds_per_hash: 1.0,
            video_limits: VideoLimits {
                max_file_bytes: 512 << 20,
                ..VideoLimits::default()
            },
        }
    }
}

/// How one followed list stands.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    /// Its name.
    pub name: String,
    /// Entries held.
    pub entries: usize,
    /// Whether a complete list is loaded (queries wait for this).
    pub loaded: bool,
    /// The feed position held.
    pub cursor: i64,
    /// Seconds since the list was last known to be up to date with its hotline.
    pub age_seconds: Option<f64>,
    /// The last sync's error, if it failed (a much shorter list refused, too).
    pub last_error: Option<String>,
    /// A warning about how the list is followed (plain `http://` off this machine, or no
    /// public key to check the hotline's signatures).
    pub warning: Option<String>,
    /// The hotline's last checkpoint that the list held agrees with: what the hotline
    /// vouched for, and when.
    pub checkpoint: Option<CheckpointStatus>,
    /// Pages refused since start-up because they were not what the hotline signed (altered
    /// on the way); `last_error` says why the last one was.
    pub pages_refused: u64,
}

/// A checkpoint of the hotline's feed, as the status shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointStatus {
    /// The last change it covers.
    pub seq: i64,
    /// The feed's chain head after that change (hex).
    pub head: String,
    /// Entries on the hotline's list then.
    pub size: i64,
    /// When the hotline signed it (Unix milliseconds).
    pub signed_at: i64,
    /// The key it names (a public key, base64).
    pub key: String,
    /// Whether its signature was checked (the hotline's public key is configured).
    pub signature_checked: bool,
}

/// Largest count in one outcome report.
pub(crate) const MAX_COUNT: u32 = 1_000_000;

/// One outcome: `count` times `kind` for entry `id` of list `source`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeReport {
    /// The list's name (a match's `hotline`).
    #[serde(rename = "hotline")]
    pub source: String,
    /// The entry's id (a match's `id`).
    pub id: i64,
    /// What was done.
    #[serde(rename = "outcome")]
    pub kind: OutcomeKind,
    /// How many times; 1 if not given.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// A match as a scan writes it: a [`ListMatch`] from a matcher, or a PDQ match on a list
/// file (which says nothing of verification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanMatch {
    /// The list it is on: the matcher's name for it, or the list file's name.
    pub hotline: String,
    /// The entry's id on that list.
    pub id: i64,
    /// `pdq`, `md5`, `sha256`, or `vpdq` for a listed video (through a matcher).
    pub algorithm: Algorithm,
    /// The listed fingerprint, hex.
    pub hash: String,
    /// Hamming distance for PDQ (for a video, its closest frame's); 0 for MD5 and
    /// SHA-256.
    pub distance: u32,
    /// Unknown (absent) for list files, which carry no verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Which turn or mirror of the file matched; absent when the file as it is matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// How a listed video (`vpdq`) matched: a scanned video by the vPDQ rule, or a
    /// scanned picture as one of its frames. Absent for other entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoMatch>,
    /// For a scanned video matching a list file's PDQ hash: where its frame closest to
    /// that hash is, in seconds from its start (to the millisecond). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<f64>,
}

impl From<ListMatch> for ScanMatch {
    fn from(found: ListMatch) -> Self {
        ScanMatch {
            hotline: found.source,
            id: found.id,
            algorithm: found.algorithm,
            hash: found.hash,
            distance: found.distance,
            verified: Some(found.verified),
            variant: found.variant.map(String::from),
            video: found.video,
            timestamp: None,
        }
    }
}
