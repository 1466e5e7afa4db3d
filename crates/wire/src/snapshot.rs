//! `GET /api/v1/hashlist/snapshot`: the whole current list in one signed, compact stream,
//! so that a new partner is ready in seconds rather than after paging through the feed.
//!
//! The format (`application/vnd.takeback.snapshot`; numbers little-endian):
//!
//! - header: `TBSNAP02`, the feed position `seq` (i64) the list is at, the chain's `head`
//!   there (32 bytes), the entry count `size` (i64), the signing `time` (i64, Unix ms), and
//!   the signing key's id (u16 length, then its base64 public key, as `GET /api/v1/keys`
//!   lists it);
//! - `size` entries, in id order: id (i64), algorithm (1 PDQ, 2 MD5, 3 SHA-256, 4 vPDQ),
//!   verified (0 or 1), quality (255: none), the value (32 bytes; an MD5 in its first 16;
//!   a video's identity, a SHA-256), and for a video its frame count (u32) and frames (PDQ
//!   hash 32 bytes, quality, timestamp f64);
//! - trailer: an Ed25519 signature (64 bytes) over
//!   `"takeback snapshot v2\n{seq}\n{head}\n{size}\n{time}\n{key_id}\n{sha256}\n"`, where
//!   `sha256` is the hex SHA-256 of the entries' bytes (from the end of the header to the
//!   trailer).
//!
//! A reader that checks the trailer holds the list the hotline vouched for at `seq`, and
//! follows the feed from there, extending the chain from `head`. The digest leaves out the
//! header, whose fields the signed text names one by one, so that a hotline can keep the
//! entries of a recent position and sign them afresh for each reader ([`sign_entries`])
//! instead of reading ten million rows again.

use crate::chain::{ChainError, ChainHead, FeedPublicKey, FeedSigningKey};
use crate::{Algorithm, ListedHash, Md5Digest, Sha256Digest};
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use takeback_pdq::PdqHash;

/// The snapshot's media type.
pub const CONTENT_TYPE: &str = "application/vnd.takeback.snapshot";
/// The first eight bytes.
pub const MAGIC: &[u8; 8] = b"TBSNAP02";
/// Most frames a video in a snapshot may have (as in the matcher's files).
pub const MAX_FRAMES: u32 = 1_000_000;
/// Longest key id read.
const MAX_KEY_ID: usize = 256;
/// What the trailer's signature covers, before the digest.
const SIGNED_PREFIX: &str = "takeback snapshot v2";

/// What a snapshot is of: the list after change `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotHeader {
    /// The last change the list includes (0: none).
    pub seq: i64,
    /// The feed's chain head after it.
    pub head: ChainHead,
    /// Entries in the snapshot.
    pub size: i64,
    /// When it was signed (Unix ms).
    pub time: i64,
    /// The signing key's public key, base64.
    pub key_id: String,
}

/// A listed video's frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotFrame {
    /// Its PDQ hash.
    pub hash: PdqHash,
    /// Its PDQ quality.
    pub quality: u8,
    /// Seconds from the start.
    pub timestamp: f64,
}

/// One listed entry, as the feed's last `add` of it gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotEntry {
    /// The entry's id.
    pub id: i64,
    /// Its fingerprint; a video's identity (a SHA-256) for `vpdq`.
    pub hash: ListedHash,
    /// `vpdq` for a video, else the hash's own algorithm.
    pub algorithm: Algorithm,
    /// PDQ quality, if it has one.
    pub quality: Option<u8>,
    /// Checked by an analyst.
    pub verified: bool,
    /// A video's frames, in order.
    pub frames: Option<Vec<SnapshotFrame>>,
}

/// Why a snapshot could not be read or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Reading failed (a connection cut, a file cut short).
    #[error("cannot read the snapshot: {0}")]
    Io(#[from] io::Error),
    /// Not the format above.
    #[error("not a Takeback snapshot: {0}")]
    Format(String),
    /// The trailer does not verify.
    #[error(transparent)]
    Signature(#[from] ChainError),
}

impl SnapshotHeader {
    /// The header's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.key_id.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.extend_from_slice(self.head.as_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.time.to_le_bytes());
        // Key ids are 44 characters of base64.
        let key = &self.key_id.as_bytes()[..self.key_id.len().min(MAX_KEY_ID)];
        out.extend_from_slice(&(key.len() as u16).to_le_bytes());
        out.extend_from_slice(key);
        out
    }

    /// What the trailer signs, given the digest of the entries' bytes.
    pub fn signed_text(&self, digest: &[u8; 32]) -> String {
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push_str(&format!("{byte:02x}"));
        }
        format!(
            "{SIGNED_PREFIX}\n{}\n{}\n{}\n{}\n{}\n{hex}\n",
            self.seq, self.head, self.size, self.time, self.key_id
        )
    }
}

impl SnapshotEntry {
    /// Appends the entry's bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_le_bytes());
        let (kind, value) = match (&self.hash, self.algorithm) {
            (ListedHash::Sha256(sha), Algorithm::Vpdq) => (4, sha.0),
            (ListedHash::Pdq(hash), _) => (1, hash.to_bytes()),
            (ListedHash::Md5(md5), _) => {
                let mut value = [0; 32];
                value[..16].copy_from_slice(&md5.0);
                (2, value)
            }
            (ListedHash::Sha256(sha), _) => (3, sha.0),
        };
        out.push(kind);
        out.push(u8::from(self.verified));
        out.push(self.quality.unwrap_or(u8::MAX));
        out.extend_from_slice(&value);
        if kind == 4 {
            let frames = self.frames.as_deref().unwrap_or_default();
            out.extend_from_slice(&(frames.len() as u32).to_le_bytes());
            for frame in frames {
                out.extend_from_slice(&frame.hash.to_bytes());
                out.push(frame.quality);
                out.extend_from_slice(&frame.timestamp.to_le_bytes());
            }
        }
    }
}

/// The trailer of a snapshot with this header whose entries' bytes have this SHA-256.
pub fn sign_entries(header: &SnapshotHeader, digest: &[u8; 32], key: &FeedSigningKey) -> [u8; 64] {
    key.sign_bytes(header.signed_text(digest).as_bytes())
}

/// Writes a snapshot: the header, then each entry, hashing as it goes, then the trailer.
#[derive(Debug)]
pub struct SnapshotWriter {
    header: SnapshotHeader,
    digest: Sha256,
}

impl SnapshotWriter {
    /// Starts a snapshot; returns the writer and the header's bytes to send first.
    pub fn new(header: SnapshotHeader) -> (Self, Vec<u8>) {
        let bytes = header.encode();
        (
            SnapshotWriter {
                header,
                digest: Sha256::new(),
            },
            bytes,
        )
    }

    /// What the snapshot is of.
    pub fn header(&self) -> &SnapshotHeader {
        &self.header
    }

    /// Appends an entry's bytes to `out` (which the caller sends).
    pub fn entry(&mut self, entry: &SnapshotEntry, out: &mut Vec<u8>) {
        let start = out.len();
        entry.encode(out);
        self.digest.update(&out[start..]);
    }

    /// The trailer: the signature over everything written.
    pub fn finish(self, key: &FeedSigningKey) -> Vec<u8> {
        let SnapshotWriter { header, digest } = self;
        sign_entries(&header, &digest.finalize().into(), key).to_vec()
    }

    /// The SHA-256 of the entries written, for signing them again later with
    /// [`sign_entries`].
    pub fn entries_digest(self) -> [u8; 32] {
        self.digest.finalize().into()
    }
}

/// Reads a snapshot entry by entry, hashing as it goes; [`SnapshotReader::finish`] reads
/// the trailer.
#[derive(Debug)]
pub struct SnapshotReader<R> {
    input: R,
    header: SnapshotHeader,
    digest: Sha256,
    left: i64,
}

/// A snapshot read to its end: its header and trailer, to be checked with a key.
#[derive(Debug, Clone)]
pub struct SignedSnapshot {
    /// What it is of.
    pub header: SnapshotHeader,
    digest: [u8; 32],
    signature: [u8; 64],
}

impl SignedSnapshot {
    /// Checks the trailer under `key`, and that the header names it.
    pub fn verify(&self, key: &FeedPublicKey) -> Result<(), ChainError> {
        let expected = key.to_string();
        if self.header.key_id != expected {
            return Err(ChainError::OtherKey {
                found: self.header.key_id.clone(),
                expected,
            });
        }
        key.verify_bytes(
            self.header.signed_text(&self.digest).as_bytes(),
            &self.signature,
        )
    }

    /// The trailer's signature, base64 (for showing with the header, as a checkpoint's).
    pub fn signature_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.signature)
    }
}

impl<R: Read> SnapshotReader<R> {
    /// Reads the header.
    pub fn open(mut input: R) -> Result<Self, SnapshotError> {
        let mut fixed = [0u8; 8 + 8 + 32 + 8 + 8 + 2];
        input.read_exact(&mut fixed)?;
        if &fixed[..8] != MAGIC {
            return Err(SnapshotError::Format(
                "it does not start with TBSNAP02 (an older hotline's snapshot?)".into(),
            ));
        }
        let number = |at: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&fixed[at..at + 8]);
            i64::from_le_bytes(bytes)
        };
        let mut head = [0u8; 32];
        head.copy_from_slice(&fixed[16..48]);
        let key_length = u16::from_le_bytes([fixed[64], fixed[65]]) as usize;
        if key_length > MAX_KEY_ID {
            return Err(SnapshotError::Format("a key id too long".into()));
        }
        let mut key = vec![0u8; key_length];
        input.read_exact(&mut key)?;
        let key_id = String::from_utf8(key)
            .map_err(|_| SnapshotError::Format("a key id that is not text".into()))?;
        let header = SnapshotHeader {
            seq: number(8),
            head: ChainHead::from_bytes(head),
            size: number(48),
            time: number(56),
            key_id,
        };
        if header.seq < 0 || header.size < 0 {
            return Err(SnapshotError::Format("a negative position or size".into()));
        }
        Ok(SnapshotReader {
            input,
            left: header.size,
            header,
            digest: Sha256::new(),
        })
    }

    /// What the snapshot is of (unverified until [`finish`](Self::finish)).
    pub fn header(&self) -> &SnapshotHeader {
        &self.header
    }

    /// The next entry; `None` after the last.
    pub fn next_entry(&mut self) -> Result<Option<SnapshotEntry>, SnapshotError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let mut fixed = [0u8; 8 + 3 + 32];
        self.input.read_exact(&mut fixed)?;
        self.digest.update(fixed);
        let mut id = [0u8; 8];
        id.copy_from_slice(&fixed[..8]);
        let id = i64::from_le_bytes(id);
        let [kind, verified, quality] = [fixed[8], fixed[9], fixed[10]];
        let mut value = [0u8; 32];
        value.copy_from_slice(&fixed[11..]);
        let malformed = |what: &str| SnapshotError::Format(format!("entry {id}: {what}"));
        if verified > 1 {
            return Err(malformed("verified is neither 0 nor 1"));
        }
        let quality = (quality != u8::MAX).then_some(quality);
        if quality.is_some_and(|q| q > 100) {
            return Err(malformed("a quality over 100"));
        }
        let (hash, algorithm) = match kind {
            1 => (ListedHash::Pdq(PdqHash::from_bytes(value)), Algorithm::Pdq),
            2 => {
                let mut md5 = [0u8; 16];
                md5.copy_from_slice(&value[..16]);
                (ListedHash::Md5(Md5Digest(md5)), Algorithm::Md5)
            }
            3 => (ListedHash::Sha256(Sha256Digest(value)), Algorithm::Sha256),
            4 => (ListedHash::Sha256(Sha256Digest(value)), Algorithm::Vpdq),
            _ => return Err(malformed("an unknown algorithm")),
        };
        let frames = if kind == 4 {
            let mut count = [0u8; 4];
            self.input.read_exact(&mut count)?;
            self.digest.update(count);
            let count = u32::from_le_bytes(count);
            if count == 0 || count > MAX_FRAMES {
                return Err(malformed("a video of no frames, or of too many"));
            }
            // Read in pieces, so that a damaged count cannot size one allocation.
            let mut frames = Vec::new();
            let mut frame = [0u8; 32 + 1 + 8];
            for _ in 0..count {
                self.input.read_exact(&mut frame)?;
                self.digest.update(frame);
                let mut hash = [0u8; 32];
                hash.copy_from_slice(&frame[..32]);
                let mut timestamp = [0u8; 8];
                timestamp.copy_from_slice(&frame[33..]);
                let timestamp = f64::from_le_bytes(timestamp);
                if frame[32] > 100 || !timestamp.is_finite() {
                    return Err(malformed("a malformed frame"));
                }
                frames.push(SnapshotFrame {
                    hash: PdqHash::from_bytes(hash),
                    quality: frame[32],
                    timestamp,
                });
            }
            Some(frames)
        } else {
            None
        };
        Ok(Some(SnapshotEntry {
            id,
            hash,
            algorithm,
            quality,
            verified: verified == 1,
            frames,
        }))
    }

    /// Reads the trailer after the last entry; the snapshot must end there.
    pub fn finish(mut self) -> Result<SignedSnapshot, SnapshotError> {
        while self.next_entry()?.is_some() {}
        let mut signature = [0u8; 64];
        self.input.read_exact(&mut signature)?;
        let mut extra = [0u8; 1];
        if self.input.read(&mut extra)? != 0 {
            return Err(SnapshotError::Format("bytes after the trailer".into()));
        }
        Ok(SignedSnapshot {
            header: self.header,
            digest: self.digest.finalize().into(),
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<SnapshotEntry> {
        let pdq: PdqHash = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
            .parse()
            .expect("hex");
        vec![
            SnapshotEntry {
                id: 1,
                hash: ListedHash::Pdq(pdq),
                algorithm: Algorithm::Pdq,
                quality: Some(90),
                verified: true,
                frames: None,
            },
            SnapshotEntry {
                id: 2,
                hash: ListedHash::Md5(Md5Digest([7; 16])),
                algorithm: Algorithm::Md5,
                quality: None,
                verified: false,
                frames: None,
            },
            SnapshotEntry {
                id: 5,
                hash: ListedHash::Sha256(Sha256Digest([9; 32])),
                algorithm: Algorithm::Vpdq,
                quality: None,
                verified: false,
                frames: Some(vec![SnapshotFrame {
                    hash: pdq,
                    quality: 80,
                    timestamp: 1.5,
                }]),
            },
        ]
    }

    fn snapshot(key: &FeedSigningKey) -> Vec<u8> {
        let header = SnapshotHeader {
            seq: 12,
            head: ChainHead::from_bytes([3; 32]),
            size: 3,
            time: 1_700_000_000_000,
            key_id: key.public_key().to_string(),
        };
        let (mut writer, mut bytes) = SnapshotWriter::new(header);
        for entry in entries() {
            writer.entry(&entry, &mut bytes);
        }
        bytes.extend(writer.finish(key));
        bytes
    }

    #[test]
    fn a_snapshot_reads_back_and_verifies_under_its_key_only() {
        let key = FeedSigningKey::from_seed([4; 32]);
        let bytes = snapshot(&key);
        let mut reader = SnapshotReader::open(bytes.as_slice()).expect("header");
        assert_eq!((reader.header().seq, reader.header().size), (12, 3));
        let mut read = Vec::new();
        while let Some(entry) = reader.next_entry().expect("entry") {
            read.push(entry);
        }
        assert_eq!(read, entries());
        let signed = reader.finish().expect("trailer");
        assert!(signed.verify(&key.public_key()).is_ok());
        let other = FeedSigningKey::from_seed([5; 32]);
        assert!(signed.verify(&other.public_key()).is_err());
    }

    #[test]
    fn entries_kept_can_be_signed_again_at_another_time() {
        let key = FeedSigningKey::from_seed([4; 32]);
        let bytes = snapshot(&key);
        let mut reader = SnapshotReader::open(bytes.as_slice()).expect("header");
        let header_length = reader.header().encode().len();
        let mut writer = SnapshotWriter::new(reader.header().clone()).0;
        let mut copy = Vec::new();
        while let Some(entry) = reader.next_entry().expect("entry") {
            writer.entry(&entry, &mut copy);
        }
        assert_eq!(copy, bytes[header_length..bytes.len() - 64]);
        let digest = writer.entries_digest();
        let later = SnapshotHeader {
            time: 1_700_000_300_000,
            ..reader.header().clone()
        };
        let mut again = later.encode();
        again.extend_from_slice(&copy);
        again.extend_from_slice(&sign_entries(&later, &digest, &key));
        let signed = SnapshotReader::open(again.as_slice())
            .and_then(SnapshotReader::finish)
            .expect("read");
        assert_eq!(signed.header, later);
        assert!(signed.verify(&key.public_key()).is_ok());
        // The old trailer does not vouch for the new time.
        let mut replayed = later.encode();
        replayed.extend_from_slice(&bytes[header_length..]);
        let signed = SnapshotReader::open(replayed.as_slice())
            .and_then(SnapshotReader::finish)
            .expect("read");
        assert!(signed.verify(&key.public_key()).is_err());
    }

    #[test]
    fn any_byte_changed_or_cut_is_caught() {
        let key = FeedSigningKey::from_seed([4; 32]);
        let bytes = snapshot(&key);
        for at in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[at] ^= 0x01;
            let verdict = SnapshotReader::open(altered.as_slice())
                .and_then(SnapshotReader::finish)
                .map_err(|e| e.to_string())
                .and_then(|signed| signed.verify(&key.public_key()).map_err(|e| e.to_string()));
            assert!(verdict.is_err(), "a change at byte {at} went unseen");
        }
        for cut in 0..bytes.len() {
            let verdict = SnapshotReader::open(&bytes[..cut]).and_then(SnapshotReader::finish);
            assert!(verdict.is_err(), "a cut at byte {cut} went unseen");
        }
        let mut longer = bytes;
        longer.push(0);
        let verdict = SnapshotReader::open(longer.as_slice()).and_then(SnapshotReader::finish);
        assert!(verdict.is_err());
    }
}
