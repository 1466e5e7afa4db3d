//! The guard list: widely shared, benign pictures whose fingerprints may never be listed,
//! so that no one can get an innocent picture blocked everywhere by reporting it.

use std::path::Path;
use takeback_index::{HashIndex, HashListError};
use takeback_pdq::PdqHash;

/// PDQ fingerprints that may never be listed, and how near counts as the same picture.
///
/// Matchers find rotated and mirrored copies, so a guard list should hold the eight
/// dihedral fingerprints of each picture (`takeback hash --dihedral`).
#[derive(Debug)]
pub struct GuardList {
    index: HashIndex,
    max_distance: u32,
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
    /// A line is malformed.
    #[error("guard list {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Which line and why.
        source: HashListError,
    },
}

impl GuardList {
    /// An empty guard list.
    pub fn empty() -> Self {
        GuardList {
            index: HashIndex::new(),
            max_distance: 31,
        }
    }

    /// Reads a list of PDQ hashes (the index crate's text format: one hex hash per line).
    pub fn load(path: &Path, max_distance: u32) -> Result<Self, GuardListError> {
        let file = std::fs::File::open(path).map_err(|source| GuardListError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let entries =
            takeback_index::read_hash_list(std::io::BufReader::new(file)).map_err(|source| {
                GuardListError::Read {
                    path: path.display().to_string(),
                    source,
                }
            })?;
        Ok(GuardList {
            index: HashIndex::from_entries(entries),
            max_distance,
        })
    }

    /// How many fingerprints it holds.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether a PDQ fingerprint (64 hex digits) is near one on the guard list.
    pub fn guards(&self, pdq_hex: &str) -> bool {
        pdq_hex
            .parse::<PdqHash>()
            .is_ok_and(|hash| !self.index.query(&hash, self.max_distance).is_empty())
    }
}
