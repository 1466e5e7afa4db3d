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
