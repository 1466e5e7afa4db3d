//! Takeback's vPDQ against the reference's own sample hashes
//! (`vpdq/vpdq/sample-hashes/` in `shared/testdata/pdq-reference`), made by the reference
//! C++ `vpdq` over FFmpeg with every frame hashed, from the two sample videos beside them.
//!
//! The frames cannot be bit-exact everywhere: the decoded pixels depend on the FFmpeg
//! version (the samples were made with another one than Debian's 5.1), and so can a hash's
//! bits near PDQ's median threshold. The bar is the reference maintainers' own for a port:
//! the same frames, each within distance 8 of the reference's, and a full match by the
//! vPDQ rule both ways. The distribution of distances is printed (`--nocapture`).
//!
//! Runs when `TAKEBACK_PDQ_REFERENCE` names the folder (`tools/test` sets it); ignored
//! otherwise, as the picture reference tests are.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use takeback_fingerprint::{VideoOptions, fingerprint_video_file};
use takeback_vpdq::MatchRule;
use takeback_vpdq::format::read_reference_text;

/// The two sample videos and their hash files, every frame hashed.
const SAMPLES: [(&str, &str); 2] = [
    ("doorknob-hd-no-bar.mp4", "doorknob-hd-no-bar.txt"),
    ("test-padded-dimensions.mp4", "test-padded-dimensions.txt"),
];

/// The maintainers' bar for a port of vPDQ: each frame within this distance.
const MAX_FRAME_DISTANCE: u32 = 8;

fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("TAKEBACK_PDQ_REFERENCE")
        .expect("TAKEBACK_PDQ_REFERENCE names the PDQ reference data");
    PathBuf::from(dir).join("vpdq")
}

#[test]
#[cfg_attr(
    not(takeback_pdq_reference),
    ignore = "needs TAKEBACK_PDQ_REFERENCE, the folder of Meta's PDQ test data"
)]
fn every_frame_of_the_reference_samples_is_within_8_bits_and_the_videos_match_both_ways() {
    let dir = reference_dir();
    let every_frame = VideoOptions {
        seconds_per_hash: 0.0,
        ..VideoOptions::default()
    };
    for (video, hashes) in SAMPLES {
        let video_path = dir.join("tmk/sample-videos").join(video);
        let text = std::fs::read_to_string(dir.join("vpdq/sample-hashes").join(hashes))
            .unwrap_or_else(|e| panic!("{hashes}: {e}"));
        let reference = read_reference_text(&text).unwrap();
        let ours = fingerprint_video_file(&video_path, &every_frame)
            .unwrap_or_else(|e| panic!("{video}: {e}"));

        assert_eq!(
            ours.fingerprint.frames.len(),
            reference.frames.len(),
            "{video}: frame count"
        );
        // Distances by the reference frame's quality: 100, 50 to 99 (what matching uses),
        // under 50 (dropped by the rule; near-black frames whose hash is noise).
        let mut distances = [(); 3].map(|()| BTreeMap::<u32, usize>::new());
        let mut quality_differences = 0;
        for (mine, theirs) in ours.fingerprint.frames.iter().zip(&reference.frames) {
            assert_eq!(mine.frame, theirs.frame, "{video}: frame numbers");
            assert_eq!(
                format!("{:.3}", mine.timestamp),
                format!("{:.3}", theirs.timestamp),
                "{video}: frame {} timestamp",
                mine.frame
            );
            let distance = mine.hash.distance(&theirs.hash);
            let band = match theirs.quality {
                100 => 0,
                50..=99 => 1,
                _ => 2,
            };
            *distances[band].entry(distance).or_default() += 1;
            if theirs.quality == 100 {
                assert!(
                    distance <= MAX_FRAME_DISTANCE,
                    "{video}: frame {} is {distance} bits from the reference's",
                    mine.frame
                );
            }
            quality_differences += usize::from(mine.quality != theirs.quality);
        }
        eprintln!(
            "{video}: {} frames ({}x{} {} at {:.3} fps); distance to the reference's frame \
             (bits: frames) at quality 100: {:?}, 50-99: {:?}, under 50: {:?}; quality \
             differs on {quality_differences}",
            reference.frames.len(),
            ours.info.width,
            ours.info.height,
            ours.info.codec,
            ours.info.frame_rate,
            distances[0],
            distances[1],
            distances[2],
        );

        let rule = MatchRule::default();
        for (query, listed, way) in [
            (
                &ours.fingerprint,
                &reference,
                "ours against the reference's",
            ),
            (
                &reference,
                &ours.fingerprint,
                "the reference's against ours",
            ),
        ] {
            let comparison = rule.compare(query, listed);
            assert!(comparison.is_match, "{video}: {way}: {comparison:?}");
            assert_eq!(comparison.query_share, 1.0, "{video}: {way}");
            assert_eq!(comparison.listed_share, 1.0, "{video}: {way}");
        }
    }
}

#[test]
#[cfg_attr(
    not(takeback_pdq_reference),
    ignore = "needs TAKEBACK_PDQ_REFERENCE, the folder of Meta's PDQ test data"
)]
fn one_hash_a_second_takes_every_frame_rateth_frame() {
    let dir = reference_dir();
    let video_path = dir.join("tmk/sample-videos/doorknob-hd-no-bar.mp4");
    let every_frame = fingerprint_video_file(
        &video_path,
        &VideoOptions {
            seconds_per_hash: 0.0,
            ..VideoOptions::default()
        },
    )
    .unwrap();
    let per_second = fingerprint_video_file(&video_path, &VideoOptions::default()).unwrap();
    let step = per_second.info.frame_step;
    assert_eq!(
        step, per_second.info.frame_rate as u64,
        "one second's frames"
    );
    assert_eq!(per_second.decoded_frames, every_frame.decoded_frames);
    let expected: Vec<_> = every_frame
        .fingerprint
        .frames
        .iter()
        .filter(|frame| frame.frame % step == 0)
        .copied()
        .collect();
    assert_eq!(per_second.fingerprint.frames, expected);
    assert_eq!(per_second.digests.sha256, every_frame.digests.sha256);
}
