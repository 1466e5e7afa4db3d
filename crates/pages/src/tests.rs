#![allow(clippy::unwrap_used)]

use super::*;
use axum::http::Request;
use http_body_util::BodyExt;
use std::collections::BTreeSet;
use tower::ServiceExt;

const LIMITS: PageLimits = PageLimits {
    min_pdq_quality: 50,
    max_hashes_per_report: 100,
    max_urls_per_report: 50,
    max_videos_per_report: 3,
};

fn pages() -> Arc<Pages> {
    Arc::new(
        Pages::new(
            &PagesSettings::default(),
            &SupportContacts::default(),
            LIMITS,
        )
        .unwrap(),
    )
}

async fn get(pages: Arc<Pages>, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let router: Router = pages.router();
    let response = router
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, decoded(&body))
}

/// The page with the `/` that the template engine escapes in attributes put back, so
/// that addresses can be compared as written.
fn decoded(body: &[u8]) -> String {
    String::from_utf8_lossy(body).replace("&#x2f;", "/")
}

#[tokio::test]
async fn every_page_renders_with_its_security_headers() {
    let pages = pages();
    for path in ["/", "/report", "/status", "/adult"] {
        let (status, headers, body) = get(Arc::clone(&pages), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY);
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(body.starts_with("<!doctype html>"), "{path}");
        // Every page: the quick exit first, and where to get help.
        assert!(body.contains(r#"id="quick-exit" href="https://www.google.com/""#));
        assert!(body.contains("Child Helpline International"), "{path}");
        assert!(body.contains("your local emergency number"), "{path}");
        // Nothing from anywhere else: every src and href is ours, a help contact's, or
        // the quick exit's.
        for attribute in ["src=\"", "href=\""] {
            for value in body.split(attribute).skip(1) {
                let value = &value[..value.find('"').unwrap()];
                assert!(
                    value.starts_with('/')
                        || value.starts_with('#')
                        || value.starts_with("tel:")
                        || value == "https://www.google.com/"
                        || value == "https://childhelplineinternational.org/helplines/",
                    "{path}: {attribute}{value}"
                );
            }
        }
        assert!(
            !body.contains("style=\""),
            "{path}: inline styles break the CSP"
        );
        let handler = body.split(" on").skip(1).find(|rest| {
            let name_end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(0);
            name_end > 0 && rest[name_end..].starts_with('=')
        });
        assert!(
            handler.is_none(),
            "{path}: an inline event handler: on{handler:?}"
        );
    }
}

#[tokio::test]
async fn assets_are_served_with_their_types() {
    let pages = pages();
    for (path, content_type) in [
        ("/assets/takeback.css", "text/css; charset=utf-8"),
        ("/assets/js/report.js", "text/javascript; charset=utf-8"),
        (
            "/assets/pdq/takeback-pdq.js",
            "text/javascript; charset=utf-8",
        ),
        ("/assets/pdq/takeback_pdq_wasm.wasm", "application/wasm"),
    ] {
        let (status, headers, body) = get(Arc::clone(&pages), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers["content-type"], content_type, "{path}");
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY);
        assert!(!body.is_empty());
    }
    let (status, headers, body) = get(pages, "/assets/nothing.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn unknown_pages_are_not_found_pages() {
    let (status, _, body) = get(pages(), "/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found") && body.contains("quick-exit"));
}

#[test]
fn every_page_script_is_served() {
    // Each module a page or another module imports is in ASSETS.
    let served: BTreeSet<&str> = ASSETS.iter().map(|asset| asset.path).collect();
    for asset in ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
        let source = std::str::from_utf8(asset.body).unwrap();
        for import in source.split("from \"").skip(1) {
            let target = &import[..import.find('"').unwrap()];
            let base = asset.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            let resolved = resolve(base, target);
            assert!(
                served.contains(resolved.as_str()),
                "{} imports {target}",
                asset.path
            );
        }
    }
}

fn resolve(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[test]
fn every_message_is_used_and_every_used_message_exists() {
    let catalogue = Catalogue::load("en").unwrap();
    // The defaults, and contacts with every way to reach them.
    let everything = Contact {
        name: "Helpline".to_owned(),
        description: "Listens.".to_owned(),
        phone: Some("0800 1111".to_owned()),
        text: Some("85258".to_owned()),
        url: Some("https://help.example/".to_owned()),
        hours: Some("Any time".to_owned()),
    };
    let full = SupportContacts {
        emergency_number: "112".to_owned(),
        helplines: vec![everything.clone()],
        exploitation_reporting: vec![everything.clone()],
        adult_helplines: vec![everything],
    };
    let mut used = BTreeSet::new();
    for support in [SupportContacts::default(), full] {
        let rendered =
            render::render_all(&catalogue, &PagesSettings::default(), &support, LIMITS).unwrap();
        used.extend(rendered.used_keys);
    }
    // Template messages: rendering fails on a missing key, so only unused ones remain.
    let unused: Vec<&str> = catalogue
        .keys()
        .filter(|key| !key.starts_with("js."))
        .filter(|key| !used.contains(*key))
        .collect();
    assert!(unused.is_empty(), "messages no template uses: {unused:?}");

    // Script messages: each `[js]` key appears quoted in a script, and each `t("…")` in a
    // script names a `[js]` key.
    let scripts: String = ASSETS
        .iter()
        .filter(|asset| asset.path.starts_with("js/"))
        .map(|asset| std::str::from_utf8(asset.body).unwrap())
        .collect();
    let js = catalogue.section("js");
    let unused: Vec<&&str> = js
        .keys()
        .filter(|key| !scripts.contains(&format!("\"{key}\"")))
        .collect();
    assert!(
        unused.is_empty(),
        "[js] messages no script uses: {unused:?}"
    );
    for (at, _) in scripts.match_indices("t(\"") {
        // `t(` itself, not the end of `closest(` or `.t(`.
        let before = scripts[..at].chars().next_back().unwrap_or(' ');
        if before.is_alphanumeric() || before == '_' || before == '.' {
            continue;
        }
        let call = &scripts[at + 3..];
        let key = &call[..call.find('"').unwrap()];
        assert!(
            js.contains_key(key),
            "a script asks for [js] {key}, which is missing"
        );
    }
}

#[test]
fn settings_are_escaped_inside_the_page() {
    let settings = PagesSettings {
        service_name: "</script><script>alert(1)</script>".to_owned(),
        ..PagesSettings::default()
    };
    let pages = Pages::new(&settings, &SupportContacts::default(), LIMITS).unwrap();
    let page = decoded(&pages.documents[""]);
    assert_eq!(page.matches("<script").count(), 3, "{page}");
    assert!(page.contains("&lt;/script&gt;"), "{page}");
    assert!(page.contains("\\u003c/script\\u003e"));
}

#[test]
fn the_scripts_are_told_the_hotlines_limits() {
    let page = decoded(&pages().documents["report"]);
    for setting in [
        r#""minPdqQuality":50"#,
        r#""maxHashes":100"#,
        r#""maxUrls":50"#,
        r#""maxVideos":3"#,
    ] {
        assert!(page.contains(setting), "{setting} in {page}");
    }
}

#[test]
fn configured_contacts_appear_with_links_that_dial() {
    let support: SupportContacts = toml::from_str(
        r#"
        emergency_number = "999"
        [[helplines]]
        name = "Childline"
        description = "Free and confidential, for anyone under 19."
        phone = "0800 1111"
        url = "https://www.childline.org.uk/"
        hours = "Any time"
        [[exploitation_reporting]]
        name = "CEOP"
        url = "https://www.ceop.police.uk/"
        [[adult_helplines]]
        name = "NSPCC helpline"
        phone = "0808 800 5000"
        "#,
    )
    .unwrap();
    let pages = Pages::new(&PagesSettings::default(), &support, LIMITS).unwrap();
    let index = decoded(&pages.documents[""]);
    assert!(
        index.contains(r#"<a href="tel:999">Call 999</a>"#),
        "{index}"
    );
    assert!(index.contains(r#"<a href="tel:08001111">Call 0800 1111</a>"#));
    assert!(index.contains("Open: Any time"));
    assert!(!index.contains("Child Helpline International"));
    assert!(
        !index.contains("NSPCC"),
        "adult lines only on the adult's page"
    );
    let adult = decoded(&pages.documents["adult"]);
    assert!(adult.contains("NSPCC helpline") && adult.contains("Call 999 if a child"));
}

#[test]
fn bad_settings_are_refused() {
    let support = SupportContacts::default();
    for url in ["javascript:alert(1)", "/relative", "", "ftp://example.com/"] {
        let settings = PagesSettings {
            quick_exit_url: url.to_owned(),
            ..PagesSettings::default()
        };
        assert!(
            matches!(
                Pages::new(&settings, &support, LIMITS),
                Err(PagesError::QuickExitUrl { .. })
            ),
            "{url}"
        );
    }
    let settings = PagesSettings {
        language: "xx".to_owned(),
        ..PagesSettings::default()
    };
    let error = Pages::new(&settings, &support, LIMITS).unwrap_err();
    assert!(error.to_string().contains("available: en"), "{error}");
}

#[test]
fn a_hotline_can_use_its_own_catalogue_file() {
    let english = include_str!("../../../web/messages/en.toml");
    let dir = std::env::temp_dir().join(format!("takeback-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let own = dir.join("own.toml");
    std::fs::write(
        &own,
        english.replace(
            "title = \"Take back control of a picture of you\"",
            "title = \"Get help with a picture of you\"",
        ),
    )
    .unwrap();
    let settings = PagesSettings {
        messages: Some(own.clone()),
        ..PagesSettings::default()
    };
    let pages = Pages::new(&settings, &SupportContacts::default(), LIMITS).unwrap();
    assert!(decoded(&pages.documents[""]).contains("<h1>Get help with a picture of you</h1>"));

    // One message short (an older file after an upgrade): that one in English.
    std::fs::write(
        &own,
        english
            .replace("quick_exit = \"Quick exit\"\n", "")
            .replace("Take back control of a picture of you", "Get help"),
    )
    .unwrap();
    let pages = Pages::new(&settings, &SupportContacts::default(), LIMITS).unwrap();
    let index = decoded(&pages.documents[""]);
    assert!(index.contains("<h1>Get help</h1>") && index.contains(">Quick exit<"));
    // A placeholder misspelt: refused, naming the key.
    std::fs::write(&own, english.replace("Call {number}", "Call {numbr}")).unwrap();
    let error = Pages::new(&settings, &SupportContacts::default(), LIMITS).unwrap_err();
    assert!(
        error.to_string().contains("support.emergency_call"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
