//! Who may call what: partner keys, analyst tokens, and nothing else.

use crate::support::*;
use serde_json::json;

#[test]
fn routes_need_the_right_kind_of_token() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let (_, secret) = server.report(&report_of(&[pdq(1)], &[]));
        let feedback = json!({"items": [{"id": 1, "matched": 1}]});

        for (what, token, want) in [
            ("no key", None, 401),
            (
                "a wrong key",
                Some("tbp_00000000000000000000000000000000"),
                401,
            ),
            ("garbage", Some("hello"), 401),
            ("a case secret", Some(secret.as_str()), 401),
            ("an analyst token", Some(analyst.as_str()), 403),
            ("the partner key", Some(key.as_str()), 200),
        ] {
            let (status, body) = server.get("/api/v1/hashlist", token);
            assert_eq!(status, want, "hashlist with {what}: {body}");
            let (status, body) = server.post_json("/api/v1/feedback", token, &feedback);
            assert_eq!(status, want, "feedback with {what}: {body}");
            if want != 200 {
                assert!(body["error"]["code"].is_string());
            }
        }
        for path in [
            "/api/v1/analyst/queue",
            "/api/v1/analyst/urls",
            "/api/v1/analyst/audit",
            "/api/v1/analyst/entries/1",
        ] {
            assert_eq!(server.get(path, None).0, 401, "{path} without a token");
            assert_eq!(
                server.get(path, Some("tba_nope")).0,
                401,
                "{path} with a wrong token"
            );
            assert_eq!(
                server.get(path, Some(&key)).0,
                403,
                "{path} with a partner key"
            );
            assert_eq!(
                server.get(path, Some(&analyst)).0,
                200,
                "{path} with an analyst token"
            );
        }
        let (status, _) = server.post_json(
            "/api/v1/analyst/entries/1/decision",
            Some(&key),
            &json!({"decision": "reject"}),
        );
        assert_eq!(status, 403);
    }
}

#[test]
fn tokens_are_printed_once_and_names_are_unique() {
    let db = Database::sqlite();
    let key = add("partner", "Example", &db);
    assert!(key.starts_with("tbp_") && key.len() > 30, "{key}");
    let again = takeback()
        .args(["partner", "add", "Example", "--database", &db.url])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(again.stdout.is_empty());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));
    let token = add("analyst", "Sam", &db);
    assert!(token.starts_with("tba_"));
    // Only digests are stored.
    let stored = std::fs::read(db.dir.path().join("hotline.db")).unwrap();
    let stored = String::from_utf8_lossy(&stored);
    assert!(!stored.contains(&key) && !stored.contains(&token));
}

#[test]
fn case_secrets_are_stored_only_as_digests() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
    drop(server);
    let mut stored = std::fs::read(db.dir.path().join("hotline.db")).unwrap();
    if let Ok(wal) = std::fs::read(db.dir.path().join("hotline.db-wal")) {
        stored.extend(wal);
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains(&case_id));
    assert!(!stored.contains(&secret));
    assert!(!stored.contains(&secret.replace('-', "")));
}

#[test]
fn revoked_keys_and_tokens_stop_working_at_once() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "Leaky", &db);
        let analyst = add("analyst", "Leaver", &db);
        assert_eq!(server.get("/api/v1/hashlist", Some(&key)).0, 200);
        for (kind, name) in [("partner", "Leaky"), ("analyst", "Leaver")] {
            let output = takeback()
                .args([kind, "revoke", name, "--database", &db.url])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert_eq!(server.get("/api/v1/hashlist", Some(&key)).0, 401);
        assert_eq!(server.get("/api/v1/analyst/queue", Some(&analyst)).0, 401);

        let listed = takeback()
            .args(["partner", "list", "--database", &db.url])
            .output()
            .unwrap();
        let listed = String::from_utf8(listed.stdout).unwrap();
        assert!(
            listed.starts_with("Leaky\t") && listed.trim_end().ends_with("\trevoked"),
            "{listed}"
        );
        let unknown = takeback()
            .args(["partner", "revoke", "Nobody", "--database", &db.url])
            .output()
            .unwrap();
        assert!(!unknown.status.success());
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("no partner named"));
    }
}

#[test]
fn malformed_paths_get_json_errors() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let analyst = add("analyst", "A", &db);
    for path in [
        "/api/v1/analyst/entries/9223372036854775808",
        "/api/v1/analyst/entries/abc",
    ] {
        let (status, body) = server.get(path, Some(&analyst));
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_parameter")),
            "{path}"
        );
    }
    let (status, body) = server.post_json(
        "/api/v1/analyst/entries/x/decision",
        Some(&analyst),
        &serde_json::json!({"decision": "list"}),
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_parameter"))
    );
    let (status, body) = server.delete("/api/v1/hashlist", None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
}

#[test]
fn a_case_number_that_is_not_text_is_an_unknown_case() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (status, body) = server.get("/api/v1/reports/%FF", Some("secret"));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("case_not_found"))
    );
}

/// A free port on the loopback, for a second address.
fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[test]
fn metrics_ask_for_their_token_when_one_is_set() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--metrics-token", "scrape-secret-1234"]);
    let (status, body) = server.get("/metrics", None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = server.get("/metrics", Some("scrape-secret-1235"));
    assert_eq!(status, 401);
    let (status, text) = get_text(&server.url("/metrics"), Some("scrape-secret-1234"));
    assert_eq!(status, 200);
    assert!(text.contains("takeback_list_entries"), "{text}");
    assert!(!server.logs().contains("scrape-secret-1234"));
}

#[test]
fn metrics_on_their_own_address_are_not_found_on_the_main_one() {
    let db = Database::sqlite();
    let metrics = free_address();
    let server = Server::start(&db, &["--metrics-listen", &metrics]);
    let (status, body) = server.get("/metrics", None);
    assert_eq!(status, 404, "{body}");
    let (status, text) = get_text(&format!("http://{metrics}/metrics"), None);
    assert_eq!(status, 200);
    assert!(text.contains("takeback_list_entries"), "{text}");
    // Only /metrics lives there.
    let (status, _) = get_text(&format!("http://{metrics}/api/v1/hashlist"), None);
    assert_eq!(status, 404);
}

#[test]
fn a_random_method_adds_no_metric_label() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    for method in ["RANDOM123", "RANDOM456"] {
        // Raw, as a client library may refuse to send a method it does not know.
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
        write!(
            stream,
            "{method} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    }
    let (_, text) = get_text(&server.url("/metrics"), None);
    assert!(!text.contains("RANDOM"), "{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}

fn get_text(url: &str, token: Option<&str>) -> (u16, String) {
    let mut builder = ureq::http::Request::builder().method("GET").uri(url);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.run(builder.body(()).unwrap()).unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}
