//! The hash list's protections: listing policy, analyst decisions, false positives, the
//! guard list, feedback, and the cursor.

use crate::support::*;
use serde_json::json;

#[test]
fn held_reports_wait_for_an_analyst() {
    for db in Database::all() {
        let server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) = server.report(&report_of(&[pdq(1), pdq(2)], &[]));
        assert!(
            server.replay_list(&key, 10).is_empty(),
            "nothing listed before review"
        );
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert!(
            case["hashes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["state"] == "pending")
        );

        let (status, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
        assert_eq!(status, 200);
        let queue = queue.as_array().unwrap();
        assert_eq!(queue.len(), 2);
        assert_eq!(queue[0]["state"], "held");
        assert_eq!(queue[0]["case_ids"], json!([case_id]));
        let (first, second) = (
            queue[0]["id"].as_i64().unwrap(),
            queue[1]["id"].as_i64().unwrap(),
        );

        let decide = |id: i64, decision: &str| {
            server.post_json(
                &format!("/api/v1/analyst/entries/{id}/decision"),
                Some(&analyst),
                &json!({"decision": decision, "note": "checked"}),
            )
        };
        let (status, view) = decide(first, "list");
        assert_eq!(
            (status, &view["state"], &view["verified"]),
            (200, &json!("listed"), &json!(true))
        );
        assert_eq!(decide(second, "reject").0, 200);
        assert_eq!(
            decide(second, "reinstate").0,
            409,
            "only suspended entries are reinstated"
        );
        assert_eq!(decide(999_999, "list").0, 404);
        let (status, _) = server.post_json(
            &format!("/api/v1/analyst/entries/{first}/decision"),
            Some(&analyst),
            &json!({"decision": "maybe"}),
        );
        assert_eq!(status, 422);

        let list = server.replay_list(&key, 10);
        assert_eq!(list.len(), 1);
        assert!(list[&first].2, "listed as verified");
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        let states: Vec<_> = case["hashes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["state"].clone())
            .collect();
        assert_eq!(states, [json!("listed"), json!("not_listed")]);

        // Analysts' reads and decisions are in the audit log.
        let (_, case_view) =
            server.get(&format!("/api/v1/analyst/cases/{case_id}"), Some(&analyst));
        assert_eq!(case_view["case_id"], case_id);
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        for action in [
            "analyst_added",
            "partner_added",
            "queue_read",
            "decision",
            "case_read",
            "hashlist_reads",
        ] {
            assert!(actions.contains(&action), "{action} not in {actions:?}");
        }
    }
}

#[test]
fn false_positives_from_two_partners_suspend_an_entry() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let first = add("partner", "First", &db);
        let second = add("partner", "Second", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
        let id = *server.replay_list(&first, 10).keys().next().unwrap();
        let false_positive = json!({"items": [{"id": id, "false_positive": 1}]});

        server.post_json("/api/v1/feedback", Some(&first), &false_positive);
        server.post_json("/api/v1/feedback", Some(&first), &false_positive);
        assert_eq!(
            server.replay_list(&first, 10).len(),
            1,
            "one partner alone does not suspend"
        );
        let (_, answer) = server.post_json("/api/v1/feedback", Some(&second), &false_positive);
        assert_eq!(answer["suspended"], 1, "{answer}");
        assert!(server.replay_list(&first, 10).is_empty());
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(case["hashes"][0]["state"], "suspended");

        let (_, queue) = server.get("/api/v1/analyst/queue?state=suspended", Some(&analyst));
        assert_eq!(queue[0]["false_positive_partners"], 2);
        let (status, _) = server.post_json(
            &format!("/api/v1/analyst/entries/{id}/decision"),
            Some(&analyst),
            &json!({"decision": "reinstate"}),
        );
        assert_eq!(status, 200);
        let list = server.replay_list(&first, 10);
        assert!(list[&id].2, "back on the list, verified");
        // Reports from before the decision no longer count.
        server.post_json("/api/v1/feedback", Some(&first), &false_positive);
        assert_eq!(server.replay_list(&first, 10).len(), 1);
    }
}

#[test]
fn guard_list_hashes_are_never_listed() {
    let db = Database::sqlite();
    let benign = pdq(99);
    let guard = db.dir.path().join("guard.txt");
    std::fs::write(&guard, format!("# widely shared pictures\n{benign}\n")).unwrap();
    let server = Server::start(&db, &["--guard-list", guard.to_str().unwrap()]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    // A near copy: 20 bits flipped.
    let mut near: Vec<u8> = benign.bytes().collect();
    for digit in near.iter_mut().take(5) {
        *digit = if *digit == b'0' { b'f' } else { b'0' };
    }
    let near = String::from_utf8(near).unwrap();
    let (case_id, secret) = server.report(&report_of(&[near, pdq(5)], &[]));
    let list = server.replay_list(&key, 10);
    assert_eq!(list.len(), 1, "only the other hash is listed");
    let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    // Shown as any picture awaiting checks: the status must not tell whoever reported
    // it that it is on the guard list.
    assert_eq!(case["hashes"][0]["state"], "pending");
    let listed_id = *list.keys().next().unwrap();
    let guarded_id = if listed_id == 1 { 2 } else { 1 };
    let (_, view) = server.get(
        &format!("/api/v1/analyst/entries/{guarded_id}"),
        Some(&analyst),
    );
    assert_eq!(view["reason"], "guard_list");
    let (status, answer) = server.post_json(
        &format!("/api/v1/analyst/entries/{guarded_id}/decision"),
        Some(&analyst),
        &json!({"decision": "list"}),
    );
    assert_eq!(status, 409, "{answer}");
}

#[test]
fn a_missing_guard_list_stops_the_server_with_a_message() {
    let db = Database::sqlite();
    let output = takeback()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &db.url,
            "--guard-list",
            "/no/such/guard.txt",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/no/such/guard.txt"));
}

#[test]
fn feedback_is_counted_once_per_batch_and_checked() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
    let id = *server.replay_list(&key, 10).keys().next().unwrap();
    let batch = json!({"batch_id": "2026-11-22T10:00Z-1", "items": [{"id": id, "matched": 2}]});
    assert_eq!(
        server.post_json("/api/v1/feedback", Some(&key), &batch).0,
        200
    );
    let (status, again) = server.post_json("/api/v1/feedback", Some(&key), &batch);
    assert_eq!((status, &again["already_recorded"]), (200, &json!(true)));
    let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    assert_eq!(case["platform_outcomes"]["matched"], 2);

    for (what, body, want) in [
        (
            "unknown entry",
            json!({"items": [{"id": id, "matched": 1}, {"id": 424242, "matched": 1}]}),
            404,
        ),
        ("no items", json!({"items": []}), 422),
        (
            "negative count",
            json!({"items": [{"id": id, "matched": -1}]}),
            422,
        ),
        (
            "unknown outcome",
            json!({"items": [{"id": id, "liked": 1}]}),
            422,
        ),
    ] {
        let (status, answer) = server.post_json("/api/v1/feedback", Some(&key), &body);
        assert_eq!(status, want, "{what}: {answer}");
        if status == 404 {
            // Its own code: a matcher tells it from a wrong address.
            assert_eq!(answer["error"]["code"], "unknown_entry", "{answer}");
        }
    }
    let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    assert_eq!(
        case["platform_outcomes"]["matched"], 2,
        "a refused batch counts nothing"
    );
}

#[test]
fn the_cursor_is_checked() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    server.report(&report_of(&[pdq(1), pdq(2), pdq(3)], &[]));
    let (_, page) = server.get("/api/v1/hashlist?limit=2", Some(&key));
    assert_eq!(page["changes"].as_array().unwrap().len(), 2);
    assert_eq!(page["next"], 2);
    let (_, page) = server.get("/api/v1/hashlist?after=2&limit=2", Some(&key));
    assert_eq!(
        (page["changes"].as_array().unwrap().len(), &page["next"]),
        (1, &json!(3))
    );
    let (_, page) = server.get("/api/v1/hashlist?after=3", Some(&key));
    assert_eq!(
        (page["changes"].as_array().unwrap().len(), &page["next"]),
        (0, &json!(3))
    );
    for (query, want) in [
        ("after=99", 409),
        ("after=-1", 400),
        ("limit=0", 400),
        ("limit=1000000", 400),
        ("after=abc", 400),
        ("colour=red", 400),
    ] {
        let (status, body) = server.get(&format!("/api/v1/hashlist?{query}"), Some(&key));
        assert_eq!(status, want, "{query}: {body}");
    }
}

#[test]
fn a_withdrawn_fingerprint_cannot_be_listed_again_by_an_analyst() {
    for db in Database::all() {
        let server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
        let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
        let id = queue[0]["id"].as_i64().unwrap();
        let decide = |decision: &str| {
            server.post_json(
                &format!("/api/v1/analyst/entries/{id}/decision"),
                Some(&analyst),
                &json!({"decision": decision}),
            )
        };
        assert_eq!(decide("reject").0, 200);
        assert_eq!(
            server
                .delete(&format!("/api/v1/reports/{case_id}"), Some(&secret))
                .0,
            200
        );
        let (status, answer) = decide("list");
        assert_eq!(status, 409, "{answer}");
        let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(view["state"], "rejected", "the rejection stands");
        assert!(server.replay_list(&key, 10).is_empty());
    }
}

#[test]
fn deciding_twice_does_not_repeat_a_change() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    server.report(&report_of(&[pdq(1)], &[]));
    let id = *server.replay_list(&key, 10).keys().next().unwrap();
    let count = || {
        let (_, page) = server.get("/api/v1/hashlist", Some(&key));
        page["changes"].as_array().unwrap().len()
    };
    let path = format!("/api/v1/analyst/entries/{id}/decision");
    server.post_json(&path, Some(&analyst), &json!({"decision": "list"}));
    assert_eq!(count(), 2, "verifying is a change");
    server.post_json(&path, Some(&analyst), &json!({"decision": "list"}));
    assert_eq!(count(), 2, "verifying again is not");
}

#[test]
fn partners_can_only_name_entries_they_were_sent() {
    for db in Database::all() {
        let server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
        let key = add("partner", "P", &db);
        server.report(&report_of(&[pdq(1)], &[]));
        // Entry 1 exists but is held: never in the feed, so the same 404 as no entry.
        let (status, held) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"items": [{"id": 1, "matched": 1}]}),
        );
        let (_, missing) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"items": [{"id": 2, "matched": 1}]}),
        );
        assert_eq!(status, 404);
        assert_eq!(
            held,
            missing
                .to_string()
                .replace("id 2", "id 1")
                .parse::<serde_json::Value>()
                .unwrap()
        );
        let (status, answer) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"batch_id": "a\u{0}b", "items": [{"id": 1, "matched": 1}]}),
        );
        assert_eq!(status, 422, "{answer}");
    }
}
