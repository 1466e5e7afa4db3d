//! The analyst console through HTTP, as a browser without JavaScript uses it: sign-in for a
//! session cookie, the review queue and decisions, form tokens, sign-out, and sessions that
//! end (revocation, idling, sign-out). The Chromium tests (web/test/e2e/console.test.mjs)
//! cover the same in a real browser, with accessibility and the keyboard.

use crate::support::*;
use serde_json::Value;
use std::time::Duration;

/// A browser's view of the console: one session cookie, no redirects followed.
pub struct Browser {
    base: String,
    cookie: Option<String>,
}

/// One answer: status, `Location`, `Set-Cookie`, body.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub set_cookie: String,
    pub body: String,
}

impl Browser {
    pub fn new(server: &Server) -> Self {
        Browser {
            base: server.base.clone(),
            cookie: None,
        }
    }

    fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            builder = builder.header("cookie", format!("takeback_console={cookie}"));
        }
        let result = match form {
            Some(fields) => {
                let body = serde_urlencoded::to_string(fields).unwrap();
                agent.run(
                    builder
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.into_bytes())
                        .unwrap(),
                )
            }
            None => agent.run(builder.body(()).unwrap()),
        };
        let mut response = result.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (location, set_cookie) = (header("location"), header("set-cookie"));
        if let Some(value) = set_cookie
            .strip_prefix("takeback_console=")
            .and_then(|rest| rest.split(';').next())
        {
            self.cookie = (!value.is_empty()).then(|| value.to_owned());
        }
        Answer {
            status: response.status().as_u16(),
            location,
            set_cookie,
            body: response.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, None)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send("POST", path, Some(form))
    }

    /// Signs in with `token`; panics unless it works.
    pub fn sign_in(&mut self, token: &str) {
        let answer = self.post("/console/sign-in", &[("token", token)]);
        assert_eq!(answer.status, 303, "{}", answer.body);
        assert_eq!(answer.location, "/console/dashboard");
        assert!(self.cookie.is_some(), "{}", answer.set_cookie);
    }

    /// Forgets the cookie, keeping it to present again.
    pub fn cookie(&self) -> Option<String> {
        self.cookie.clone()
    }

    pub fn set_cookie(&mut self, cookie: Option<String>) {
        self.cookie = cookie;
    }
}

/// The session's form token, from a page's hidden field.
pub fn form_token(page: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let start = page.find(marker).expect("a form token on the page") + marker.len();
    page[start..start + 64].to_owned()
}

/// Held entries: a hotline that holds every new report for an analyst, and `n` reported
/// hashes; returns their entry ids.
fn held_entries(server: &Server, analyst: &str, n: u64) -> Vec<i64> {
    let hashes: Vec<String> = (0..n).map(|i| pdq(1000 + i)).collect();
    server.report(&report_of(&hashes, &[]));
    let (status, queue) = server.get("/api/v1/analyst/queue", Some(analyst));
    assert_eq!(status, 200, "{queue}");
    let ids: Vec<i64> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len() as u64, n);
    ids
}

fn entry(server: &Server, analyst: &str, id: i64) -> Value {
    let (status, entry) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(analyst));
    assert_eq!(status, 200, "{entry}");
    entry
}

#[test]
fn an_analyst_signs_in_works_through_the_queue_and_signs_out() {
    for db in Database::all() {
        let server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
        let token = add("analyst", "alice", &db);
        let ids = held_entries(&server, &token, 3);
        let mut browser = Browser::new(&server);

        let form = browser.get("/console");
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Analyst token") && form.body.contains(">Sign in<"));

        // Signed out, pages go to the sign-in form.
        assert_eq!(browser.get("/console/queue").location, "/console");

        let wrong = browser.post("/console/sign-in", &[("token", "tba_not-a-real-token")]);
        assert_eq!(wrong.status, 401);
        assert!(
            wrong.body.contains("not one this hotline knows"),
            "{}",
            wrong.body
        );
        assert!(browser.cookie().is_none());

        let signed_in = browser.post("/console/sign-in", &[("token", &token)]);
        assert_eq!(signed_in.status, 303);
        let cookie = &signed_in.set_cookie;
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        // Plain HTTP here: a Secure cookie would never come back.
        assert!(!cookie.contains("Secure"), "{cookie}");
        // /console itself now goes to the dashboard.
        assert_eq!(browser.get("/console").location, "/console/dashboard");

        let dashboard = browser.get("/console/dashboard");
        assert_eq!(dashboard.status, 200);
        assert!(dashboard.body.contains(">Sign out<"));
        assert!(dashboard.body.contains("alice"));

        let queue = browser.get("/console/queue");
        assert_eq!(queue.status, 200);
        for id in &ids {
            assert!(
                queue.body.contains(&format!("/console/entries/{id}\"")),
                "{}",
                queue.body
            );
        }
        let page = browser.get(&format!("/console/entries/{}", ids[0]));
        assert_eq!(page.status, 200);
        for button in [">List<", ">Reject<", ">Sign out<"] {
            assert!(page.body.contains(button), "{button}: {}", page.body);
        }
        // Reinstate applies to suspended entries only; never a picture.
        assert!(!page.body.contains(">Reinstate<"));
        for tag in ["<img", "<video", "<iframe", "<picture"] {
            assert!(!page.body.contains(tag));
        }
        let csrf = form_token(&page.body);

        // A forged post (no form token, or another one) does nothing.
        for forged in [
            vec![("decision", "list")],
            vec![("decision", "list"), ("form_token", "0")],
        ] {
            let refused = browser.post(&format!("/console/entries/{}/decision", ids[0]), &forged);
            assert_eq!(refused.status, 403, "{}", refused.body);
            assert_eq!(entry(&server, &token, ids[0])["state"], "held");
        }
        // A decision that is not one is refused.
        let bad = browser.post(
            &format!("/console/entries/{}/decision", ids[0]),
            &[("decision", "publish"), ("form_token", &csrf)],
        );
        assert_eq!(bad.status, 400);

        // List, with a reason: the next entry opens.
        let listed = browser.post(
            &format!("/console/entries/{}/decision", ids[0]),
            &[
                ("decision", "list"),
                ("reason", "clear match"),
                ("form_token", &csrf),
            ],
        );
        assert_eq!(listed.status, 303, "{}", listed.body);
        assert_eq!(
            listed.location,
            format!("/console/entries/{}?done=listed&entry={}", ids[1], ids[0])
        );
        let listed_entry = entry(&server, &token, ids[0]);
        assert_eq!(listed_entry["state"], "listed");
        assert_eq!(listed_entry["verified"], true);
        let next = browser.get(&listed.location);
        assert!(next.body.contains(&format!("Entry {} listed.", ids[0])));

        // Reject the other two; then the queue is empty.
        for (i, id) in ids[1..].iter().enumerate() {
            let answer = browser.post(
                &format!("/console/entries/{id}/decision"),
                &[("decision", "reject"), ("form_token", &csrf)],
            );
            assert_eq!(answer.status, 303);
            if i == 1 {
                assert!(answer.location.starts_with("/console/queue?done=rejected"));
            }
            assert_eq!(entry(&server, &token, *id)["state"], "rejected");
        }
        let empty = browser.get("/console/queue");
        assert!(empty.body.contains("Nothing is waiting for a decision."));

        // The audit log names the analyst for the sign-in, the reads and the decisions.
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&token));
        let actions: Vec<(String, String)> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["actor"].as_str().unwrap().to_owned(),
                    row["action"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for action in ["console_signed_in", "queue_read", "entry_read"] {
            assert!(
                actions.contains(&("alice".to_owned(), action.to_owned())),
                "{action}: {actions:?}"
            );
        }
        let decisions = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| {
                row["actor"] == "alice"
                    && row["subject"] == format!("entry {}", ids[0]).as_str()
                    && row["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("clear match"))
            })
            .count();
        assert_eq!(decisions, 1, "{audit}");

        // Sign out: the cookie is forgotten, and the old one opens nothing.
        let old = browser.cookie();
        let out = browser.post("/console/sign-out", &[("form_token", &csrf)]);
        assert_eq!(out.status, 303);
        assert_eq!(out.location, "/console?signed_out=1");
        assert!(out.set_cookie.contains("Max-Age=0"));
        assert!(
            browser
                .get(&out.location)
                .body
                .contains("You have signed out.")
        );
        browser.set_cookie(old);
        assert_eq!(browser.get("/console/queue").location, "/console?ended=1");
        let after = browser.post(
            &format!("/console/entries/{}/decision", ids[0]),
            &[("decision", "reject"), ("form_token", &csrf)],
        );
        assert_eq!(after.status, 401);
        assert_eq!(entry(&server, &token, ids[0])["state"], "listed");
    }
}

#[test]
fn revoking_an_analyst_ends_their_session_at_once() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let token = add("analyst", "bob", &db);
    let mut browser = Browser::new(&server);
    browser.sign_in(&token);
    assert_eq!(browser.get("/console/queue").status, 200);
    let output = takeback()
        .args(["analyst", "revoke", "bob", "--database", &db.url])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(browser.get("/console/queue").location, "/console?ended=1");
    let again = browser.post("/console/sign-in", &[("token", &token)]);
    assert_eq!(again.status, 401);
}

#[test]
fn an_idle_session_ends_and_failed_sign_ins_are_throttled() {
    let db = Database::sqlite();
    let config = db.dir.path().join("hotline.toml");
    std::fs::write(
        &config,
        "[console]\nsession_idle = \"1s\"\nfailed_sign_ins_per_source_per_hour = 2\n",
    )
    .unwrap();
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let token = add("analyst", "carol", &db);
    let mut browser = Browser::new(&server);
    browser.sign_in(&token);
    assert_eq!(browser.get("/console/dashboard").status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    let ended = browser.get("/console/dashboard");
    assert_eq!(ended.location, "/console?ended=1");
    assert!(
        browser
            .get("/console?ended=1")
            .body
            .contains("Your session ended")
    );

    let statuses: Vec<u16> = (0..3)
        .map(|_| {
            browser
                .post("/console/sign-in", &[("token", "tba_wrong")])
                .status
        })
        .collect();
    assert_eq!(statuses, [401, 401, 429]);
    // As with case look-ups, the right token still works past the limit.
    browser.sign_in(&token);
}

#[test]
fn behind_tls_the_cookie_is_secure_and_the_pages_keep_to_themselves() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--hsts", "always"]);
    let token = add("analyst", "dana", &db);
    let mut browser = Browser::new(&server);
    let answer = browser.post("/console/sign-in", &[("token", &token)]);
    assert!(
        answer.set_cookie.contains("; Secure"),
        "{}",
        answer.set_cookie
    );
    let (status, content_type, policy, body) = get_page(&server.url("/console"));
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    assert!(body.contains("/console/assets/console.css"));
    // A sign-in form that is not a form is refused clearly.
    let (status, _) = server.post_raw("/console/sign-in", "application/json", b"{}");
    assert_eq!(status, 400);
}

/// The sign-in form, posted with the headers a browser adds (`Origin`, `Sec-Fetch-Site`).
fn sign_in_with(server: &Server, headers: &[(&str, &str)], token: &str) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.post(&format!("{}/console/sign-in", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request
        .content_type("application/x-www-form-urlencoded")
        .send(serde_urlencoded::to_string([("token", token)]).unwrap())
        .unwrap();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Answer {
        status: response.status().as_u16(),
        location: String::new(),
        set_cookie,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

#[test]
fn a_sign_in_form_posted_from_another_site_is_refused() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let token = add("analyst", "oscar", &db);
    let own = server.base.trim_end_matches('/').to_owned();
    for headers in [
        vec![("sec-fetch-site", "cross-site"), ("origin", "null")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "https://other.example"),
        ],
        vec![("origin", "https://elsewhere.example")],
        vec![("origin", "http://127.0.0.1:1")],
    ] {
        let answer = sign_in_with(&server, &headers, &token);
        assert_eq!(answer.status, 403, "{headers:?}: {}", answer.body);
        assert!(answer.set_cookie.is_empty(), "{headers:?}");
        assert!(answer.body.contains("Form refused"), "{}", answer.body);
    }
    // From the hotline's own page (which asks for no referrer, so its Origin is null), or
    // from a client that is not a browser, it works.
    for headers in [
        vec![("sec-fetch-site", "same-origin"), ("origin", "null")],
        vec![("origin", own.as_str())],
        vec![],
    ] {
        let answer = sign_in_with(&server, &headers, &token);
        assert_eq!(answer.status, 303, "{headers:?}: {}", answer.body);
        assert!(answer.set_cookie.starts_with("takeback_console="));
    }
}
