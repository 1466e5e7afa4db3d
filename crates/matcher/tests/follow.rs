//! A followed list, checked by property against a plain map that applies the same feed:
//! whatever the changes (pictures', files' and videos', with their frames) and however
//! they are split into pages, saved and reopened, the matcher holds exactly the map's
//! entries and finds exactly what a brute-force scan finds.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use takeback_matcher::testing::{FeedChange, FollowedList};
use takeback_matcher::{
    ListEntry, ListedHash, ListedVideo, Md5Digest, PdqQuery, QueryHashes, Sha256Digest,
};
use takeback_pdq::PdqHash;
use takeback_vpdq::VpdqFrame;

/// A PDQ hash near one of a few bases, so that entries are near one another and queries hit.
fn pdq_strategy() -> impl Strategy<Value = PdqHash> {
    (0u8..6, any::<u64>()).prop_map(|(base, noise)| {
        let mut bytes = [base.wrapping_mul(37); 32];
        // A few bits flipped.
        for k in 0..3 {
            let bit = (noise >> (k * 8)) as usize % 256;
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        PdqHash::from_bytes(bytes)
    })
}

/// Hashes from a small pool, so that ids share hashes and queries hit.
fn hash_strategy() -> impl Strategy<Value = ListedHash> {
    prop_oneof![
        4 => pdq_strategy().prop_map(ListedHash::Pdq),
        1 => (0u8..3).prop_map(|b| ListedHash::Md5(Md5Digest([b; 16]))),
        1 => (0u8..3).prop_map(|b| ListedHash::Sha256(Sha256Digest([b; 32]))),
    ]
}

/// A video's frames, as the feed gives them (numbered by their places); none, as on a
/// removal, now and then.
fn video_strategy() -> impl Strategy<Value = ListedVideo> {
    prop::collection::vec((pdq_strategy(), 0u8..=100, 0u32..10_000), 0..5).prop_map(|frames| {
        ListedVideo {
            frames: (0..)
                .zip(frames)
                .map(|(frame, (hash, quality, millis))| VpdqFrame {
                    frame,
                    hash,
                    quality,
                    timestamp: f64::from(millis) / 1000.0,
                })
                .collect(),
        }
    })
}

fn change_strategy() -> impl Strategy<Value = FeedChange> {
    let entry = prop_oneof![
        3 => (hash_strategy(), any::<bool>()).prop_map(|(hash, verified)| (hash, verified, None)),
        1 => ((0u8..3), video_strategy(), any::<bool>()).prop_map(|(identity, video, verified)| {
            let identity = ListedHash::Sha256(Sha256Digest([identity; 32]));
            (identity, verified, Some(Arc::new(video)))
        }),
    ];
    (1i64..40, any::<bool>(), entry).prop_map(|(id, add, (hash, verified, video))| {
        // The feed adds no video without frames.
        let add = add
            && video
                .as_ref()
                .is_none_or(|v: &Arc<ListedVideo>| !v.frames.is_empty());
        FeedChange {
            remove: !add,
            entry: ListEntry {
                id,
                hash,
                verified,
                video,
            },
        }
    })
}

fn model(changes: &[FeedChange]) -> BTreeMap<i64, ListEntry> {
    let mut list = BTreeMap::new();
    for change in changes {
        if change.remove {
            list.remove(&change.entry.id);
        } else {
            list.insert(change.entry.id, change.entry.clone());
        }
    }
    list
}

proptest! {
    // Each case syncs its files to disk many times: 64 cases keep it to seconds.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_list_followed_in_pages_and_reopened_is_the_feed_applied(
        changes in prop::collection::vec(change_strategy(), 0..120),
        cuts in prop::collection::vec(1usize..20, 1..10),
        snapshot_after in prop::collection::vec(any::<bool>(), 10),
        query in (0u8..6).prop_map(|b| PdqHash::from_bytes([b.wrapping_mul(37); 32])),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut list = FollowedList::open(dir.path()).unwrap();
        // Pages of the sizes in `cuts`, repeated; a snapshot after some of them.
        let mut at = 0;
        let mut page = 0;
        while at < changes.len() {
            let size = cuts[page % cuts.len()].min(changes.len() - at);
            list.apply_page(&changes[at..at + size]).unwrap();
            if snapshot_after[page % snapshot_after.len()] {
                list.snapshot().unwrap();
            }
            at += size;
            page += 1;
        }
        let expected = model(&changes);
        let check = |list: &FollowedList| -> Result<(), TestCaseError> {
            let mut held = list.entries();
            held.sort_by_key(|e| e.id);
            let wanted: Vec<ListEntry> = expected.values().cloned().collect();
            prop_assert_eq!(&held, &wanted);
            // Brute force: every PDQ entry within 31 bits of the query.
            let mut found: Vec<(i64, u32)> = list
                .find(&QueryHashes { pdq: Some(PdqQuery::One(query)), ..QueryHashes::default() }, 31)
                .iter()
                .map(|m| (m.id, m.distance))
                .collect();
            found.sort_unstable();
            // A video is found by its closest frame.
            let mut brute: Vec<(i64, u32)> = wanted
                .iter()
                .filter_map(|e| match (&e.video, e.hash) {
                    (Some(video), _) => video
                        .frames
                        .iter()
                        .map(|f| f.hash.distance(&query))
                        .min()
                        .map(|d| (e.id, d)),
                    (None, ListedHash::Pdq(h)) => Some((e.id, h.distance(&query))),
                    (None, _) => None,
                })
                .filter(|&(_, d)| d <= 31)
                .collect();
            brute.sort_unstable();
            prop_assert_eq!(found, brute);
            Ok(())
        };
        check(&list)?;
        prop_assert_eq!(list.cursor(), changes.len() as i64);
        drop(list);
        let reopened = FollowedList::open(dir.path()).unwrap();
        prop_assert_eq!(reopened.cursor(), changes.len() as i64);
        check(&reopened)?;
    }
}
