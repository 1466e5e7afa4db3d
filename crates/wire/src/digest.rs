//! MD5 and SHA-256 digests of a file's bytes: what hotlines and platforms exchange to
//! match exact copies.

use crate::hex::{self, HexError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! digest {
    ($(#[$doc:meta])* $name:ident, $bytes:literal, $label:literal) => {
        $(#[$doc])*
        ///
        /// Written as lowercase hex (read in either case), in JSON too.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $bytes]);

        impl $name {
            /// The lowercase hex digits.
            pub fn to_hex(&self) -> String {
                hex::encode(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut out = [0u8; 2 * $bytes];
                hex::encode_into(&self.0, &mut out);
                // Hex digits are ASCII.
                f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = HexError;

            fn from_str(text: &str) -> Result<Self, HexError> {
                hex::decode(text).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(|error| {
                    serde::de::Error::custom(format_args!(concat!("not ", $label, ": {}"), error))
                })
            }
        }
    };
}

digest!(
    /// An MD5 digest.
    Md5Digest,
    16,
    "an MD5 digest"
);
digest!(
    /// A SHA-256 digest.
    Sha256Digest,
    32,
    "a SHA-256 digest"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_travel_as_lowercase_hex() {
        let md5: Md5Digest = "9E107D9D372BB6826BD81D3542A419D6".parse().expect("hex");
        assert_eq!(md5.to_string(), "9e107d9d372bb6826bd81d3542a419d6");
        assert_eq!(
            serde_json::to_string(&md5).expect("serialises"),
            "\"9e107d9d372bb6826bd81d3542a419d6\""
        );
        let back: Md5Digest =
            serde_json::from_str("\"9e107d9d372bb6826bd81d3542a419d6\"").expect("reads");
        assert_eq!(back, md5);
        let error = serde_json::from_str::<Sha256Digest>("\"9e10\"").expect_err("short");
        assert!(
            error.to_string().contains("not a SHA-256 digest"),
            "{error}"
        );
    }
}
