//! Files that survive a crash, the few ways Takeback writes them.
//!
//! * [`replace`] writes a file whole or not at all: to a temporary file in the same
//!   directory, synced, renamed over the old one, and the directory synced, so that a
//!   crash leaves the old file or the new one, never half of one.
//!   [`replace_checksummed`] does the same and ends the file with the CRC-32 of every byte
//!   before it.
//! * [`append`] adds bytes to the end of a journal and syncs them; if that fails, whatever
//!   part was written is cut off again, so that the journal never ends in a torn record
//!   that was not acknowledged.
//! * [`push_crc`] and [`check_crc`] frame a record with its CRC-32 (IEEE, little-endian, at
//!   the end) and check it.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! use std::io::Write;
//! let path = dir.path().join("list.snapshot");
//! takeback_durable::replace_checksummed(&path, |out| out.write_all(b"entries"))?;
//! let bytes = std::fs::read(&path)?;
//! assert_eq!(takeback_durable::check_crc(&bytes), Some(&b"entries"[..]));
//! # Ok(()) }
//! ```
//!
//! One writer per file at a time: the temporary file's name is the file's own with
//! `.tmp` added, so that an attempt cut short by a crash is overwritten by the next one
//! rather than left behind under a new name.

#![warn(missing_docs)]

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file or directory that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}", path = path.display())]
pub struct DurableError {
    /// The file or directory.
    pub path: PathBuf,
    /// What failed.
    #[source]
    pub source: io::Error,
}

impl DurableError {
    /// Names the path an I/O error happened on.
    pub fn new(path: impl Into<PathBuf>, source: io::Error) -> Self {
        DurableError {
            path: path.into(),
            source,
        }
    }

    /// A function that names `path` in an I/O error, for `map_err`.
    pub fn at(path: &Path) -> impl FnOnce(io::Error) -> DurableError + '_ {
        move |source| DurableError::new(path, source)
    }
}

/// The temporary file [`replace`] writes `path` to first: its name with `.tmp` added.
pub fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Replaces `path` with what `write` writes, atomically and durably. The writer is
/// buffered; an error from `write` leaves the old file in place and no temporary file
/// behind. The error names the temporary file if writing failed, `path` if the rename did,
/// the directory if syncing it did.
pub fn replace(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), DurableError> {
    let temporary = temporary_path(path);
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&temporary)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(DurableError::new(temporary, error));
    }
    if let Err(error) = fs::rename(&temporary, path) {
        let _ = fs::remove_file(&temporary);
        return Err(DurableError::new(path, error));
    }
    sync_dir(parent(path))
}

/// [`replace`], ending the file with the CRC-32 of everything `write` wrote
/// (little-endian), as [`check_crc`] expects.
pub fn replace_checksummed(
    path: &Path,
    write: impl FnOnce(&mut Crc32Writer<&mut BufWriter<File>>) -> io::Result<()>,
) -> Result<(), DurableError> {
    replace(path, |out| {
        let mut checksummed = Crc32Writer::new(out);
        write(&mut checksummed)?;
        let (out, crc) = checksummed.finish();
        out.write_all(&crc.to_le_bytes())
    })
}

/// The directory a file is in (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Makes the creation, renaming or removal of files in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<(), DurableError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(DurableError::at(dir))
}

/// Appends `bytes` to `file` (a journal at `path`, opened for appending) and syncs its data.
/// If that fails, whatever part was written is cut off again: it was not acknowledged,
/// and a torn record would end the journal there at the next start, losing what is
/// appended after it.
pub fn append(file: &mut File, path: &Path, bytes: &[u8]) -> Result<(), DurableError> {
    let before = file.metadata().map(|m| m.len());
    let written = file.write_all(bytes).and_then(|()| file.sync_data());
    if written.is_err()
        && let Ok(length) = before
    {
        let _ = file.set_len(length);
    }
    written.map_err(DurableError::at(path))
}

/// Cuts `file` (at `path`) to its first `length` bytes and syncs it: a damaged or partly
/// written end found when a journal is opened.
pub fn truncate(file: &File, path: &Path, length: u64) -> Result<(), DurableError> {
    file.set_len(length)
        .and_then(|()| file.sync_all())
        .map_err(DurableError::at(path))
}

/// The CRC-32 (IEEE) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// Frames the record that starts at `start` in `buffer`: appends the CRC-32 of
/// `buffer[start..]`, little-endian.
pub fn push_crc(buffer: &mut Vec<u8>, start: usize) {
    let crc = crc32(&buffer[start..]);
    buffer.extend_from_slice(&crc.to_le_bytes());
}

/// The body of a framed record (or file) whose last four bytes are the CRC-32 of the rest;
/// `None` if it is too short or the CRC does not match.
pub fn check_crc(framed: &[u8]) -> Option<&[u8]> {
    let (body, crc) = framed.split_last_chunk::<4>()?;
    (crc32(body) == u32::from_le_bytes(*crc)).then_some(body)
}

/// A writer that keeps the CRC-32 of everything written through it.
#[derive(Debug)]
pub struct Crc32Writer<W> {
    inner: W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Crc32Writer<W> {
    /// Checksums what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Crc32Writer {
            inner,
            crc: crc32fast::Hasher::new(),
        }
    }

    /// The writer back, and the CRC-32 of everything written through this one.
    pub fn finish(self) -> (W, u32) {
        (self.inner, self.crc.finalize())
    }
}

impl<W: Write> Write for Crc32Writer<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.crc.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::fs::OpenOptions;

    #[test]
    fn a_replaced_file_holds_the_new_bytes_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state");
        replace(&path, |out| out.write_all(b"old")).unwrap();
        replace(&path, |out| out.write_all(b"new")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state");
        replace(&path, |out| out.write_all(b"old")).unwrap();
        let error = replace(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(error.path, temporary_path(&path));
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_checksummed_file_checks_and_a_flipped_bit_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshot");
        replace_checksummed(&path, |out| out.write_all(b"some entries")).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 12 + 4);
        assert_eq!(check_crc(&bytes), Some(&b"some entries"[..]));
        let crc = u32::from_le_bytes(bytes[12..].try_into().unwrap());
        assert_eq!(crc, crc32fast::hash(b"some entries"));
        bytes[3] ^= 1;
        assert_eq!(check_crc(&bytes), None);
        assert_eq!(check_crc(b"abc"), None);
    }

    #[test]
    fn framed_records_check() {
        let mut buffer = b"header".to_vec();
        let start = buffer.len();
        buffer.extend_from_slice(b"record");
        push_crc(&mut buffer, start);
        assert_eq!(check_crc(&buffer[start..]), Some(&b"record"[..]));
    }

    #[test]
    fn appends_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        append(&mut file, &path, b"one\n").unwrap();
        append(&mut file, &path, b"two\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one\ntwo\n");
        truncate(&file, &path, 4).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one\n");
    }
}
