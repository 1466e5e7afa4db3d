//! Leaving unhashed frames undecoded (`VideoOptions::skip_unsampled`) must not change a
//! single frame: for streams as encoders make them (groups of pictures short and long,
//! with and without B-frames, open groups, H.264 and HEVC, MP4, Matroska and MPEG-TS),
//! the frames hashed with skipping equal those hashed decoding everything, and the
//! decoded-frame count is the same.
//!
//! The clips are benign: FFmpeg's moving test pattern, made here by the `ffmpeg` command
//! (which `tools/test` installs).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use takeback_fingerprint::{VideoOptions, fingerprint_video_file};

/// Six seconds of the test pattern at 30 frames a second, encoded with `codec` into
/// `name` in `dir`.
fn clip(dir: &Path, name: &str, codec: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let output = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
        ])
        .args(["-i", "testsrc2=size=320x240:rate=30", "-t", "6"])
        .args(codec)
        .args(["-pix_fmt", "yuv420p"])
        .arg(&path)
        .output()
        .expect("the `ffmpeg` command (tools/test installs it)");
    assert!(output.status.success(), "{output:?}");
    path
}

#[test]
fn skipping_unhashed_frames_hashes_exactly_what_decoding_everything_does() {
    let dir = tempfile::tempdir().unwrap();
    let x264 = |params: &'static str| -> Vec<&'static str> {
        vec!["-c:v", "libx264", "-x264-params", params]
    };
    let clips = [
        (
            "keyframe every 2 s, B-frames",
            clip(
                dir.path(),
                "gop60.mp4",
                &x264("keyint=60:min-keyint=60:scenecut=0"),
            ),
        ),
        (
            "keyframe every second",
            clip(
                dir.path(),
                "gop30.mp4",
                &x264("keyint=30:min-keyint=30:scenecut=0"),
            ),
        ),
        (
            "open groups",
            clip(
                dir.path(),
                "open.mp4",
                &x264("keyint=45:min-keyint=45:scenecut=0:open-gop=1"),
            ),
        ),
        (
            "no B-frames, long groups",
            clip(dir.path(), "long.mkv", &x264("keyint=250:bframes=0")),
        ),
        (
            "B-pyramid, MPEG-TS",
            clip(
                dir.path(),
                "pyramid.ts",
                &x264("keyint=40:bframes=3:b-pyramid=normal"),
            ),
        ),
        (
            "HEVC",
            clip(
                dir.path(),
                "hevc.mp4",
                &[
                    "-c:v",
                    "libx265",
                    "-x265-params",
                    "keyint=30:min-keyint=30:log-level=error",
                ],
            ),
        ),
    ];
    for (what, path) in &clips {
        for seconds_per_hash in [1.0, 0.5, 2.5] {
            let options = |skip_unsampled| VideoOptions {
                seconds_per_hash,
                decoder_threads: 1,
                skip_unsampled,
                ..VideoOptions::default()
            };
            let skipped = fingerprint_video_file(path, &options(true)).unwrap();
            let whole = fingerprint_video_file(path, &options(false)).unwrap();
            assert_eq!(
                skipped.fingerprint, whole.fingerprint,
                "{what}, one hash every {seconds_per_hash} s"
            );
            assert_eq!(skipped.decoded_frames, whole.decoded_frames, "{what}");
            assert_eq!(whole.decoded_frames, 180, "{what}");
            assert!(!whole.fingerprint.frames.is_empty());
        }
    }
}
