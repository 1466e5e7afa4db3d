//! The console's dashboard, cases and audit log, as a browser without JavaScript uses them:
//! the figures that need attention, the charts with their tables, a case found by its
//! reference (and its read audited), the audit log filtered and exported as CSV, and the
//! bad filters refused.

use crate::console::Browser;
use crate::support::*;
use serde_json::json;

/// The number shown in the dashboard card whose text ends with `label`.
fn figure(page: &str, label: &str) -> i64 {
    let end = page
        .find(&format!(" {label}</a>"))
        .unwrap_or_else(|| panic!("no figure for {label}:\n{page}"));
    let marker = "<span class=\"figure\">";
    let start = page[..end].rfind(marker).unwrap() + marker.len();
    let number = &page[start..];
    number[..number.find("</span>").unwrap()].parse().unwrap()
}

#[test]
fn the_dashboard_shows_what_needs_attention_and_how_the_service_is_doing() {
    for db in Database::all() {
        // Service figures read on every request, so that the test sees each change.
        let config = db.dir.path().join("hotline.toml");
        std::fs::write(&config, "[console]\ndashboard_refresh = \"0s\"\n").unwrap();
        let server = Server::start(
            &db,
            &[
                "--listing-policy",
                "hold-for-analyst",
                "--config",
                config.to_str().unwrap(),
            ],
        );
        let analyst = add("analyst", "dana", &db);
        let key = add("partner", "Example Video", &db);
        // Two held entries and an address to assess.
        server.report(&report_of(
            &[pdq(1), pdq(2)],
            &["https://videos.example/watch/1"],
        ));
        let mut browser = Browser::new(&server);
        browser.sign_in(&analyst);
        let page = browser.get("/console/dashboard").body;
        assert_eq!(figure(&page, "held for review"), 2);
        assert_eq!(figure(&page, "suspended"), 0);
        assert_eq!(figure(&page, "to assess"), 1);
        assert_eq!(figure(&page, "escalated"), 0);
        assert_eq!(figure(&page, "with notices failing"), 0);
        // Each figure links to the page that handles it, and those pages know the filter.
        for link in [
            "/console/queue?state=held",
            "/console/queue?state=suspended",
            "/console/addresses?state=assess",
            "/console/addresses?state=escalated",
            "/console/addresses?state=failing",
        ] {
            assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
            let answer = browser.get(link);
            assert_eq!(answer.status, 200, "{link}: {}", answer.body);
        }
        let queue = browser.get("/console/addresses?state=assess").body;
        assert!(queue.contains("videos.example"), "{queue}");

        // List one entry; the partner syncs and reports a match and a removal.
        let (status, held) = server.get("/api/v1/analyst/queue", Some(&analyst));
        assert_eq!(status, 200);
        let id = held[0]["id"].as_i64().unwrap();
        let (status, body) = server.post_json(
            &format!("/api/v1/analyst/entries/{id}/decision"),
            Some(&analyst),
            &json!({"decision": "list"}),
        );
        assert_eq!(status, 200, "{body}");
        server.replay_list(&key, 10);
        let (status, body) = server.post_json(
            "/api/v1/feedback",
            Some(&key),
            &json!({"items": [{"id": id, "matched": 3, "removed": 2}]}),
        );
        assert_eq!(status, 200, "{body}");

        let page = browser.get("/console/dashboard").body;
        assert_eq!(figure(&page, "held for review"), 1);
        assert!(
            page.contains("<span class=\"figure\">1</span> entry on the list now"),
            "{page}"
        );
        // The partner's row: name, a sync this hour, matched 3, removed 2, blocked 0, false
        // positives 0.
        let row_start = page.find("<th scope=\"row\">Example Video</th>").unwrap();
        let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
        assert!(
            row.ends_with("<td>3</td><td>2</td><td>0</td><td>0</td>"),
            "{row}"
        );
        assert!(!row.contains("<td>—</td>"), "a sync is shown: {row}");
        // Today's report and today's listing in the daily table.
        let today = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        let today = page
            .find(&format!("<tr><th scope=\"row\">{}</th>", &today[..10]))
            .unwrap();
        let today = &page[today..today + page[today..].find("</tr>").unwrap()];
        assert!(today.ends_with("<td>1</td><td>1</td><td>0</td>"), "{today}");

        // Weeks run from Monday.
        let weeks = &page[page.find("Week from").unwrap()..];
        let first_week = &weeks[weeks.find("<th scope=\"row\">").unwrap() + 16..][..10];
        let monday = humantime::parse_rfc3339(&format!("{first_week}T00:00:00Z")).unwrap();
        let days = monday
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            / 86_400;
        assert_eq!(days % 7, 4, "{first_week} is a Monday");

        assert!(page.contains("As of "), "{page}");

        // Three charts, each an accessible SVG beside a table; nothing loaded.
        assert_eq!(page.matches("<svg ").count(), 3, "{page}");
        assert_eq!(page.matches("role=\"img\"").count(), 3);
        for title in [
            "Reports per day, last 30 days",
            "Entries added to and removed from the list per day, last 30 days",
            "Time from first report to removal per week, last 12 weeks",
        ] {
            assert!(page.contains(&format!("aria-label=\"{title}\"")), "{title}");
        }
        for tag in ["<img", "<iframe", "<video", "<image", "<script>"] {
            assert!(!page.contains(tag), "{tag}");
        }
    }
}

#[test]
fn a_case_is_found_by_its_reference_and_its_read_is_audited() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let analyst = add("analyst", "erin", &db);
        let (case_id, _secret) =
            server.report(&report_of(&[pdq(7)], &["https://pictures.example/p/7"]));
        let mut browser = Browser::new(&server);
        browser.sign_in(&analyst);

        let cases = browser.get("/console/cases");
        assert_eq!(cases.status, 200);
        assert!(
            cases.body.contains(&format!("/console/cases/{case_id}\"")),
            "{}",
            cases.body
        );

        // The look-up form takes the reference as typed (lower case, spaces around it).
        let typed = format!("  {}  ", case_id.to_lowercase());
        let found = browser.get(&format!(
            "/console/cases?{}",
            serde_urlencoded::to_string([("reference", typed.as_str())]).unwrap()
        ));
        assert_eq!(found.status, 303, "{}", found.body);
        assert_eq!(found.location, format!("/console/cases/{case_id}"));

        let case = browser.get(&format!("/console/cases/{case_id}"));
        assert_eq!(case.status, 200, "{}", case.body);
        assert!(case.body.contains(&format!("Case {case_id}")));
        assert!(case.body.contains("Young person"), "{}", case.body);
        assert!(case.body.contains("/console/entries/"), "{}", case.body);
        // The address is its takedown item, by host; the address itself is not on the page.
        assert!(case.body.contains("/console/addresses/"), "{}", case.body);
        assert!(case.body.contains("pictures.example"));
        assert!(!case.body.contains("/p/7"), "{}", case.body);
        assert!(!case.body.contains("secret"), "{}", case.body);

        // The read is in the audit log under the analyst's name.
        let (status, audit) = server.get("/api/v1/analyst/audit", Some(&analyst));
        assert_eq!(status, 200);
        assert!(
            audit
                .as_array()
                .unwrap()
                .iter()
                .any(|line| line["action"] == "case_read"
                    && line["actor"] == "erin"
                    && line["subject"] == case_id.as_str()),
            "{audit}"
        );

        for missing in ["/console/cases/ABCD-EFGH-JKLM", "/console/cases/not-a-case"] {
            let answer = browser.get(missing);
            assert_eq!(answer.status, 404, "{missing}");
            assert!(answer.body.contains("no case with that reference"));
            assert!(answer.body.contains(">Sign out<"), "{}", answer.body);
        }
        let wrong = browser.get("/console/cases?reference=hello");
        assert_eq!(wrong.status, 404);
        assert!(wrong.body.contains("ABCD-EFGH-JKLM"), "{}", wrong.body);
        let bad_cursor = browser.get("/console/cases?before=soon&before_id=x");
        assert_eq!(bad_cursor.status, 400);
    }
}

#[test]
fn the_audit_log_is_filtered_and_exported_and_bad_filters_are_refused() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let analyst = add("analyst", "frank", &db);
        let (case_id, _) = server.report(&report_of(&[pdq(9)], &[]));
        let mut browser = Browser::new(&server);
        browser.sign_in(&analyst);
        assert_eq!(
            browser.get(&format!("/console/cases/{case_id}")).status,
            200
        );

        let all = browser.get("/console/audit");
        assert_eq!(all.status, 200);
        assert!(all.body.contains("case_read") && all.body.contains("analyst_added"));

        // By who and by what.
        let by_action = browser.get("/console/audit?action=case_read").body;
        assert!(by_action.contains(&case_id));
        assert!(!by_action.contains("analyst_added"), "{by_action}");
        let by_actor = browser.get("/console/audit?actor=nobody").body;
        assert!(by_actor.contains("No line matches."), "{by_actor}");
        let by_subject = browser
            .get(&format!("/console/audit?subject={case_id}"))
            .body;
        assert!(by_subject.contains("case_read"));

        // By day: today is in, a day in 2020 is not.
        let today =
            &humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10];
        let in_range = browser
            .get(&format!(
                "/console/audit?action=case_read&from={today}&to={today}"
            ))
            .body;
        assert!(in_range.contains(&case_id), "{in_range}");
        let long_ago = browser
            .get("/console/audit?action=case_read&from=2020-01-01&to=2020-01-31")
            .body;
        assert!(long_ago.contains("No line matches."), "{long_ago}");

        // The export: the same filter, as CSV with a header, newest first.
        let csv = browser.get("/console/audit.csv?action=case_read");
        assert_eq!(csv.status, 200, "{}", csv.body);
        let mut lines = csv.body.lines();
        assert_eq!(
            lines.next(),
            Some("id,at,actor_kind,actor,action,subject,detail,count")
        );
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 1, "{}", csv.body);
        assert!(rows[0].contains(&format!(",analyst,frank,case_read,{case_id},")));
        // The export is audited too.
        let exported = browser.get("/console/audit?action=audit_exported").body;
        assert!(exported.contains("frank"), "{exported}");

        for bad in [
            "/console/audit?from=yesterday",
            "/console/audit?from=2026-13-01",
            "/console/audit?to=2026-02-30",
            "/console/audit?from=2026-12-06&to=2026-12-01",
            "/console/audit?before=latest",
            "/console/audit.csv?from=06/12/2026",
        ] {
            let answer = browser.get(bad);
            assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
            assert!(answer.body.contains("Cannot do that"), "{bad}");
        }
        // Signed out, neither the log nor its export is there.
        let mut stranger = Browser::new(&server);
        assert_eq!(stranger.get("/console/audit").location, "/console");
        assert_eq!(stranger.get("/console/audit.csv").location, "/console");
    }
}

#[test]
fn the_service_figures_are_shared_and_read_again_in_the_background() {
    let db = Database::sqlite();
    let config = db.dir.path().join("hotline.toml");
    std::fs::write(&config, "[console]\ndashboard_refresh = \"3s\"\n").unwrap();
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let analyst = add("analyst", "quinn", &db);
    let mut browser = Browser::new(&server);
    browser.sign_in(&analyst);
    let list_size = |page: &str| -> i64 {
        let end = page.find("on the list now").unwrap();
        let start = page[..end].rfind("<span class=\"figure\">").unwrap() + 21;
        page[start..start + page[start..].find('<').unwrap()]
            .parse()
            .unwrap()
    };
    let first = browser.get("/console/dashboard").body;
    assert_eq!(list_size(&first), 0);
    assert!(first.contains("older than 3s"), "{first}");
    server.report(&report_of(&[pdq(11)], &[]));
    // Within the 3 seconds: the figures read before, though the entry is listed (the attention
    // counts are live).
    let cached = browser.get("/console/dashboard").body;
    assert_eq!(list_size(&cached), 0);
    // Once older, a dashboard starts a reading; a later one shows it.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    browser.get("/console/dashboard");
    let mut fresh = 0;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        fresh = list_size(&browser.get("/console/dashboard").body);
        if fresh == 1 {
            break;
        }
    }
    assert_eq!(fresh, 1);
}
