//! The matcher's vocabulary: listed hashes and entries, changes to a list, queries and
//! their matches, how queries are answered, how a list stands, and outcomes. Plain data,
//! used by every other module; it uses none of them.

use serde::{Deserialize, Serialize};
use takeback_fingerprint::DecodeLimits;
use takeback_pdq::{Dihedral, PdqHash};

/// A fingerprint on a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListedHash {
    /// A PDQ hash: near copies match.
    Pdq(PdqHash),
    /// MD5 of a file's bytes: only the same file matches.
    Md5([u8; 16]),
    /// SHA-256 of a file's bytes: only the same file matches.
    Sha256([u8; 32]),
}

impl ListedHash {
    /// `pdq`, `md5` or `sha256`, as the hotline names them.
    pub fn algorithm(&self) -> &'static str {
        match self {
            ListedHash::Pdq(_) => "pdq",
            ListedHash::Md5(_) => "md5",
            ListedHash::Sha256(_) => "sha256",
        }
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        match self {
            ListedHash::Pdq(hash) => hash.to_hex(),
            ListedHash::Md5(bytes) => hex(bytes),
            ListedHash::Sha256(bytes) => hex(bytes),
        }
    }
}

/// Lowercase hex of any bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses exactly `N` bytes of hex (either case).
pub(crate) fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// An entry of a hotline's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The hotline's id for it; outcomes name it.
    pub id: i64,
    /// Its fingerprint.
    pub hash: ListedHash,
    /// Checked by an analyst (`true`) or self-reported (`false`).
    pub verified: bool,
}

/// Add (or replace) or remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Remove,
}

/// One change to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListChange {
    pub(crate) op: Op,
    pub(crate) entry: ListEntry,
}

/// The PDQ side of a query: the hash, or the hashes of all eight orientations (in the
/// order of [`Dihedral::ALL`], as `takeback hash --dihedral` prints them).
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
    pub md5: Option<[u8; 16]>,
    /// SHA-256 of the file.
    pub sha256: Option<[u8; 32]>,
}

/// An entry that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMatch {
    /// The list it is on (the hotline's name in the configuration).
    #[serde(rename = "hotline")]
    pub source: String,
    /// The entry's id on that list.
    pub id: i64,
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: &'static str,
    /// The listed fingerprint, hex.
    pub hash: String,
    /// Hamming distance for PDQ (0 to the maximum distance); 0 for MD5 and SHA-256.
    pub distance: u32,
    /// Checked by an analyst (`true`), or self-reported (`false`): send those to human
    /// review rather than acting on them blindly.
    pub verified: bool,
    /// Which turn or mirror of the query matched (`rot90`, `flipx`, …); absent when the
    /// query as it is matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<&'static str>,
}

impl ListMatch {
    pub(crate) fn new(
        source: &str,
        id: i64,
        hash: ListedHash,
        verified: bool,
        distance: u32,
        variant: Option<Dihedral>,
    ) -> Self {
        ListMatch {
            source: source.to_owned(),
            id,
            algorithm: hash.algorithm(),
            hash: hash.to_hex(),
            distance,
            verified,
            variant: variant.map(Dihedral::name),
        }
    }
}

/// What an image was found to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageMatches {
    /// The entries it matched: exact matches first, then by distance.
    pub matches: Vec<ListMatch>,
    /// The image's PDQ hash (as it is, not turned).
    pub pdq: String,
    /// PDQ's quality, 0 to 100.
    pub quality: u8,
    /// Whether PDQ was searched: not when the quality is under the floor (a picture with
    /// too little detail matches unrelated ones), when only MD5 and SHA-256 count.
    pub pdq_searched: bool,
}

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
    /// Limits for decoding images handed in.
    pub limits: DecodeLimits,
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
    /// The last sync's error, if it failed.
    pub last_error: Option<String>,
}

/// Largest count in one outcome report.
pub(crate) const MAX_COUNT: u32 = 1_000_000;

/// What the platform did about a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// A copy was found (and, say, sent to review).
    Matched,
    /// A copy already published was taken down (counts as found too).
    Removed,
    /// An upload was stopped before it was published (counts as found too).
    BlockedUpload,
    /// The match was not the listed picture. Enough of these from different platforms
    /// suspend the entry until an analyst looks at it.
    FalsePositive,
}

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanMatch {
    /// The list it is on: the matcher's name for it, or the list file's name.
    pub hotline: String,
    /// The entry's id on that list.
    pub id: i64,
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: String,
    /// The listed fingerprint, hex.
    pub hash: String,
    /// Hamming distance for PDQ; 0 for MD5 and SHA-256.
    pub distance: u32,
    /// Unknown (absent) for list files, which carry no verification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Which turn or mirror of the file matched; absent when the file as it is matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}
