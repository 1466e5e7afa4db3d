//! The feed's hash chain and its signed checkpoints (issue 19): what lets a partner prove
//! that the list it holds is the one the hotline published.
//!
//! Every change extends a chain, as Certificate Transparency's log does: its link is the
//! SHA-256 of the link before it and of the change's fields, so a change altered, dropped,
//! reordered or replayed anywhere on the way gives a different head. The hotline signs
//! checkpoints (sequence number, chain head, list size, time) with an Ed25519 key; a reader
//! that recomputes the chain as it applies the feed and finds the signed head has the
//! hotline's list, whoever carried it.
//!
//! Frames of a video are not in the link: a video's `value` is the SHA-256 of its sorted
//! distinct frame hashes, so its frames are bound through it.

use crate::feed::ListChange;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A link of the chain: the head after some change (or [`ChainHead::GENESIS`] before the
/// first). Lowercase hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHead([u8; 32]);

impl ChainHead {
    /// The head before the first change: 32 zero bytes.
    pub const GENESIS: ChainHead = ChainHead([0; 32]);

    /// The head after `change`, which follows `self`.
    pub fn extend(&self, change: &ListChange) -> ChainHead {
        let mut digest = Sha256::new();
        digest.update(b"takeback feed v1\n");
        digest.update(self.0);
        // One field a line, in a fixed order; none of them can hold a newline (the value is
        // hex, the algorithm and operation are fixed words).
        let quality = change
            .quality
            .map_or_else(|| "-".to_owned(), |quality| quality.to_string());
        digest.update(
            format!(
                "\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
                change.seq,
                change.op.as_str(),
                change.id,
                change.algorithm.as_str(),
                change.value,
                quality,
                u8::from(change.verified),
            )
            .as_bytes(),
        );
        ChainHead(digest.finalize().into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The head with these raw bytes, as [`as_bytes`](Self::as_bytes) gave them.
    pub fn from_bytes(bytes: [u8; 32]) -> ChainHead {
        ChainHead(bytes)
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHead({self})")
    }
}

/// Why a chain head, key or signature could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// Not 64 hex digits.
    #[error("a chain head is 64 hex digits")]
    Head,
    /// Not a base64 Ed25519 public key (32 bytes).
    #[error("a public key is 32 bytes of Ed25519 key in base64")]
    PublicKey,
    /// Not a base64 Ed25519 signature (64 bytes).
    #[error("a signature is 64 bytes in base64")]
    SignatureText,
    /// The signature does not verify under the key.
    #[error("the checkpoint's signature does not verify under the hotline's key")]
    BadSignature,
    /// Not a signing key file: a base64 seed, or a PKCS#8 PEM Ed25519 private key.
    #[error(
        "a signing key is an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm \
         ed25519`) or its 32-byte seed in base64"
    )]
    SecretKey,
    /// The checkpoint names another key.
    #[error("signed by key {found}, not the expected {expected}")]
    OtherKey {
        /// The key the checkpoint names.
        found: String,
        /// The key the reader holds.
        expected: String,
    },
}

impl FromStr for ChainHead {
    type Err = ChainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() != 64 {
            return Err(ChainError::Head);
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| ChainError::Head)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| ChainError::Head)?;
        }
        Ok(ChainHead(bytes))
    }
}

impl Serialize for ChainHead {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChainHead {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A point of the feed the hotline vouches for: after change `seq` the chain's head is
/// `head` and the list holds `size` entries; signed at `time` by the key `key_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    /// The last change covered (0: none yet).
    pub seq: i64,
    /// The chain's head after it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub head: ChainHead,
    /// Entries on the list after it.
    pub size: i64,
    /// When it was signed (Unix milliseconds).
    pub time: i64,
    /// The signing key's id: its public key (base64), as `GET /api/v1/keys` lists it.
    pub key_id: String,
    /// Ed25519 over [`Checkpoint::signed_text`], base64.
    pub signature: String,
}

impl Checkpoint {
    /// What the signature covers.
    pub fn signed_text(seq: i64, head: &ChainHead, size: i64, time: i64) -> String {
        format!("takeback checkpoint v1\n{seq}\n{head}\n{size}\n{time}\n")
    }

    /// Checks the signature under `key`, and that the checkpoint names it.
    pub fn verify(&self, key: &FeedPublicKey) -> Result<(), ChainError> {
        let expected = key.to_string();
        if self.key_id != expected {
            return Err(ChainError::OtherKey {
                found: self.key_id.clone(),
                expected,
            });
        }
        let bytes = BASE64
            .decode(self.signature.trim())
            .map_err(|_| ChainError::SignatureText)?;
        let signature = Signature::from_slice(&bytes).map_err(|_| ChainError::SignatureText)?;
        key.0
            .verify(
                Self::signed_text(self.seq, &self.head, self.size, self.time).as_bytes(),
                &signature,
            )
            .map_err(|_| ChainError::BadSignature)
    }
}

/// `GET /api/v1/keys`: the keys the hotline signs checkpoints with, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedKeys {
    /// Newest first; the newest unretired one signs.
    pub keys: Vec<PublishedKey>,
}

/// One signing key's public half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedKey {
    /// `ed25519`.
    pub algorithm: String,
    /// The public key, base64 (32 bytes): what a partner configures, and what checkpoints
    /// name as their `key_id`.
    pub public_key: String,
    /// When it was made (Unix milliseconds).
    pub created_at: i64,
    /// When it stopped signing, if it has.
    pub retired_at: Option<i64>,
    /// The key that announced this one when it took over (a rotation): its public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endorsed_by: Option<String>,
    /// `endorsed_by`'s Ed25519 signature over [`PublishedKey::endorsed_text`], base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<String>,
}

impl PublishedKey {
    /// What an endorsement signs: the new key and when it was made.
    pub fn endorsed_text(public_key: &str, created_at: i64) -> String {
        format!("takeback key v1\n{public_key}\n{created_at}\n")
    }

    /// This key, if `by` endorsed it: a partner that trusts `by` may trust it too.
    pub fn endorsed(&self, by: &FeedPublicKey) -> Result<FeedPublicKey, ChainError> {
        if self.endorsed_by.as_deref() != Some(by.to_string().as_str()) {
            return Err(ChainError::BadSignature);
        }
        let signature = self
            .endorsement
            .as_deref()
            .ok_or(ChainError::BadSignature)?;
        let bytes = BASE64
            .decode(signature.trim())
            .map_err(|_| ChainError::SignatureText)?;
        let signature = Signature::from_slice(&bytes).map_err(|_| ChainError::SignatureText)?;
        by.0.verify(
            Self::endorsed_text(&self.public_key, self.created_at).as_bytes(),
            &signature,
        )
        .map_err(|_| ChainError::BadSignature)?;
        self.public_key.parse()
    }
}

/// The hotline's public key, as partners configure it: 32 bytes in base64.
#[derive(Clone, PartialEq, Eq)]
pub struct FeedPublicKey(VerifyingKey);

impl FromStr for FeedPublicKey {
    type Err = ChainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| ChainError::PublicKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| ChainError::PublicKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(FeedPublicKey)
            .map_err(|_| ChainError::PublicKey)
    }
}

impl FeedPublicKey {
    /// Checks an Ed25519 signature over `message`.
    pub fn verify_bytes(&self, message: &[u8], signature: &[u8; 64]) -> Result<(), ChainError> {
        self.0
            .verify(message, &Signature::from_bytes(signature))
            .map_err(|_| ChainError::BadSignature)
    }
}

impl fmt::Display for FeedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&BASE64.encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for FeedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FeedPublicKey({self})")
    }
}

/// The hotline's signing key. Its secret half never leaves the hotline; `Debug` shows only
/// the public half.
#[derive(Clone)]
pub struct FeedSigningKey(SigningKey);

impl FeedSigningKey {
    /// The key from its 32-byte secret seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        FeedSigningKey(SigningKey::from_bytes(&seed))
    }

    /// The key in a key file's text: a PKCS#8 PEM Ed25519 private key, as `openssl genpkey
    /// -algorithm ed25519` writes it, or the 32-byte seed in base64.
    pub fn from_file_text(text: &str) -> Result<Self, ChainError> {
        // An Ed25519 PKCS#8 v1 private key is 48 bytes of DER: this fixed prefix (version 0,
        // algorithm id 1.3.101.112, an octet string wrapping the 32-byte seed), then the seed.
        const PKCS8_PREFIX: [u8; 16] = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        let text = text.trim();
        let bytes = if let Some(pem) = text.strip_prefix("-----BEGIN PRIVATE KEY-----") {
            let body = pem
                .strip_suffix("-----END PRIVATE KEY-----")
                .ok_or(ChainError::SecretKey)?;
            let body: String = body.split_whitespace().collect();
            let der = BASE64.decode(body).map_err(|_| ChainError::SecretKey)?;
            match der.strip_prefix(&PKCS8_PREFIX[..]) {
                Some(seed) => seed.to_vec(),
                None => return Err(ChainError::SecretKey),
            }
        } else {
            BASE64.decode(text).map_err(|_| ChainError::SecretKey)?
        };
        let seed: [u8; 32] = bytes.try_into().map_err(|_| ChainError::SecretKey)?;
        Ok(FeedSigningKey::from_seed(seed))
    }

    /// The secret seed, to store.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Its public half.
    pub fn public_key(&self) -> FeedPublicKey {
        FeedPublicKey(self.0.verifying_key())
    }

    /// The announcement of `next`, made at `created_at` (Unix ms), that takes over from
    /// this key: the signature for [`PublishedKey::endorsement`].
    pub fn endorse(&self, next: &FeedPublicKey, created_at: i64) -> String {
        let text = PublishedKey::endorsed_text(&next.to_string(), created_at);
        BASE64.encode(self.0.sign(text.as_bytes()).to_bytes())
    }

    /// An Ed25519 signature over `message` (a snapshot's trailer).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// A checkpoint after change `seq`, signed now (`time`, Unix ms).
    pub fn sign(&self, seq: i64, head: ChainHead, size: i64, time: i64) -> Checkpoint {
        let signature = self
            .0
            .sign(Checkpoint::signed_text(seq, &head, size, time).as_bytes());
        Checkpoint {
            seq,
            head,
            size,
            time,
            key_id: self.public_key().to_string(),
            signature: BASE64.encode(signature.to_bytes()),
        }
    }
}

impl fmt::Debug for FeedSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FeedSigningKey(public {})", self.public_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::ChangeOp;
    use crate::hash::Algorithm;

    fn change(seq: i64, value: &str) -> ListChange {
        ListChange {
            seq,
            op: ChangeOp::Add,
            id: seq,
            algorithm: Algorithm::Md5,
            value: value.to_owned(),
            quality: None,
            verified: false,
            frames: None,
        }
    }

    #[test]
    fn every_field_and_the_order_change_the_head() {
        let a = change(1, "00000000000000000000000000000001");
        let b = change(2, "00000000000000000000000000000002");
        let head = ChainHead::GENESIS.extend(&a).extend(&b);
        assert_ne!(head, ChainHead::GENESIS.extend(&b).extend(&a));
        assert_ne!(head, ChainHead::GENESIS.extend(&b));
        let mutations: [fn(&mut ListChange); 6] = [
            |c| c.seq += 1,
            |c| c.op = ChangeOp::Remove,
            |c| c.id += 1,
            |c| c.value = "00000000000000000000000000000003".into(),
            |c| c.quality = Some(90),
            |c| c.verified = true,
        ];
        for mutate in mutations {
            let mut altered = b.clone();
            mutate(&mut altered);
            assert_ne!(head, ChainHead::GENESIS.extend(&a).extend(&altered));
        }
        let text = head.to_string();
        assert_eq!(text.len(), 64);
        assert_eq!(text.parse::<ChainHead>(), Ok(head));
        assert_eq!("zz".parse::<ChainHead>(), Err(ChainError::Head));
    }

    /// Pinned, with the same figures in the python-threatexchange exchange's tests
    /// (`integrations/python-threatexchange/tests/test_chain.py`): both sides compute
    /// the chain alike.
    #[test]
    fn a_known_feed_chains_to_a_known_head() {
        let md5 = "9e107d9d372bb6826bd81d3542a419d6";
        let mut removed = change(2, md5);
        (removed.op, removed.id, removed.verified) = (ChangeOp::Remove, 7, true);
        let mut first = change(1, md5);
        first.id = 7;
        let picture = ListChange {
            seq: 3,
            op: ChangeOp::Add,
            id: 8,
            algorithm: Algorithm::Pdq,
            value: "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22".into(),
            quality: Some(100),
            verified: true,
            frames: None,
        };
        let head = [first, removed, picture]
            .iter()
            .fold(ChainHead::GENESIS, |head, change| head.extend(change));
        assert_eq!(
            head.to_string(),
            "25256e989ed882b4f55c46e2e9fbe3bafb86cd39028fa533755120299598316c"
        );
    }

    #[test]
    fn a_checkpoint_verifies_under_its_key_only() {
        let key = FeedSigningKey::from_seed([7; 32]);
        let other = FeedSigningKey::from_seed([8; 32]);
        let head = ChainHead::GENESIS.extend(&change(1, "00000000000000000000000000000001"));
        let checkpoint = key.sign(1, head, 1, 1_700_000_000_000);
        assert_eq!(checkpoint.verify(&key.public_key()), Ok(()));
        let public: FeedPublicKey = key.public_key().to_string().parse().expect("reads back");
        assert_eq!(checkpoint.verify(&public), Ok(()));
        assert!(matches!(
            checkpoint.verify(&other.public_key()),
            Err(ChainError::OtherKey { .. })
        ));
        let mut forged = checkpoint.clone();
        forged.size = 2;
        assert_eq!(
            forged.verify(&key.public_key()),
            Err(ChainError::BadSignature)
        );
        let mut forged = checkpoint;
        forged.signature = "not base64!".into();
        assert_eq!(
            forged.verify(&key.public_key()),
            Err(ChainError::SignatureText)
        );
        assert_eq!("abc".parse::<FeedPublicKey>(), Err(ChainError::PublicKey));
        // Debug never shows the secret.
        assert!(!format!("{key:?}").contains(&BASE64.encode(key.seed())));
    }

    #[test]
    fn a_key_file_holds_a_pem_key_or_a_base64_seed() {
        // `openssl genpkey -algorithm ed25519` of the seed 0x01 × 32.
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n\
                   -----END PRIVATE KEY-----\n";
        let key = FeedSigningKey::from_file_text(pem).expect("reads");
        assert_eq!(key.seed(), [1; 32]);
        let seed = format!("{}\n", BASE64.encode([2; 32]));
        assert_eq!(
            FeedSigningKey::from_file_text(&seed).expect("reads").seed(),
            [2; 32]
        );
        for bad in [
            "",
            "not base64!",
            &BASE64.encode([3; 31]),
            "-----BEGIN PRIVATE KEY-----\nMC4CAQ==\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n",
        ] {
            assert_eq!(
                FeedSigningKey::from_file_text(bad).map(|_| ()),
                Err(ChainError::SecretKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_new_key_is_trusted_only_through_the_old_ones_endorsement() {
        let old = FeedSigningKey::from_seed([1; 32]);
        let new = FeedSigningKey::from_seed([2; 32]);
        let stranger = FeedSigningKey::from_seed([3; 32]);
        let published = PublishedKey {
            algorithm: "ed25519".into(),
            public_key: new.public_key().to_string(),
            created_at: 1_700_000_000_000,
            retired_at: None,
            endorsed_by: Some(old.public_key().to_string()),
            endorsement: Some(old.endorse(&new.public_key(), 1_700_000_000_000)),
        };
        assert_eq!(published.endorsed(&old.public_key()), Ok(new.public_key()));
        assert!(published.endorsed(&stranger.public_key()).is_err());
        // Signed by someone else, or for another time or key: refused.
        let mut forged = published.clone();
        forged.endorsement = Some(stranger.endorse(&new.public_key(), 1_700_000_000_000));
        assert_eq!(
            forged.endorsed(&old.public_key()),
            Err(ChainError::BadSignature)
        );
        let mut moved = published.clone();
        moved.created_at += 1;
        assert!(moved.endorsed(&old.public_key()).is_err());
        let mut swapped = published;
        swapped.public_key = stranger.public_key().to_string();
        assert!(swapped.endorsed(&old.public_key()).is_err());
    }
}
