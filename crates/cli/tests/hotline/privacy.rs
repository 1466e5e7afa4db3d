//! What a case reveals, and what outlasts a withdrawal: a rejection or suspension stands
//! when the picture is reported again; a case's status shows only what follows from its
//! own report; the audit log does not re-date reports.

use crate::support::*;
use serde_json::{Value, json};

/// The states a case's reporter sees, one per fingerprint.
fn hash_states(server: &Server, case_id: &str, secret: &str) -> Vec<Value> {
    let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(secret));
    assert_eq!(status, 200, "{case}");
    case["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["state"].clone())
        .collect()
}

#[test]
fn a_rejection_survives_withdraw_and_report_again() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
        let id = *server.replay_list(&key, 10).keys().next().unwrap();
        let (status, _) = server.post_json(
            &format!("/api/v1/analyst/entries/{id}/decision"),
            Some(&analyst),
            &json!({"decision": "reject", "note": "not what it claims"}),
        );
        assert_eq!(status, 200);
        let (status, _) = server.delete(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200);

        let (again, again_secret) = server.report(&report_of(&[pdq(1)], &[]));
        assert!(
            server.replay_list(&key, 10).is_empty(),
            "a rejected picture is not listed again by a new report"
        );
        let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(view["state"], "rejected", "{view}");
        assert_eq!(view["reason"], "analyst", "{view}");
        // The new reporter is not told that someone else's report was rejected.
        assert_eq!(
            hash_states(&server, &again, &again_secret),
            [json!("pending")]
        );
    }
}

#[test]
fn a_suspension_survives_withdraw_and_report_again() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let first = add("partner", "First", &db);
        let second = add("partner", "Second", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) =
            server.report(&report_of(&[pdq(1)], &["https://example.com/seen-here"]));
        let id = *server.replay_list(&first, 10).keys().next().unwrap();
        let false_positive = json!({"items": [{"id": id, "false_positive": 1}]});
        server.post_json("/api/v1/feedback", Some(&first), &false_positive);
        let (_, answer) = server.post_json("/api/v1/feedback", Some(&second), &false_positive);
        assert_eq!(answer["suspended"], 1, "{answer}");
        let (status, _) = server.delete(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200);
        // A withdrawn case's hashes and URLs are not shown to analysts as active.
        let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
        assert_eq!(
            queue,
            json!([]),
            "nothing to decide while no open case reports it"
        );
        let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(view["case_ids"], json!([]), "{view}");
        assert_eq!(view["withdrawn_case_ids"], json!([case_id]), "{view}");
        let (_, urls) = server.get("/api/v1/analyst/urls", Some(&analyst));
        assert_eq!(urls[0]["state"], "withdrawn", "{urls}");

        let (again, again_secret) = server.report(&report_of(&[pdq(1)], &[]));
        let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
        assert_eq!(
            queue[0]["case_ids"],
            json!([again]),
            "back for a decision: {queue}"
        );
        assert!(
            server.replay_list(&second, 10).is_empty(),
            "a suspended picture is not listed again by a new report"
        );
        let (_, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(&analyst));
        assert_eq!(view["state"], "suspended", "{view}");
        assert_eq!(
            hash_states(&server, &again, &again_secret),
            [json!("pending")]
        );
        // Still the analyst's to decide: reinstating lists it for the new report.
        let (status, view) = server.post_json(
            &format!("/api/v1/analyst/entries/{id}/decision"),
            Some(&analyst),
            &json!({"decision": "reinstate"}),
        );
        assert_eq!((status, &view["state"]), (200, &json!("listed")), "{view}");
        assert_eq!(
            hash_states(&server, &again, &again_secret),
            [json!("listed")]
        );
    }
}

#[test]
fn a_second_case_sees_only_what_follows_from_its_own_report() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let (first, first_secret) = server.report(&report_of(&[pdq(1)], &[]));
        let id = *server.replay_list(&key, 10).keys().next().unwrap();
        let matched =
            json!({"items": [{"id": id, "matched": 5, "removed": 2, "blocked_upload": 1}]});
        assert_eq!(
            server.post_json("/api/v1/feedback", Some(&key), &matched).0,
            200
        );

        // Someone else (perhaps the person threatening the young person) reports the
        // same picture, and a picture nobody reported before.
        let (second, second_secret) = server.report(&report_of(&[pdq(1)], &[]));
        let (fresh, fresh_secret) = server.report(&report_of(&[pdq(2)], &[]));
        let (_, seen) = server.get(&format!("/api/v1/reports/{second}"), Some(&second_secret));
        let (_, new) = server.get(&format!("/api/v1/reports/{fresh}"), Some(&fresh_secret));
        let zero = json!({"matched": 0, "removed": 0, "blocked_upload": 0});
        assert_eq!(seen["platform_outcomes"], zero, "{seen}");
        assert_eq!(seen["hashes"][0]["outcomes"], zero, "{seen}");
        assert_eq!(seen["hashes"][0]["state"], new["hashes"][0]["state"]);
        assert_eq!(new["platform_outcomes"], zero);

        // Outcomes after the second report count for both cases.
        let later = json!({"items": [{"id": id, "matched": 1}]});
        assert_eq!(
            server.post_json("/api/v1/feedback", Some(&key), &later).0,
            200
        );
        let (_, seen) = server.get(&format!("/api/v1/reports/{second}"), Some(&second_secret));
        assert_eq!(seen["platform_outcomes"]["matched"], 1, "{seen}");
        let (_, own) = server.get(&format!("/api/v1/reports/{first}"), Some(&first_secret));
        assert_eq!(
            own["platform_outcomes"],
            json!({"matched": 6, "removed": 2, "blocked_upload": 1})
        );
    }
}

#[test]
fn a_guarded_or_rejected_picture_looks_like_any_other_awaiting_checks() {
    let db = Database::sqlite();
    let benign = pdq(99);
    let guard = db.dir.path().join("guard.txt");
    std::fs::write(&guard, format!("{benign}\n")).unwrap();
    let server = Server::start(
        &db,
        &[
            "--guard-list",
            guard.to_str().unwrap(),
            "--listing-policy",
            "hold-for-analyst",
        ],
    );
    let analyst = add("analyst", "A", &db);
    let (rejected_case, _) = server.report(&report_of(&[pdq(3)], &[]));
    let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
    let rejected = queue[0]["id"].as_i64().unwrap();
    assert_eq!(queue[0]["case_ids"], json!([rejected_case]));
    let (status, _) = server.post_json(
        &format!("/api/v1/analyst/entries/{rejected}/decision"),
        Some(&analyst),
        &json!({"decision": "reject"}),
    );
    assert_eq!(status, 200);

    let (guarded, guarded_secret) = server.report(&report_of(&[benign], &[]));
    let (again, again_secret) = server.report(&report_of(&[pdq(3)], &[]));
    let (fresh, fresh_secret) = server.report(&report_of(&[pdq(4)], &[]));
    let look = |case_id: &str, secret: &str| {
        let (_, mut case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(secret));
        for field in ["case_id", "created_at"] {
            case.as_object_mut().unwrap().remove(field);
        }
        for hash in case["hashes"].as_array_mut().unwrap() {
            hash.as_object_mut().unwrap().remove("value");
        }
        case
    };
    let ordinary = look(&fresh, &fresh_secret);
    assert_eq!(ordinary["hashes"][0]["state"], "pending");
    assert_eq!(look(&guarded, &guarded_secret), ordinary);
    assert_eq!(look(&again, &again_secret), ordinary);

    // A decision made after the case reported is the case's own: it is shown.
    let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
    let fresh_id = queue[0]["id"].as_i64().unwrap();
    server.post_json(
        &format!("/api/v1/analyst/entries/{fresh_id}/decision"),
        Some(&analyst),
        &json!({"decision": "reject"}),
    );
    server.post_json(
        &format!("/api/v1/analyst/entries/{rejected}/decision"),
        Some(&analyst),
        &json!({"decision": "reject", "note": "looked again"}),
    );
    assert_eq!(
        hash_states(&server, &fresh, &fresh_secret),
        [json!("not_listed")]
    );
    assert_eq!(
        hash_states(&server, &again, &again_secret),
        [json!("not_listed")]
    );
}

#[test]
fn feed_reads_are_counted_per_partner_per_hour() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        server.report(&report_of(&[pdq(1)], &[]));
        for after in 0..12 {
            let (status, _) =
                server.get(&format!("/api/v1/hashlist?after={}", after % 2), Some(&key));
            assert_eq!(status, 200);
        }
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let reads: Vec<&Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["actor"] == "P" && r["action"] != "partner_added")
            .collect();
        assert_eq!(reads.len(), 1, "{audit}");
        let row = reads[0];
        assert_eq!(row["action"], "hashlist_reads", "{row}");
        assert_eq!(row["count"], 12, "{row}");
        assert_eq!(row["detail"], Value::Null, "no cursor: {row}");
        let at = row["at"].as_i64().unwrap();
        assert_eq!(at % 3_600_000, 0, "to the hour: {row}");
        // Decisions and case reads stay rows of their own.
        let (case_id, _) = server.report(&report_of(&[pdq(2)], &[]));
        server.get(&format!("/api/v1/analyst/cases/{case_id}"), Some(&analyst));
        server.get(&format!("/api/v1/analyst/cases/{case_id}"), Some(&analyst));
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let case_reads = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "case_read")
            .count();
        assert_eq!(case_reads, 2);
    }
}
