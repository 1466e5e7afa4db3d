//! Hexadecimal, the form every fingerprint travels in: lowercase out, either case in.
//!
//! It lives here, in the crate with no dependencies, so that PDQ hashes, MD5 and SHA-256
//! digests and everything that sends them (`takeback-wire` re-exports it) share one
//! implementation.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Why a string is not the hex of `N` bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The string has the wrong number of characters.
    #[error("expected {expected} hex digits, found {found} characters")]
    WrongLength {
        /// Twice the number of bytes.
        expected: usize,
        /// Characters in the string.
        found: usize,
    },
    /// A character is not a hex digit.
    #[error("character {position} is {found:?}, not a hex digit")]
    NotHex {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
}

/// Writes the lowercase hex of `bytes` into `out`, two digits a byte. `out` must be
/// exactly twice as long as `bytes`; extra room on either side is left as it is.
pub fn encode_into(bytes: &[u8], out: &mut [u8]) {
    debug_assert_eq!(out.len(), 2 * bytes.len());
    for (pair, &byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
}

/// The lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = vec![0u8; 2 * bytes.len()];
    encode_into(bytes, &mut out);
    // Every byte written is an ASCII digit.
    out.into_iter().map(char::from).collect()
}

/// Parses exactly `N` bytes of hex, upper or lower case.
pub fn decode<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let found = text.chars().count();
    if text.len() != 2 * N || found != 2 * N {
        return Err(HexError::WrongLength {
            expected: 2 * N,
            found,
        });
    }
    let digit = |position: usize, c: u8| {
        char::from(c)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or(HexError::NotHex {
                position: position + 1,
                found: char::from(c),
            })
    };
    let mut bytes = [0u8; N];
    for (i, (byte, pair)) in bytes
        .iter_mut()
        .zip(text.as_bytes().chunks_exact(2))
        .enumerate()
    {
        *byte = digit(2 * i, pair[0])? << 4 | digit(2 * i + 1, pair[1])?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_either_case() {
        let bytes = [0x00, 0x9f, 0xa0, 0xff];
        assert_eq!(encode(&bytes), "009fa0ff");
        assert_eq!(decode::<4>("009FA0ff"), Ok(bytes));
    }

    #[test]
    fn wrong_length_and_bad_digits_are_refused() {
        assert_eq!(
            decode::<2>("abc"),
            Err(HexError::WrongLength {
                expected: 4,
                found: 3
            })
        );
        // Multi-byte characters count as characters, not bytes.
        assert_eq!(
            decode::<2>("ab\u{e9}"),
            Err(HexError::WrongLength {
                expected: 4,
                found: 3
            })
        );
        assert_eq!(
            decode::<2>("ab0g"),
            Err(HexError::NotHex {
                position: 4,
                found: 'g'
            })
        );
        assert_eq!(
            decode::<1>("+f"),
            Err(HexError::NotHex {
                position: 1,
                found: '+'
            })
        );
    }
}
