//! The 256-bit PDQ hash value, its hex form and Hamming distance.

use crate::hex::HexError;
use std::fmt;
use std::str::FromStr;

/// A 256-bit PDQ hash.
///
/// Bit `k` (for `k` in `0..256`) is set when DCT coefficient `(k / 16, k % 16)` is above the
/// median. The hex form is the reference's (`Hash256::format`): the 256-bit number written
/// big-endian, so the first four hex digits hold DCT row 15 and the last four hold row 0.
/// The bytes are stored in that same order, so hex and bytes read alike.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PdqHash([u8; 32]);

impl PdqHash {
    /// The all-zero hash: what the reference gives for images too small to hash.
    pub const ZERO: PdqHash = PdqHash([0; 32]);

    /// The hash whose big-endian bytes (hex order) are `bytes`.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        PdqHash(bytes)
    }

    /// The big-endian bytes, in the order the hex form prints them.
    pub const fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// The hash as four 64-bit words, most significant first: the form index code wants.
    pub fn to_words(self) -> [u64; 4] {
        let mut words = [0u64; 4];
        for (word, chunk) in words.iter_mut().zip(self.0.chunks_exact(8)) {
            *word = u64::from_be_bytes(chunk.try_into().expect("chunks of 8"));
        }
        words
    }

    /// The hash from four 64-bit words, most significant first (inverse of [`Self::to_words`]).
    pub fn from_words(words: [u64; 4]) -> Self {
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        PdqHash(bytes)
    }

    /// Whether bit `k` (DCT coefficient `(k / 16, k % 16)`) is set. Panics if `k >= 256`.
    pub fn bit(&self, k: usize) -> bool {
        assert!(k < 256, "PDQ bit index {k} out of range");
        self.0[31 - k / 8] >> (k % 8) & 1 == 1
    }

    /// Sets bit `k`. Panics if `k >= 256`.
    pub(crate) fn set_bit(&mut self, k: usize) {
        assert!(k < 256, "PDQ bit index {k} out of range");
        self.0[31 - k / 8] |= 1 << (k % 8);
    }

    /// The number of bits that differ between two hashes (0 to 256).
    ///
    /// PDQ's authors suggest treating distances up to 31 as the same picture.
    pub fn distance(&self, other: &PdqHash) -> u32 {
        self.to_words()
            .iter()
            .zip(other.to_words())
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    /// The number of set bits. A good hash has about 128; far fewer or more suggests a
    /// featureless image.
    pub fn count_ones(&self) -> u32 {
        self.0.iter().map(|b| b.count_ones()).sum()
    }

    /// Writes the 64 lowercase hex digits into `out`.
    pub fn write_hex(&self, out: &mut [u8; 64]) {
        crate::hex::encode_into(&self.0, out);
    }

    /// The 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        let mut out = [0u8; 64];
        self.write_hex(&mut out);
        out.iter().map(|&b| char::from(b)).collect()
    }
}

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; 64];
        self.write_hex(&mut out);
        // The digits are ASCII by construction.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdqHash({self})")
    }
}

/// Why a string is not a PDQ hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHashError {
    /// The string is not 64 characters long.
    #[error("a PDQ hash is 64 hex digits, but this has {0} characters")]
    WrongLength(usize),
    /// A character is not a hex digit.
    #[error("a PDQ hash is 64 hex digits, but character {position} is {found:?}")]
    NotHex {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
}

impl FromStr for PdqHash {
    type Err = ParseHashError;

    /// Parses 64 hex digits, upper or lower case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::hex::decode::<32>(s)
            .map(PdqHash)
            .map_err(|error| match error {
                HexError::WrongLength { found, .. } => ParseHashError::WrongLength(found),
                HexError::NotHex { position, found } => ParseHashError::NotHex { position, found },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIDGE: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn hex_round_trips() {
        let hash: PdqHash = BRIDGE.parse().unwrap();
        assert_eq!(hash.to_hex(), BRIDGE);
        assert_eq!(hash.to_string(), BRIDGE);
        assert_eq!(PdqHash::from_words(hash.to_words()), hash);
        let upper: PdqHash = BRIDGE.to_uppercase().parse().unwrap();
        assert_eq!(upper, hash);
    }

    #[test]
    fn bit_order_follows_the_reference() {
        // Bit 0 (DCT row 0, column 0) is the lowest bit of the last hex digit; bit 255 the
        // highest bit of the first.
        let mut hash = PdqHash::ZERO;
        hash.set_bit(0);
        assert!(hash.to_hex().ends_with("0001"));
        let mut hash = PdqHash::ZERO;
        hash.set_bit(255);
        assert!(hash.to_hex().starts_with("8000"));
        let mut hash = PdqHash::ZERO;
        hash.set_bit(16 + 4);
        assert!(hash.to_hex().ends_with("00100000"));
        assert!(hash.bit(20) && !hash.bit(21));
    }

    #[test]
    fn distance_counts_differing_bits() {
        let a: PdqHash = BRIDGE.parse().unwrap();
        let mut b = a;
        assert_eq!(a.distance(&b), 0);
        b.0[0] ^= 0xff;
        b.0[31] ^= 0x01;
        assert_eq!(a.distance(&b), 9);
        let all = PdqHash::from_bytes([0xff; 32]);
        assert_eq!(PdqHash::ZERO.distance(&all), 256);
        assert_eq!(all.count_ones(), 256);
    }

    #[test]
    fn malformed_hex_is_rejected_with_its_reason() {
        assert_eq!(
            "abc".parse::<PdqHash>(),
            Err(ParseHashError::WrongLength(3))
        );
        let mut bad = BRIDGE.to_string();
        bad.replace_range(10..11, "g");
        assert_eq!(
            bad.parse::<PdqHash>(),
            Err(ParseHashError::NotHex {
                position: 11,
                found: 'g'
            })
        );
        // 64 bytes but not 64 characters.
        let multibyte = format!("é{}", &BRIDGE[2..]);
        assert!(matches!(
            multibyte.parse::<PdqHash>(),
            Err(ParseHashError::WrongLength(63))
        ));
        let plus = format!("+{}", &BRIDGE[1..]);
        assert!(matches!(
            plus.parse::<PdqHash>(),
            Err(ParseHashError::NotHex { position: 1, .. })
        ));
    }
}
