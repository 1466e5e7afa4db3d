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

use crate::model::Algorithm;
use crate::report::CheckedHash;
use std::collections::HashSet;
use std::path::Path;
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
    index: HashIndex,
    max_distance: u32,
    /// `(algorithm, lowercase hex)` of known harmless files.
    exact: HashSet<(Algorithm, String)>,
    /// PDQ hashes as the operator listed them, before the turned variants were added.
    listed: usize,
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
        GuardList {
            index: HashIndex::new(),
            max_distance: DEFAULT_GUARD_DISTANCE,
            exact: HashSet::new(),
            listed: 0,
        }
    }

    /// Reads the PDQ list (if any) and the exact list (if any).
    pub fn load(
        pdq: Option<&Path>,
        exact: Option<&Path>,
        max_distance: u32,
    ) -> Result<Self, GuardListError> {
        let mut guard = GuardList::from_pdq(Vec::new(), max_distance);
        if let Some(path) = pdq {
            let file = open(path)?;
            let entries = takeback_index::read_hash_list(std::io::BufReader::new(file)).map_err(
                |source| GuardListError::Read {
                    path: path.display().to_string(),
                    source,
                },
            )?;
            guard = GuardList::from_pdq(entries.into_iter().map(|(hash, _)| hash), max_distance);
        }
        if let Some(path) = exact {
            let text = std::fs::read_to_string(path).map_err(|source| GuardListError::Open {
                path: path.display().to_string(),
                source,
            })?;
            guard.exact = parse_exact(&text).map_err(|(line, found)| GuardListError::Exact {
                path: path.display().to_string(),
                line,
                found,
            })?;
        }
        Ok(guard)
    }

    /// A guard list of PDQ hashes, each with its eight turned variants.
    pub fn from_pdq(hashes: impl IntoIterator<Item = PdqHash>, max_distance: u32) -> Self {
        let mut listed = 0;
        let mut variants = HashSet::new();
        for hash in hashes {
            listed += 1;
            // An operator need not list the turned copies: a transpose is derived exactly,
            // the other six closely (see `transform_hash`); listing them too stays exact.
            variants.extend(Dihedral::ALL.map(|variant| transform_hash(&hash, variant)));
        }
        GuardList {
            index: HashIndex::from_entries(variants.into_iter().zip(0u64..)),
            max_distance,
            exact: HashSet::new(),
            listed,
        }
    }

    /// How many fingerprints the operator listed (PDQ and exact).
    pub fn len(&self) -> usize {
        self.listed + self.exact.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a reported fingerprint is guarded: a PDQ hash near a guarded picture in any
    /// orientation, or an MD5 or SHA-256 of a known harmless file.
    pub fn guards(&self, hash: &CheckedHash) -> bool {
        match hash.algorithm {
            Algorithm::Pdq => hash
                .value
                .parse::<PdqHash>()
                .is_ok_and(|hash| !self.index.query(&hash, self.max_distance).is_empty()),
            Algorithm::Md5 | Algorithm::Sha256 => {
                self.exact.contains(&(hash.algorithm, hash.value.clone()))
            }
        }
    }
}

fn open(path: &Path) -> Result<std::fs::File, GuardListError> {
    std::fs::File::open(path).map_err(|source| GuardListError::Open {
        path: path.display().to_string(),
        source,
    })
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
            .filter(|algorithm| *algorithm != Algorithm::Pdq)
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
        CheckedHash {
            algorithm: Algorithm::Pdq,
            value: value.to_owned(),
            quality: Some(90),
        }
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
