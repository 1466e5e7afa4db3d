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

/// One change to the hash list, as partners receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListChange {
    /// Position in the feed: consecutive, from 1.
    pub seq: i64,
    /// `add` (or replace, for an id already held) or `remove`.
    pub op: ChangeOp,
    /// The entry's id; feedback names it.
    pub id: i64,
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: Algorithm,
    /// The fingerprint, lowercase hex.
    pub value: String,
    /// PDQ quality; absent for the others.
    pub quality: Option<u8>,
    /// Checked by an analyst (`true`) or self-reported (`false`): send unverified matches
    /// to human review rather than acting on them blindly.
    pub verified: bool,
}

impl ListChange {
    /// The fingerprint, checked against its algorithm.
    pub fn hash(&self) -> Result<ListedHash, HashError> {
        ListedHash::parse(self.algorithm, &self.value)
    }
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashListPage {
    /// Changes after the cursor, in order.
    pub changes: Vec<ListChange>,
    /// The cursor for the next request: the last `seq` returned, or the one given when
    /// there is nothing new.
    pub next: i64,
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
    fn an_unknown_op_or_algorithm_is_not_a_change() {
        let json = r#"{"seq":1,"op":"drop","id":1,"algorithm":"pdq","value":"","quality":null,"verified":true}"#;
        assert!(serde_json::from_str::<ListChange>(json).is_err());
        let json = json.replace("drop", "add").replace("pdq", "sha1");
        assert!(serde_json::from_str::<ListChange>(&json).is_err());
    }
}
