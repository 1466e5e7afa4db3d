//! The saved index: a versioned, checksummed file of the entries, read back in one
//! sequential read.
//!
//! ```text
//! offset  size        what
//! 0       8           magic "TKBKIDX\x1a" (the last byte stops `type` on Windows)
//! 8       4           format version, little-endian (1)
//! 12      4           reserved, zero
//! 16      8           entry count n, little-endian
//! 24      40 n        entries: 32 bytes of hash (big-endian, as the hex form reads),
//!                     then the id as 8 bytes little-endian
//! 24+40n  4           CRC-32 (IEEE) of every byte before it, little-endian
//! ```
//!
//! Only the entries are stored: the tables are rebuilt on load, which takes about as long
//! as reading them would (they are 2.5 times the size of the entries) and keeps the file
//! independent of how the index is tuned. The file is written to a temporary name, synced
//! and renamed, so a crash leaves the old file or the new one, never half of one.

use crate::hash_index::HashIndex;
use crate::list::{HashListError, read_hash_list};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use takeback_pdq::PdqHash;

const MAGIC: [u8; 8] = *b"TKBKIDX\x1a";
/// The version of the file format this build writes and reads.
pub const FILE_VERSION: u32 = 1;
const HEADER: usize = 24;
const ENTRY: usize = 40;
const TRAILER: usize = 4;

/// Why an index file could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum IndexFileError {
    /// Reading or writing failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file does not start with the index magic number.
    #[error("{0} is not a Takeback index file")]
    NotAnIndex(PathBuf),
    /// The file is of a format version this build does not read.
    #[error("{path} is index format version {found}; this build reads version {FILE_VERSION}")]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// The file is shorter or longer than its header says.
    #[error(
        "{path} is damaged: its header promises {entries} entries ({expected} bytes) but it has {actual} bytes"
    )]
    WrongLength {
        /// The file.
        path: PathBuf,
        /// Entries promised.
        entries: u64,
        /// Bytes that many entries take.
        expected: u64,
        /// Bytes present.
        actual: u64,
    },
    /// The checksum does not match the contents.
    #[error("{0} is damaged: its checksum does not match its contents")]
    ChecksumMismatch(PathBuf),
}

impl HashIndex {
    /// Saves every entry to `path`, replacing it atomically.
    pub fn save(&self, path: &Path) -> Result<(), IndexFileError> {
        let entries = self.entries();
        takeback_durable::replace_checksummed(path, |out| {
            out.write_all(&MAGIC)?;
            out.write_all(&FILE_VERSION.to_le_bytes())?;
            out.write_all(&0u32.to_le_bytes())?;
            out.write_all(&(entries.len() as u64).to_le_bytes())?;
            for (hash, id) in &entries {
                out.write_all(&hash.to_bytes())?;
                out.write_all(&id.to_le_bytes())?;
            }
            Ok(())
        })
        .map_err(|error| IndexFileError::Io {
            action: "write",
            path: path.to_path_buf(),
            source: error.source,
        })
    }

    /// Loads an index saved by [`HashIndex::save`]. A truncated, damaged or foreign file is
    /// refused with the reason; nothing is trusted before the checksum matches.
    pub fn load(path: &Path) -> Result<HashIndex, IndexFileError> {
        let io_error = |source| IndexFileError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let actual = file.metadata().map_err(io_error)?.len();
        let mut header = [0u8; HEADER];
        if let Err(error) = file.read_exact(&mut header) {
            return Err(match error.kind() {
                io::ErrorKind::UnexpectedEof if actual < 8 || header[..8] != MAGIC => {
                    IndexFileError::NotAnIndex(path.to_path_buf())
                }
                io::ErrorKind::UnexpectedEof => IndexFileError::WrongLength {
                    path: path.to_path_buf(),
                    entries: 0,
                    expected: (HEADER + TRAILER) as u64,
                    actual,
                },
                _ => io_error(error),
            });
        }
        if header[..8] != MAGIC {
            return Err(IndexFileError::NotAnIndex(path.to_path_buf()));
        }
        let field = |at: usize, len: usize| {
            let mut bytes = [0u8; 8];
            bytes[..len].copy_from_slice(&header[at..at + len]);
            u64::from_le_bytes(bytes)
        };
        let version = field(8, 4) as u32;
        if version != FILE_VERSION {
            return Err(IndexFileError::UnsupportedVersion {
                path: path.to_path_buf(),
                found: version,
            });
        }
        let entries = field(16, 8);
        let expected = entries
            .checked_mul(ENTRY as u64)
            .and_then(|n| n.checked_add((HEADER + TRAILER) as u64));
        if expected != Some(actual) {
            return Err(IndexFileError::WrongLength {
                path: path.to_path_buf(),
                entries,
                expected: expected.unwrap_or(u64::MAX),
                actual,
            });
        }
        // The length matches the file, so this allocation is the file's size.
        let mut bytes = vec![0u8; actual as usize];
        bytes[..HEADER].copy_from_slice(&header);
        file.read_exact(&mut bytes[HEADER..]).map_err(io_error)?;
        let Some(checked) = takeback_durable::check_crc(&bytes) else {
            return Err(IndexFileError::ChecksumMismatch(path.to_path_buf()));
        };
        let records = &checked[HEADER..];
        let entries = records.chunks_exact(ENTRY).map(|record| {
            let (hash, id) = record.split_at(32);
            let mut hash_bytes = [0u8; 32];
            hash_bytes.copy_from_slice(hash);
            let mut id_bytes = [0u8; 8];
            id_bytes.copy_from_slice(id);
            (
                PdqHash::from_bytes(hash_bytes),
                u64::from_le_bytes(id_bytes),
            )
        });
        Ok(HashIndex::from_entries(entries))
    }
}

/// Why a list file, a saved index or a text list, could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ListFileError {
    /// The file could not be opened or read.
    #[error("cannot read the list {path}: {source}", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A saved index that does not load.
    #[error(transparent)]
    Index(#[from] IndexFileError),
    /// A text list that does not read.
    #[error("{path}: {source}", path = path.display())]
    Text {
        /// The file.
        path: PathBuf,
        /// The line that is wrong, or the read that failed.
        source: HashListError,
    },
}

/// A list file as read: a saved index, or the entries of a text list.
#[derive(Debug)]
pub enum ListFile {
    /// An index saved by [`HashIndex::save`].
    Index(HashIndex),
    /// The entries of a text hash list (see [`read_hash_list`]).
    Text(Vec<(PdqHash, u64)>),
}

impl ListFile {
    /// Reads a list file of either kind, told apart by the first bytes.
    pub fn read(path: &Path) -> Result<ListFile, ListFileError> {
        let read_error = |source| ListFileError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(read_error)?;
        let mut head = [0u8; 8];
        let n = file.read(&mut head).map_err(read_error)?;
        if is_index_file(&head[..n]) {
            return Ok(ListFile::Index(HashIndex::load(path)?));
        }
        file.seek(SeekFrom::Start(0)).map_err(read_error)?;
        let entries =
            read_hash_list(BufReader::new(file)).map_err(|source| ListFileError::Text {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(ListFile::Text(entries))
    }

    /// The list as an index.
    pub fn into_index(self) -> HashIndex {
        match self {
            ListFile::Index(index) => index,
            ListFile::Text(entries) => HashIndex::from_entries(entries),
        }
    }

    /// The list's entries.
    pub fn into_entries(self) -> Vec<(PdqHash, u64)> {
        match self {
            ListFile::Index(index) => index.entries(),
            ListFile::Text(entries) => entries,
        }
    }
}

/// Loads a list file, an index saved by [`HashIndex::save`] or a text hash list, as an
/// index.
pub fn load_list(path: &Path) -> Result<HashIndex, ListFileError> {
    ListFile::read(path).map(ListFile::into_index)
}

/// Whether `bytes`, the start of a file, begin like a saved index (rather than a text list).
pub fn is_index_file(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}
