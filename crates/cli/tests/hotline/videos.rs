//! Videos (issue 17, the hotline's part): a report carries a video's vPDQ frames beside the
//! file's MD5 and SHA-256; the video is one list entry with its frames, in the feed, the
//! case status, withdrawal, feedback and the analysts' view; each bad input has its code.

use crate::support::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Frames of a made-up video: hash `pdq(seed * 100_000 + i)`, one a second.
fn frames(seed: u64, count: u64, quality: u64) -> Vec<Value> {
    (0..count)
        .map(|i| json!({"timestamp": i as f64, "value": pdq(seed * 100_000 + i), "quality": quality}))
        .collect()
}

fn video(frames: Vec<Value>) -> Value {
    json!({"algorithm": "vpdq", "frames": frames})
}

fn report_with(hashes: Vec<Value>) -> Value {
    json!({
        "reporter": "young_person",
        "hashes": hashes,
        "urls": [],
        "under_18": true,
        "consent_to_share": true,
    })
}

/// A video's identity as the hotline lists it: the SHA-256 of its sorted distinct frame
/// hashes, each followed by a newline.
fn identity(frames: &[Value]) -> String {
    let mut hashes: Vec<&str> = frames
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    let mut digest = Sha256::new();
    for hash in hashes {
        digest.update(hash.as_bytes());
        digest.update(b"\n");
    }
    digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Every change of the feed, from the beginning, in pages of `page`.
fn feed(server: &Server, key: &str, page: usize) -> Vec<Value> {
    let mut changes = Vec::new();
    let mut cursor = 0;
    loop {
        let (status, body) = server.get(
            &format!("/api/v1/hashlist?after={cursor}&limit={page}"),
            Some(key),
        );
        assert_eq!(status, 200, "{body}");
        let got = body["changes"].as_array().unwrap().clone();
        if got.is_empty() {
            return changes;
        }
        cursor = body["next"].as_i64().unwrap();
        changes.extend(got);
    }
}

fn video_adds(changes: &[Value]) -> Vec<&Value> {
    changes
        .iter()
        .filter(|c| c["algorithm"] == "vpdq" && c["op"] == "add")
        .collect()
}

#[test]
fn a_video_is_one_entry_with_its_frames_in_the_feed_status_feedback_and_withdrawal() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let sent = frames(1, 3, 90);
        let md5 = "9e107d9d372bb6826bd81d3542a419d6";
        let sha256 = "ab".repeat(32);
        let (case, secret) = server.report(&report_with(vec![
            video(sent.clone()),
            json!({"algorithm": "md5", "value": md5}),
            json!({"algorithm": "sha256", "value": sha256}),
        ]));

        let changes = feed(&server, &key, 100);
        assert_eq!(changes.len(), 3, "{changes:?}");
        let videos = video_adds(&changes);
        assert_eq!(videos.len(), 1);
        let listed = videos[0];
        assert_eq!(listed["value"], identity(&sent));
        assert_eq!(listed["quality"], Value::Null);
        assert_eq!(listed["frames"], json!(sent), "the frames as sent");
        for other in changes.iter().filter(|c| c["algorithm"] != "vpdq") {
            assert!(other.get("frames").is_none(), "{other}");
        }
        let id = listed["id"].as_i64().unwrap();

        // The case shows the video as one fingerprint, with its frame count.
        let (status, status_body) = server.get(&format!("/api/v1/reports/{case}"), Some(&secret));
        assert_eq!(status, 200, "{status_body}");
        let hashes = status_body["hashes"].as_array().unwrap();
        let shown = hashes.iter().find(|h| h["algorithm"] == "vpdq").unwrap();
        assert_eq!(
            (&shown["state"], &shown["frame_count"]),
            (&json!("listed"), &json!(3))
        );
        assert!(
            hashes
                .iter()
                .filter(|h| h["algorithm"] != "vpdq")
                .all(|h| h.get("frame_count").is_none())
        );

        // The analysts see its frames.
        let (status, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["algorithm"], "vpdq");
        assert_eq!(view["frame_count"], 3);
        assert_eq!(view["frames"], json!(sent));

        // The same video reported again, its frames in another order with other
        // timestamps and qualities: the same entry.
        let mut again: Vec<Value> = sent.iter().rev().cloned().collect();
        for (i, frame) in again.iter_mut().enumerate() {
            frame["timestamp"] = json!(10.0 + i as f64);
            frame["quality"] = json!(100);
        }
        let (case2, secret2) = server.report(&report_with(vec![video(again)]));
        assert_eq!(feed(&server, &key, 100).len(), 3, "no new entry");
        let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(view["case_ids"].as_array().unwrap().len(), 2, "{view}");

        // A partner's feedback names the video's entry.
        let (status, answer) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"items": [{"id": id, "matched": 2, "removed": 1}]}),
        );
        assert_eq!(status, 200, "{answer}");
        let (_, status_body) = server.get(&format!("/api/v1/reports/{case2}"), Some(&secret2));
        assert_eq!(
            status_body["platform_outcomes"]["matched"], 2,
            "{status_body}"
        );

        // Withdrawn by one case, it stays while the other reports it; then it goes.
        server.delete(&format!("/api/v1/reports/{case}"), Some(&secret));
        assert!(server.replay_list(&key, 100).contains_key(&id));
        let (status, withdrawn) =
            server.delete(&format!("/api/v1/reports/{case2}"), Some(&secret2));
        assert_eq!(status, 200, "{withdrawn}");
        assert_eq!(withdrawn["hashes"][0]["state"], "withdrawn");
        assert!(!server.replay_list(&key, 100).contains_key(&id));
        let last = feed(&server, &key, 100).pop().unwrap();
        assert_eq!(
            (&last["op"], &last["id"], last.get("frames")),
            (&json!("remove"), &json!(id), None),
            "a removal names the video by its id"
        );
    }
}

#[test]
fn bad_videos_get_their_own_codes_and_store_nothing() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let good = frames(2, 3, 90);
        let with_frame = |i: usize, field: &str, value: Value| {
            let mut frames = good.clone();
            frames[i][field] = value;
            report_with(vec![video(frames)])
        };
        let without_frame_field = |field: &str| {
            let mut frames = good.clone();
            frames[1].as_object_mut().unwrap().remove(field);
            report_with(vec![video(frames)])
        };
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "no frames",
                report_with(vec![json!({"algorithm": "vpdq"})]),
                "invalid_video",
            ),
            (
                "empty frames",
                report_with(vec![video(vec![])]),
                "invalid_video",
            ),
            (
                "a value beside the frames",
                report_with(vec![
                    json!({"algorithm": "vpdq", "value": pdq(1), "frames": good.clone()}),
                ]),
                "invalid_video",
            ),
            (
                "frames on a picture",
                report_with(vec![
                    json!({"algorithm": "pdq", "value": pdq(1), "quality": 90, "frames": good.clone()}),
                ]),
                "invalid_video",
            ),
            (
                "7,201 frames",
                report_with(vec![video(frames(3, 7_201, 90))]),
                "too_many_frames",
            ),
            (
                "five videos",
                report_with((10..15).map(|seed| video(frames(seed, 2, 90))).collect()),
                "too_many_videos",
            ),
            (
                "short frame hash",
                with_frame(1, "value", json!("abc")),
                "invalid_hash",
            ),
            (
                "upper-case frame hash",
                with_frame(1, "value", json!(pdq(5).to_uppercase())),
                "invalid_hash",
            ),
            (
                "no frame hash",
                without_frame_field("value"),
                "invalid_hash",
            ),
            (
                "quality 101",
                with_frame(0, "quality", json!(101)),
                "invalid_quality",
            ),
            (
                "no quality",
                without_frame_field("quality"),
                "invalid_quality",
            ),
            (
                "a quality for the whole video",
                report_with(vec![
                    json!({"algorithm": "vpdq", "quality": 90, "frames": good.clone()}),
                ]),
                "invalid_quality",
            ),
            (
                "negative timestamp",
                with_frame(0, "timestamp", json!(-1.0)),
                "invalid_timestamp",
            ),
            (
                "timestamp going back",
                with_frame(2, "timestamp", json!(0.5)),
                "invalid_timestamp",
            ),
            (
                "no timestamp",
                without_frame_field("timestamp"),
                "invalid_timestamp",
            ),
            (
                "every frame below the floor",
                report_with(vec![video(frames(4, 5, 49))]),
                "low_quality",
            ),
            (
                "an unknown field in a frame",
                with_frame(0, "pixels", json!("...")),
                "invalid_field",
            ),
        ];
        for (what, body, code) in cases {
            let (status, answer) = server.post_json("/api/v1/reports", None, &body);
            assert_eq!(
                (status, answer["error"]["code"].as_str()),
                (422, Some(code)),
                "{what}: {answer}"
            );
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(
                message.starts_with("Fingerprint 1")
                    || code == "too_many_videos"
                    || code == "invalid_field",
                "{what}: {message}"
            );
        }
        let (_, low) = server.post_json(
            "/api/v1/reports",
            None,
            &report_with(vec![video(frames(4, 5, 49))]),
        );
        let message = low["error"]["message"].as_str().unwrap();
        assert!(message.contains("not something you did wrong"), "{message}");

        // Equal timestamps are fine: python-threatexchange's 3 significant digits make
        // them after 1,000 seconds.
        let mut same_time = good.clone();
        for frame in &mut same_time {
            frame["timestamp"] = json!(1000.0);
        }
        server.report(&report_with(vec![video(same_time)]));
        let key = add("partner", "P", &db);
        assert_eq!(
            feed(&server, &key, 100).len(),
            1,
            "only the good report stored"
        );
    }
}

#[test]
fn frames_under_the_quality_floor_are_dropped_and_the_video_kept() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    let mut sent = frames(5, 4, 90);
    sent[1]["quality"] = json!(30);
    sent[3]["quality"] = json!(49);
    let (case, secret) = server.report(&report_with(vec![video(sent.clone())]));
    let kept = vec![sent[0].clone(), sent[2].clone()];
    let changes = feed(&server, &key, 100);
    assert_eq!(changes[0]["frames"], json!(kept));
    assert_eq!(
        changes[0]["value"],
        identity(&kept),
        "named by the frames kept"
    );
    let (_, status) = server.get(&format!("/api/v1/reports/{case}"), Some(&secret));
    assert_eq!(status["hashes"][0]["frame_count"], 2, "{status}");
    let id = changes[0]["id"].as_i64().unwrap();
    let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
    assert_eq!(view["frame_count"], 2);
}

#[test]
fn a_video_with_a_frame_near_the_guard_list_or_of_doubtful_quality_is_not_listed() {
    for db in Database::all() {
        let guarded = picture(1);
        let guard = db.dir.path().join("guard.pdq");
        std::fs::write(&guard, format!("{}\n", guarded[0])).unwrap();
        let server = Server::start(&db, &["--guard-list", guard.to_str().unwrap()]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);

        // One frame of three shows the guarded picture, a little changed.
        let mut sent = frames(6, 3, 90);
        sent[1]["value"] = json!(moved(guarded[0], 20));
        let (status, receipt) =
            server.post_json("/api/v1/reports", None, &report_with(vec![video(sent)]));
        assert_eq!(status, 201, "the reporter is not told: {receipt}");
        // A frame claiming quality 90 with a flat picture's hash.
        let mut doubtful = frames(7, 3, 90);
        doubtful[2]["value"] = json!("0".repeat(64));
        server.report(&report_with(vec![video(doubtful)]));

        assert!(feed(&server, &key, 100).is_empty(), "nothing listed");
        let view = |id: i64| {
            server
                .get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst))
                .1
        };
        assert_eq!(
            (view(1)["state"].clone(), view(1)["reason"].clone()),
            (json!("rejected"), json!("guard_list"))
        );
        assert_eq!(
            (view(2)["state"].clone(), view(2)["reason"].clone()),
            (json!("held"), json!("implausible_quality"))
        );
        // An analyst cannot list the guarded one.
        let (status, answer) = server.post_json(
            "/api/v1/analyst/entries/1/decision",
            Some(&analyst),
            &json!({"decision": "list"}),
        );
        assert_eq!(status, 409, "{answer}");
    }
}

#[test]
fn a_listed_video_leaves_the_list_when_the_guard_list_comes_to_guard_a_frame() {
    let db = Database::sqlite();
    let guard = db.dir.path().join("guard.pdq");
    std::fs::write(&guard, format!("{}\n", picture(30)[0])).unwrap();
    let server = Server::start(
        &db,
        &[
            "--guard-list",
            guard.to_str().unwrap(),
            "--guard-list-reload-seconds",
            "1",
        ],
    );
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    let shown = picture(31);
    let mut sent = frames(8, 3, 90);
    sent[2]["value"] = json!(shown[0].to_hex());
    server.report(&report_with(vec![video(sent)]));
    assert_eq!(server.replay_list(&key, 10).len(), 1);

    std::fs::write(&guard, format!("{}\n{}\n", picture(30)[0], shown[0])).unwrap();
    assert!(
        eventually(std::time::Duration::from_secs(20), || server
            .replay_list(&key, 10)
            .is_empty()),
        "{}",
        server.logs()
    );
    let (_, view) = server.get("/api/v1/analyst/entries/1", Some(&analyst));
    assert_eq!(
        (&view["state"], &view["reason"]),
        (&json!("suspended"), &json!("guarded"))
    );
}

#[test]
fn four_full_videos_fit_a_report_and_a_feed_page_carries_at_most_100_000_frames() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    // Timestamps as a browser computes them (frame number over 29.97), at full precision.
    let full = |seed: u64| {
        let frames: Vec<Value> = (0..7_200u64)
            .map(|i| {
                json!({
                    "timestamp": (i * 30) as f64 / 29.97,
                    "value": pdq(seed * 100_000 + i),
                    "quality": 100,
                })
            })
            .collect();
        video(frames)
    };
    for report in 0..4u64 {
        let body = report_with((0..4).map(|v| full(100 + report * 4 + v)).collect());
        let bytes = serde_json::to_vec(&body).unwrap().len();
        assert!(bytes > 3 << 20, "a realistic size: {bytes}");
        server.report(&body);
    }
    // 16 videos of 7,200 frames: 115,200 frames in all.
    let (status, page) = server.get("/api/v1/hashlist?limit=10000", Some(&key));
    assert_eq!(status, 200);
    let changes = page["changes"].as_array().unwrap();
    let carried: usize = changes
        .iter()
        .map(|c| c["frames"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(changes.len(), 13, "cut before the frame limit");
    assert_eq!(carried, 13 * 7_200);
    assert_eq!(page["next"], changes.last().unwrap()["seq"]);
    let all = feed(&server, &key, 10_000);
    assert_eq!(video_adds(&all).len(), 16);
    assert!(
        all.iter()
            .all(|c| c["frames"].as_array().unwrap().len() == 7_200)
    );
}

#[test]
fn the_openapi_document_describes_videos() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (_, spec) = server.get("/api/v1/openapi.json", None);
    let schemas = &spec["components"]["schemas"];
    assert!(schemas["SubmittedFrame"].is_object(), "{schemas}");
    assert!(schemas["VideoFrame"].is_object(), "{schemas}");
    let algorithms = schemas["Algorithm"].to_string();
    assert!(algorithms.contains("vpdq"), "{algorithms}");
}

#[test]
fn an_address_reported_with_a_video_can_be_checked_again() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let analyst = add("analyst", "A", &db);
    let mut body = report_with(vec![
        video(frames(9, 3, 90)),
        json!({"algorithm": "md5", "value": "9e107d9d372bb6826bd81d3542a419d6"}),
    ]);
    // An internal address: the fetcher refuses it without reaching any network.
    body["urls"] = json!(["http://127.0.0.1:9/clip.mp4"]);
    server.report(&body);
    let (status, item) =
        server.post_json("/api/v1/analyst/urls/1/recheck", Some(&analyst), &json!({}));
    assert_eq!(
        status, 200,
        "the video's frames do not get in the way: {item}"
    );
    assert!(item["last_check"].is_string(), "{item}");
}
