//! Reported addresses taken down end to end (issue 16), with real components on loopback
//! (`loopback.rs`): `takeback serve`, a website serving a test picture at two addresses,
//! an SMTP server, and a partner's webhook receiver that checks every signature.

use crate::loopback::*;
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn a_reported_address_is_noticed_rechecked_and_removed() {
    for db in Database::all() {
        let dir = db.dir.path();
        let site = Website::start(&dir.join("site"));
        let png = picture_png(16);
        for file in ["a.png", "b.png", "page.html"] {
            std::fs::write(
                site.dir.join(file),
                if file.ends_with(".png") {
                    &png[..]
                } else {
                    b"<p>hello</p>"
                },
            )
            .unwrap();
        }
        let smtp = SmtpServer::start(&dir.join("mail"), free_port());
        let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &[]);
        // Addresses on 127.0.0.1 go to the e-mail address; those on localhost to the
        // partner's webhook.
        let contacts = format!(
            "[[contact]]\nhost = \"127.0.0.1\"\nemail = \"abuse@site.test\"\n\n\
             [[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
            receiver.url()
        );
        let config = write_config(dir, &contacts, &smtp.url(), "");
        let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
        let analyst = add("analyst", "Ana", &db);

        let by_email = site.url("127.0.0.1", "a.png");
        let by_webhook = site.url("localhost", "b.png");
        let (report, fingerprints) = report_of_picture(&png, &[&by_email, &by_webhook]);
        let (case_id, secret) = server.report(&report);

        for url in [&by_email, &by_webhook] {
            let id = item(&server, &analyst, url)["id"].clone();
            let (status, view) = server.post_json(
                &format!("/api/v1/analyst/urls/{id}/assessment"),
                Some(&analyst),
                &json!({"actionable": true}),
            );
            assert_eq!(status, 200, "{view}");
        }

        // The e-mail notice.
        assert!(
            eventually(Duration::from_secs(30), || !smtp.messages().is_empty()),
            "no e-mail arrived\n{}",
            server.logs()
        );
        let mail = smtp.messages().remove(0);
        let noticed = wait_for(&server, &analyst, &by_email, "noticed", |item| {
            item["first_notice_at"].is_i64()
        });
        let notice_id = noticed["notices"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(noticed["notices"][0]["channel"], "email");
        assert_eq!(noticed["notices"][0]["state"], "sent");
        for needed in [
            &by_email[..],
            &notice_id,
            "Test Hotline",
            "test jurisdiction",
            "/api/v1/takedown/confirm/",
            "abuse@site.test",
        ] {
            assert!(
                mail.contains(needed),
                "the e-mail lacks {needed:?}:\n{mail}"
            );
        }

        // The webhook notice, signed.
        assert!(
            eventually(Duration::from_secs(30), || !receiver
                .deliveries()
                .is_empty()),
            "no webhook delivery\n{}",
            server.logs()
        );
        let delivery = receiver.deliveries().remove(0);
        assert_eq!(delivery["verified"], true, "{delivery}");
        let body: Value = serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["type"], "takedown.notice");
        assert_eq!(body["url"], by_webhook.as_str());
        assert_eq!(body["hotline"], "Test Hotline");
        assert_eq!(delivery["id"], body["notice_id"]);
        let confirm_url = body["confirm_removal_url"].as_str().unwrap().to_owned();
        assert!(confirm_url.starts_with(&server.base), "{confirm_url}");

        // Nothing about the case or the picture in either notice.
        for forbidden in [
            &case_id,
            &secret,
            &fingerprints[0],
            &fingerprints[1],
            &fingerprints[2],
        ] {
            assert!(
                !mail.contains(forbidden.as_str()),
                "the e-mail holds {forbidden}"
            );
            assert!(
                !delivery["body"]
                    .as_str()
                    .unwrap()
                    .contains(forbidden.as_str()),
                "the webhook holds {forbidden}"
            );
        }

        // Re-checks find the picture still up, and that it is the reported one.
        for url in [&by_email, &by_webhook] {
            let up = wait_for(&server, &analyst, url, "found still up", |item| {
                item["state"] == "still_up"
            });
            assert_eq!(up["content_matches"], true, "{up:#}");
        }
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        assert!(
            case["urls"]
                .as_array()
                .unwrap()
                .iter()
                .all(|url| url["state"] == "still_up" && url["since"].is_i64()),
            "{case:#}"
        );

        // The website removes both; the host behind the webhook confirms by its link.
        std::fs::remove_file(site.dir.join("a.png")).unwrap();
        std::fs::remove_file(site.dir.join("b.png")).unwrap();
        let (status, ..) = get_page(&confirm_url);
        assert_eq!(status, 200, "the confirmation page");
        let (status, confirmed) = request("POST", &confirm_url, None, None);
        assert_eq!(status, 200, "{confirmed}");
        let (status, _) = request(
            "POST",
            &format!("{}/api/v1/takedown/confirm/{}", server.base, "0".repeat(32)),
            None,
            None,
        );
        assert_eq!(status, 404);

        for url in [&by_email, &by_webhook] {
            let removed = wait_for(&server, &analyst, url, "found removed", |item| {
                item["state"] == "removed"
            });
            assert!(removed["removed_at"].is_i64());
            assert!(
                removed["last_check"].as_str().unwrap().contains("404"),
                "{removed:#}"
            );
        }
        let confirmed_item = item(&server, &analyst, &by_webhook);
        assert!(
            confirmed_item["host_confirmed_at"].is_i64(),
            "{confirmed_item:#}"
        );

        // The reporter's status says so, with the date.
        let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
        for url in case["urls"].as_array().unwrap() {
            assert_eq!(url["state"], "removed", "{case:#}");
            assert!(url["since"].is_i64(), "{case:#}");
        }

        // Time to removal, published: the lower of the two (nearest-rank median) and the
        // higher (90th percentile), from first report.
        let mut seconds: Vec<i64> = [&by_email, &by_webhook]
            .iter()
            .map(|url| {
                let item = item(&server, &analyst, url);
                item["removed_at"].as_i64().unwrap() - item["first_reported_at"].as_i64().unwrap()
            })
            .collect();
        seconds.sort_unstable();
        let (status, stats) = server.get("/api/v1/analyst/stats/takedown", Some(&analyst));
        assert_eq!(status, 200, "{stats}");
        assert_eq!(stats["removed"], 2, "{stats:#}");
        assert_eq!(stats["counts"]["removed"], 2, "{stats:#}");
        assert_eq!(stats["counts"]["reported"], 0, "{stats:#}");
        assert_eq!(stats["median_seconds_to_removal"], seconds[0], "{stats:#}");
        assert_eq!(stats["p90_seconds_to_removal"], seconds[1], "{stats:#}");
        assert!(
            stats["median_seconds_from_notice_to_removal"]
                .as_i64()
                .unwrap()
                <= 60
        );
        assert_eq!(stats["hosts"]["localhost"]["removed"], 1, "{stats:#}");
        assert_eq!(stats["hosts"]["127.0.0.1"]["removed"], 1, "{stats:#}");
        let (status, none) = server.get(
            "/api/v1/analyst/stats/takedown?since=1&until=2",
            Some(&analyst),
        );
        assert_eq!(status, 200);
        assert_eq!(none["removed"], 0);
        assert_eq!(none["median_seconds_to_removal"], Value::Null);
        let (status, bad) = server.get(
            "/api/v1/analyst/stats/takedown?since=5&until=4",
            Some(&analyst),
        );
        assert_eq!(status, 400, "{bad}");
        let (status, bad) = server.get("/api/v1/analyst/stats/takedown?since=soon", Some(&analyst));
        assert_eq!(status, 400, "{bad}");
        assert_eq!(metric(&server, "takeback_takedown_removed_items"), 2.0);

        // The transparency report's CSV: the addresses and their history, nothing of the
        // case or the picture.
        let output = takeback()
            .args(["analyst", "export-takedown", "--database", &db.url])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let csv = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert!(
            lines[0].starts_with("id,url,host,state,reason,first_reported_at"),
            "{csv}"
        );
        for (line, url) in lines[1..].iter().zip([&by_email, &by_webhook]) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields[1], url.as_str(), "{csv}");
            assert_eq!(fields[3], "removed", "{csv}");
            assert_eq!(fields[9], "1", "one notice: {csv}");
            assert_eq!(fields[14], "yes", "content matched: {csv}");
        }
        assert_eq!(
            lines[1].split(',').nth(12).unwrap(),
            (item(&server, &analyst, &by_email)["removed_at"]
                .as_i64()
                .unwrap()
                - item(&server, &analyst, &by_email)["first_reported_at"]
                    .as_i64()
                    .unwrap())
            .to_string()
        );
        for forbidden in [
            &case_id,
            &secret,
            &fingerprints[0],
            &fingerprints[1],
            &fingerprints[2],
        ] {
            assert!(
                !csv.contains(forbidden.as_str()),
                "the CSV holds {forbidden}"
            );
        }

        // Each notice went once, and nothing was noticed twice.
        assert_eq!(smtp.messages().len(), 1);
        assert_eq!(receiver.deliveries().len(), 1);
        drop(server);
    }
}

#[test]
fn without_a_contact_the_notice_goes_to_the_networks_abuse_address_from_rdap() {
    let db = Database::sqlite();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    std::fs::write(site.dir.join("a.png"), picture_png(21)).unwrap();
    // A local RDAP service: the bootstrap file names it for 127.0.0.0/8, and it says who
    // handles abuse for the network (nested under the registrant, as registries do).
    let rdap = Website::start(&dir.join("rdap"));
    let rdap_base = format!("http://127.0.0.1:{}/", rdap.port);
    std::fs::write(
        rdap.dir.join("ipv4.json"),
        json!({"version": "1.0", "services": [[["127.0.0.0/8"], [rdap_base]]]}).to_string(),
    )
    .unwrap();
    std::fs::create_dir_all(rdap.dir.join("ip")).unwrap();
    std::fs::write(
        rdap.dir.join("ip/127.0.0.1"),
        json!({"objectClassName": "ip network", "entities": [
            {"roles": ["registrant"], "entities": [
                {"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", "abuse@network.test"]]]}
            ]}
        ]})
        .to_string(),
    )
    .unwrap();
    let smtp = SmtpServer::start(&dir.join("mail"), free_port());
    let config = write_config(
        dir,
        "",
        &smtp.url(),
        &format!("rdap_bootstrap_url = {rdap_base:?}\n"),
    );
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let analyst = add("analyst", "Ana", &db);
    let url = site.url("127.0.0.1", "a.png");
    let nowhere = "http://nowhere.invalid/a.png";
    server.report(&json!({
        "reporter": "trusted_adult", "urls": [url, nowhere], "under_18": true, "consent_to_share": true,
    }));
    for address in [url.as_str(), nowhere] {
        let id = item(&server, &analyst, address)["id"].clone();
        let (status, view) = server.post_json(
            &format!("/api/v1/analyst/urls/{id}/assessment"),
            Some(&analyst),
            &json!({"actionable": true}),
        );
        assert_eq!(status, 200, "{view}");
    }
    let noticed = wait_for(&server, &analyst, &url, "noticed", |item| {
        item["notices"][0]["state"] == "sent"
    });
    assert_eq!(noticed["notices"][0]["target"], "abuse@network.test");
    let mail = smtp.messages().remove(0);
    assert!(mail.contains("abuse@network.test"), "{mail}");
    assert!(mail.contains(&url), "{mail}");
    // A host that does not exist has no one to notify: back with the analyst.
    wait_for(
        &server,
        &analyst,
        nowhere,
        "found without a contact",
        |item| item["state"] == "no_contact",
    );
}

#[test]
fn an_address_left_up_is_noticed_again_then_escalated_to_an_analyst() {
    let db = Database::sqlite();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    std::fs::write(site.dir.join("a.png"), picture_png(22)).unwrap();
    let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &[]);
    let contacts = format!(
        "[[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
        receiver.url()
    );
    let config = write_config(
        dir,
        &contacts,
        "smtp://127.0.0.1:9",
        "renotice_after = \"2s\"\nescalate_after = \"6s\"\n",
    );
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let analyst = add("analyst", "Ana", &db);
    let url = site.url("localhost", "a.png");
    let (case_id, secret) = server.report(&json!({
        "reporter": "trusted_adult", "urls": [url], "under_18": true, "consent_to_share": true,
    }));
    let id = item(&server, &analyst, &url)["id"].clone();
    let (status, _) = server.post_json(
        &format!("/api/v1/analyst/urls/{id}/assessment"),
        Some(&analyst),
        &json!({"actionable": true}),
    );
    assert_eq!(status, 200);
    let escalated = wait_for(&server, &analyst, &url, "escalated", |item| {
        item["state"] == "escalated"
    });
    let notices = escalated["notices"].as_array().unwrap();
    assert!(
        notices.len() >= 2,
        "noticed again before escalation: {escalated:#}"
    );
    let deliveries = receiver.deliveries();
    let mut ids: Vec<&str> = deliveries
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(
        ids.len(),
        deliveries.len(),
        "each notice once, each with its own id"
    );
    assert!(escalated["escalated_at"].is_i64());
    // In the analyst's queue of escalated addresses, and assessable again.
    let (_, queue) = server.get("/api/v1/analyst/urls?state=escalated", Some(&analyst));
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    // The reporter sees it is still being worked on.
    let (_, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(&secret));
    assert_eq!(case["urls"][0]["state"], "escalated", "{case:#}");
    // Found gone later, it is removed all the same.
    std::fs::remove_file(site.dir.join("a.png")).unwrap();
    wait_for(&server, &analyst, &url, "removed", |item| {
        item["state"] == "removed"
    });
}

#[test]
fn with_auto_notice_the_reporters_own_picture_at_an_address_is_noticed_without_an_analyst() {
    let db = Database::sqlite();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    let png = picture_png(23);
    std::fs::write(site.dir.join("same.png"), &png).unwrap();
    std::fs::write(site.dir.join("other.png"), picture_png(99)).unwrap();
    let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &[]);
    let contacts = format!(
        "[[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
        receiver.url()
    );
    let config = write_config(
        dir,
        &contacts,
        "smtp://127.0.0.1:9",
        "auto_notice_on_match = true\n",
    );
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let analyst = add("analyst", "Ana", &db);
    let same = site.url("localhost", "same.png");
    let other = site.url("localhost", "other.png");
    let (report, _) = report_of_picture(&png, &[&same, &other]);
    server.report(&report);
    let noticed = wait_for(&server, &analyst, &same, "noticed", |item| {
        item["notices"][0]["state"] == "sent"
    });
    assert_eq!(noticed["content_matches"], true, "{noticed:#}");
    assert_eq!(receiver.deliveries().len(), 1);
    // Another picture at the other address: it waits for an analyst.
    let looked = wait_for(&server, &analyst, &other, "looked at", |item| {
        item["last_check"].is_string()
    });
    assert_eq!(looked["state"], "reported", "{looked:#}");
    assert_eq!(looked["content_matches"], false, "{looked:#}");
    assert_eq!(looked["notices"], json!([]));
}
