//! The matcher's API and command line refusing bad input clearly, and its health,
//! readiness and metrics.

use crate::end_to_end::{encode, picture};
use crate::proc::MatcherProcess;
use crate::support::{Database, Server, add, eventually, pdq, report_of, takeback};
use image::ImageFormat;
use serde_json::json;
use std::path::Path;
use std::time::Duration;

fn list_matcher(dir: &Path, extra: &[&str]) -> MatcherProcess {
    let list = dir.join("list.txt");
    let lines: String = (1..=20).map(|n| format!("{},{n}\n", pdq(n))).collect();
    std::fs::write(&list, lines).unwrap();
    let state = dir.join("state");
    let mut args = vec![
        "--list",
        list.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    args.extend(extra);
    MatcherProcess::start(&dir.join("matcher.log"), &args)
}

#[test]
fn match_queries_are_answered_or_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &[]);
    // A listed hash, and one 3 bits away.
    let found = matcher.match_hashes(&json!({"pdq": pdq(4)}));
    assert_eq!(found.len(), 1);
    assert_eq!(
        (
            found[0]["id"].as_i64(),
            found[0]["distance"].as_u64(),
            found[0]["verified"].as_bool()
        ),
        (Some(4), Some(0), Some(false))
    );
    let mut near = pdq(4).into_bytes();
    for i in [0, 10, 20] {
        near[i] = if near[i] == b'0' { b'1' } else { b'0' };
    }
    let near = String::from_utf8(near).unwrap();
    assert_eq!(matcher.match_hashes(&json!({"pdq": near}))[0]["id"], 4);
    // Under the quality floor PDQ is not searched.
    assert!(
        matcher
            .match_hashes(&json!({"pdq": pdq(4), "quality": 20}))
            .is_empty()
    );
    // All eight orientations at once.
    let eight: Vec<String> = (0..8).map(|i| pdq(100 + i)).chain([]).collect();
    let mut turned = eight.clone();
    turned[3] = pdq(5);
    let found = matcher.match_hashes(&json!({"dihedral": turned}));
    assert_eq!(
        (found[0]["id"].as_i64(), found[0]["variant"].as_str()),
        (Some(5), Some("rot270"))
    );

    let bad = [
        (json!({"pdq": "xyz"}), "pdq"),
        (json!({}), "at least one"),
        (json!({"dihedral": [pdq(1), pdq(2)]}), "all eight"),
        (json!({"pdq": pdq(1), "dihedral": eight}), "differs"),
        (json!({"md5": "zz"}), "md5"),
        (json!({"sha256": pdq(1)[..40]}), "sha256"),
        (json!({"pdq": pdq(1), "quality": 101}), "quality"),
        (json!({"pdq": pdq(1), "colour": "red"}), "unknown field"),
    ];
    for (query, reason) in bad {
        let (status, body) = matcher.post("/v1/match", &query);
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{query}: {message}");
    }
    let (status, body) = matcher.post_raw("/v1/match", "application/json", b"{\"pdq\": ");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, body) = matcher.post_raw("/v1/match", "text/plain", b"hello");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let (status, body) = matcher.post_raw("/v1/match", "image/jpeg", b"not a picture at all");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("not_an_image"))
    );
    let (status, body) = matcher.post_raw("/v1/match", "image/png", b"");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, _) = matcher.get("/v1/match");
    assert_eq!(status, 405);
    let (status, _) = matcher.get("/v2/anything");
    assert_eq!(status, 404);
    // A flat picture has too little detail: only its exact hashes are looked up.
    let flat = encode(
        &takeback_testimages::Spec::new(
            takeback_testimages::Pattern::Flat,
            200,
            200,
            takeback_testimages::Channels::Rgb,
            1,
        )
        .generate()
        .to_dynamic(),
        ImageFormat::Png,
    );
    let (status, body) = matcher.post_raw("/v1/match", "image/png", &flat);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["pdq_searched"].as_bool(), body["quality"].as_u64()),
        (Some(false), Some(0))
    );
    // Nothing about the queries is logged but the route and status.
    assert!(!matcher.logs().contains(&pdq(4)));
}

#[test]
fn an_image_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.txt"), format!("{},1\n", pdq(1))).unwrap();
    let config = dir.path().join("matcher.toml");
    std::fs::write(
        &config,
        "state_dir = \"state\"\nmax_image_bytes = 2000000\n[[list]]\nname = \"offline\"\npath = \"list.txt\"\n",
    )
    .unwrap();
    let matcher = MatcherProcess::start(
        &dir.path().join("m.log"),
        &["--config", config.to_str().unwrap()],
    );
    let big = vec![0u8; 3_000_000];
    let (status, body) = matcher.post_raw("/v1/match", "image/png", &big);
    assert!(status == 413 || status == 0, "{status} {body}");
    // A picture within the limit is fine, and names the list from the file.
    let found = matcher.match_image(&encode(&picture(1), ImageFormat::Jpeg), "image/jpeg");
    assert!(found.is_empty());
    assert_eq!(matcher.list_status()["name"], "offline");
}

/// A 2400x2400 picture: a small PNG whose pixels alone are 17 MB.
pub fn large_png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(2400, 2400, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8])
    });
    encode(&image::DynamicImage::ImageRgb8(image), ImageFormat::Png)
}

#[test]
fn an_image_needing_more_memory_than_the_decode_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &["--decode-memory", "16MiB"]);
    let (status, body) = matcher.post_raw("/v1/match", "image/png", &large_png());
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "too_large_to_decode", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("--decode-memory"), "{message}");
    // Its memory was never taken: pictures that fit are still matched.
    let found = matcher.match_image(&encode(&picture(3), ImageFormat::Png), "image/png");
    assert!(found.is_empty());
    // Under the default budget the same picture is matched.
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &[]);
    assert!(matcher.match_image(&large_png(), "image/png").is_empty());
}

#[test]
fn nothing_is_answered_before_the_list_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let matcher = MatcherProcess::follow(&url, "tbp_key", &dir.path().join("state"), &[]);
    assert_eq!(matcher.get("/healthz").0, 200);
    let (status, body) = matcher.get("/readyz");
    assert_eq!((status, &body["waiting_for"]), (503, &json!(["hotline"])));
    let (status, body) = matcher.post("/v1/match", &json!({"pdq": pdq(1)}));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("list_not_loaded"))
    );
    assert!(eventually(Duration::from_secs(10), || matcher
        .list_status()["last_error"]
        .as_str()
        .is_some_and(|e| e.contains("cannot reach the hotline"))));
    let metrics = crate::support::request("GET", &format!("{}/metrics", matcher.base), None, None);
    assert_eq!(metrics.0, 200);
}

#[test]
fn metrics_show_queries_latency_and_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &[]);
    matcher.match_hashes(&json!({"pdq": pdq(1)}));
    matcher.match_hashes(&json!({"pdq": pdq(999)}));
    let response = ureq::get(&format!("{}/metrics", matcher.base))
        .call()
        .unwrap();
    let text = response.into_body().read_to_string().unwrap();
    for name in [
        "takeback_matcher_queries_total{kind=\"hashes\"} 2",
        "takeback_matcher_queries_matched_total{kind=\"hashes\"} 1",
        "takeback_matcher_match_duration_seconds_bucket",
        "takeback_matcher_list_entries{hotline=\"list\"} 20",
        "takeback_matcher_list_age_seconds{hotline=\"list\"}",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
}

#[test]
fn outcomes_are_refused_with_a_reason_and_nothing_is_recorded() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    hotline.report(&report_of(&[pdq(1)], &[]));
    let dir = database.dir.path();
    let list = dir.join("offline.txt");
    std::fs::write(&list, format!("{},1\n", pdq(2))).unwrap();
    let config = dir.join("matcher.toml");
    std::fs::write(
        &config,
        format!(
            "state_dir = \"state\"\nsync_interval_seconds = 0.3\nfeedback_interval_seconds = 0.3\n\
             [[hotline]]\nname = \"uk\"\nurl = \"{}\"\nkey_env = \"TEST_PARTNER_KEY\"\n\
             [[list]]\nname = \"offline\"\npath = \"offline.txt\"\n",
            hotline.base
        ),
    )
    .unwrap();
    // The key comes from the environment (key_env), as a deployment would keep it.
    let matcher = MatcherProcess::start_with_env(
        &dir.join("m.log"),
        &["--config", config.to_str().unwrap()],
        &[("TEST_PARTNER_KEY", &key)],
    );
    assert!(eventually(Duration::from_secs(20), || matcher
        .get("/readyz")
        .0
        == 200));
    let id = matcher.match_hashes(&json!({"pdq": pdq(1)}))[0]["id"]
        .as_i64()
        .unwrap();
    let bad = [
        (
            json!({"hotline": "uk", "id": id, "outcome": "deleted"}),
            422,
            "outcome",
        ),
        (
            json!({"hotline": "uk", "id": id, "outcome": "removed", "count": 0}),
            422,
            "count",
        ),
        (
            json!({"hotline": "uk", "id": 999, "outcome": "removed"}),
            404,
            "no entry 999",
        ),
        (
            json!({"hotline": "fr", "id": id, "outcome": "removed"}),
            404,
            "no hotline named",
        ),
        (
            json!({"hotline": "offline", "id": 1, "outcome": "removed"}),
            422,
            "list file",
        ),
        (json!({"outcomes": []}), 422, "from 1 to"),
        (
            json!({"outcomes": [{"hotline": "uk", "id": id, "outcome": "removed"}, {"hotline": "uk", "id": 999, "outcome": "removed"}]}),
            404,
            "no entry 999",
        ),
    ];
    for (body, status, reason) in bad {
        let (got, answer) = matcher.post("/v1/outcomes", &body);
        assert_eq!(got, status, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{body}: {message}");
    }
    let (status, _) = matcher.post_raw("/v1/outcomes", "text/csv", b"1,removed");
    assert_eq!(status, 415);
    // None of it was recorded: nothing reaches the hotline.
    std::thread::sleep(Duration::from_millis(1000));
    let (status, entry) = crate::support::request(
        "GET",
        &hotline.url(&format!("/api/v1/analyst/entries/{id}")),
        Some(&add("analyst", "ana", &database)),
        None,
    );
    assert_eq!(status, 200, "{entry}");
    assert!(!entry.to_string().contains("\"removed\":1"), "{entry}");
}

#[test]
fn unusable_settings_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let run = |args: &[&str]| {
        let output = takeback()
            .arg("matcher")
            .args(args)
            .env_remove("TAKEBACK_PARTNER_KEY")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        String::from_utf8(output.stderr).unwrap()
    };
    assert!(run(&["--state", state]).contains("no hash list to follow"));
    assert!(run(&["--hotline", "ftp://x", "--key", "k", "--state", state]).contains("not an http"));
    assert!(run(&["--hotline", "http://x"]).contains("--key"));
    assert!(
        run(&[
            "--hotline",
            "http://x",
            "--key",
            "k",
            "--sync-interval",
            "0",
            "--state",
            state
        ])
        .contains("sync-interval")
    );
    let config = dir.path().join("m.toml");
    let list_arg = ["--list", "/no/such/list.txt", "--state", state];
    for (size, reason) in [
        ("1MiB", "under 16.0 MiB"),
        ("lots", "is not a size"),
        ("12 apples", "is not a size"),
    ] {
        let message = run(&[&list_arg[..], &["--decode-memory", size]].concat());
        assert!(
            message.contains("--decode-memory") && message.contains(reason),
            "{size}: {message}"
        );
    }
    std::fs::write(
        &config,
        "state_dir = \"s\"\ndecode_memory_bytes = 1000\n[[list]]\nname = \"l\"\npath = \"l.txt\"\n",
    )
    .unwrap();
    let message = run(&["--config", config.to_str().unwrap()]);
    assert!(message.contains("decode_memory_bytes is 1000"), "{message}");
    std::fs::write(&config, "state_dir = \"s\"\ncolour = 3\n").unwrap();
    let message = run(&["--config", config.to_str().unwrap()]);
    assert!(
        message.contains("colour") && message.contains("m.toml"),
        "{message}"
    );
    std::fs::write(
        &config,
        "[[hotline]]\nname = \"a b\"\nurl = \"http://x\"\nkey = \"k\"\n",
    )
    .unwrap();
    assert!(run(&["--config", config.to_str().unwrap()]).contains("list name"));
    std::fs::write(&config, "[[hotline]]\nname = \"a\"\nurl = \"http://x\"\n").unwrap();
    assert!(run(&["--config", config.to_str().unwrap()]).contains("exactly one of key"));
    // One state directory, one matcher.
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("{}\n", pdq(1))).unwrap();
    let list = list.to_str().unwrap();
    let _first = MatcherProcess::start(
        &dir.path().join("1.log"),
        &["--list", list, "--state", state],
    );
    let message = run(&["--list", list, "--state", state]);
    assert!(message.contains("in use by another matcher"), "{message}");
    let message = run(&[
        "--list",
        "/no/such/list.txt",
        "--state",
        &format!("{state}2"),
    ]);
    assert!(message.contains("/no/such/list.txt"), "{message}");
}

#[test]
fn metrics_ask_for_their_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &["--metrics-token", "scrape-secret-5678"]);
    let url = format!("{}/metrics", matcher.base);
    let (status, body) = crate::support::request("GET", &url, None, None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = crate::support::request("GET", &url, Some("scrape-secret-567"), None);
    assert_eq!(status, 401);
    let (status, _) = crate::support::request("GET", &url, Some("scrape-secret-5678"), None);
    assert_eq!(status, 200);
}

#[test]
fn the_api_asks_for_its_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = list_matcher(dir.path(), &["--api-token", "api-secret-9876"]);
    let query = serde_json::to_vec(&json!({"pdq": pdq(3)})).unwrap();
    let outcome = serde_json::to_vec(&json!({"id": 3, "outcome": "matched"})).unwrap();
    let calls: [(&str, &str, Option<&[u8]>); 3] = [
        ("POST", "/v1/match", Some(&query)),
        ("POST", "/v1/outcomes", Some(&outcome)),
        ("GET", "/v1/status", None),
    ];
    for (method, path, body) in calls {
        let url = format!("{}{path}", matcher.base);
        let body = body.map(|bytes| ("application/json", bytes));
        let (status, answer) = crate::support::request(method, &url, None, body);
        assert_eq!(status, 401, "{path}: {answer}");
        assert_eq!(answer["error"]["code"], "unauthorized");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Authorization: Bearer"),
            "{answer}"
        );
        let (status, _) = crate::support::request(method, &url, Some("api-secret-987"), body);
        assert_eq!(status, 401, "{path}: a wrong token");
        let (status, answer) = crate::support::request(method, &url, Some("api-secret-9876"), body);
        // A list file's entries take no outcomes: refused for that, not for the token.
        let expected = if path == "/v1/outcomes" { 422 } else { 200 };
        assert_eq!(status, expected, "{path}: {answer}");
    }
    // The probes and the metrics (which have a token of their own) stay open.
    for path in ["/healthz", "/readyz", "/metrics"] {
        let url = format!("{}{path}", matcher.base);
        let (status, _) = crate::support::request("GET", &url, None, None);
        assert_eq!(status, 200, "{path}");
    }
}
