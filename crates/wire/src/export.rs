//! `takeback partner export`: the list in formats other systems read, sealed by the
//! hotline's key.
//!
//! An export is a plain file (python-threatexchange's signal file, CSV, TSV or JSON lines)
//! and, beside it, its seal (`FILE.checkpoint`, JSON): the feed checkpoint the list is as of,
//! signed as the feed signs its pages, and a second signature binding the file's SHA-256 to
//! that checkpoint. `takeback verify FILE` checks both, so a list that travelled by e-mail
//! or a shared drive can still be shown to be the hotline's.

use crate::Algorithm;
use crate::chain::{ChainError, Checkpoint, FeedPublicKey, FeedSigningKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// What the seal's own signature covers, before its fields.
const SIGNED_PREFIX: &str = "takeback export v1";

/// The name python-threatexchange gives the signal type of an entry of `algorithm`. It has
/// no MD5 or SHA-256 type for pictures: a file's exact digests are `video_md5` and
/// `video_sha256`.
pub fn threatexchange_signal_type(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Pdq => "pdq",
        Algorithm::Md5 => "video_md5",
        Algorithm::Sha256 => "video_sha256",
        Algorithm::Vpdq => "vpdq",
    }
}

/// An export's seal: the checkpoint the list is as of, and a signature over the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSeal {
    /// The export's format (`threatexchange`, `csv`, `tsv` or `jsonl`).
    pub format: String,
    /// The SHA-256 of the exported file's bytes, lowercase hex.
    pub file_sha256: String,
    /// The feed checkpoint the list is as of, signed as the feed's pages are: `size`
    /// entries after change `seq`, with the chain's `head` there.
    pub checkpoint: Checkpoint,
    /// Ed25519 by the checkpoint's key over [`ExportSeal::signed_text`], base64.
    pub signature: String,
}

/// Why an export does not verify.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file is not the one sealed.
    #[error("the file's SHA-256 is {found}, not the sealed {sealed}: it was altered or cut")]
    Digest {
        /// What the file hashes to.
        found: String,
        /// What the seal says.
        sealed: String,
    },
    /// A signature does not verify.
    #[error(transparent)]
    Signature(#[from] ChainError),
}

impl ExportSeal {
    /// What the seal's signature covers.
    pub fn signed_text(format: &str, file_sha256: &str, checkpoint: &Checkpoint) -> String {
        format!(
            "{SIGNED_PREFIX}\n{format}\n{file_sha256}\n{}\n{}\n{}\n{}\n",
            checkpoint.seq, checkpoint.head, checkpoint.size, checkpoint.time
        )
    }

    /// Seals a file of `format` whose bytes hash to `digest`, as of `checkpoint` (signed by
    /// `key`).
    pub fn seal(
        key: &FeedSigningKey,
        format: &str,
        digest: &[u8; 32],
        checkpoint: Checkpoint,
    ) -> ExportSeal {
        let file_sha256 = crate::hex::encode(digest);
        let signature = BASE64.encode(
            key.sign_bytes(Self::signed_text(format, &file_sha256, &checkpoint).as_bytes()),
        );
        ExportSeal {
            format: format.to_owned(),
            file_sha256,
            checkpoint,
            signature,
        }
    }

    /// Checks that a file hashing to `digest` is the one sealed, and both signatures under
    /// `key`.
    pub fn verify(&self, key: &FeedPublicKey, digest: &[u8; 32]) -> Result<(), ExportError> {
        let found = crate::hex::encode(digest);
        if found != self.file_sha256 {
            return Err(ExportError::Digest {
                found,
                sealed: self.file_sha256.clone(),
            });
        }
        self.checkpoint.verify(key)?;
        let signature: [u8; 64] = BASE64
            .decode(self.signature.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(ChainError::SignatureText)?;
        let text = Self::signed_text(&self.format, &self.file_sha256, &self.checkpoint);
        key.verify_bytes(text.as_bytes(), &signature)?;
        Ok(())
    }
}

/// A writer that hashes (SHA-256) what passes through it.
#[derive(Debug)]
pub struct DigestWriter<W> {
    inner: W,
    digest: Sha256,
}

impl<W: Write> DigestWriter<W> {
    /// Hashes what is written to `inner`.
    pub fn new(inner: W) -> Self {
        DigestWriter {
            inner,
            digest: Sha256::new(),
        }
    }

    /// The writer, and the digest of everything written.
    pub fn finish(self) -> (W, [u8; 32]) {
        (self.inner, self.digest.finalize().into())
    }
}

impl<W: Write> Write for DigestWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.digest.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::ChainHead;

    #[test]
    fn a_seal_verifies_for_its_file_and_key_only() {
        let key = FeedSigningKey::from_seed([5; 32]);
        let mut writer = DigestWriter::new(Vec::new());
        writer.write_all(b"pdq 00ff\n").expect("writes");
        let (bytes, digest) = writer.finish();
        assert_eq!(bytes, b"pdq 00ff\n");
        let checkpoint = key.sign(3, ChainHead::GENESIS, 1, 1_700_000_000_000);
        let seal = ExportSeal::seal(&key, "threatexchange", &digest, checkpoint);
        assert!(seal.verify(&key.public_key(), &digest).is_ok());

        let other = FeedSigningKey::from_seed([6; 32]);
        assert!(seal.verify(&other.public_key(), &digest).is_err());
        let altered: [u8; 32] = Sha256::digest(b"pdq 00fe\n").into();
        assert!(matches!(
            seal.verify(&key.public_key(), &altered),
            Err(ExportError::Digest { .. })
        ));
        // The seal's fields are bound too: another format, or another checkpoint.
        let mut moved = seal.clone();
        moved.format = "csv".into();
        assert!(moved.verify(&key.public_key(), &digest).is_err());
        let mut moved = seal;
        moved.checkpoint = key.sign(4, ChainHead::GENESIS, 1, 1_700_000_000_000);
        assert!(moved.verify(&key.public_key(), &digest).is_err());
    }
}
