//! Reported addresses in the analyst console, as a browser without JavaScript uses it:
//! the queue by what each address needs, one address's page, the analyst's steps (assess,
//! re-check, send again, escalate, mark removed), notices delivered to a real webhook
//! receiver on loopback (`loopback.rs`), and an address that is only ever text.

use crate::console::{Answer, Browser, form_token};
use crate::loopback::*;
use crate::support::*;
use serde_json::Value;
use std::time::Duration;

/// A hotline whose addresses on localhost are noticed through `receiver`'s webhook.
fn start_noticing(db: &Database, receiver: &WebhookReceiver) -> Server {
    let contacts = format!(
        "[[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
        receiver.url()
    );
    // No e-mail contact: the SMTP server is never asked.
    let config = write_config(db.dir.path(), &contacts, "smtp://127.0.0.1:9", "");
    Server::start(db, &["--config", config.to_str().unwrap()])
}

/// Checks what every console page must hold to: the address never a link that opens
/// without `target="_blank"` and `rel="noreferrer"`, and nothing that loads a picture,
/// a video or a frame.
fn check_page(answer: &Answer, url: &str) {
    let body = &answer.body;
    for tag in [
        "<img", "<iframe", "<video", "<picture", "<object", "<embed", "<audio",
    ] {
        assert!(!body.contains(tag), "{tag} on a console page:\n{body}");
    }
    let escaped = html(url);
    for (start, _) in body.match_indices("<a ") {
        let end = body[start..]
            .find('>')
            .map_or(body.len(), |end| start + end);
        let tag = &body[start..end];
        let href = tag
            .split_once("href=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(href, _)| href)
            .unwrap_or_default();
        if href == url || href == escaped || href.starts_with("http") {
            assert!(
                tag.contains("target=\"_blank\"") && tag.contains("noreferrer"),
                "an address linked without a new tab and no referrer: {tag}"
            );
        }
    }
    // Nothing loaded from elsewhere (the page's own script is /console/assets/…).
    for attribute in [
        "src=\"http",
        "src=\"//",
        "srcset=",
        "action=\"http",
        "formaction=",
    ] {
        assert!(
            !body.contains(attribute),
            "{attribute} on a console page:\n{body}"
        );
    }
}

/// Text as the console's templates write it (minijinja escapes `/` too).
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The notices the receiver has seen (a failed delivery and its repeat are one notice).
fn notices_received(receiver: &WebhookReceiver) -> usize {
    let ids: std::collections::BTreeSet<String> = receiver
        .deliveries()
        .iter()
        .map(|delivery| delivery["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.len()
}

fn item_id(server: &Server, analyst: &str, url: &str) -> i64 {
    item(server, analyst, url)["id"].as_i64().unwrap()
}

/// The audit log's (actor, action) lines about takedown item `id`.
fn audited(server: &Server, analyst: &str, id: i64) -> Vec<(String, String)> {
    let (status, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(analyst));
    assert_eq!(status, 200, "{audit}");
    let subject = format!("takedown item {id}");
    audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["subject"] == subject.as_str())
        .map(|line| {
            (
                line["actor"].as_str().unwrap_or_default().to_owned(),
                line["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_address_is_assessed_noticed_escalated_and_marked_removed_in_the_console() {
    for db in Database::all() {
        let dir = db.dir.path();
        let site = Website::start(&dir.join("site"));
        let png = picture_png(21);
        std::fs::write(site.dir.join("a.png"), &png).unwrap();
        std::fs::write(site.dir.join("page.html"), b"<p>a search page</p>").unwrap();
        // The first delivery fails: the notice shows as failing, then is delivered.
        let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &["--fail-first", "1"]);
        let server = start_noticing(&db, &receiver);
        let analyst = add("analyst", "Ana", &db);
        let picture_url = site.url("localhost", "a.png");
        let page_url = site.url("localhost", "page.html");
        let (picture_text, page_text) = (html(&picture_url), html(&page_url));
        let (report, _) = report_of_picture(&png, &[&picture_url, &page_url]);
        server.report(&report);
        let picture = item_id(&server, &analyst, &picture_url);
        let search_page = item_id(&server, &analyst, &page_url);
        let requests_before = site.requests();

        let mut browser = Browser::new(&server);
        // Signed out, the pages go to the sign-in form.
        assert_eq!(browser.get("/console/addresses").location, "/console");
        browser.sign_in(&analyst);

        // Both addresses wait to be assessed, shown as text with their host.
        let queue = browser.get("/console/addresses");
        assert_eq!(queue.status, 200, "{}", queue.body);
        check_page(&queue, &picture_url);
        let to_assess = &queue.body[queue.body.find("id=\"group-assess\"").unwrap()
            ..queue.body.find("id=\"group-awaiting\"").unwrap()];
        for (id, url) in [(picture, &picture_text), (search_page, &page_text)] {
            assert!(
                to_assess.contains(&format!("href=\"/console/addresses/{id}\"")),
                "{}",
                queue.body
            );
            assert!(to_assess.contains(url.as_str()), "{}", queue.body);
        }
        assert!(to_assess.contains(">localhost<"), "{to_assess}");
        // Filtered by a GET form.
        assert!(queue.body.contains("<select id=\"state\" name=\"state\">"));
        let assess_only = browser.get("/console/addresses?state=assess");
        assert_eq!(assess_only.status, 200);
        assert!(assess_only.body.contains(&picture_text));
        let removed_only = browser.get("/console/addresses?state=removed");
        assert!(!removed_only.body.contains(&picture_text));
        assert_eq!(browser.get("/console/addresses?state=nonsense").status, 400);

        // One address: text only, and a deliberate link to open it.
        let page = browser.get(&format!("/console/addresses/{picture}"));
        assert_eq!(page.status, 200, "{}", page.body);
        check_page(&page, &picture_url);
        assert!(
            page.body.contains(&format!(
                "<code class=\"address-text\">{picture_text}</code>"
            )),
            "{}",
            page.body
        );
        let open_link = format!(
            "<a href=\"/console/addresses/{picture}/open\" target=\"_blank\" \
             rel=\"noreferrer noopener\" data-warn=\""
        );
        assert!(page.body.contains(&open_link), "{}", page.body);
        assert!(page.body.contains(">Open address in a new tab<"));
        assert!(page.body.contains(">Sign out<"));
        let csrf = form_token(&page.body);

        // Without JavaScript the link goes to a warning, which then offers the address.
        let warning = browser.get(&format!("/console/addresses/{picture}/open"));
        assert_eq!(warning.status, 200);
        check_page(&warning, &picture_url);
        assert!(warning.body.contains("child sexual abuse material"));
        assert!(
            warning.body.contains(&format!(
                "<a href=\"{picture_text}\" target=\"_blank\" rel=\"noreferrer noopener\""
            )),
            "{}",
            warning.body
        );
        // Nothing the console showed fetched the address.
        assert_eq!(site.requests(), requests_before);

        // A forged form does nothing.
        let assess = format!("/console/addresses/{picture}/assess");
        for forged in [
            vec![("assessment", "actionable")],
            vec![
                ("assessment", "actionable"),
                ("form_token", "0".repeat(64).as_str()),
            ],
        ] {
            let refused = browser.post(&assess, &forged);
            assert_eq!(refused.status, 403, "{}", refused.body);
            assert!(refused.body.contains("Form refused"));
        }
        assert_eq!(item(&server, &analyst, &picture_url)["state"], "reported");

        // Not actionable needs a reason, which the reporters will read.
        let search_assess = format!("/console/addresses/{search_page}/assess");
        let no_reason = browser.post(
            &search_assess,
            &[("form_token", &csrf), ("assessment", "not_actionable")],
        );
        assert_eq!(no_reason.status, 400, "{}", no_reason.body);
        let not_actionable = browser.post(
            &search_assess,
            &[
                ("form_token", &csrf),
                ("assessment", "not_actionable"),
                (
                    "reason",
                    "This page is a search result, not the picture itself.",
                ),
            ],
        );
        assert_eq!(not_actionable.status, 303, "{}", not_actionable.body);
        assert_eq!(
            not_actionable.location,
            format!("/console/addresses/{search_page}?done=assessed")
        );
        let closed = browser.get(&not_actionable.location);
        assert!(closed.body.contains("role=\"status\""));
        assert!(closed.body.contains("not actionable"));
        assert!(closed.body.contains("This page is a search result"));
        // A step its state does not allow: 409, with a clear message, and nothing done.
        for (step, words) in [
            ("removed", "marked removed"),
            ("notice-again", "noticed again"),
        ] {
            let refused = browser.post(
                &format!("/console/addresses/{search_page}/{step}"),
                &[("form_token", &csrf)],
            );
            assert_eq!(refused.status, 409, "{step}: {}", refused.body);
            assert!(
                refused
                    .body
                    .contains(&format!("is not actionable now, so it cannot be {words}")),
                "{}",
                refused.body
            );
        }
        let not_yet = browser.post(
            &format!("/console/addresses/{picture}/escalate"),
            &[("form_token", &csrf)],
        );
        assert_eq!(not_yet.status, 409, "{}", not_yet.body);
        assert!(
            not_yet.body.contains("is to assess now"),
            "{}",
            not_yet.body
        );

        // Actionable: the notice goes to the host's webhook.
        let actionable = browser.post(
            &assess,
            &[("form_token", &csrf), ("assessment", "actionable")],
        );
        assert_eq!(actionable.status, 303, "{}", actionable.body);
        let address_page = format!("/console/addresses/{picture}");
        // Its first delivery fails: the queue shows it among the failing notices.
        let mut failing = String::new();
        assert!(
            eventually(Duration::from_secs(30), || {
                failing = browser.get("/console/addresses?state=failing").body;
                failing.contains(&picture_text)
            }),
            "never failing: {failing}\n{}",
            server.logs()
        );
        let mut page = browser.get(&address_page);
        assert!(
            page.body.contains("failing, trying again") || page.body.contains("delivered"),
            "{}",
            page.body
        );
        // Then it is delivered, and the page says to whom, in how many attempts.
        assert!(
            eventually(Duration::from_secs(60), || {
                page = browser.get(&address_page);
                page.body.contains(">delivered<")
            }),
            "never delivered: {}\n{}",
            page.body,
            server.logs()
        );
        check_page(&page, &picture_url);
        assert!(page.body.contains(&html(&receiver.url())), "{}", page.body);
        assert!(
            page.body.contains("<td>2</td>"),
            "two attempts: {}",
            page.body
        );
        assert_eq!(
            receiver.deliveries().len(),
            2,
            "one failed delivery, then one"
        );
        assert_eq!(notices_received(&receiver), 1);
        // The delivery URL is text, not a link.
        assert!(
            !page
                .body
                .contains(&format!("href=\"{}", html(&receiver.url())))
        );
        let awaiting = browser.get("/console/addresses?state=awaiting");
        assert!(awaiting.body.contains(&picture_text), "{}", awaiting.body);

        // Re-check now: the picture is still there, and it is the reported one.
        let rechecked = browser.post(
            &format!("/console/addresses/{picture}/recheck"),
            &[("form_token", &csrf)],
        );
        assert_eq!(rechecked.status, 303, "{}", rechecked.body);
        let page = browser.get(&rechecked.location);
        assert!(page.body.contains("Ana (analyst)"), "{}", page.body);
        assert!(
            page.body.contains("content matches the report"),
            "{}",
            page.body
        );

        // Escalated by the analyst, with a reason.
        let escalated = browser.post(
            &format!("/console/addresses/{picture}/escalate"),
            &[
                ("form_token", &csrf),
                ("reason", "The host does not answer."),
            ],
        );
        assert_eq!(escalated.status, 303, "{}", escalated.body);
        let page = browser.get(&escalated.location);
        assert!(
            page.body.contains("The host does not answer."),
            "{}",
            page.body
        );
        let queue = browser.get("/console/addresses?state=escalated");
        assert!(queue.body.contains(&picture_text), "{}", queue.body);

        // Sent again: a second notice reaches the host.
        let again = browser.post(
            &format!("/console/addresses/{picture}/notice-again"),
            &[("form_token", &csrf)],
        );
        assert_eq!(again.status, 303, "{}", again.body);
        assert!(
            eventually(Duration::from_secs(30), || notices_received(&receiver) == 2),
            "no second notice\n{}",
            server.logs()
        );

        // Marked removed: it moves to the removed addresses, and cannot be again.
        let removed = browser.post(
            &format!("/console/addresses/{picture}/removed"),
            &[("form_token", &csrf), ("reason", "Gone when I looked.")],
        );
        assert_eq!(removed.status, 303, "{}", removed.body);
        assert_eq!(item(&server, &analyst, &picture_url)["state"], "removed");
        let queue = browser.get("/console/addresses");
        let removed_group = &queue.body[queue.body.find("id=\"group-removed\"").unwrap()
            ..queue.body.find("id=\"group-closed\"").unwrap()];
        assert!(removed_group.contains(&picture_text), "{}", queue.body);
        assert!(
            !browser
                .get("/console/addresses?state=awaiting")
                .body
                .contains(&picture_text)
        );
        let twice = browser.post(
            &format!("/console/addresses/{picture}/removed"),
            &[("form_token", &csrf)],
        );
        assert_eq!(twice.status, 409, "{}", twice.body);
        assert!(twice.body.contains("is removed now"), "{}", twice.body);
        let page = browser.get(&address_page);
        check_page(&page, &picture_url);
        for line in [
            "Marked removed (escalated → removed). Reason: Gone when I looked.",
            "Asked for the notice to be sent again.",
            "Escalated",
        ] {
            assert!(page.body.contains(line), "{line}: {}", page.body);
        }

        // Every step is in the audit log with the analyst's name.
        let lines = audited(&server, &analyst, picture);
        for action in [
            "address_read",
            "address_open_page",
            "takedown_assessment",
            "takedown_recheck",
            "takedown_escalation",
            "takedown_notice_again",
            "takedown_marked_removed",
        ] {
            assert!(
                lines.contains(&("Ana".to_owned(), action.to_owned())),
                "{action} not audited for Ana: {lines:?}"
            );
        }
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        assert!(
            audit
                .as_array()
                .unwrap()
                .iter()
                .any(|line: &Value| line["actor"] == "Ana" && line["action"] == "addresses_read"),
            "{audit}"
        );
    }
}

#[test]
fn unknown_addresses_are_not_found() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let analyst = add("analyst", "Ana", &db);
        let mut browser = Browser::new(&server);
        browser.sign_in(&analyst);
        let dashboard = browser.get("/console/dashboard");
        let csrf = form_token(&dashboard.body);
        for path in [
            "/console/addresses/999999",
            "/console/addresses/999999/open",
            "/console/addresses/not-a-number",
        ] {
            let answer = browser.get(path);
            assert_eq!(answer.status, 404, "{path}: {}", answer.body);
            assert!(answer.body.contains("Not found"), "{}", answer.body);
        }
        for step in ["assess", "removed", "escalate", "notice-again", "recheck"] {
            let answer = browser.post(
                &format!("/console/addresses/999999/{step}"),
                &[("form_token", &csrf), ("assessment", "actionable")],
            );
            assert_eq!(answer.status, 404, "{step}: {}", answer.body);
            assert!(answer.body.contains("no reported address 999999"));
        }
        // An empty queue says so.
        let queue = browser.get("/console/addresses");
        assert_eq!(queue.status, 200);
        assert!(queue.body.contains("None."));
    }
}
