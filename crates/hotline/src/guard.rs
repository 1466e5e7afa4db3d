//! The guard list: widely shared, benign pictures and files whose fingerprints may never be
//! listed, so that no one can get an innocent picture blocked everywhere by reporting it.
//!
//! Two files, both optional:
//!
//! - `guard_list`: PDQ hashes, one 64-digit hex hash per line (the index crate's text
//!   format). A reported PDQ hash within `guard_distance` bits of one of them, or of one of
//!   its eight turned variants (see [`takeback_pdq::transform_hash`]), is never listed.
//! - `exact_guard_list`: known harmless files, one `md5:HEX` (32 digits) or `sha256:HEX`
//!   (64 digits) per line; blank lines and lines starting with `#` are ignored, and hex
//!   may be in either case. A reported MD5 or SHA-256 equal to one of them is never listed.
//!
//! The files are read again while the hotline runs ([`GuardFiles::read_contents`], see
//! `guard_reload.rs`), and a fingerprint already on the list that a new guard-list entry
//! guards is taken off it (`Store::apply_guard_list`).

use crate::model::Algorithm;
use crate::report::CheckedHash;
use arc_swap::ArcSwap;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use takeback_index::{HashIndex, HashListError};
use takeback_pdq::{Dihedral, PdqHash, transform_hash};
use takeback_wire::ListedHash;

/// The default guard radius: the matchers' radius (31) plus how far a near copy of a
/// picture moves its hash (re-encoding, resizing and light edits move it up to about 16
/// bits), so that no hash can be listed that would match copies of a guarded picture.
pub const DEFAULT_GUARD_DISTANCE: u32 = 48;

/// Fingerprints that may never be listed, and how near counts as the same picture.
#[derive(Debug)]
pub struct GuardList {
    /// Every turned variant of every PDQ hash, with the position of its hash in `pdq` as
    /// id.
    index: HashIndex,
    /// PDQ hashes as the operator listed them, before the turned variants were added.
    pdq: Vec<PdqHash>,
    max_distance: u32,
    /// `(algorithm, lowercase hex)` of known harmless files.
    exact: HashSet<(Algorithm, String)>,
}

/// Why the guard list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum GuardListError {
    /// The file could not be opened.
    #[error("cannot open the guard list {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line of the PDQ list is malformed.
    #[error("guard list {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Which line and why.
        source: HashListError,
    },
    /// A line of the exact list is malformed.
    #[error(
        "exact guard list {path}, line {line}: expected md5:HEX (32 hex digits) or \
         sha256:HEX (64 hex digits), found {found:?}"
    )]
    Exact {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The line (cut short), for the operator.
        found: String,
    },
}

impl GuardList {
    /// An empty guard list.
    pub fn empty() -> Self {
        GuardList::from_pdq(Vec::new(), DEFAULT_GUARD_DISTANCE)
    }

    /// Reads the PDQ list (if any) and the exact list (if any).
    pub fn load(
        pdq: Option<&Path>,
        exact: Option<&Path>,
        max_distance: u32,
    ) -> Result<Self, GuardListError> {
        let files = GuardFiles {
            pdq: pdq.map(Path::to_owned),
            exact: exact.map(Path::to_owned),
            max_distance,
        };
        Ok(files.read()?.1)
    }

    /// A guard list of PDQ hashes, each with its eight turned variants.
    pub fn from_pdq(hashes: impl IntoIterator<Item = PdqHash>, max_distance: u32) -> Self {
        let mut seen = HashSet::new();
        let pdq: Vec<PdqHash> = hashes
            .into_iter()
            .filter(|hash| seen.insert(*hash))
            .collect();
        let mut variants = Vec::with_capacity(pdq.len() * 8);
        for (position, hash) in (0u64..).zip(&pdq) {
            // An operator need not list the turned copies: a transpose is derived exactly,
            // the other six closely (see `transform_hash`); listing them too stays exact.
            let turned: HashSet<PdqHash> = Dihedral::ALL
                .iter()
                .map(|&variant| transform_hash(hash, variant))
                .collect();
            variants.extend(turned.into_iter().map(|variant| (variant, position)));
        }
        GuardList {
            index: HashIndex::from_entries(variants),
            pdq,
            max_distance,
            exact: HashSet::new(),
        }
    }

    /// The same list with these exact fingerprints (`(algorithm, lowercase hex)`) too.
    fn with_exact(mut self, exact: HashSet<(Algorithm, String)>) -> Self {
        self.exact = exact;
        self
    }

    /// How many fingerprints the operator listed (PDQ and exact).
    pub fn len(&self) -> usize {
        self.pdq.len() + self.exact.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a reported fingerprint is guarded: a PDQ hash near a guarded picture in any
    /// orientation, a video any of whose frames is (a benign picture shown in a video is
    /// as benign), or an MD5 or SHA-256 of a known harmless file.
    pub fn guards(&self, hash: &CheckedHash) -> bool {
        match hash.algorithm {
            Algorithm::Pdq => hash
                .value
                .parse::<PdqHash>()
                .is_ok_and(|hash| self.guards_pdq(&hash)),
            Algorithm::Vpdq => hash
                .video
                .as_ref()
                .is_some_and(|video| video.frames.iter().any(|f| self.guards_pdq(&f.hash))),
            Algorithm::Md5 | Algorithm::Sha256 => {
                self.exact.contains(&(hash.algorithm, hash.value.clone()))
            }
        }
    }

    fn guards_pdq(&self, hash: &PdqHash) -> bool {
        !self.index.query(hash, self.max_distance).is_empty()
    }

    /// The guard-list fingerprints that guard a stored video, given its frames' hashes:
    /// those near any frame, as [`GuardList::guarded_by`] gives them.
    pub fn guarded_by_frames<'a>(
        &self,
        frames: impl IntoIterator<Item = &'a PdqHash>,
    ) -> Vec<String> {
        let mut positions = BTreeSet::new();
        for hash in frames {
            positions.extend(
                self.index
                    .query(hash, self.max_distance)
                    .into_iter()
                    .map(|found| found.id),
            );
        }
        self.pdq_keys(positions)
    }

    /// `pdq:HEX` of the guard-list hashes at these positions, sorted.
    fn pdq_keys(&self, positions: BTreeSet<u64>) -> Vec<String> {
        let mut keys: Vec<String> = positions
            .into_iter()
            .filter_map(|position| self.pdq.get(usize::try_from(position).ok()?))
            .map(|hash| format!("pdq:{hash}"))
            .collect();
        keys.sort();
        keys
    }

    /// The guard-list fingerprints that guard a stored fingerprint (`value` in lowercase
    /// hex), each as `algorithm:HEX` as the operator listed it, in order; empty when none
    /// does. A video's value names it only: its frames are checked by
    /// [`GuardList::guarded_by_frames`].
    pub fn guarded_by(&self, algorithm: Algorithm, value: &str) -> Vec<String> {
        match algorithm {
            Algorithm::Pdq => {
                let Ok(hash) = value.parse::<PdqHash>() else {
                    return Vec::new();
                };
                self.guarded_by_frames([&hash])
            }
            Algorithm::Vpdq => Vec::new(),
            Algorithm::Md5 | Algorithm::Sha256 => {
                if self.exact.contains(&(algorithm, value.to_owned())) {
                    vec![format!("{}:{value}", algorithm.as_str())]
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// How near the nearest guard-list fingerprint is to a stored one, for an analyst
    /// weighing it: Hamming distance for PDQ (a video: its nearest frame), 0 for an exact
    /// fingerprint on the list. `None` when none is within twice the guard distance (or
    /// the list is empty): far enough that the number would mean nothing.
    pub fn nearest_distance(
        &self,
        algorithm: Algorithm,
        value: &str,
        frames: Option<&[takeback_wire::VideoFrame]>,
    ) -> Option<u32> {
        let within = self.max_distance.saturating_mul(2).min(128);
        let nearest = |hash: &PdqHash| {
            self.index
                .query(hash, within)
                .into_iter()
                .map(|found| found.distance)
                .min()
        };
        match algorithm {
            Algorithm::Pdq => value
                .parse::<PdqHash>()
                .ok()
                .and_then(|hash| nearest(&hash)),
            Algorithm::Vpdq => frames?
                .iter()
                .filter_map(|frame| frame.value.parse::<PdqHash>().ok())
                .filter_map(|hash| nearest(&hash))
                .min(),
            Algorithm::Md5 | Algorithm::Sha256 => self
                .exact
                .contains(&(algorithm, value.to_owned()))
                .then_some(0),
        }
    }

    /// What this list guards that `older` did not: its PDQ hashes and exact fingerprints
    /// that `older` lacks, at this list's distance.
    pub fn added_since(&self, older: &GuardList) -> GuardList {
        let known: HashSet<&PdqHash> = older.pdq.iter().collect();
        let pdq: Vec<PdqHash> = self
            .pdq
            .iter()
            .filter(|hash| !known.contains(hash))
            .copied()
            .collect();
        let exact = self.exact.difference(&older.exact).cloned().collect();
        GuardList::from_pdq(pdq, self.max_distance).with_exact(exact)
    }
}

/// The guard list in force, shared by the request handlers and the report writer, and
/// replaced whole when its files change: a reader never waits and never sees half a list.
#[derive(Debug, Clone)]
pub struct CurrentGuardList(Arc<ArcSwap<GuardList>>);

impl CurrentGuardList {
    /// `list`, in force until replaced.
    pub fn new(list: GuardList) -> Self {
        CurrentGuardList(Arc::new(ArcSwap::from_pointee(list)))
    }

    /// The list in force now.
    pub fn load(&self) -> Arc<GuardList> {
        self.0.load_full()
    }

    /// Puts `list` in force; returns the one it replaces.
    pub fn replace(&self, list: GuardList) -> Arc<GuardList> {
        self.0.swap(Arc::new(list))
    }
}

/// The guard list's files, read at start and again while the hotline runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardFiles {
    /// The PDQ list, if any.
    pub pdq: Option<PathBuf>,
    /// The exact list, if any.
    pub exact: Option<PathBuf>,
    /// The guard radius.
    pub max_distance: u32,
}

/// A digest of the guard files' contents, to tell whether they changed.
pub type GuardDigest = [u8; 32];

/// The guard files' bytes as read at one moment, with their digest.
#[derive(Debug, Clone)]
pub struct GuardContents {
    digest: GuardDigest,
    pdq: Option<Vec<u8>>,
    exact: Option<Vec<u8>>,
}

impl GuardContents {
    /// A digest of both files' contents: equal digests, equal contents.
    pub fn digest(&self) -> &GuardDigest {
        &self.digest
    }
}

impl GuardFiles {
    /// Whether there is a file to read at all.
    pub fn is_configured(&self) -> bool {
        self.pdq.is_some() || self.exact.is_some()
    }

    /// Reads and parses both files; returns a digest of their contents with the list.
    pub fn read(&self) -> Result<(GuardDigest, GuardList), GuardListError> {
        let contents = self.read_contents()?;
        Ok((contents.digest, self.parse(&contents)?))
    }

    /// Reads both files' bytes.
    pub fn read_contents(&self) -> Result<GuardContents, GuardListError> {
        let read = |path: &Option<PathBuf>| {
            path.as_deref()
                .map(|path| {
                    std::fs::read(path).map_err(|source| GuardListError::Open {
                        path: path.display().to_string(),
                        source,
                    })
                })
                .transpose()
        };
        let (pdq, exact) = (read(&self.pdq)?, read(&self.exact)?);
        let mut digest = Sha256::new();
        for part in [&pdq, &exact] {
            // Each part with its length, so that bytes moving from one file to the other
            // still change the digest.
            let bytes = part.as_deref().unwrap_or_default();
            digest.update((bytes.len() as u64).to_le_bytes());
            digest.update(bytes);
        }
        Ok(GuardContents {
            digest: digest.finalize().into(),
            pdq,
            exact,
        })
    }

    /// Parses what [`GuardFiles::read_contents`] read.
    pub fn parse(&self, contents: &GuardContents) -> Result<GuardList, GuardListError> {
        let name = |path: &Option<PathBuf>| {
            path.as_deref()
                .map(|path| path.display().to_string())
                .unwrap_or_default()
        };
        let hashes = match contents.pdq.as_deref() {
            Some(bytes) => takeback_index::read_hash_list(bytes)
                .map_err(|source| GuardListError::Read {
                    path: name(&self.pdq),
                    source,
                })?
                .into_iter()
                .map(|(hash, _)| hash)
                .collect(),
            None => Vec::new(),
        };
        let exact = match contents.exact.as_deref() {
            Some(bytes) => {
                parse_exact(&String::from_utf8_lossy(bytes)).map_err(|(line, found)| {
                    GuardListError::Exact {
                        path: name(&self.exact),
                        line,
                        found,
                    }
                })?
            }
            None => HashSet::new(),
        };
        Ok(GuardList::from_pdq(hashes, self.max_distance).with_exact(exact))
    }
}

/// The exact list's lines, or the first bad line (1-based) and its text.
fn parse_exact(text: &str) -> Result<HashSet<(Algorithm, String)>, (usize, String)> {
    let mut exact = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || (i + 1, line.chars().take(80).collect::<String>());
        let (name, hex) = line.split_once(':').ok_or_else(bad)?;
        let algorithm = name
            .trim()
            .to_ascii_lowercase()
            .parse::<Algorithm>()
            .ok()
            .filter(|algorithm| matches!(algorithm, Algorithm::Md5 | Algorithm::Sha256))
            .ok_or_else(bad)?;
        // The wire crate's parser checks length and digits; its hex is lowercase, as stored.
        let hash = ListedHash::parse(algorithm, hex.trim()).map_err(|_| bad())?;
        exact.insert((algorithm, hash.to_hex()));
    }
    Ok(exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdq(value: &str) -> CheckedHash {
        CheckedHash::single(Algorithm::Pdq, value, Some(90))
    }

    fn flip(hash: PdqHash, bits: usize) -> PdqHash {
        let mut bytes = hash.to_bytes();
        for k in 0..bits {
            bytes[k / 8] ^= 1 << (k % 8);
        }
        PdqHash::from_bytes(bytes)
    }

    fn benign() -> PdqHash {
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(97) ^ 0x5a;
        }
        PdqHash::from_bytes(bytes)
    }

    #[test]
    fn the_margin_guards_beyond_the_match_radius() {
        let guard = GuardList::from_pdq([benign()], DEFAULT_GUARD_DISTANCE);
        for distance in [0, 31, 32, 40, 48] {
            let near = flip(benign(), distance);
            assert!(guard.guards(&pdq(&near.to_hex())), "distance {distance}");
        }
        assert!(!guard.guards(&pdq(&flip(benign(), 60).to_hex())));
    }

    #[test]
    fn turned_variants_are_guarded_without_being_listed() {
        let guard = GuardList::from_pdq([benign()], DEFAULT_GUARD_DISTANCE);
        for variant in Dihedral::ALL {
            let turned = transform_hash(&benign(), variant);
            assert!(
                guard.guards(&pdq(&flip(turned, 40).to_hex())),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn a_stored_fingerprint_is_told_which_guard_entries_guard_it() {
        let other = flip(benign(), 128);
        let guard = GuardList::from_pdq([benign(), other], DEFAULT_GUARD_DISTANCE).with_exact(
            [(
                Algorithm::Md5,
                "d41d8cd98f00b204e9800998ecf8427e".to_owned(),
            )]
            .into(),
        );
        let turned = transform_hash(&benign(), Dihedral::Rotate90);
        assert_eq!(
            guard.guarded_by(Algorithm::Pdq, &flip(turned, 20).to_hex()),
            [format!("pdq:{}", benign())]
        );
        assert!(
            guard
                .guarded_by(Algorithm::Pdq, &flip(benign(), 60).to_hex())
                .is_empty()
        );
        assert!(guard.guarded_by(Algorithm::Pdq, "not hex").is_empty());
        assert_eq!(
            guard.guarded_by(Algorithm::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
            ["md5:d41d8cd98f00b204e9800998ecf8427e"]
        );
        assert!(
            guard
                .guarded_by(Algorithm::Sha256, &"0".repeat(64))
                .is_empty()
        );
    }

    #[test]
    fn what_a_new_list_adds_is_only_what_the_old_one_lacked() {
        let other = flip(benign(), 128);
        let old = GuardList::from_pdq([benign()], DEFAULT_GUARD_DISTANCE);
        let new = GuardList::from_pdq([benign(), other], DEFAULT_GUARD_DISTANCE)
            .with_exact([(Algorithm::Md5, "0".repeat(32))].into());
        let added = new.added_since(&old);
        assert_eq!(added.len(), 2);
        assert!(!added.guards(&pdq(&benign().to_hex())));
        assert!(added.guards(&pdq(&other.to_hex())));
        assert!(new.added_since(&new).is_empty());
    }

    #[test]
    fn the_files_digest_changes_with_their_contents_and_bad_lines_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let files = GuardFiles {
            pdq: Some(dir.path().join("guard.pdq")),
            exact: Some(dir.path().join("guard.exact")),
            max_distance: DEFAULT_GUARD_DISTANCE,
        };
        assert!(matches!(files.read(), Err(GuardListError::Open { .. })));
        std::fs::write(dir.path().join("guard.pdq"), format!("{}\n", benign())).unwrap();
        std::fs::write(dir.path().join("guard.exact"), "").unwrap();
        let (first, list) = files.read().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(files.read_contents().unwrap().digest(), &first);
        // The same bytes moved from one file to the other are a change.
        std::fs::write(dir.path().join("guard.exact"), format!("{}\n", benign())).unwrap();
        std::fs::write(dir.path().join("guard.pdq"), "").unwrap();
        assert_ne!(files.read_contents().unwrap().digest(), &first);
        assert!(matches!(
            files.read(),
            Err(GuardListError::Exact { line: 1, .. })
        ));
        std::fs::write(dir.path().join("guard.exact"), "").unwrap();
        std::fs::write(dir.path().join("guard.pdq"), "not a hash\n").unwrap();
        assert!(matches!(files.read(), Err(GuardListError::Read { .. })));
    }

    #[test]
    fn exact_lines_are_read_and_checked() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let sha = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        let text = format!("# harmless files\n\nmd5:{md5}\nSHA256: {sha}\n");
        let exact = parse_exact(&text).unwrap();
        assert!(exact.contains(&(Algorithm::Md5, md5.to_owned())));
        assert!(exact.contains(&(Algorithm::Sha256, sha.to_ascii_lowercase())));
        assert_eq!(parse_exact("md5:abc\n").unwrap_err().0, 1);
        assert_eq!(parse_exact("# x\nsha1:00\n").unwrap_err().0, 2);
        assert_eq!(parse_exact(&format!("sha256:{md5}")).unwrap_err().0, 1);
    }
}
