//! Takedown notices through faults (issue 16): an SMTP server that is down and comes back,
//! a webhook that fails before it works, a server killed with -9 while delivering, two
//! servers on one PostgreSQL database; and a reported address on an internal network,
//! which is never fetched. Components as in `loopback.rs`.

use crate::loopback::*;
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

/// A hotline on `db` whose addresses on 127.0.0.1 are noticed by e-mail through
/// `smtp_url` and those on localhost by `receiver`'s webhook.
fn start_noticing(
    db: &Database,
    smtp_url: &str,
    receiver: &WebhookReceiver,
    extra: &str,
) -> Server {
    let contacts = format!(
        "[[contact]]\nhost = \"127.0.0.1\"\nemail = \"abuse@site.test\"\n\n\
         [[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
        receiver.url()
    );
    let config = write_config(db.dir.path(), &contacts, smtp_url, extra);
    Server::start(db, &["--config", config.to_str().unwrap()])
}

fn assess_actionable(server: &Server, analyst: &str, url: &str) {
    let id = item(server, analyst, url)["id"].clone();
    let (status, view) = server.post_json(
        &format!("/api/v1/analyst/urls/{id}/assessment"),
        Some(analyst),
        &json!({"actionable": true}),
    );
    assert_eq!(status, 200, "{view}");
}

fn adult_report(urls: &[&str]) -> Value {
    json!({"reporter": "trusted_adult", "urls": urls, "under_18": true, "consent_to_share": true})
}

#[test]
fn notices_wait_out_an_smtp_outage_and_a_failing_webhook_and_arrive_once() {
    for db in Database::all() {
        let dir = db.dir.path();
        let site = Website::start(&dir.join("site"));
        std::fs::write(site.dir.join("a.png"), picture_png(3)).unwrap();
        let port = free_port();
        let smtp_url = format!("smtp://127.0.0.1:{port}");
        // The partner answers 500 twice before it takes the notice.
        let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &["--fail-first", "2"]);
        let server = start_noticing(&db, &smtp_url, &receiver, "");
        let analyst = add("analyst", "Ana", &db);
        let by_email = site.url("127.0.0.1", "a.png");
        let by_webhook = site.url("localhost", "a.png");
        server.report(&adult_report(&[&by_email, &by_webhook]));
        assess_actionable(&server, &analyst, &by_email);
        assess_actionable(&server, &analyst, &by_webhook);

        // The SMTP server is down: the notice waits, and says why.
        let waiting = wait_for(&server, &analyst, &by_email, "failed a delivery", |item| {
            item["notices"][0]["last_error"].is_string()
        });
        assert_eq!(waiting["state"], "actionable", "{waiting:#}");
        assert_eq!(waiting["notices"][0]["state"], "pending");
        let smtp = SmtpServer::start(&dir.join("mail"), port);
        let sent = wait_for(&server, &analyst, &by_email, "noticed", |item| {
            item["notices"][0]["state"] == "sent"
        });
        assert!(
            sent["notices"][0]["attempts"].as_i64().unwrap() >= 2,
            "{sent:#}"
        );
        assert_eq!(sent["notices"][0]["last_error"], Value::Null);

        // The webhook's third delivery is taken, under the same notice id as the first two.
        let noticed = wait_for(&server, &analyst, &by_webhook, "noticed", |item| {
            item["notices"][0]["state"] == "sent"
        });
        let deliveries = receiver.deliveries();
        assert_eq!(deliveries.len(), 3, "{deliveries:?}");
        assert!(
            deliveries
                .iter()
                .all(|d| d["verified"] == true && d["id"] == noticed["notices"][0]["id"]),
            "{deliveries:?}"
        );
        assert_eq!(noticed["notices"][0]["attempts"], 3);

        // A while later, still one e-mail and three deliveries.
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(smtp.messages().len(), 1);
        assert_eq!(receiver.deliveries().len(), 3);
        assert_eq!(
            item(&server, &analyst, &by_email)["notices"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn a_server_killed_while_delivering_leaves_the_notice_to_go_again_under_its_id() {
    let db = Database::sqlite();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    std::fs::write(site.dir.join("a.png"), picture_png(4)).unwrap();
    // The first delivery is never answered: the server is killed while it waits.
    let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &["--hang-first", "1"]);
    let mut server = start_noticing(
        &db,
        "smtp://127.0.0.1:9",
        &receiver,
        "send_timeout = \"5s\"\n",
    );
    let analyst = add("analyst", "Ana", &db);
    let url = site.url("localhost", "a.png");
    server.report(&adult_report(&[&url]));
    assess_actionable(&server, &analyst, &url);
    assert!(
        eventually(Duration::from_secs(30), || !receiver
            .deliveries()
            .is_empty()),
        "no delivery\n{}",
        server.logs()
    );
    server.kill();
    server.restart();
    // The lease (twice the send timeout and 5 s) runs out, and the notice goes again.
    let noticed = wait_for(&server, &analyst, &url, "noticed", |item| {
        item["notices"][0]["state"] == "sent"
    });
    let deliveries = receiver.deliveries();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert_eq!(deliveries[0]["id"], deliveries[1]["id"]);
    assert_eq!(
        deliveries[0]["body"], deliveries[1]["body"],
        "the same notice"
    );
    assert_eq!(deliveries[0]["id"], noticed["notices"][0]["id"]);
    assert_eq!(noticed["notices"].as_array().unwrap().len(), 1);
}

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn two_servers_on_one_postgres_database_send_each_notice_once() {
    let db = Database::postgres_required();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &[]);
    let servers = [
        start_noticing(&db, "smtp://127.0.0.1:9", &receiver, ""),
        start_noticing(&db, "smtp://127.0.0.1:9", &receiver, ""),
    ];
    let analyst = add("analyst", "Ana", &db);
    let urls: Vec<String> = (0..30)
        .map(|n| site.url("localhost", &format!("{n}.png")))
        .collect();
    let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    servers[0].report(&adult_report(&refs));
    // Assessed through both servers, so that both workers wake with work.
    for (n, url) in urls.iter().enumerate() {
        assess_actionable(&servers[n % 2], &analyst, url);
    }
    for url in &urls {
        wait_for(&servers[1], &analyst, url, "noticed", |item| {
            item["notices"][0]["state"] == "sent"
        });
    }
    std::thread::sleep(Duration::from_secs(2));
    let deliveries = receiver.deliveries();
    let mut ids: Vec<&str> = deliveries
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 30, "one notice per address");
    assert_eq!(deliveries.len(), 30, "each delivered once: {deliveries:?}");
    for url in &urls {
        assert_eq!(
            item(&servers[0], &analyst, url)["notices"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn an_address_on_an_internal_network_is_never_fetched() {
    let db = Database::sqlite();
    let dir = db.dir.path();
    let site = Website::start(&dir.join("site"));
    std::fs::write(site.dir.join("a.png"), picture_png(5)).unwrap();
    let receiver = WebhookReceiver::start(&dir.join("webhook.jsonl"), &[]);
    let config = write_config(
        dir,
        &format!(
            "[[contact]]\nhost = \"localhost\"\nwebhook = {:?}\nwebhook_secret = {WEBHOOK_SECRET:?}\n",
            receiver.url()
        ),
        "smtp://127.0.0.1:9",
        "",
    );
    // The test settings without allow_private_targets: as in service.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("allow_private_targets = true", "");
    std::fs::write(&config, text).unwrap();
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let analyst = add("analyst", "Ana", &db);
    let url = site.url("localhost", "a.png");
    server.report(&adult_report(&[&url]));
    assess_actionable(&server, &analyst, &url);
    let checked = wait_for(&server, &analyst, &url, "checked", |item| {
        item["last_check"].is_string()
    });
    let found = checked["last_check"].as_str().unwrap();
    assert!(found.starts_with("not fetched"), "{checked:#}");
    assert_eq!(
        checked["state"], "notice_sent",
        "nothing known: the state stands"
    );
    // Asked by an analyst, too.
    let id = checked["id"].clone();
    let (status, view) = server.post_json(
        &format!("/api/v1/analyst/urls/{id}/recheck"),
        Some(&analyst),
        &json!({}),
    );
    assert_eq!(status, 200, "{view}");
    assert!(
        view["last_check"]
            .as_str()
            .unwrap()
            .starts_with("not fetched"),
        "{view:#}"
    );
    let (status, _) = server.post_json(
        "/api/v1/analyst/urls/999/recheck",
        Some(&analyst),
        &json!({}),
    );
    assert_eq!(status, 404);
    // The website never saw a request (its log has none).
    assert_eq!(site.requests(), 0);
}
