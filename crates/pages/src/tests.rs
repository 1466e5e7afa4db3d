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

/// Page `page` (`""` for the start page) in `language`, decoded.
fn document(pages: &Pages, language: &str, page: &str) -> String {
    let language = pages.language(language).unwrap();
    decoded(&language.documents[&(page, language.default_country)])
}

async fn get_with(
    pages: Arc<Pages>,
    path: &str,
    accept_language: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let router: Router = pages.router();
    let request = Request::get(path)
        .header("accept-language", accept_language)
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
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
    let paths = ["/", "/report", "/status", "/adult"]
        .into_iter()
        .map(str::to_owned)
        .chain(catalogue::languages().into_iter().flat_map(|language| {
            ["", "report", "status", "adult"].map(|page| format!("/{language}/{page}"))
        }));
    for path in paths {
        let path = path.as_str();
        let (status, headers, body) = get(Arc::clone(&pages), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY);
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(body.starts_with("<!doctype html>"), "{path}");
        // Every page: the quick exit first, and where to get help.
        assert!(body.contains(r#"id="quick-exit" href="https://www.google.com/""#));
        assert!(body.contains("Child Helpline International"), "{path}");
        // Nothing from anywhere else: every src and href is ours, a help contact's, or
        // the quick exit's.
        for attribute in ["src=\"", "href=\""] {
            for value in body.split(attribute).skip(1) {
                let value = &value[..value.find('"').unwrap()];
                assert!(
                    (value.starts_with('/') && !value.starts_with("//"))
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
        ("/assets/pdq/takeback_pdq_simd.wasm", "application/wasm"),
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
        adult_helplines: vec![everything.clone()],
        country: Some("GB".to_owned()),
        country_name: Some("United Kingdom".to_owned()),
        languages: Vec::new(),
        countries: vec![support::CountryContacts {
            code: "IE".to_owned(),
            name: "Ireland".to_owned(),
            languages: Vec::new(),
            emergency_number: "112".to_owned(),
            helplines: vec![everything],
            exploitation_reporting: Vec::new(),
            adult_helplines: Vec::new(),
        }],
    };
    let mut used = BTreeSet::new();
    for support in [SupportContacts::default(), full] {
        let links = [("en", "English"), ("es", "Español")].map(|(code, name)| LanguageLink {
            code: code.to_owned(),
            name: name.to_owned(),
            dir: "ltr",
        });
        let rendered = render::render_all(
            &catalogue,
            &links,
            &PagesSettings::default(),
            &support,
            LIMITS,
        )
        .unwrap();
        used.extend(rendered.used_keys);
    }
    // Template messages: rendering fails on a missing key, so only unused ones remain.
    // The language's name is the switcher's.
    let unused: Vec<&str> = catalogue
        .keys()
        .filter(|key| !key.starts_with("js-") && *key != "language-name")
        .filter(|key| !used.contains(*key))
        .collect();
    assert!(unused.is_empty(), "messages no template uses: {unused:?}");

    // Script messages: each `js-` message appears quoted in a script, and each `t("…")`
    // in a script names one.
    let scripts: String = ASSETS
        .iter()
        .filter(|asset| asset.path.starts_with("js/"))
        .map(|asset| std::str::from_utf8(asset.body).unwrap())
        .collect();
    let js = catalogue.script_messages();
    let unused: Vec<&String> = js
        .keys()
        .filter(|key| !scripts.contains(&format!("\"{key}\"")))
        .collect();
    assert!(unused.is_empty(), "js- messages no script uses: {unused:?}");
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
            "a script asks for js-{key}, which is missing"
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
    let page = document(&pages, "en", "");
    assert_eq!(page.matches("<script").count(), 3, "{page}");
    assert!(page.contains("&lt;/script&gt;"), "{page}");
    assert!(page.contains("\\u003c/script\\u003e"));
}

#[test]
fn the_scripts_are_told_the_hotlines_limits() {
    let page = document(&pages(), "en", "report");
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
    let index = document(&pages, "en", "");
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
    let adult = document(&pages, "en", "adult");
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
    assert!(
        error
            .to_string()
            .contains("must be one of the languages offered"),
        "{error}"
    );
    for (languages, language, problem) in [
        (vec!["es", "zz"], "es", "no messages for language \"zz\""),
        (vec!["es", "ES"], "es", "twice"),
        (
            vec!["es", "fr"],
            "en",
            "must be one of the languages offered: es, fr",
        ),
    ] {
        let settings = PagesSettings {
            languages: languages.into_iter().map(str::to_owned).collect(),
            language: language.to_owned(),
            ..PagesSettings::default()
        };
        let error = Pages::new(&settings, &support, LIMITS)
            .unwrap_err()
            .to_string();
        assert!(error.contains(problem), "{error}");
    }
}

#[test]
fn a_hotline_can_use_its_own_catalogue_files() {
    let english = include_str!("../../../web/messages/en.ftl");
    let dir = tempfile::tempdir().unwrap();
    let settings = PagesSettings {
        messages: Some(dir.path().to_owned()),
        ..PagesSettings::default()
    };
    let support = SupportContacts::default();
    // Words adjusted in a built-in language.
    std::fs::write(
        dir.path().join("en.ftl"),
        english.replace(
            "index-title = Take back control of a picture of you",
            "index-title = Get help with a picture of you",
        ),
    )
    .unwrap();
    let pages = Pages::new(&settings, &support, LIMITS).unwrap();
    assert!(document(&pages, "en", "").contains("<h1>Get help with a picture of you</h1>"));
    assert!(
        document(&pages, "es", "").contains("lang=\"es\""),
        "the rest still offered"
    );

    // A language Takeback lacks, one message short (an older file after an upgrade):
    // that one in English.
    std::fs::remove_file(dir.path().join("en.ftl")).unwrap();
    std::fs::write(
        dir.path().join("cy.ftl"),
        english
            .replace("language-name = English", "language-name = Cymraeg")
            .replace("common-quick-exit = Quick exit\n", "")
            .replace("Take back control of a picture of you", "Cymorth"),
    )
    .unwrap();
    let pages = Pages::new(&settings, &support, LIMITS).unwrap();
    let welsh = document(&pages, "cy", "");
    assert!(welsh.contains("<h1>Cymorth</h1>") && welsh.contains(">Quick exit<"));
    assert!(welsh.contains(">Cymraeg</a>"), "in the switcher");

    // A language Takeback lacks must say its own name.
    std::fs::write(
        dir.path().join("cy.ftl"),
        english.replace("language-name = English\n", ""),
    )
    .unwrap();
    let error = Pages::new(&settings, &support, LIMITS).unwrap_err();
    assert!(error.to_string().contains("language-name"), "{error}");

    // A variable misspelt: refused, naming the message.
    std::fs::write(
        dir.path().join("cy.ftl"),
        english.replace("Call { $number }", "Call { $numbr }"),
    )
    .unwrap();
    let error = Pages::new(&settings, &support, LIMITS).unwrap_err();
    assert!(
        error.to_string().contains("support-emergency-call"),
        "{error}"
    );

    // The old single-file form says what to do.
    let file = dir.path().join("cy.ftl");
    let settings = PagesSettings {
        messages: Some(file),
        ..PagesSettings::default()
    };
    let error = Pages::new(&settings, &support, LIMITS)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("names a folder of <language>.ftl files"),
        "{error}"
    );
}

#[tokio::test]
async fn the_language_is_in_the_address_or_else_the_browsers_choice() {
    let pages = pages();
    let page =
        |path: &'static str, accept: &'static str| get_with(Arc::clone(&pages), path, accept);
    let (status, headers, body) = page("/es/report", "fr").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<html lang="es" dir="ltr">"#), "{body}");
    assert_eq!(headers["content-language"], "es");
    assert!(headers.get("vary").is_none(), "the address alone decides");
    // Links stay in the language.
    assert!(body.contains(r#"href="/es/status""#));
    // Right to left, with the quick exit still the first link.
    let (_, _, body) = page("/ar/", "en").await;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    let first_link = &body[body.find("<a ").unwrap()..];
    assert!(
        first_link.starts_with(r#"<a class="quick-exit""#),
        "{first_link}"
    );
    // A plain address follows Accept-Language, and says so to caches.
    for (accept, language) in [
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt-BR"),
        ("pt", "pt-BR"),
        ("es-MX,es;q=0.9", "es"),
        ("de-CH;q=0.5, uk;q=0.9", "uk"),
        ("xx, zz;q=0.5", "en"),
        ("", "en"),
        ("*", "en"),
    ] {
        let (status, headers, body) = page("/status", accept).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains(&format!(r#"<html lang="{language}""#)),
            "{accept}"
        );
        assert_eq!(headers["vary"], "accept-language", "{accept}");
        assert_eq!(headers["content-language"], language, "{accept}");
    }
    // A language's start page, with or without the slash, in any letter case.
    for path in ["/fa", "/fa/", "/FA", "/pt-BR/", "/pt-br"] {
        let (status, _, body) = page(path, "en").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(r#"<html lang="en""#), "{path}");
    }
    // Nothing there: not found, in the language of the address, else the browser's.
    let (status, _, body) = page("/es/nowhere", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains(r#"<html lang="es""#));
    // Elsewhere the hotline's fallback answers, with the pages' not-found page.
    let mut french = axum::http::HeaderMap::new();
    french.insert("accept-language", HeaderValue::from_static("fr"));
    let response = pages.not_found("/xx/report", &french);
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-language"], "fr");
    assert_eq!(response.headers()["vary"], "accept-language");
    // An address that does not decode is no page either.
    for path in ["/%FF", "/es/%FF"] {
        let (status, headers, _) = page(path, "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{path}"
        );
    }
    let response = pages.not_found("/it/a/b", &axum::http::HeaderMap::new());
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-language"], "it");
}

#[test]
fn the_switcher_lists_each_language_in_its_own_name_and_keeps_the_page() {
    let pages = pages();
    let status = document(&pages, "de", "status");
    for (code, name) in [
        ("en", "English"),
        ("es", "Español"),
        ("uk", "Українська"),
        ("ar", "العربية"),
        ("fa", "فارسی"),
        ("pt-BR", "Português (Brasil)"),
    ] {
        let dir = if matches!(code, "ar" | "fa") {
            "rtl"
        } else {
            "ltr"
        };
        let link =
            format!(r#"<a href="/{code}/status" hreflang="{code}" lang="{code}" dir="{dir}""#);
        assert!(status.contains(&link), "{link}");
        assert!(status.contains(&format!(">{name}</a>")), "{name}");
    }
    assert!(status.contains(r#"hreflang="de" lang="de" dir="ltr" aria-current="true""#));
    // The start page's links go to the start pages; one language offered, no switcher.
    assert!(document(&pages, "de", "").contains(r#"<a href="/fr/" hreflang="fr""#));
    let settings = PagesSettings {
        languages: vec!["en".to_owned()],
        ..PagesSettings::default()
    };
    let one = Pages::new(&settings, &SupportContacts::default(), LIMITS).unwrap();
    assert!(!document(&one, "en", "").contains("class=\"languages\""));
    assert!(one.language("es").is_none());
}

/// The visible words of a page: its text outside tags, scripts and the switcher (which
/// names every language in itself).
fn visible_text(page: &str) -> String {
    let page = match (
        page.find("<details class=\"languages\">"),
        page.find("</details>"),
    ) {
        (Some(start), Some(end)) => format!("{}{}", &page[..start], &page[end..]),
        _ => page.to_owned(),
    };
    let mut text = String::new();
    let mut rest = page.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push('\n');
        let tag = &rest[open..];
        let skip_to = if tag.starts_with("<script") {
            tag.find("</script>").unwrap_or(tag.len())
        } else {
            tag.find('>').unwrap_or(tag.len())
        };
        rest = &tag[(skip_to + 1).min(tag.len())..];
    }
    text.push_str(rest);
    text
}

#[test]
fn no_page_shows_english_in_another_language() {
    let pages = pages();
    let english = Catalogue::load("en").unwrap();
    // Each English sentence a template shows (three words or more), formatted.
    let mut sentences = BTreeSet::new();
    for key in english.keys() {
        if key.starts_with("js-") {
            continue;
        }
        let arguments: Vec<(&str, catalogue::Argument)> = english
            .variables(key)
            .unwrap()
            .iter()
            .map(|name| (name.as_str(), catalogue::Argument::Number(3.0)))
            .collect();
        let texts = match english.format(key, &arguments).unwrap() {
            catalogue::Message::Text(text) => vec![text],
            catalogue::Message::List(list) => list,
        };
        for text in texts {
            for sentence in text.split(['.', ':', '?', '!']) {
                let sentence = sentence.trim();
                if sentence.split_whitespace().count() >= 3 && !sentence.contains('3') {
                    sentences.insert(sentence.to_owned());
                }
            }
        }
    }
    assert!(sentences.len() > 100);
    for language in catalogue::languages().into_iter().filter(|l| *l != "en") {
        for page in ["", "report", "status", "adult"] {
            let text = visible_text(&document(&pages, language, page));
            for sentence in &sentences {
                assert!(
                    !text.contains(sentence.as_str()),
                    "/{language}/{page} shows English: {sentence:?}"
                );
            }
        }
        // The scripts' words too.
        let translated = Catalogue::load(language).unwrap();
        for (key, message) in english.script_messages() {
            if let catalogue::ScriptMessage::Text(text) = message
                && text.split_whitespace().count() >= 3
            {
                assert_ne!(
                    translated.script_messages().get(key),
                    Some(message),
                    "{language}: js-{key} is English"
                );
            }
        }
    }
}

#[tokio::test]
async fn each_country_has_its_help_and_the_reader_chooses() {
    let support: SupportContacts = toml::from_str(
        r#"
        country = "GB"
        country_name = "United Kingdom"
        emergency_number = "999"
        [[helplines]]
        name = "Childline"
        phone = "0800 1111"
        [[countries]]
        code = "ES"
        name = "España"
        languages = ["es"]
        emergency_number = "112"
        [[countries.helplines]]
        name = "Fundación ANAR"
        phone = "900 20 20 10"
        [[countries.exploitation_reporting]]
        name = "Policía Nacional"
        url = "https://www.policia.es/"
        "#,
    )
    .unwrap();
    let pages = Arc::new(Pages::new(&PagesSettings::default(), &support, LIMITS).unwrap());
    let page = |path: &'static str| get_with(Arc::clone(&pages), path, "en");
    // The language's own country first.
    let (_, _, spanish) = page("/es/report").await;
    assert!(spanish.contains("Fundación ANAR") && spanish.contains("tel:112"));
    assert!(!spanish.contains("Childline"));
    let (_, _, english) = page("/en/report").await;
    assert!(english.contains("Childline") && english.contains("tel:999"));
    // The reader's choice, which every link keeps.
    let (_, _, chosen) = page("/en/report?country=es").await;
    assert!(chosen.contains("Fundación ANAR") && chosen.contains("Help for people in España"));
    assert!(
        chosen.contains(r#"href="/en/status?country=ES""#),
        "links keep it"
    );
    assert!(
        chosen.contains(r#"href="/es/report?country=ES""#),
        "the switcher too"
    );
    assert!(
        chosen.contains(r#"href="/en/report?country=GB""#),
        "the chooser"
    );
    let (_, _, adult) = page("/en/adult?country=ES").await;
    assert!(adult.contains("Call 112 if a child") && adult.contains("Policía Nacional"));
    // An unknown country: the language's own.
    let (status, _, unknown) = page("/en/report?country=ZZ&x=%ZZ").await;
    assert_eq!(status, StatusCode::OK);
    assert!(unknown.contains("Childline"));

    // More than one country: each needs a code and a name, once.
    for (config, problem) in [
        (
            "[[countries]]\ncode = \"ES\"\nname = \"España\"\nemergency_number = \"112\"",
            "its ISO 3166 code",
        ),
        (
            "country = \"GB\"\n[[countries]]\ncode = \"ES\"\nname = \"España\"\nemergency_number = \"112\"",
            "its name",
        ),
        (
            "country = \"GB\"\ncountry_name = \"UK\"\n[[countries]]\ncode = \"gb\"\nname = \"x\"\nemergency_number = \"1\"",
            "ISO 3166",
        ),
        (
            "country = \"GB\"\ncountry_name = \"UK\"\n[[countries]]\ncode = \"GB\"\nname = \"x\"\nemergency_number = \"1\"",
            "listed twice",
        ),
        (
            "country = \"GB\"\ncountry_name = \"UK\"\n[[countries]]\ncode = \"ES\"\nname = \"x\"\nemergency_number = \" \"",
            "emergency_number",
        ),
    ] {
        let support: SupportContacts = toml::from_str(config).unwrap();
        let error = Pages::new(&PagesSettings::default(), &support, LIMITS)
            .unwrap_err()
            .to_string();
        assert!(error.contains(problem), "{config}: {error}");
    }
}
