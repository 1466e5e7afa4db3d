//! The matcher and a list that holds videos. Videos are not matched yet (issue 17, part 4):
//! the matcher must follow the feed past them, keep its journal whole through them, and go
//! on matching pictures, and the MD5 and SHA-256 reported beside a video.

use crate::end_to_end::{encode, picture, report_of_file};
use crate::proc::MatcherProcess;
use crate::support::{Database, Server, add, eventually, pdq};
use image::ImageFormat;
use serde_json::{Value, json};
use std::time::Duration;

/// A report of a video's frames, with the file's MD5 and SHA-256 beside them.
fn video_report(seed: u64, md5: &str, sha256: &str) -> Value {
    let frames: Vec<Value> = (0..5u64)
        .map(|i| json!({"timestamp": i as f64, "value": pdq(seed * 1000 + i), "quality": 90}))
        .collect();
    json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "vpdq", "frames": frames},
            {"algorithm": "md5", "value": md5},
            {"algorithm": "sha256", "value": sha256},
        ],
        "urls": [],
        "under_18": true,
        "consent_to_share": true,
    })
}

fn algorithms(found: &[Value]) -> Vec<&str> {
    found
        .iter()
        .map(|m| m["algorithm"].as_str().unwrap())
        .collect()
}

#[test]
fn the_matcher_follows_a_list_holding_videos_and_still_matches_pictures() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let first = encode(&picture(41), ImageFormat::Png);
    hotline.report(&report_of_file(&first));
    let md5 = "9e107d9d372bb6826bd81d3542a419d6";
    let sha256 = "cd".repeat(32);
    let (video_case, video_secret) = hotline.report(&video_report(1, md5, &sha256));

    let state = database.dir.path().join("matcher");
    let mut matcher = MatcherProcess::follow(&hotline.base, &key, &state, &[]);
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    // The picture's three entries and the video file's two; the video itself is set aside.
    let status = matcher.list_status();
    assert_eq!(status["entries"], 5, "{status}");
    assert_eq!(status["cursor"], 6, "past the video's change: {status}");
    assert_eq!(status["last_error"], Value::Null, "{status}");
    assert_eq!(
        algorithms(&matcher.match_image(&first, "image/png")),
        ["md5", "sha256", "pdq"]
    );
    let by_md5 = matcher.match_hashes(&json!({"md5": md5}));
    assert_eq!(algorithms(&by_md5), ["md5"], "the video file's MD5 matches");

    // More after the video: a picture, another video, then the first video withdrawn
    // (a removal of an entry the matcher never held).
    let second = encode(&picture(42), ImageFormat::Png);
    hotline.report(&report_of_file(&second));
    hotline.report(&video_report(
        2,
        "0123456789abcdef0123456789abcdef",
        &"ef".repeat(32),
    ));
    let (status, _) = hotline.delete(
        &format!("/api/v1/reports/{video_case}"),
        Some(&video_secret),
    );
    assert_eq!(status, 200);
    let last = hotline.replay_list(&key, 100).len();
    // Two pictures and a video, each with its MD5 and SHA-256.
    assert_eq!(last, 3 + 3 + 3, "the hotline's list, a video included");
    assert!(
        eventually(Duration::from_secs(20), || {
            !matcher.match_image(&second, "image/png").is_empty()
                && matcher.match_hashes(&json!({"md5": md5})).is_empty()
        }),
        "{}",
        matcher.logs()
    );
    let status = matcher.list_status();
    assert_eq!(status["entries"], 3 + 3 + 2, "{status}");
    assert_eq!(status["last_error"], Value::Null, "{status}");

    // The journal, replayed at a restart, goes through the videos' records.
    matcher.restart();
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    assert_eq!(matcher.list_status()["entries"], 3 + 3 + 2);
    assert_eq!(
        algorithms(&matcher.match_image(&second, "image/png")),
        ["md5", "sha256", "pdq"]
    );
    assert!(!matcher.logs().contains("malformed"), "{}", matcher.logs());
}
