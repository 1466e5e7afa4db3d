//! `POST /api/v1/feedback`: what a partner found and did, in counts per list entry. Never
//! who uploaded what: counts only.

use serde::{Deserialize, Serialize};

/// A batch of counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackBatch {
    /// Optional idempotency key: a batch sent again with the same key is counted once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    /// One item per list entry.
    pub items: Vec<FeedbackItem>,
}

/// A partner's outcomes for one list entry since its last report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackItem {
    /// The list entry's id.
    pub id: i64,
    /// Copies found.
    #[serde(default)]
    pub matched: u32,
    /// Copies taken down.
    #[serde(default)]
    pub removed: u32,
    /// Uploads stopped.
    #[serde(default)]
    pub blocked_upload: u32,
    /// Matches that were not the reported picture.
    #[serde(default)]
    pub false_positive: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_counts_are_zero_and_unknown_fields_refused() {
        let batch: FeedbackBatch =
            serde_json::from_str(r#"{"items": [{"id": 4, "removed": 2}]}"#).expect("reads");
        assert_eq!(batch.batch_id, None);
        assert_eq!(
            batch.items,
            [FeedbackItem {
                id: 4,
                removed: 2,
                ..FeedbackItem::default()
            }]
        );
        assert!(
            serde_json::from_str::<FeedbackBatch>(r#"{"items": [{"id": 4, "uploader": "x"}]}"#)
                .is_err()
        );
    }
}
