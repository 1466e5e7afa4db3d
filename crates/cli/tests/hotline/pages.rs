//! The reporter pages as `takeback serve` serves them: where they are, their headers, the
//! help contacts' start-up warning, and settings that cannot work. (What the pages do in a
//! browser is tested in Chromium: web/test/e2e.)

use crate::support::*;

const PLACEHOLDER_WARNING: &str = "placeholder help contacts";

fn config_file(db: &Database, name: &str, text: &str) -> String {
    let path = db.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_pages_are_served_at_the_root_with_their_policy() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    for path in ["/", "/report", "/status", "/adult"] {
        let (status, content_type, policy, body) = get_page(&server.url(path));
        assert_eq!(status, 200, "{path}");
        assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
        assert!(policy.contains("connect-src 'self'"), "{path}: {policy}");
        assert!(policy.contains("default-src 'none'"), "{path}: {policy}");
        assert!(body.contains("id=\"quick-exit\""), "{path}");
    }
    let (status, content_type, _, _) = get_page(&server.url("/assets/pdq/takeback_pdq_wasm.wasm"));
    assert_eq!((status, content_type.as_str()), (200, "application/wasm"));
    // A browser sent somewhere wrong gets a page; the API keeps answering JSON.
    let (status, content_type, _, body) = get_page(&server.url("/somewhere/else"));
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );
    assert!(body.contains("Page not found"));
    for path in ["/api/v1/nothing", "/api/nothing", "/api/v1"] {
        let (status, body) = server.get(path, None);
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{path}"
        );
    }
    // In the language the address names, even where nothing is.
    let (status, _, _, body) = get_page(&server.url("/es/a/b"));
    assert_eq!(status, 404);
    assert!(body.contains(r#"<html lang="es""#));
    // JSON answers may load nothing at all.
    let (_, _, policy, _) = get_page(&server.url("/healthz"));
    assert_eq!(policy, "default-src 'none'; frame-ancestors 'none'");
}

#[test]
fn placeholder_help_contacts_are_warned_about_until_replaced() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    assert!(
        server.logs().contains(PLACEHOLDER_WARNING),
        "{}",
        server.logs()
    );
    let config = config_file(
        &db,
        "uk.toml",
        r#"
[support]
emergency_number = "999"
[[support.helplines]]
name = "Childline"
phone = "0800 1111"
url = "https://www.childline.org.uk/"
[[support.exploitation_reporting]]
name = "CEOP"
url = "https://www.ceop.police.uk/"
"#,
    );
    let server = Server::start(&db, &["--config", &config]);
    assert!(
        !server.logs().contains(PLACEHOLDER_WARNING),
        "{}",
        server.logs()
    );
    let (_, _, _, page) = get_page(&server.url("/"));
    assert!(page.contains("Childline") && page.contains("tel:999"));
    assert!(!page.contains("Child Helpline International"));
}

#[test]
fn languages_not_reviewed_are_named_at_start_and_the_operator_chooses_which_to_offer() {
    const UNREVIEWED: &str = "have not been reviewed by a native speaker";
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let logs = server.logs();
    assert!(
        logs.contains(UNREVIEWED) && logs.contains("pt-BR"),
        "{logs}"
    );
    let (status, _, _, page) = get_page(&server.url("/uk/report"));
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="uk" dir="ltr">"#));

    let config = config_file(
        &db,
        "two.toml",
        "[pages]\nlanguages = [\"es\", \"en\"]\nlanguage = \"es\"\n",
    );
    let server = Server::start(&db, &["--config", &config]);
    assert!(!server.logs().contains("pt-BR"), "{}", server.logs());
    let (status, _, _, _) = get_page(&server.url("/uk/report"));
    assert_eq!(status, 404, "not offered");
    // The default for a browser that asks for none of them.
    let (_, _, _, page) = get_page(&server.url("/report"));
    assert!(page.contains(r#"<html lang="es" dir="ltr">"#));
}

#[test]
fn the_pages_follow_the_hotlines_limits() {
    let db = Database::sqlite();
    let server = Server::start(
        &db,
        &["--max-hashes-per-report", "30", "--min-pdq-quality", "70"],
    );
    let (_, _, _, page) = get_page(&server.url("/report"));
    assert!(page.contains("\"maxHashes\":30"), "{page}");
    assert!(page.contains("\"minPdqQuality\":70"));
    assert!(page.contains("You can choose up to 10 pictures or videos."));
}

#[test]
fn an_api_only_hotline_serves_no_pages() {
    let db = Database::sqlite();
    let config = config_file(&db, "api.toml", "[pages]\nenabled = false\n");
    let server = Server::start(&db, &["--config", &config]);
    let (status, body) = server.get("/", None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    assert!(!server.logs().contains(PLACEHOLDER_WARNING));
}

#[test]
fn unusable_page_settings_stop_the_server_with_a_message() {
    let db = Database::sqlite();
    for (text, expected) in [
        (
            "[pages]\nquick_exit_url = \"javascript:void(0)\"\n",
            "quick_exit_url",
        ),
        (
            "[pages]\nlanguage = \"xx\"\n",
            "language \"xx\" must be one of the languages offered",
        ),
        (
            "[pages]\nlanguages = [\"es\", \"xx\"]\nlanguage = \"es\"\n",
            "no messages for language \"xx\"",
        ),
        (
            "[pages]\nmessages = \"/etc/hostname\"\n",
            "names a folder of <language>.ftl files",
        ),
        ("[pages]\ncolour = \"red\"\n", "unknown field"),
        (
            "[pages]\nmessages = \"/no/such/catalogue.toml\"\n",
            "/no/such/catalogue.toml",
        ),
        (
            "[[support.helplines]]\nname = \"Line\"\nphone = \"ring us\"\n",
            "not a phone number",
        ),
        (
            "[[support.helplines]]\nname = \"Line\"\nurl = \"javascript:alert(1)\"\n",
            "https://",
        ),
    ] {
        let config = config_file(&db, "bad.toml", text);
        let output = takeback()
            .args(["serve", "--listen", "127.0.0.1:0", "--config", &config])
            .env("TAKEBACK_DATABASE_URL", &db.url)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Said once: the causes' words are not repeated down the chain.
        assert_eq!(stderr.matches(expected).count(), 1, "{text}: {stderr}");
    }
}
