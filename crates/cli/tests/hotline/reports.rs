//! A report's life: sent, seen by partners, shown to its reporter, withdrawn.

use crate::support::*;
use serde_json::json;

#[test]
fn a_report_is_listed_shown_and_withdrawn() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "Example Platform", &db);
        let hashes = [pdq(1), pdq(2)];
        let mut body = report_of(&hashes, &["https://example.com/seen-here"]);
        body["hashes"]
            .as_array_mut()
            .unwrap()
            .push(json!({"algorithm": "sha256", "value": "ab".repeat(32)}));
        let (case_id, secret) = server.report(&body);
        assert_eq!(case_id.len(), 14);

        let list = server.replay_list(&key, 1000);
        assert_eq!(list.len(), 3);
        assert!(list.values().all(|(_, _, verified)| !verified));

        let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["state"], "open");
        assert_eq!(case["hashes"].as_array().unwrap().len(), 3);
        assert!(
            case["hashes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["state"] == "listed")
        );
        assert_eq!(case["urls"][0]["url"], "https://example.com/seen-here");
        assert_eq!(case["urls"][0]["state"], "reported");

        // Typed in lower case without dashes, as someone might on a phone.
        let typed = secret.to_lowercase().replace('-', "");
        let (status, _) = server.get(
            &format!("/api/v1/reports/{}", case_id.to_lowercase()),
            Some(&typed),
        );
        assert_eq!(status, 200);

        // What platforms report back reaches the reporter as counts.
        let entry = *list.keys().next().unwrap();
        let (status, answer) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"items": [{"id": entry, "matched": 4, "removed": 3, "blocked_upload": 2}]}),
        );
        assert_eq!(status, 200, "{answer}");
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(
            case["platform_outcomes"],
            json!({"matched": 4, "removed": 3, "blocked_upload": 2})
        );

        let (status, case) = server.delete(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["state"], "withdrawn");
        assert!(
            case["hashes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["state"] == "withdrawn")
        );
        assert!(
            server.replay_list(&key, 2).is_empty(),
            "withdrawn hashes leave the list"
        );
        // Withdrawing twice is not an error.
        assert_eq!(
            server
                .delete(&format!("/api/v1/reports/{case_id}"), Some(&secret))
                .0,
            200
        );
    }
}

#[test]
fn a_hash_reported_twice_stays_listed_until_both_are_withdrawn() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let shared = pdq(7);
    let (first, first_secret) = server.report(&report_of(std::slice::from_ref(&shared), &[]));
    let (second, second_secret) = server.report(&report_of(&[shared.clone(), pdq(8)], &[]));
    assert_eq!(server.replay_list(&key, 10).len(), 2);
    server.delete(&format!("/api/v1/reports/{first}"), Some(&first_secret));
    let list = server.replay_list(&key, 10);
    assert!(
        list.values().any(|(_, value, _)| *value == shared),
        "still reported by the second case"
    );
    server.delete(&format!("/api/v1/reports/{second}"), Some(&second_secret));
    assert!(server.replay_list(&key, 10).is_empty());
    // Reported again after every report was withdrawn: listed again.
    server.report(&report_of(std::slice::from_ref(&shared), &[]));
    assert_eq!(server.replay_list(&key, 10).len(), 1);
}

#[test]
fn unknown_cases_and_wrong_secrets_look_the_same_and_guessing_is_throttled() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--failed-case-lookups-per-source-per-hour", "3"]);
    let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
    let (status_a, wrong_secret) = server.get(
        &format!("/api/v1/reports/{case_id}"),
        Some("AAAAA-BBBBB-CCCCC-DDDDD"),
    );
    let (status_b, unknown_case) = server.get("/api/v1/reports/0000-0000-0000", Some(&secret));
    assert_eq!((status_a, status_b), (404, 404));
    assert_eq!(wrong_secret, unknown_case);
    assert_eq!(wrong_secret["error"]["code"], "case_not_found");
    let (status, _) = server.delete(&format!("/api/v1/reports/{case_id}"), Some("nope"));
    assert_eq!(status, 404, "a wrong secret cannot withdraw");
    // Three failures: now a wrong secret, or an unknown case, is refused as too many...
    let (status, body) = server.get(
        &format!("/api/v1/reports/{case_id}"),
        Some("AAAAA-BBBBB-CCCCC-DDDDD"),
    );
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    let (status, unknown) = server.get("/api/v1/reports/0000-0000-0001", Some(&secret));
    assert_eq!((status, &unknown), (429, &body));
    // ...while the right secret still opens the case.
    let (status, body) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    assert_eq!(status, 200, "{body}");
    // No secret at all: 401, saying how to send it.
    let (status, body) = server.get(&format!("/api/v1/reports/{case_id}"), None);
    assert_eq!(status, 401, "{body}");
}

/// Many people behind one address (a school, a mobile network's NAT) share a source: their
/// mistakes must not lock a young person out of their own case.
#[test]
fn a_shared_address_cannot_lock_a_young_person_out_of_their_case() {
    for db in Database::all() {
        let server = Server::start(
            &db,
            &[
                "--failed-case-lookups-per-source-per-hour",
                "3",
                "--failed-case-lookups-per-case-per-hour",
                "10",
            ],
        );
        let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
        // Others on the same address get twenty case numbers wrong.
        for n in 0..20 {
            let (status, body) =
                server.get(&format!("/api/v1/reports/0000-0000-{n:04}"), Some(&secret));
            let expected = if n < 3 { 404 } else { 429 };
            assert_eq!(status, expected, "attempt {n}: {body}");
        }
        let path = format!("/api/v1/reports/{case_id}");
        let (status, body) = server.get(&path, Some(&secret));
        assert_eq!(status, 200, "{body}");
        let (status, body) = server.delete(&path, Some(&secret));
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "withdrawn", "{body}");
    }
}

/// Guessing one case's secret from many addresses is bounded by a limit on the case number;
/// other cases are not affected, and an unknown case number is locked alike.
#[test]
fn failures_against_one_case_number_from_many_sources_lock_only_that_case() {
    for db in Database::all() {
        let server = Server::start(
            &db,
            &[
                "--trust-forwarded-for",
                "--failed-case-lookups-per-source-per-hour",
                "2",
                "--failed-case-lookups-per-case-per-hour",
                "4",
            ],
        );
        let (target, target_secret) = server.report(&report_of(&[pdq(1)], &[]));
        let (other, other_secret) = server.report(&report_of(&[pdq(2)], &[]));
        let unknown = "ZZZZ-ZZZZ-ZZZZ";
        let wrong = "AAAAA-BBBBB-CCCCC-DDDDD";
        // Four sources, one wrong guess each at the target and at the unknown number.
        for n in 1..=4 {
            let address = format!("198.51.100.{n}");
            for case in [&target, unknown] {
                let (status, body) =
                    server.get_from(&address, &format!("/api/v1/reports/{case}"), Some(wrong));
                assert_eq!(status, 404, "{case} from source {n}: {body}");
            }
        }
        // Now neither number opens, from a fresh source, even with the right secret...
        let fresh = "203.0.113.7";
        let (status, locked) = server.get_from(
            fresh,
            &format!("/api/v1/reports/{target}"),
            Some(&target_secret),
        );
        assert_eq!(status, 429, "{locked}");
        assert_eq!(locked["error"]["code"], "too_many_attempts");
        let (status, unknown_locked) =
            server.get_from(fresh, &format!("/api/v1/reports/{unknown}"), Some(wrong));
        assert_eq!(
            (status, &unknown_locked),
            (429, &locked),
            "a real case and an unknown number are locked alike"
        );
        let (status, _) = request_with_headers(
            "DELETE",
            &server.url(&format!("/api/v1/reports/{target}")),
            Some(&target_secret),
            None,
            &[("x-forwarded-for", fresh)],
        );
        assert_eq!(status, 429, "nor can it be withdrawn");
        // ...while another case opens, from any of those sources, the fresh one included.
        for address in ["198.51.100.1", fresh] {
            let (status, body) = server.get_from(
                address,
                &format!("/api/v1/reports/{other}"),
                Some(&other_secret),
            );
            assert_eq!(status, 200, "from {address}: {body}");
        }
    }
}

#[test]
fn reports_from_one_source_are_throttled() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--reports-per-source-per-hour", "2"]);
    server.report(&report_of(&[pdq(1)], &[]));
    server.report(&report_of(&[pdq(2)], &[]));
    let (status, body) = server.post_json("/api/v1/reports", None, &report_of(&[pdq(3)], &[]));
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_reports");
}

#[test]
fn logs_hold_no_secrets_keys_hashes_or_addresses() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    let hash = pdq(42);
    let (case_id, secret) = server.report(&report_of(
        std::slice::from_ref(&hash),
        &["https://example.com/private"],
    ));
    server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    server.get(&format!("/api/v1/reports/{case_id}"), Some("WRONG-SECRET"));
    server.get("/api/v1/hashlist", Some(&key));
    server.get("/api/v1/analyst/queue", Some(&analyst));
    server.post_json("/api/v1/reports", None, &json!({"reporter": "young_person", "hashes": [{"algorithm": "pdq", "value": hash, "quality": 10}], "under_18": true, "consent_to_share": true}));
    server.delete(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    let logs = server.logs();
    assert!(
        logs.contains("\"route\":\"/api/v1/reports\""),
        "requests are logged: {logs}"
    );
    for private in [
        &*secret,
        &*key,
        &*analyst,
        &*hash,
        "127.0.0.1",
        "example.com/private",
        &*case_id,
    ] {
        assert!(
            !logs.contains(private),
            "the log contains {private}:\n{logs}"
        );
    }
}

#[test]
fn operations_endpoints_answer() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    server.report(&report_of(&[pdq(1)], &[]));
    let (status, health) = server.get("/healthz", None);
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));

    let (status, spec) = server.get("/api/v1/openapi.json", None);
    assert_eq!(status, 200);
    let paths = spec["paths"].as_object().unwrap();
    for path in [
        "/api/v1/reports",
        "/api/v1/reports/{case_id}",
        "/api/v1/hashlist",
        "/api/v1/feedback",
        "/api/v1/analyst/queue",
        "/api/v1/analyst/entries/{id}/decision",
        "/api/v1/analyst/urls",
        "/api/v1/analyst/urls/{id}/assessment",
        "/api/v1/analyst/cases/{case_id}",
        "/api/v1/analyst/audit",
    ] {
        assert!(paths.contains_key(path), "OpenAPI lacks {path}");
    }

    let metrics = ureq::get(server.url("/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(
        metrics.contains("takeback_reports_accepted_total"),
        "{metrics}"
    );
    assert!(
        metrics.contains("takeback_list_entries{state=\"listed\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("takeback_http_request_duration_seconds"),
        "{metrics}"
    );

    let (status, body) = server.get("/api/v1/no/such/route", None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[test]
fn the_server_stops_cleanly_on_sigterm() {
    let db = Database::sqlite();
    let mut server = Server::start(&db, &[]);
    let (case_id, secret) = server.report(&report_of(&[pdq(1)], &[]));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.wait();
    assert!(exit.success(), "{exit:?}\n{}", server.logs());
    assert!(server.logs().contains("shutting down"));
    server.restart();
    assert_eq!(
        server
            .get(&format!("/api/v1/reports/{case_id}"), Some(&secret))
            .0,
        200
    );
}
