//! Reported web addresses become takedown items (issue 16 items 1, 2, 6): one item per
//! address however it is spelt, an analyst's assessment, withdrawals, what the reporter
//! sees, and the audit log. On SQLite, and on PostgreSQL when it is configured.

use crate::support::*;
use serde_json::{Value, json};

/// The analyst's list of items, all states.
fn items(server: &Server, analyst: &str) -> Vec<Value> {
    let (status, items) = server.get("/api/v1/analyst/urls", Some(analyst));
    assert_eq!(status, 200, "{items}");
    items.as_array().unwrap().clone()
}

fn item_for<'a>(items: &'a [Value], url: &str) -> &'a Value {
    items
        .iter()
        .find(|item| item["url"] == url)
        .unwrap_or_else(|| panic!("no item for {url}: {items:?}"))
}

fn case_urls(server: &Server, case_id: &str, secret: &str) -> Vec<Value> {
    let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(secret));
    assert_eq!(status, 200, "{case}");
    case["urls"].as_array().unwrap().clone()
}

/// The audit log's rows of one action.
fn audit_rows(server: &Server, analyst: &str, action: &str) -> Vec<Value> {
    let (status, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(analyst));
    assert_eq!(status, 200, "{audit}");
    let rows = audit.as_array().unwrap().iter();
    rows.filter(|row| row["action"] == action)
        .cloned()
        .collect()
}

fn adult_report(urls: &[&str]) -> Value {
    json!({
        "reporter": "trusted_adult",
        "urls": urls,
        "under_18": true,
        "consent_to_share": true,
    })
}

/// A server whose notices about `.example` hosts go to an e-mail address with no SMTP
/// server set: an actionable item then stays `actionable`, its notice waiting.
fn server_noticing_by_email(db: &Database) -> Server {
    let contacts = db.dir.path().join("contacts.toml");
    std::fs::write(
        &contacts,
        "[[contact]]\nhost = \".example\"\nemail = \"abuse@hosting.test\"\n",
    )
    .unwrap();
    Server::start(
        db,
        &["--takedown-contacts-file", contacts.to_str().unwrap()],
    )
}

fn assess(server: &Server, analyst: &str, id: &Value, body: &Value) -> (u16, Value) {
    server.post_json(
        &format!("/api/v1/analyst/urls/{id}/assessment"),
        Some(analyst),
        body,
    )
}

#[test]
fn one_item_per_address_however_it_is_spelt() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let analyst = add("analyst", "Ana", &db);
        let (first, first_secret) = server.report(&report_of(
            &[pdq(1)],
            &[
                "https://Example.COM:443/gallery/Pic.jpg?size=Large#top",
                "https://bücher.example/seite",
                "http://example.net:80/a",
                "https://example.net:8443/a",
            ],
        ));
        let (second, _) = server.report(&adult_report(&[
            "HTTPS://example.com/gallery/Pic.jpg?size=Large",
            "https://XN--BCHER-KVA.example/seite#x",
            "http://EXAMPLE.net/a",
        ]));
        // Two spellings in one report are one address of that report.
        let (third, third_secret) = server.report(&adult_report(&[
            "https://example.org/x",
            "https://EXAMPLE.org/x#again",
        ]));
        assert_eq!(case_urls(&server, &third, &third_secret).len(), 1);

        let items = items(&server, &analyst);
        assert_eq!(items.len(), 5, "{items:?}");
        let pic = item_for(&items, "https://example.com/gallery/Pic.jpg?size=Large");
        assert_eq!(pic["state"], "reported");
        assert_eq!(pic["host"], "example.com");
        let mut cases = vec![first.clone(), second.clone()];
        cases.sort();
        assert_eq!(pic["case_ids"], json!(cases), "{pic}");
        assert_eq!(
            pic["reporters"],
            json!({"young_person": 1, "trusted_adult": 1})
        );
        assert_eq!(pic["first_reported_at"].as_i64().unwrap() % 3600, 0);
        let idn = item_for(&items, "https://xn--bcher-kva.example/seite");
        assert_eq!(idn["host"], "xn--bcher-kva.example");
        assert_eq!(idn["case_ids"].as_array().unwrap().len(), 2);
        // The default port goes; another port is another address.
        let plain = item_for(&items, "http://example.net/a");
        assert_eq!(plain["case_ids"].as_array().unwrap().len(), 2);
        let other_port = item_for(&items, "https://example.net:8443/a");
        assert_eq!(other_port["case_ids"], json!([first]));
        // Context from the host's earlier items (none removed yet).
        assert_eq!(other_port["host_history"]["previous_items"], 1);
        assert_eq!(other_port["host_history"]["removed"], 0);
        assert_eq!(
            other_port["host_history"]["median_seconds_to_removal"],
            Value::Null
        );

        // Each reporter sees the address as they typed it, waiting to be checked.
        let urls = case_urls(&server, &first, &first_secret);
        assert_eq!(urls.len(), 4);
        assert!(
            urls.iter().all(|url| url["state"] == "reported"),
            "{urls:?}"
        );
        assert!(
            urls.iter()
                .any(|url| url["url"] == "https://Example.COM:443/gallery/Pic.jpg?size=Large#top")
        );

        // Filtering and paging.
        let (_, reported) = server.get("/api/v1/analyst/urls?state=reported", Some(&analyst));
        assert_eq!(reported.as_array().unwrap().len(), 5);
        let (_, none) = server.get("/api/v1/analyst/urls?state=removed", Some(&analyst));
        assert_eq!(none, json!([]));
        let (_, page) = server.get("/api/v1/analyst/urls?limit=2", Some(&analyst));
        assert_eq!(page.as_array().unwrap().len(), 2);
        let after = page[1]["id"].as_i64().unwrap();
        let (_, rest) = server.get(
            &format!("/api/v1/analyst/urls?after={after}&limit=10"),
            Some(&analyst),
        );
        assert_eq!(rest.as_array().unwrap().len(), 3);
        for (query, what) in [
            ("state=pending", "state must be one of reported, actionable"),
            ("limit=0", "limit"),
            ("after=x", "after"),
            ("colour=red", "colour"),
        ] {
            let (status, answer) =
                server.get(&format!("/api/v1/analyst/urls?{query}"), Some(&analyst));
            assert_eq!(status, 400, "{query}: {answer}");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(what), "{query}: {message}");
        }
    }
}

#[test]
fn an_address_the_url_parser_refuses_is_a_clear_422() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (status, answer) = server.post_json(
        "/api/v1/reports",
        None,
        &adult_report(&["https://ok.example/", "https://exa%mple.com/"]),
    );
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_url");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains('2'), "names the line: {message}");
}

#[test]
fn assessment_happy_path_bad_input_and_audit() {
    for db in Database::all() {
        let server = server_noticing_by_email(&db);
        let analyst = add("analyst", "Ana", &db);
        let (case_id, secret) = server.report(&adult_report(&[
            "https://host.example/one",
            "https://host.example/two",
        ]));
        let items = items(&server, &analyst);
        let one = item_for(&items, "https://host.example/one")["id"].clone();
        let two = item_for(&items, "https://host.example/two")["id"].clone();

        let (status, view) = assess(&server, &analyst, &one, &json!({"actionable": true}));
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["state"], "actionable");
        assert!(view["assessed_at"].is_i64(), "{view}");
        let reason = "This page is a search result, not the picture itself.";
        let (status, view) = assess(
            &server,
            &analyst,
            &two,
            &json!({"actionable": false, "reason": format!("  {reason} ")}),
        );
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["state"], "not_actionable");
        assert_eq!(view["reason"], reason);

        // The reporter sees each address's state, and why one cannot be acted on.
        let urls = case_urls(&server, &case_id, &secret);
        let of = |url: &str| urls.iter().find(|u| u["url"] == url).unwrap().clone();
        assert_eq!(
            of("https://host.example/one"),
            json!({"url": "https://host.example/one", "state": "actionable"})
        );
        assert_eq!(
            of("https://host.example/two"),
            json!({"url": "https://host.example/two", "state": "not_actionable", "reason": reason})
        );

        // Bad input, each with a clear answer; none changes anything.
        let long = "x".repeat(2001);
        let bad: Vec<(String, Value, u16, &str)> = vec![
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"actionable": false}),
                422,
                "needs a reason",
            ),
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"actionable": false, "reason": "   "}),
                422,
                "needs a reason",
            ),
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"actionable": false, "reason": long}),
                422,
                "at most 2000",
            ),
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"reason": "no decision"}),
                422,
                "actionable",
            ),
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"actionable": "yes"}),
                422,
                "wrong kind",
            ),
            (
                format!("/api/v1/analyst/urls/{two}/assessment"),
                json!({"actionable": true, "colour": "red"}),
                422,
                "colour",
            ),
            (
                "/api/v1/analyst/urls/999999/assessment".to_owned(),
                json!({"actionable": true}),
                404,
                "no reported address with id 999999",
            ),
            (
                "/api/v1/analyst/urls/abc/assessment".to_owned(),
                json!({"actionable": true}),
                400,
                "whole number",
            ),
        ];
        for (path, body, expected, words) in &bad {
            let (status, answer) = server.post_json(path, Some(&analyst), body);
            assert_eq!(status, *expected, "{path} {body}: {answer}");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(words), "{body}: {message}");
        }
        let (status, answer) = server.post_raw(
            &format!("/api/v1/analyst/urls/{two}/assessment"),
            "application/json",
            b"{\"actionable\": ",
        );
        assert_eq!(status, 401, "no token first: {answer}");
        let (status, _) = assess(
            &server,
            "tba_not-a-token",
            &two,
            &json!({"actionable": true}),
        );
        assert_eq!(status, 401);
        let partner = add("partner", "Platform", &db);
        let (status, _) = assess(&server, &partner, &two, &json!({"actionable": true}));
        assert_eq!(status, 403);
        let (_, view) = server.get("/api/v1/analyst/urls?state=not_actionable", Some(&analyst));
        assert_eq!(view[0]["reason"], reason, "unchanged: {view}");

        // A second look changes the decision.
        let (status, view) = assess(&server, &analyst, &two, &json!({"actionable": true}));
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["reason"], Value::Null);

        // Once every case withdrew it, it is too late to assess.
        let (status, _) = server.delete(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert_eq!(status, 200);
        let (status, answer) = assess(&server, &analyst, &one, &json!({"actionable": true}));
        assert_eq!(status, 409, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("withdrawn"),
            "{answer}"
        );

        // Every change is in the audit log, with who made it.
        let assessments = audit_rows(&server, &analyst, "takedown_assessment");
        assert_eq!(assessments.len(), 3, "{assessments:?}");
        assert!(assessments.iter().all(|row| row["actor"] == "Ana"));
        let detail: Value =
            serde_json::from_str(assessments[1]["detail"].as_str().unwrap()).unwrap();
        assert_eq!(
            detail,
            json!({"from": "reported", "to": "not_actionable", "reason": reason})
        );
        assert_eq!(
            assessments[1]["subject"],
            format!("takedown item {two}").as_str()
        );
        let state_rows = audit_rows(&server, &analyst, "takedown_state");
        let changes: Vec<Value> = state_rows
            .iter()
            .map(|row| serde_json::from_str(row["detail"].as_str().unwrap()).unwrap())
            .collect();
        assert_eq!(
            changes,
            vec![
                json!({"from": null, "to": "reported", "reason": null}),
                json!({"from": null, "to": "reported", "reason": null}),
                json!({"from": "actionable", "to": "withdrawn", "reason": null}),
                json!({"from": "actionable", "to": "withdrawn", "reason": null}),
            ],
            "{state_rows:?}"
        );
        // Changes a reporter causes are dated to the hour, as reports are.
        assert!(
            state_rows
                .iter()
                .all(|row| row["at"].as_i64().unwrap() % 3_600_000 == 0)
        );
        assert!(!audit_rows(&server, &analyst, "urls_read").is_empty());
    }
}

#[test]
fn withdrawing_one_of_two_cases_withdraws_its_link_only() {
    for db in Database::all() {
        let server = server_noticing_by_email(&db);
        let analyst = add("analyst", "Ana", &db);
        let shared = "https://shared.example/p";
        let (a, a_secret) = server.report(&adult_report(&[shared, "https://only-a.example/"]));
        let (b, b_secret) = server.report(&report_of(&[pdq(7)], &["https://SHARED.example/p"]));
        let id = item_for(&items(&server, &analyst), shared)["id"].clone();
        let (status, _) = assess(&server, &analyst, &id, &json!({"actionable": true}));
        assert_eq!(status, 200);

        let (status, _) = server.delete(&format!("/api/v1/reports/{a}"), Some(&a_secret));
        assert_eq!(status, 200);
        let items = items(&server, &analyst);
        let item = item_for(&items, shared);
        assert_eq!(item["state"], "actionable", "b still asks: {item}");
        assert_eq!(item["case_ids"], json!([b]));
        assert_eq!(item["withdrawn_cases"], 1);
        assert_eq!(
            item_for(&items, "https://only-a.example/")["state"],
            "withdrawn"
        );
        // Each case sees its own side.
        let a_urls = case_urls(&server, &a, &a_secret);
        assert!(
            a_urls.iter().all(|u| u["state"] == "withdrawn"),
            "{a_urls:?}"
        );
        assert_eq!(case_urls(&server, &b, &b_secret)[0]["state"], "actionable");

        // The last link withdrawn: the item is withdrawn.
        let (status, _) = server.delete(&format!("/api/v1/reports/{b}"), Some(&b_secret));
        assert_eq!(status, 200);
        let item = item_for(&crate::takedown::items(&server, &analyst), shared).clone();
        assert_eq!(item["state"], "withdrawn");
        assert_eq!(item["case_ids"], json!([]));
        assert_eq!(item["withdrawn_cases"], 2);

        // Reported again: back for an assessment, and the new case sees only that.
        let (c, c_secret) = server.report(&adult_report(&[shared]));
        let item = item_for(&crate::takedown::items(&server, &analyst), shared).clone();
        assert_eq!(item["state"], "reported");
        assert_eq!(item["case_ids"], json!([c]));
        assert_eq!(
            case_urls(&server, &c, &c_secret),
            vec![json!({"url": shared, "state": "reported"})]
        );
    }
}

#[test]
fn not_actionable_is_looked_at_again_when_reported_again() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let analyst = add("analyst", "Ana", &db);
    let (a, a_secret) = server.report(&adult_report(&["https://x.example/"]));
    let id = items(&server, &analyst)[0]["id"].clone();
    let (status, _) = assess(
        &server,
        &analyst,
        &id,
        &json!({"actionable": false, "reason": "Nothing is shown here."}),
    );
    assert_eq!(status, 200);
    // A new report: the new reporter is not told of an earlier decision.
    let (b, b_secret) = server.report(&adult_report(&["https://x.example"]));
    assert_eq!(
        case_urls(&server, &b, &b_secret),
        vec![json!({"url": "https://x.example", "state": "reported"})]
    );
    assert_eq!(case_urls(&server, &a, &a_secret)[0]["state"], "reported");
    let item = items(&server, &analyst)[0].clone();
    assert_eq!(item["state"], "reported");
    assert_eq!(
        item["reason"], "Nothing is shown here.",
        "kept for the analyst"
    );
}

#[test]
fn the_status_page_has_kind_words_for_every_state() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let (status, _, _, page) = get_page(&server.url("/status"));
    assert_eq!(status, 200);
    for words in [
        "Waiting to be checked",
        "We're going to ask the website to remove it.",
        // The scripts' words, with the reason and dates put in on the page.
        "We couldn't act on this address. ",
        "We're finding out who to ask to remove it.",
        "We asked the website to remove it on ",
        "It's still there, so we're asking again.",
        "someone on our team is following it up.",
        "The website removed it on ",
    ] {
        assert!(page.contains(words), "the status page lacks {words:?}");
    }
    // Nothing that would tell a reporter that someone else reported the address.
    assert!(!page.to_lowercase().contains("someone else"));
}

#[test]
fn addresses_stored_before_items_existed_are_moved_into_items() {
    for db in Database::all() {
        let mut server = Server::start(&db, &[]);
        let analyst = add("analyst", "Ana", &db);
        let (a, a_secret) = server.report(&report_of(&[pdq(1)], &[]));
        let (b, b_secret) = server.report(&report_of(&[pdq(2)], &[]));
        server.kill();
        // What the hotline stored per report before: one row per case and address.
        let hour = 1_764_000_000_000_i64 / 3_600_000 * 3_600_000;
        // Written directly, as an older hotline would have.
        rows(
            &db.url,
            &format!(
                "INSERT INTO case_urls (case_id, url, state, created_at) VALUES \
                 ('{a}', 'HTTPS://Old.example:443/p#f', 'pending', {hour}), \
                 ('{b}', 'https://old.example/p', 'withdrawn', {}), \
                 ('{b}', 'https://gone.example/', 'withdrawn', {hour})",
                hour + 3_600_000
            ),
        );
        rows(
            &db.url,
            &format!(
                "UPDATE cases SET state = 'withdrawn', withdrawn_at = {} WHERE id = '{b}'",
                hour + 7_200_000
            ),
        );
        server.restart();
        let items = items(&server, &analyst);
        assert_eq!(items.len(), 2, "{items:?}");
        let old = item_for(&items, "https://old.example/p");
        assert_eq!(old["state"], "reported");
        assert_eq!(old["case_ids"], json!([a]));
        assert_eq!(old["withdrawn_cases"], 1);
        assert_eq!(old["first_reported_at"], hour / 1000);
        assert_eq!(old["last_reported_at"], hour / 1000 + 3600);
        assert_eq!(
            item_for(&items, "https://gone.example/")["state"],
            "withdrawn"
        );
        assert_eq!(
            case_urls(&server, &a, &a_secret),
            vec![json!({"url": "HTTPS://Old.example:443/p#f", "state": "reported"})]
        );
        assert!(
            case_urls(&server, &b, &b_secret)
                .iter()
                .all(|u| u["state"] == "withdrawn")
        );
        // Once moved, a second start finds nothing more to move.
        server.restart();
        assert_eq!(crate::takedown::items(&server, &analyst).len(), 2);
        let moved = audit_rows(&server, &analyst, "takedown_items_migrated");
        assert_eq!(moved.len(), 1, "{moved:?}");
        assert_eq!(
            moved[0]["detail"].as_str().unwrap(),
            r#"{"addresses":3,"items":2}"#
        );
    }
}

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn two_servers_reporting_one_address_make_one_item() {
    let db = Database::postgres_required();
    let servers = [Server::start(&db, &[]), Server::start(&db, &[])];
    let analyst = add("analyst", "Ana", &db);
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let spellings = [
        "https://race.example/p",
        "HTTPS://RACE.example:443/p#x",
        "https://race.example/p#y",
    ];
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let bases = bases.clone();
            std::thread::spawn(move || {
                let mut open = 0;
                for i in 0..15usize {
                    let base = &bases[(w + i) % 2];
                    let urls = [spellings[(w + i) % 3], "https://race.example/other"];
                    let (case, secret) = report_to(base, &adult_report(&urls));
                    if i % 3 == 2 {
                        // Withdrawn through the other server, racing the reports.
                        withdraw_at(&bases[(w + i + 1) % 2], &case, &secret);
                    } else {
                        open += 1;
                    }
                }
                open
            })
        })
        .collect();
    let open: i64 = writers.into_iter().map(|w| w.join().unwrap()).sum();
    let items = items(&servers[0], &analyst);
    assert_eq!(items.len(), 2, "{items:?}");
    for item in &items {
        assert_eq!(item["state"], "reported", "{item}");
        assert_eq!(item["case_ids"].as_array().unwrap().len() as i64, open);
        assert_eq!(item["withdrawn_cases"].as_i64().unwrap(), 60 - open);
    }
}
