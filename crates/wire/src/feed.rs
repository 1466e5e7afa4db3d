//! `GET /api/v1/hashlist?after=&limit=`: the hash list as a numbered feed of changes.
//!
//! Applying every page from no `after` gives exactly the current list; a partner keeps
//! the last `next` as its cursor. The hotline writes these; the matcher reads them and
//! refuses a page whole unless its changes are numbered `after + 1, after + 2, …` and it
//! ends at `next`.

use crate::{Algorithm, HashError, ListedHash};
use serde::{Deserialize, Serialize};

/// An operation on the hash list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// Add the entry, or replace the one with the same id.
    Add,
    /// Remove the entry.
    Remove,
}

impl ChangeOp {
    /// As stored and sent: `add` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Add => "add",
            ChangeOp::Remove => "remove",
        }
    }
}

/// One sampled frame of a listed video (`vpdq`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoFrame {
    /// Seconds from the start of the video (the frame number over the frame rate, as the
    /// reference computes it, to the millisecond). Matching ignores it.
    pub timestamp: f64,
    /// The frame's PDQ hash, 64 lowercase hex digits.
    pub value: String,
    /// The frame's PDQ quality, 0 to 100.
    pub quality: u8,
}

/// One change to the hash list, as partners receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListChange {
    /// Position in the feed: consecutive, from 1.
    pub seq: i64,
    /// `add` (or replace, for an id already held) or `remove`.
    pub op: ChangeOp,
    /// The entry's id; feedback names it.
    pub id: i64,
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: Algorithm,
    /// The fingerprint, lowercase hex. For a video (`vpdq`), its identity: the SHA-256 of
    /// its sorted distinct frame hashes, each followed by a newline.
    pub value: String,
    /// PDQ quality; absent for the others (a video's is per frame).
    pub quality: Option<u8>,
    /// Checked by an analyst (`true`) or self-reported (`false`): send unverified matches
    /// to human review rather than acting on them blindly.
    pub verified: bool,
    /// A video's sampled frames, in order, on an `add` of a `vpdq` entry; absent
    /// otherwise (a `remove` names the entry by its id alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<VideoFrame>>,
}

impl ListChange {
    /// The fingerprint, checked against its algorithm; [`HashError::Video`] for a video,
    /// whose fingerprint is its [`frames`](Self::frames).
    pub fn hash(&self) -> Result<ListedHash, HashError> {
        ListedHash::parse(self.algorithm, &self.value)
    }
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashListPage {
    /// Changes after the cursor, in order.
    pub changes: Vec<ListChange>,
    /// The cursor for the next request: the last `seq` returned, or the one given when
    /// there is nothing new.
    pub next: i64,
    /// The hotline's signed checkpoint after `next`: the chain's head a reader that applied
    /// every change up to `next` must hold (absent from hotlines that do not sign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<crate::chain::Checkpoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_as_the_hotline_writes_it() {
        let change = ListChange {
            seq: 3,
            op: ChangeOp::Remove,
            id: 9,
            algorithm: Algorithm::Pdq,
            value: "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22".into(),
            quality: Some(100),
            verified: true,
            frames: None,
        };
        let json = serde_json::to_string(&change).expect("serialises");
        assert_eq!(
            json,
            r#"{"seq":3,"op":"remove","id":9,"algorithm":"pdq","value":"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22","quality":100,"verified":true}"#
        );
        let back: ListChange = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, change);
        assert_eq!(back.hash().expect("well formed").to_hex(), change.value);
    }

    #[test]
    fn a_video_change_carries_its_frames() {
        let json = r#"{"seq":4,"op":"add","id":2,"algorithm":"vpdq","value":"ab","quality":null,"verified":false,"frames":[{"timestamp":1.5,"value":"cd","quality":90}]}"#;
        let change: ListChange = serde_json::from_str(json).expect("reads");
        assert_eq!(change.algorithm, Algorithm::Vpdq);
        let frames = change.frames.as_deref().expect("frames");
        assert_eq!((frames[0].timestamp, frames[0].quality), (1.5, 90));
        assert_eq!(change.hash(), Err(HashError::Video));
        assert_eq!(serde_json::to_string(&change).expect("serialises"), json);
    }

    #[test]
    fn an_unknown_op_or_algorithm_is_not_a_change() {
        let json = r#"{"seq":1,"op":"drop","id":1,"algorithm":"pdq","value":"","quality":null,"verified":true}"#;
        assert!(serde_json::from_str::<ListChange>(json).is_err());
        let json = json.replace("drop", "add").replace("pdq", "sha1");
        assert!(serde_json::from_str::<ListChange>(&json).is_err());
    }
}
