//! The matcher's API for a platform's own services: `POST /v1/match` with hashes (this
//! query) or an image's bytes, and `POST /v1/outcomes`. `takeback scan --matcher` is a
//! client of the same types.

use crate::{Algorithm, VideoFrame};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// `POST /v1/match` as JSON: the hashes of a picture or of a video, any of them absent (at
/// least one given). Values are hex strings, checked by the matcher so that each gets its
/// own message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchQuery {
    /// The PDQ hash of the picture as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdq: Option<String>,
    /// The PDQ hashes of all eight orientations, in the order `takeback hash --dihedral`
    /// prints them (the first is the picture as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dihedral: Option<Vec<String>>,
    /// PDQ's quality, 0 to 100: under the matcher's floor PDQ is not searched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
    /// MD5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// SHA-256 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// A video's sampled frames (vPDQ, as `takeback hash` gives them for a video), matched
    /// by the vPDQ rule; not with `pdq` or `dihedral`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<VideoFrame>>,
}

/// A list entry that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListMatch {
    /// The list it is on (the hotline's name in the matcher's configuration).
    #[serde(rename = "hotline")]
    pub source: String,
    /// The entry's id on that list; outcomes name it.
    pub id: i64,
    /// `pdq`, `md5`, `sha256`, or `vpdq` for a listed video.
    pub algorithm: Algorithm,
    /// The listed fingerprint, hex: for a video matched by a picture, the frame it
    /// matched; for a video matched by a video, the video's identity.
    pub hash: String,
    /// Hamming distance for PDQ (0 to the maximum distance), and for a video the
    /// closest of its frames; 0 for MD5 and SHA-256.
    pub distance: u32,
    /// Checked by an analyst (`true`), or self-reported (`false`): send those to human
    /// review rather than acting on them blindly.
    pub verified: bool,
    /// Which turn or mirror of the query matched (`rot90`, `flipx`, …); absent when the
    /// query as it is matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Cow<'static, str>>,
    /// How a listed video (`vpdq`) matched: by one of its frames, or by the vPDQ rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoMatch>,
}

/// How a listed video matched.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "match", rename_all = "snake_case")]
pub enum VideoMatch {
    /// A picture is (close to) one of the video's frames: a screenshot of it, say.
    Frame {
        /// Where that frame is in the listed video, in seconds.
        timestamp: f64,
    },
    /// A video matched it by the vPDQ rule.
    Video {
        /// Share of the query video's distinct frames near one of the listed video's
        /// (0 to 1).
        query_share: f64,
        /// Share of the listed video's distinct frames near one of the query's (0 to 1).
        listed_share: f64,
    },
}

/// The answer to a query by hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashMatches {
    /// The entries matched: exact matches first, then PDQ matches closest first.
    pub matches: Vec<ListMatch>,
}

/// The answer to a query by an image's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageMatches {
    /// The entries it matched: exact matches first, then by distance.
    pub matches: Vec<ListMatch>,
    /// The image's PDQ hash (as it is, not turned).
    pub pdq: String,
    /// PDQ's quality, 0 to 100.
    pub quality: u8,
    /// Whether PDQ was searched: not when the quality is under the floor (a picture with
    /// too little detail matches unrelated ones), when only MD5 and SHA-256 count.
    pub pdq_searched: bool,
}

/// The answer to a query by a video's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoMatches {
    /// The entries it matched: exact matches first, then videos by the vPDQ rule, the
    /// closest first.
    pub matches: Vec<ListMatch>,
    /// Frames hashed (one a second, or as the matcher's `seconds_per_hash` says).
    pub frames: usize,
    /// Distinct frames of at least the quality floor: what the vPDQ rule compared. None
    /// (a video all black, say) means only MD5 and SHA-256 counted.
    pub frames_searched: usize,
}

/// What the platform did about a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// A copy was found (and, say, sent to review).
    Matched,
    /// A copy already published was taken down (counts as found too).
    Removed,
    /// An upload was stopped before it was published (counts as found too).
    BlockedUpload,
    /// The match was not the listed picture. Enough of these from different platforms
    /// suspend the entry until an analyst looks at it.
    FalsePositive,
}

/// `POST /v1/outcomes`: one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeItem {
    /// The list (a match's `hotline`); may be left out when the matcher follows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline: Option<String>,
    /// The entry's id.
    pub id: i64,
    /// What was done.
    pub outcome: OutcomeKind,
    /// How many times; 1 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// `POST /v1/outcomes` with several: `{"outcomes": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeList {
    /// The outcomes, recorded all or none.
    pub outcomes: Vec<OutcomeItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_reads_as_the_matcher_writes_it() {
        let found = ListMatch {
            source: "hotline".into(),
            id: 12,
            algorithm: Algorithm::Pdq,
            hash: "00".repeat(32),
            distance: 4,
            verified: false,
            variant: Some(Cow::Borrowed("rot90")),
            video: None,
        };
        let json = serde_json::to_value(&found).expect("serialises");
        assert_eq!(json["hotline"], "hotline");
        assert_eq!(json["algorithm"], "pdq");
        assert_eq!(json["variant"], "rot90");
        let back: ListMatch = serde_json::from_value(json).expect("reads");
        assert_eq!(back, found);
        let plain = ListMatch {
            variant: None,
            ..found
        };
        let json = serde_json::to_value(&plain).expect("serialises");
        assert!(json.get("variant").is_none(), "absent, not null: {json}");
    }

    #[test]
    fn a_query_sends_only_what_it_has_and_refuses_unknown_fields() {
        let query = MatchQuery {
            md5: Some("9e107d9d372bb6826bd81d3542a419d6".into()),
            ..MatchQuery::default()
        };
        assert_eq!(
            serde_json::to_string(&query).expect("serialises"),
            r#"{"md5":"9e107d9d372bb6826bd81d3542a419d6"}"#
        );
        assert!(serde_json::from_str::<MatchQuery>(r#"{"sha1": "00"}"#).is_err());
    }
}
