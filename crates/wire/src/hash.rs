//! Fingerprint algorithms and a fingerprint of any of them.

use crate::hex::HexError;
use crate::{Md5Digest, Sha256Digest};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use takeback_pdq::PdqHash;

/// A fingerprint algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Meta's PDQ perceptual hash: 256 bits, 64 hex digits.
    Pdq,
    /// MD5 of the file's bytes: 32 hex digits.
    Md5,
    /// SHA-256 of the file's bytes: 64 hex digits.
    Sha256,
    /// Meta's vPDQ video fingerprint: a PDQ hash, quality and timestamp per sampled
    /// frame. A video is one list entry; its value is the SHA-256 (64 hex digits) of its
    /// sorted distinct frame hashes, each in lowercase hex followed by a newline, and its
    /// frames travel beside it.
    Vpdq,
}

impl Algorithm {
    /// Every algorithm.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::Pdq,
        Algorithm::Md5,
        Algorithm::Sha256,
        Algorithm::Vpdq,
    ];

    /// As sent and stored: `pdq`, `md5`, `sha256`, `vpdq`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Pdq => "pdq",
            Algorithm::Md5 => "md5",
            Algorithm::Sha256 => "sha256",
            Algorithm::Vpdq => "vpdq",
        }
    }

    /// How many hex digits a value has (a video's: its identity, a SHA-256).
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Pdq | Algorithm::Sha256 | Algorithm::Vpdq => 64,
        }
    }

    /// Whether it fingerprints a video by its frames (`vpdq`) rather than by one value.
    pub fn is_video(self) -> bool {
        self == Algorithm::Vpdq
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not `pdq`, `md5`, `sha256` or `vpdq`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown algorithm {0:?}: expected pdq, md5, sha256 or vpdq")]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Reads the form [`Algorithm::as_str`] writes.
    fn from_str(text: &str) -> Result<Self, UnknownAlgorithm> {
        Algorithm::ALL
            .into_iter()
            .find(|algorithm| algorithm.as_str() == text)
            .ok_or_else(|| UnknownAlgorithm(text.to_owned()))
    }
}

/// Why a value is not a fingerprint of its algorithm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The hex is wrong for the algorithm.
    #[error("malformed {algorithm} value: {source}")]
    Malformed {
        /// The algorithm the value was read as.
        algorithm: Algorithm,
        /// What is wrong with its hex.
        source: HexError,
    },
    /// A `vpdq` value names a video; its fingerprint is its frames
    /// ([`VideoFrame`](crate::feed::VideoFrame)s), which match by the vPDQ rule, not by
    /// one value.
    #[error("a vpdq value names a video: its frames are its fingerprint")]
    Video,
}

/// A fingerprint of a picture or a file, as lists hold it: one value that matches by
/// itself. (A video, `vpdq`, is its frames: not one of these.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListedHash {
    /// A PDQ hash: near copies match.
    Pdq(PdqHash),
    /// MD5 of a file's bytes: only the same file matches.
    Md5(Md5Digest),
    /// SHA-256 of a file's bytes: only the same file matches.
    Sha256(Sha256Digest),
}

impl ListedHash {
    /// Reads `value`, hex in either case, as a fingerprint of `algorithm`.
    pub fn parse(algorithm: Algorithm, value: &str) -> Result<Self, HashError> {
        let fail = |source| HashError::Malformed { algorithm, source };
        Ok(match algorithm {
            Algorithm::Pdq => ListedHash::Pdq(PdqHash::from_bytes(
                crate::hex::decode(value).map_err(fail)?,
            )),
            Algorithm::Md5 => ListedHash::Md5(value.parse().map_err(fail)?),
            Algorithm::Sha256 => ListedHash::Sha256(value.parse().map_err(fail)?),
            Algorithm::Vpdq => return Err(HashError::Video),
        })
    }

    /// Which algorithm it is.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            ListedHash::Pdq(_) => Algorithm::Pdq,
            ListedHash::Md5(_) => Algorithm::Md5,
            ListedHash::Sha256(_) => Algorithm::Sha256,
        }
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        match self {
            ListedHash::Pdq(hash) => hash.to_hex(),
            ListedHash::Md5(digest) => digest.to_hex(),
            ListedHash::Sha256(digest) => digest.to_hex(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn algorithms_read_what_they_write() {
        for algorithm in Algorithm::ALL {
            assert_eq!(algorithm.as_str().parse(), Ok(algorithm));
            let json = serde_json::to_string(&algorithm).expect("serialises");
            assert_eq!(json, format!("\"{algorithm}\""));
        }
        assert!("sha1".parse::<Algorithm>().is_err());
    }

    #[test]
    fn a_value_of_the_wrong_length_for_its_algorithm_is_refused() {
        let md5 = "9e107d9d372bb6826bd81d3542a419d6";
        assert!(ListedHash::parse(Algorithm::Md5, md5).is_ok());
        let error = ListedHash::parse(Algorithm::Sha256, md5).expect_err("too short");
        assert!(matches!(
            error,
            HashError::Malformed {
                algorithm: Algorithm::Sha256,
                ..
            }
        ));
        assert!(
            error.to_string().starts_with("malformed sha256 value"),
            "{error}"
        );
        assert!(ListedHash::parse(Algorithm::Pdq, md5).is_err());
        assert_eq!(
            ListedHash::parse(Algorithm::Vpdq, &"0".repeat(64)),
            Err(HashError::Video)
        );
    }

    proptest! {
        #[test]
        fn hex_round_trips(bytes in proptest::array::uniform32(any::<u8>())) {
            for hash in [
                ListedHash::Pdq(PdqHash::from_bytes(bytes)),
                ListedHash::Sha256(Sha256Digest(bytes)),
                ListedHash::Md5(Md5Digest(bytes[..16].try_into().expect("16 bytes"))),
            ] {
                let hex = hash.to_hex();
                prop_assert_eq!(hex.len(), hash.algorithm().hex_len());
                prop_assert_eq!(ListedHash::parse(hash.algorithm(), &hex), Ok(hash));
                prop_assert_eq!(
                    ListedHash::parse(hash.algorithm(), &hex.to_uppercase()),
                    Ok(hash)
                );
            }
        }
    }
}
