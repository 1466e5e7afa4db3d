//! The matcher and listed videos: a video reported by its vPDQ frames is found by the
//! platform's copy of the file, a re-encoded and resized copy, its frames sent as JSON,
//! and a still picture of one of its frames; an unrelated video is not; withdrawn, it is
//! found no more; a restart keeps it. Clips are FFmpeg's own benign test patterns.

use crate::clips::{clip, frames_of, hash_record, re_encode, still, video_report};
use crate::end_to_end::{encode, picture, report_of_file};
use crate::proc::MatcherProcess;
use crate::support::{Database, Server, add, eventually};
use image::ImageFormat;
use serde_json::{Value, json};
use std::time::Duration;

fn algorithms(found: &[Value]) -> Vec<&str> {
    found
        .iter()
        .map(|m| m["algorithm"].as_str().unwrap())
        .collect()
}

/// The video matches among `found`.
fn video_matches(found: &[Value]) -> Vec<&Value> {
    found.iter().filter(|m| m["algorithm"] == "vpdq").collect()
}

#[test]
fn a_listed_video_is_found_by_its_file_a_re_encoded_copy_its_frames_and_a_still() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let dir = database.dir.path();
    let original = clip(dir, "original.mp4", "testsrc2=size=320x240:rate=25");
    let record = hash_record(&original);
    let (case, secret) = hotline.report(&video_report(&record));
    // A picture beside it: pictures still match as before.
    let picture_bytes = encode(&picture(41), ImageFormat::Png);
    hotline.report(&report_of_file(&picture_bytes));

    let state = dir.join("matcher");
    let mut matcher = MatcherProcess::follow(&hotline.base, &key, &state, &[]);
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    let status = matcher.list_status();
    assert_eq!(
        status["entries"],
        3 + 3,
        "a video and its file's digests, a picture's three: {status}"
    );

    // The platform's copy of the file: its digests, then the video by its frames.
    let bytes = std::fs::read(&original).unwrap();
    let (code, body) = matcher.post_raw("/v1/match", "video/mp4", &bytes);
    assert_eq!(code, 200, "{body}");
    let found = body["matches"].as_array().unwrap();
    assert_eq!(algorithms(found), ["md5", "sha256", "vpdq"], "{body}");
    let video = &found[2];
    assert_eq!(video["video"]["match"], "video", "{body}");
    assert_eq!(video["video"]["query_share"], 1.0, "{body}");
    assert_eq!(video["video"]["listed_share"], 1.0, "{body}");
    assert_eq!(video["verified"], false);
    assert_eq!(body["frames"], 8, "one frame a second: {body}");
    assert!(body["frames_searched"].as_u64().unwrap() >= 1, "{body}");
    let video_id = video["id"].as_i64().unwrap();

    // Re-encoded smaller, at another quality, in another container: not the same bytes,
    // the same video; sent as plain bytes, it is recognised as a video.
    let copy = dir.join("copy.mkv");
    re_encode(&original, &copy);
    let copy_bytes = std::fs::read(&copy).unwrap();
    let (code, body) = matcher.post_raw("/v1/match", "application/octet-stream", &copy_bytes);
    assert_eq!(code, 200, "{body}");
    let found = body["matches"].as_array().unwrap();
    assert_eq!(algorithms(found), ["vpdq"], "only the frames match: {body}");
    assert_eq!(found[0]["id"], video_id);

    // The frames alone, as a platform that hashes its own uploads sends them.
    let found = matcher.match_hashes(&json!({"frames": frames_of(&record)}));
    assert_eq!(algorithms(&found), ["vpdq"]);
    assert_eq!(found[0]["video"]["query_share"], 1.0);

    // A still picture of the video (a screenshot of its fourth second): a frame match.
    let screenshot = dir.join("still.png");
    still(&original, 3, &screenshot);
    let found = matcher.match_image(&std::fs::read(&screenshot).unwrap(), "image/png");
    let frames = video_matches(&found);
    assert_eq!(frames.len(), 1, "{found:?}");
    assert_eq!(frames[0]["id"], video_id);
    assert_eq!(frames[0]["video"]["match"], "frame");
    assert_eq!(frames[0]["video"]["timestamp"], 3.0, "{found:?}");
    assert!(frames[0]["distance"].as_u64().unwrap() <= 31);

    // Another video, and pictures, do not match it.
    let other = clip(dir, "other.mp4", "mandelbrot=size=320x240:rate=25");
    let found = matcher.match_image(&std::fs::read(&other).unwrap(), "video/mp4");
    assert!(found.is_empty(), "{found:?}");
    let found = matcher.match_image(&picture_bytes, "image/png");
    assert_eq!(algorithms(&found), ["md5", "sha256", "pdq"]);

    // A restart keeps the video, frames and all.
    matcher.restart();
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    let found = matcher.match_hashes(&json!({"frames": frames_of(&record)}));
    assert_eq!(algorithms(&found), ["vpdq"], "{}", matcher.logs());

    // Withdrawn, it is found no more.
    let (code, _) = hotline.delete(&format!("/api/v1/reports/{case}"), Some(&secret));
    assert_eq!(code, 200);
    assert!(
        eventually(Duration::from_secs(20), || matcher
            .match_image(&bytes, "video/mp4")
            .is_empty()),
        "{}",
        matcher.logs()
    );
    assert_eq!(matcher.list_status()["entries"], 3);
    assert!(!matcher.logs().contains("malformed"), "{}", matcher.logs());
}

#[test]
fn what_is_not_a_video_or_not_a_good_query_is_refused_with_the_reason() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    hotline.report(&report_of_file(&encode(&picture(7), ImageFormat::Png)));
    let dir = database.dir.path();
    let matcher = MatcherProcess::follow(&hotline.base, &key, &dir.join("matcher"), &[]);
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    let refused = |content_type: &str, body: &[u8], status: u16, code: &str, says: &str| {
        let (got, answer) = matcher.post_raw("/v1/match", content_type, body);
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message} should say {says}");
    };
    let png = encode(&picture(8), ImageFormat::Png);
    refused("video/mp4", &png, 422, "not_a_video", "not a video");
    refused("video/mp4", b"", 400, "invalid_query", "empty");
    let original = clip(dir, "clip.mp4", "testsrc2=size=320x240:rate=25");
    let bytes = std::fs::read(&original).unwrap();
    refused(
        "video/mp4",
        &bytes[..bytes.len() / 3],
        422,
        "not_a_video",
        "damaged",
    );

    let frame = json!({"timestamp": 0.0, "value": "ab".repeat(32), "quality": 90});
    let cases = [
        (json!({"frames": []}), "from 1 to"),
        (
            json!({"frames": [{"timestamp": 0.0, "value": "zz", "quality": 90}]}),
            "frames[0].value",
        ),
        (
            json!({"frames": [{"timestamp": 0.0, "value": "ab".repeat(32), "quality": 101}]}),
            "frames[0].quality",
        ),
        (
            json!({"frames": [frame, {"timestamp": -1.0, "value": "ab".repeat(32), "quality": 9}]}),
            "frames[1].timestamp",
        ),
        (
            json!({"frames": [frame], "pdq": "ab".repeat(32)}),
            "of a picture or of a video",
        ),
        (json!({"frames": [frame], "md5": "xyz"}), "md5"),
    ];
    for (query, says) in cases {
        let body = serde_json::to_vec(&query).unwrap();
        refused("application/json", &body, 400, "invalid_query", says);
    }
}
