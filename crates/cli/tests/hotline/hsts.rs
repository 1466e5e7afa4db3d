//! Strict-Transport-Security: on the answers to requests that came over HTTPS, as the
//! trusted proxy in front says (or the operator, for every request), and never on plain
//! HTTP by default.

use crate::support::*;

const HSTS: &str = "max-age=31536000";

/// A request, through a proxy that says it came over `proto` when given; its status and
/// its Strict-Transport-Security header, if any.
fn strict_transport(method: &str, url: &str, proto: Option<&str>) -> (u16, Option<String>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    if let Some(proto) = proto {
        builder = builder.header("x-forwarded-proto", proto);
    }
    let response = if method == "POST" {
        let body = serde_json::to_vec(&report_of(&[pdq(3)], &[])).unwrap();
        agent.run(
            builder
                .header("content-type", "application/json")
                .body(body)
                .unwrap(),
        )
    } else {
        agent.run(builder.body(()).unwrap())
    }
    .unwrap();
    let values: Vec<String> = response
        .headers()
        .get_all("strict-transport-security")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect();
    assert!(values.len() <= 1, "{values:?}");
    (response.status().as_u16(), values.into_iter().next())
}

/// Pages, the API, a created report, an error, an unknown address.
const ANSWERS: [(&str, &str, u16); 6] = [
    ("GET", "/", 200),
    ("GET", "/healthz", 200),
    ("GET", "/api/v1/openapi.json", 200),
    ("POST", "/api/v1/reports", 201),
    ("GET", "/api/v1/hashlist", 401),
    ("GET", "/nowhere", 404),
];

/// Asserts what every kind of answer carries, for each `X-Forwarded-Proto`.
fn assert_strict_transport(server: &Server, cases: &[(Option<&str>, bool)]) {
    for &(proto, expected) in cases {
        for (method, path, status) in ANSWERS {
            let (got, header) = strict_transport(method, &server.url(path), proto);
            assert_eq!(got, status, "{method} {path}");
            assert_eq!(
                header.as_deref(),
                expected.then_some(HSTS),
                "{method} {path}, X-Forwarded-Proto {proto:?}"
            );
        }
    }
}

#[test]
fn plain_http_never_gets_hsts_unless_the_operator_says_every_client_uses_https() {
    let db = Database::sqlite();
    // By default: no proxy is trusted, so no client's X-Forwarded-Proto counts.
    let server = Server::start(&db, &[]);
    assert_strict_transport(&server, &[(None, false), (Some("https"), false)]);
    drop(server);
    // The operator says every client reaches the hotline over HTTPS.
    let server = Server::start(&db, &["--hsts", "always"]);
    assert_strict_transport(&server, &[(None, true), (Some("http"), true)]);
}

#[test]
fn behind_a_trusted_proxy_hsts_follows_what_it_says() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--trust-forwarded-for"]);
    assert_strict_transport(
        &server,
        &[
            (Some("https"), true),
            (Some("http"), false),
            // A proxy that appends: its word is the last.
            (Some("http, https"), true),
            (Some("https, http"), false),
            (None, false),
        ],
    );
    drop(server);
    // Off (the proxy sets it itself), from the file.
    let config = db.dir.path().join("hotline.toml");
    std::fs::write(&config, "trust_forwarded_for = true\nhsts = \"off\"\n").unwrap();
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    assert_strict_transport(&server, &[(Some("https"), false)]);
    drop(server);
    // And from the environment.
    let mut command = takeback();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db.url])
        .env("TAKEBACK_HSTS", "always")
        .env_remove("TAKEBACK_CONFIG");
    let log = db.dir.path().join("env.log");
    let mut child = spawn_logged(command, &log);
    let base = read_address(&mut child, &log);
    let (_, header) = strict_transport("GET", &format!("{base}/healthz"), None);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(header.as_deref(), Some(HSTS));
}
