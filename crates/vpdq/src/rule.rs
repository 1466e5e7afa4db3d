//! The vPDQ match rule, as python-threatexchange applies it: frames below the quality
//! floor are dropped on both sides, each video is its set of distinct frame hashes, and
//! two shares decide.
//!
//! We follow python-threatexchange (distance `<= 31`, duplicates removed), not the C++
//! brute matcher (`< 31`, duplicates kept): it is what platforms running
//! python-threatexchange or HMA apply, so a match here is a match there.

use crate::VideoFingerprint;
use takeback_pdq::PdqHash;

/// When a query video matches a listed one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchRule {
    /// Share of the query's frames (0 to 1) that must be near a listed frame.
    pub query_threshold: f64,
    /// Share of the listed video's frames (0 to 1) that must be near a query frame. Set
    /// it, and lower `query_threshold`, to find a listed clip inside longer footage.
    pub listed_threshold: f64,
    /// Frames this far apart (Hamming distance, inclusive) are the same frame.
    pub max_distance: u32,
    /// Frames of lower PDQ quality are left out on both sides.
    pub min_quality: u8,
}

impl Default for MatchRule {
    /// python-threatexchange's shipped values: 80% of the query, 0% of the listed video,
    /// distance 31, quality 50.
    fn default() -> Self {
        MatchRule {
            query_threshold: 0.8,
            listed_threshold: 0.0,
            max_distance: 31,
            min_quality: 50,
        }
    }
}

/// How much of two videos is the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoComparison {
    /// Share of the query's distinct frames near some listed frame (0 to 1).
    pub query_share: f64,
    /// Share of the listed video's distinct frames near some query frame (0 to 1).
    pub listed_share: f64,
    /// Whether both shares reach the rule's thresholds.
    pub is_match: bool,
}

impl MatchRule {
    /// Compares a query video with a listed one. A video with no frame of the minimum
    /// quality left shares nothing, and matches nothing.
    pub fn compare(&self, query: &VideoFingerprint, listed: &VideoFingerprint) -> VideoComparison {
        let query = query.distinct_hashes(self.min_quality);
        let listed = listed.distinct_hashes(self.min_quality);
        let query_share = share_near(&query, &listed, self.max_distance);
        let listed_share = share_near(&listed, &query, self.max_distance);
        let is_match = !query.is_empty()
            && !listed.is_empty()
            && query_share >= self.query_threshold
            && listed_share >= self.listed_threshold;
        VideoComparison {
            query_share,
            listed_share,
            is_match,
        }
    }
}

/// The share of `these` within `max_distance` of one of `those`.
fn share_near(these: &[PdqHash], those: &[PdqHash], max_distance: u32) -> f64 {
    if these.is_empty() {
        return 0.0;
    }
    let near = these
        .iter()
        .filter(|hash| {
            those
                .iter()
                .any(|other| hash.distance(other) <= max_distance)
        })
        .count();
    near as f64 / these.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VpdqFrame;
    use proptest::prelude::*;

    /// A video of distinct, far-apart frames numbered `from..to` (each hash a different
    /// random-looking pattern), every one of quality 100.
    fn video(range: std::ops::Range<u64>) -> VideoFingerprint {
        VideoFingerprint {
            frames: range
                .map(|n| VpdqFrame {
                    frame: n,
                    hash: hash_of(n),
                    quality: 100,
                    timestamp: n as f64,
                })
                .collect(),
        }
    }

    fn hash_of(n: u64) -> PdqHash {
        let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995;
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            state ^= state >> 30;
            state = state.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            state ^= state >> 27;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        PdqHash::from_bytes(bytes)
    }

    #[test]
    fn a_video_matches_itself_fully() {
        let rule = MatchRule::default();
        let v = video(0..60);
        let c = rule.compare(&v, &v);
        assert_eq!(
            (c.query_share, c.listed_share, c.is_match),
            (1.0, 1.0, true)
        );
    }

    #[test]
    fn an_excerpt_matches_with_the_shipped_thresholds_but_footage_around_a_clip_does_not() {
        let rule = MatchRule::default();
        let listed = video(0..100);
        let excerpt = video(20..40);
        let c = rule.compare(&excerpt, &listed);
        assert_eq!(
            (c.query_share, c.listed_share, c.is_match),
            (1.0, 0.2, true)
        );
        // The listed clip inside ten times as much other footage: 10% of the query.
        let footage = video(0..1000);
        let clip = video(0..100);
        let c = rule.compare(&footage, &clip);
        assert!(!c.is_match);
        assert_eq!(c.listed_share, 1.0);
        // With the listed side's threshold, it is found.
        let embedded = MatchRule {
            query_threshold: 0.0,
            listed_threshold: 0.8,
            ..MatchRule::default()
        };
        assert!(embedded.compare(&footage, &clip).is_match);
    }

    #[test]
    fn near_frames_count_up_to_31_bits_and_low_quality_frames_not_at_all() {
        let rule = MatchRule::default();
        let base = video(0..10);
        let moved = |bits: usize| VideoFingerprint {
            frames: base
                .frames
                .iter()
                .map(|frame| {
                    let mut bytes = frame.hash.to_bytes();
                    for bit in 0..bits {
                        bytes[bit / 8] ^= 1 << (bit % 8);
                    }
                    VpdqFrame {
                        hash: PdqHash::from_bytes(bytes),
                        ..*frame
                    }
                })
                .collect(),
        };
        assert!(rule.compare(&moved(31), &base).is_match);
        assert!(!rule.compare(&moved(32), &base).is_match);
        let mut poor = base.clone();
        poor.frames.iter_mut().for_each(|frame| frame.quality = 49);
        let c = rule.compare(&poor, &base);
        assert_eq!((c.query_share, c.is_match), (0.0, false));
        assert!(!rule.compare(&VideoFingerprint::default(), &base).is_match);
    }

    #[test]
    fn unrelated_videos_do_not_match() {
        let c = MatchRule::default().compare(&video(0..50), &video(1000..1050));
        assert_eq!(
            (c.query_share, c.listed_share, c.is_match),
            (0.0, 0.0, false)
        );
    }

    proptest! {
        /// The two shares are one computation seen from each side.
        #[test]
        fn the_shares_swap_when_the_videos_do(a in 0u64..40, b in 0u64..40, c in 0u64..40, d in 0u64..40) {
            let rule = MatchRule::default();
            let (x, y) = (video(a.min(b)..a.max(b)), video(c.min(d)..c.max(d)));
            let forward = rule.compare(&x, &y);
            let back = rule.compare(&y, &x);
            prop_assert_eq!(forward.query_share, back.listed_share);
            prop_assert_eq!(forward.listed_share, back.query_share);
            prop_assert!((0.0..=1.0).contains(&forward.query_share));
        }
    }
}
