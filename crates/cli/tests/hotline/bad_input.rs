//! Every kind of bad input the issue names: a clear JSON error, and nothing stored.

use crate::support::*;
use serde_json::{Value, json};

fn valid() -> Value {
    report_of(&[pdq(1)], &["https://example.com/a"])
}

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).unwrap() = value;
    body
}

fn with_field(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn without(mut body: Value, field: &str) -> Value {
    body.as_object_mut().unwrap().remove(field);
    body
}

/// Checks that nothing was stored: no list changes, no URLs, no cases.
fn assert_nothing_stored(server: &Server, db: &Database) {
    let key = add(
        "partner",
        &format!("checker-{}", pdq(0).get(..8).unwrap()),
        db,
    );
    let (_, page) = server.get("/api/v1/hashlist", Some(&key));
    assert_eq!(
        page["changes"],
        json!([]),
        "a refused report left list changes"
    );
    let analyst = add("analyst", "checker", db);
    let (_, urls) = server.get("/api/v1/analyst/urls", Some(&analyst));
    assert_eq!(urls, json!([]), "a refused report left URLs");
}

#[test]
fn bad_reports_get_clear_errors_and_store_nothing() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let long_url = format!("https://example.com/{}", "a".repeat(2048));
        let many: Vec<String> = (0..101).map(pdq).collect();
        let cases: Vec<(&str, Value, u16, &str)> = vec![
            (
                "unknown field",
                with_field(valid(), "name", json!("Sam")),
                422,
                "invalid_field",
            ),
            (
                "unknown field in a hash",
                with(
                    valid(),
                    "/hashes/0",
                    json!({"algorithm": "pdq", "value": pdq(1), "quality": 90, "filename": "me.jpg"}),
                ),
                422,
                "invalid_field",
            ),
            (
                "short hex",
                with(valid(), "/hashes/0/value", json!("abc")),
                422,
                "invalid_hash",
            ),
            (
                "long hex",
                with(valid(), "/hashes/0/value", json!(format!("{}0", pdq(1)))),
                422,
                "invalid_hash",
            ),
            (
                "upper-case hex",
                with(valid(), "/hashes/0/value", json!(pdq(1).to_uppercase())),
                422,
                "invalid_hash",
            ),
            (
                "not hex",
                with(valid(), "/hashes/0/value", json!("g".repeat(64))),
                422,
                "invalid_hash",
            ),
            (
                "md5 length",
                with(
                    valid(),
                    "/hashes/0",
                    json!({"algorithm": "md5", "value": "ab".repeat(32)}),
                ),
                422,
                "invalid_hash",
            ),
            (
                "unknown algorithm",
                with(valid(), "/hashes/0/algorithm", json!("photodna")),
                422,
                "invalid_field",
            ),
            (
                "value a number",
                with(valid(), "/hashes/0/value", json!(12)),
                422,
                "invalid_field",
            ),
            (
                "empty",
                json!({"reporter": "young_person", "hashes": [], "urls": [], "under_18": true, "consent_to_share": true}),
                422,
                "empty_report",
            ),
            (
                "under_18 missing",
                without(valid(), "under_18"),
                422,
                "confirmation_required",
            ),
            (
                "under_18 false",
                with(valid(), "/under_18", json!(false)),
                422,
                "confirmation_required",
            ),
            (
                "consent missing",
                without(valid(), "consent_to_share"),
                422,
                "confirmation_required",
            ),
            (
                "consent false",
                with(valid(), "/consent_to_share", json!(false)),
                422,
                "confirmation_required",
            ),
            (
                "reporter unknown",
                with(valid(), "/reporter", json!("police")),
                422,
                "invalid_field",
            ),
            (
                "url not http",
                with(valid(), "/urls/0", json!("javascript:alert(1)")),
                422,
                "invalid_url",
            ),
            (
                "url ftp",
                with(valid(), "/urls/0", json!("ftp://example.com/a")),
                422,
                "invalid_url",
            ),
            (
                "url too long",
                with(valid(), "/urls/0", json!(long_url)),
                422,
                "invalid_url",
            ),
            (
                // A right-to-left override makes "exe.gpj" read as "jpg.exe".
                "url with a bidi override",
                with(
                    valid(),
                    "/urls/0",
                    json!("https://example.com/\u{202e}gpj.exe"),
                ),
                422,
                "invalid_url",
            ),
            (
                "url with a zero-width space",
                with(valid(), "/urls/0", json!("https://exa\u{200b}mple.com/a")),
                422,
                "invalid_url",
            ),
            (
                "quality too low",
                with(valid(), "/hashes/0/quality", json!(20)),
                422,
                "low_quality",
            ),
            (
                "quality missing",
                with(
                    valid(),
                    "/hashes/0",
                    json!({"algorithm": "pdq", "value": pdq(1)}),
                ),
                422,
                "invalid_quality",
            ),
            ("101 hashes", report_of(&many, &[]), 422, "too_many_hashes"),
            ("not an object", json!([1, 2, 3]), 422, "invalid_field"),
        ];
        for (what, body, status, code) in cases {
            let (got, answer) = server.post_json("/api/v1/reports", None, &body);
            assert_eq!(
                (got, answer["error"]["code"].as_str()),
                (status, Some(code)),
                "{what}: {answer}"
            );
            assert!(
                !answer["error"]["message"].as_str().unwrap().is_empty(),
                "{what}"
            );
        }

        // Not JSON at all.
        for (what, content_type, bytes, status, code) in [
            (
                "malformed JSON",
                "application/json",
                b"{\"reporter\": ".to_vec(),
                400,
                "malformed_json",
            ),
            (
                "trailing garbage",
                "application/json",
                b"{}}".to_vec(),
                400,
                "malformed_json",
            ),
            (
                "a PNG",
                "image/png",
                std::fs::read(sample()).unwrap(),
                415,
                "unsupported_media_type",
            ),
            (
                "a JPEG",
                "image/jpeg",
                vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10],
                415,
                "unsupported_media_type",
            ),
            (
                "binary",
                "application/octet-stream",
                vec![0u8; 4096],
                415,
                "unsupported_media_type",
            ),
            (
                "a form upload",
                "multipart/form-data; boundary=x",
                b"--x\r\n".to_vec(),
                415,
                "unsupported_media_type",
            ),
            (
                "no content type",
                "",
                b"{}".to_vec(),
                415,
                "unsupported_media_type",
            ),
            (
                "binary said to be JSON",
                "application/json",
                vec![0x89, b'P', b'N', b'G', 0, 1, 2],
                400,
                "malformed_json",
            ),
        ] {
            let (got, answer) = server.post_raw("/api/v1/reports", content_type, &bytes);
            assert_eq!(
                (got, answer["error"]["code"].as_str()),
                (status, Some(code)),
                "{what}: {answer}"
            );
        }
        let (_, answer) = server.post_raw("/api/v1/reports", "image/jpeg", b"\xff\xd8");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("never accepts pictures")
        );

        // 36,000 hashes (a body just over the default limit of 3.5 MiB, which fits four
        // videos' frames), and a body over the limit: refused by size. The server drains
        // what the client is still sending (up to 4 MiB), so that a client that writes its
        // whole body before reading reads the 413 rather than a broken pipe.
        let many: Vec<String> = (0..36_000).map(pdq).collect();
        let length = serde_json::to_vec(&report_of(&many, &[])).unwrap().len();
        assert!(
            (3584 * 1024..4 << 20).contains(&length),
            "over the limit, within the drain: {length}"
        );
        let (status, answer) = server.post_json("/api/v1/reports", None, &report_of(&many, &[]));
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (413, Some("body_too_large")),
            "{answer}"
        );
        let (status, answer) = announce_body(&server, length);
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (413, Some("body_too_large")),
            "{answer}"
        );
        let (status, _) = announce_body(&server, 3_800_000);
        assert_eq!(status, 413);

        assert_nothing_stored(&server, &db);
    }
}

/// Sends only the headers of a JSON POST announcing `length` bytes, and reads the answer.
fn announce_body(server: &Server, length: usize) -> (u16, Value) {
    use std::io::{Read, Write};
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /api/v1/reports HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn sample() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.extension()
                .is_some_and(|ext| ext == "png" || ext == "jpg")
        })
        .expect("a sample picture")
}

#[test]
fn low_quality_is_explained_kindly() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (_, answer) = server.post_json(
        "/api/v1/reports",
        None,
        &with(valid(), "/hashes/0/quality", json!(12)),
    );
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("too little detail"), "{message}");
    assert!(message.contains("not something you did wrong"), "{message}");
}

#[test]
fn sql_injection_is_stored_as_text() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let nasty = "'); DROP TABLE cases; --";
        let url = format!("https://example.com/?q={}", nasty.replace(' ', "%20"));
        let analyst = add("analyst", &format!("Robert{nasty}"), &db);
        let key = add("partner", "x' OR '1'='1", &db);
        let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[&url]));
        // In places that must be hex or a case number: refused or not found, never run.
        let (status, _) = server.post_json(
            "/api/v1/reports",
            None,
            &with(
                valid(),
                "/hashes/0/value",
                json!(format!("{nasty}{}", "0".repeat(40))),
            ),
        );
        assert_eq!(status, 422);
        let (status, _) = server.get("/api/v1/reports/1'%20OR%20'1'='1", Some(&secret));
        assert_eq!(status, 404);
        let (status, _) = server.get(&format!("/api/v1/reports/{case_id}"), Some("x' OR '1'='1"));
        assert_eq!(status, 404);
        let (status, _) = server.get(
            &format!("/api/v1/hashlist?after=0;{}", nasty.replace(' ', "%20")),
            Some(&key),
        );
        assert_eq!(status, 400);
        let list = server.replay_list(&key, 10);
        let entry = *list.keys().next().unwrap();
        let (status, _) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"batch_id": nasty, "items": [{"id": entry, "matched": 1}]}),
        );
        assert_eq!(status, 200);
        let (status, _) = server.post_json(
            &format!("/api/v1/analyst/entries/{entry}/decision"),
            Some(&analyst),
            &json!({"decision": "list", "note": nasty}),
        );
        assert_eq!(status, 200);

        // Everything is still there, and the strings are stored as given.
        let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200);
        assert_eq!(case["urls"][0]["url"], url);
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let audit = audit.to_string();
        assert!(audit.contains("x' OR '1'='1"), "{audit}");
        assert!(
            audit.contains(&format!("Robert{nasty}").replace('"', "\\\"")),
            "{audit}"
        );
        assert!(
            audit.contains("DROP TABLE cases"),
            "the note is kept as text: {audit}"
        );
    }
}

#[test]
fn a_decision_note_is_limited_in_characters_not_bytes() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let analyst = add("analyst", "checker", &db);
    let key = add("partner", "Platform", &db);
    server.report(&report_of(&[pdq(3)], &[]));
    let entry = *server.replay_list(&key, 10).keys().next().unwrap();
    let decide = |note: String| {
        server.post_json(
            &format!("/api/v1/analyst/entries/{entry}/decision"),
            Some(&analyst),
            &json!({"decision": "list", "note": note}),
        )
    };
    // 2,000 characters of two bytes each: within the limit.
    let (status, body) = decide("é".repeat(2000));
    assert_eq!(status, 200, "{body}");
    let (status, body) = decide("é".repeat(2001));
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2000 characters")
    );
}
