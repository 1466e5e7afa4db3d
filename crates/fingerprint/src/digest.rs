//! MD5 and SHA-256 of a file's bytes, computed in one streaming pass.

use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::io::{self, Read};

/// The digest types are the ones hotlines and platforms exchange (`takeback-wire`), so a
/// fingerprint goes on a list or into a query as it is.
pub use takeback_wire::{Md5Digest, Sha256Digest};

/// Both digests of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileDigests {
    /// MD5 of the bytes.
    pub md5: Md5Digest,
    /// SHA-256 of the bytes.
    pub sha256: Sha256Digest,
}

/// Accumulates both digests over bytes fed in any number of pieces.
#[derive(Debug, Clone, Default)]
pub struct Digester {
    md5: Md5,
    sha256: Sha256,
}

impl Digester {
    /// A digester that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        self.sha256.update(bytes);
    }

    /// The digests of everything fed.
    pub fn finish(self) -> FileDigests {
        FileDigests {
            md5: Md5Digest(self.md5.finalize().into()),
            sha256: Sha256Digest(self.sha256.finalize().into()),
        }
    }
}

/// The digests of bytes in memory.
pub fn digest_bytes(bytes: &[u8]) -> FileDigests {
    let mut digester = Digester::new();
    digester.update(bytes);
    digester.finish()
}

/// The digests of everything `reader` yields, read in 64 KiB pieces: constant memory
/// whatever the size (a long video, say).
pub fn digest_reader(mut reader: impl Read) -> io::Result<FileDigests> {
    let mut digester = Digester::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(digester.finish()),
            Ok(n) => digester.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        let empty = digest_bytes(b"");
        assert_eq!(empty.md5.to_string(), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            empty.sha256.to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let abc = digest_bytes(b"abc");
        assert_eq!(abc.md5.to_string(), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            abc.sha256.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn streaming_equals_one_piece() {
        let bytes = takeback_testimages::random_bytes(1, 300_000);
        // A reader that returns odd-sized pieces.
        struct Dribble<'a>(&'a [u8]);
        impl Read for Dribble<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(7919);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        assert_eq!(
            digest_reader(Dribble(&bytes)).unwrap(),
            digest_bytes(&bytes)
        );
    }
}
