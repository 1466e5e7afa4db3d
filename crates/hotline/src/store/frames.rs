//! A video's frames: a `vpdq` entry is one row of `entries` (its value the video's
//! identity) and one row of `entry_frames` holding its frames as the reference tool's text,
//! written once, when the entry is first stored, and never changed (the same video
//! reported again has the same identity, so the same entry).

use super::entries::StoredEntry;
use super::{Store, StoreError};
use crate::guard::GuardList;
use crate::model::Algorithm;
use sqlx::{Any, Executor, Transaction};
use takeback_vpdq::VideoFingerprint;
use takeback_vpdq::format::{read_reference_text, write_reference_text};
use takeback_wire::VideoFrame;

/// Stores a new video entry's frames, in the transaction that inserted the entry.
pub(super) async fn insert_frames(
    tx: &mut Transaction<'static, Any>,
    entry_id: i64,
    video: &VideoFingerprint,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO entry_frames (entry_id, frame_count, frames) VALUES ($1, $2, $3)")
        .bind(entry_id)
        .bind(i64::try_from(video.frames.len()).unwrap_or(i64::MAX))
        .bind(write_reference_text(video))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Reads stored frames back.
pub(super) fn parse_frames(entry_id: i64, text: &str) -> Result<VideoFingerprint, StoreError> {
    read_reference_text(text)
        .map_err(|error| StoreError::Corrupt(format!("frames of entry {entry_id}: {error}")))
}

/// Frames as the feed and the analysts' API show them.
pub(super) fn wire_frames(video: &VideoFingerprint) -> Vec<VideoFrame> {
    video
        .frames
        .iter()
        .map(|frame| VideoFrame {
            // Stored to the millisecond; rounded again so that 0.033 reads as 0.033.
            timestamp: (frame.timestamp * 1000.0).round() / 1000.0,
            value: frame.hash.to_hex(),
            quality: frame.quality,
        })
        .collect()
}

/// A video entry's frames; `None` for an entry that has none stored.
pub(super) async fn entry_frames<'e, E>(
    executor: E,
    entry_id: i64,
) -> Result<Option<VideoFingerprint>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let text: Option<String> =
        sqlx::query_scalar("SELECT frames FROM entry_frames WHERE entry_id = $1")
            .bind(entry_id)
            .fetch_optional(executor)
            .await?;
    text.map(|text| parse_frames(entry_id, &text)).transpose()
}

impl Store {
    /// The guard-list fingerprints that guard a stored entry: for a video, those near any
    /// of its frames (read from the database), otherwise those of its value.
    pub(super) async fn entry_guarded_by(
        &self,
        guard: &GuardList,
        entry: &StoredEntry,
        algorithm: Algorithm,
    ) -> Result<Vec<String>, StoreError> {
        if !algorithm.is_video() {
            return Ok(guard.guarded_by(algorithm, &entry.value));
        }
        if guard.is_empty() {
            return Ok(Vec::new());
        }
        // Frames never change once written, so reading them outside the caller's
        // transaction sees what it would.
        let Some(video) = entry_frames(&self.read, entry.id).await? else {
            return Ok(Vec::new());
        };
        Ok(guard.guarded_by_frames(video.frames.iter().map(|frame| &frame.hash)))
    }
}
