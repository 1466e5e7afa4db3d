//! vPDQ, Meta's video fingerprint (facebook/ThreatExchange `vpdq/`): one PDQ hash per
//! sampled frame, with its quality and timestamp; the two text forms it travels in; and
//! the rule by which two videos match.
//!
//! Decoding videos into frames is `takeback-fingerprint`'s; this crate is what the CLI,
//! the hotline and the matcher share about the frames once hashed.
//!
//! - [`VpdqFrame`], [`VideoFingerprint`]: the frames of one video.
//! - [`format`]: the reference tool's text (`frame,quality,hash,timestamp` lines) and
//!   python-threatexchange's signal (a JSON array of `"hash,quality,timestamp"` strings).
//! - [`MatchRule`]: python-threatexchange's rule, with both thresholds as settings.

#![warn(missing_docs)]

pub mod format;
mod rule;

pub use rule::{MatchRule, VideoComparison};

use takeback_pdq::PdqHash;

/// One hashed frame of a video.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VpdqFrame {
    /// The frame's number among the decoded frames, from 0.
    pub frame: u64,
    /// The frame's PDQ hash.
    pub hash: PdqHash,
    /// PDQ's quality, 0 to 100.
    pub quality: u8,
    /// Seconds from the start: the frame number over the average frame rate (not the
    /// presentation time), as the reference computes it. Matching ignores it.
    pub timestamp: f64,
}

/// The hashed frames of one video, in frame order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFingerprint {
    /// The frames.
    pub frames: Vec<VpdqFrame>,
}

impl VideoFingerprint {
    /// The distinct hashes of the frames of at least `min_quality`: what the match rule
    /// compares (a still scene's repeated frames count once).
    pub fn distinct_hashes(&self, min_quality: u8) -> Vec<PdqHash> {
        let mut hashes: Vec<PdqHash> = self
            .frames
            .iter()
            .filter(|frame| frame.quality >= min_quality)
            .map(|frame| frame.hash)
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }
}

/// Which frames the reference hashes: every `n`th decoded frame, where `n` is
/// `seconds_per_hash` times the average frame rate, truncated, at least 1; 0 seconds means
/// every frame. (29.97 frames a second at one second hashes every 29th frame.)
pub fn frame_step(seconds_per_hash: f64, frame_rate: f64) -> u64 {
    // Zero, negative and NaN all mean every frame.
    let positive = |x: f64| x.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater);
    if !positive(seconds_per_hash) || !positive(frame_rate) {
        return 1;
    }
    // Truncation, as the reference's integer conversion; saturating for absurd inputs.
    let step = (seconds_per_hash * frame_rate) as u64;
    step.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_truncates_as_the_reference_does() {
        assert_eq!(frame_step(1.0, 30.0), 30);
        assert_eq!(frame_step(1.0, 29.97), 29);
        assert_eq!(frame_step(0.0, 30.0), 1);
        assert_eq!(frame_step(0.01, 30.0), 1);
        assert_eq!(frame_step(2.5, 24.0), 60);
        assert_eq!(frame_step(f64::NAN, 24.0), 1);
        assert_eq!(frame_step(1.0, 0.0), 1);
        assert_eq!(frame_step(1e30, 1e30), u64::MAX);
    }

    #[test]
    fn distinct_hashes_drop_low_quality_and_repeats() {
        let hash = |n: u8| PdqHash::from_bytes([n; 32]);
        let frame = |n: u64, h: u8, quality: u8| VpdqFrame {
            frame: n,
            hash: hash(h),
            quality,
            timestamp: n as f64,
        };
        let video = VideoFingerprint {
            frames: vec![
                frame(0, 1, 100),
                frame(1, 1, 90),
                frame(2, 2, 49),
                frame(3, 3, 50),
            ],
        };
        assert_eq!(video.distinct_hashes(50), vec![hash(1), hash(3)]);
        assert_eq!(video.distinct_hashes(0).len(), 3);
    }
}
