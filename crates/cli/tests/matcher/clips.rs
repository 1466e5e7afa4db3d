//! Video clips for tests: FFmpeg's own benign test patterns, made with the `ffmpeg`
//! command, hashed with `takeback hash`, and reported as the report page does.

use crate::support::takeback;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the `ffmpeg` command (tools/test installs it) quietly; panics if it fails.
pub fn ffmpeg(args: &[&str]) {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .expect("the `ffmpeg` command (tools/test installs it)");
    assert!(output.status.success(), "{output:?}");
}

/// Eight seconds of one of FFmpeg's test sources (`testsrc2=size=320x240:rate=25`, say),
/// H.264 in MP4.
pub fn clip(dir: &Path, name: &str, source: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        source,
        "-t",
        "8",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        path.to_str().unwrap(),
    ]);
    path
}

/// `video` re-encoded smaller and at a lower quality, into `copy` (its container from its
/// name): not the same bytes, the same video.
pub fn re_encode(video: &Path, copy: &Path) {
    ffmpeg(&[
        "-i",
        video.to_str().unwrap(),
        "-vf",
        "scale=240:180",
        "-c:v",
        "libx264",
        "-crf",
        "35",
        copy.to_str().unwrap(),
    ]);
}

/// A still picture of `video` at `seconds`, as a screenshot of it would be.
pub fn still(video: &Path, seconds: u32, picture: &Path) {
    ffmpeg(&[
        "-ss",
        &seconds.to_string(),
        "-i",
        video.to_str().unwrap(),
        "-frames:v",
        "1",
        picture.to_str().unwrap(),
    ]);
}

/// `takeback hash` of a video: its JSON record.
pub fn hash_record(path: &Path) -> Value {
    let output = takeback().arg("hash").arg(path).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A video's frames as the hotline and the matcher take them.
pub fn frames_of(record: &Value) -> Vec<Value> {
    record["vpdq"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!({"timestamp": f["timestamp"], "value": f["hash"], "quality": f["quality"]}))
        .collect()
}

/// A young person's report of a video, as the report page sends it: its frames, and the
/// file's MD5 and SHA-256.
pub fn video_report(record: &Value) -> Value {
    json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "vpdq", "frames": frames_of(record)},
            {"algorithm": "md5", "value": record["md5"]},
            {"algorithm": "sha256", "value": record["sha256"]},
        ],
        "urls": [],
        "under_18": true,
        "consent_to_share": true,
    })
}
