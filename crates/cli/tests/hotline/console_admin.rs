//! The admins' console pages: partners and analysts added (the key or token shown once and
//! working), roles changed, revoked; an analyst refused them on GET and POST alike; an
//! admin unable to lock themselves out; each change audited under the admin's name.

use crate::console::{Browser, form_token};
use crate::support::*;

/// The token on a "shown once" page.
fn shown_token(page: &str) -> String {
    let start = page
        .find("<code class=\"token\" id=\"token\">")
        .expect(page)
        + "<code class=\"token\" id=\"token\">".len();
    let end = start + page[start..].find("</code>").unwrap();
    page[start..end].to_owned()
}

#[test]
fn an_admin_adds_and_revokes_partners() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let admin = add_in_role("grace", "admin", &db);
        let mut browser = Browser::new(&server);
        browser.sign_in(&admin);
        let page = browser.get("/console/partners");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("No partners yet."));
        let token = form_token(&page.body);

        let added = browser.post(
            "/console/partners",
            &[("form_token", &token), ("name", "  Example Video  ")],
        );
        assert_eq!(added.status, 201, "{}", added.body);
        assert!(added.body.contains("shown <strong>only once</strong>"));
        let key = shown_token(&added.body);
        // The key works for the feed at once.
        let (status, body) = server.get("/api/v1/hashlist", Some(&key));
        assert_eq!(status, 200, "{body}");

        let list = browser.get("/console/partners").body;
        assert!(
            list.contains("<th scope=\"row\">Example Video</th>"),
            "{list}"
        );
        // Never shown again, not even in part.
        assert!(!list.contains(&key[..12]), "{list}");

        let again = browser.post(
            "/console/partners",
            &[("form_token", &token), ("name", "Example Video")],
        );
        assert_eq!(again.status, 409, "{}", again.body);
        for (name, why) in [("", "Give a name."), ("two\nlines", "on one line")] {
            let answer = browser.post(
                "/console/partners",
                &[("form_token", &token), ("name", name)],
            );
            assert_eq!(answer.status, 400, "{name:?}");
            assert!(answer.body.contains(why), "{}", answer.body);
        }
        let long = "x".repeat(201);
        let answer = browser.post(
            "/console/partners",
            &[("form_token", &token), ("name", &long)],
        );
        assert_eq!(answer.status, 400);

        let revoked = browser.post(
            "/console/partners/revoke",
            &[("form_token", &token), ("name", "Example Video")],
        );
        assert_eq!(revoked.status, 303, "{}", revoked.body);
        assert_eq!(revoked.location, "/console/partners?done=partner_revoked");
        let list = browser.get(&revoked.location).body;
        assert!(list.contains("it no longer works"), "{list}");
        assert!(list.contains("revoked "), "{list}");
        assert_eq!(server.get("/api/v1/hashlist", Some(&key)).0, 401);
        let unknown = browser.post(
            "/console/partners/revoke",
            &[("form_token", &token), ("name", "Nobody")],
        );
        assert_eq!(unknown.status, 404);

        // Audited under the admin's name.
        let audit = browser.get("/console/audit?actor=grace").body;
        assert!(
            audit.contains("partner_added") && audit.contains("partner_revoked"),
            "{audit}"
        );
    }
}

#[test]
fn an_admin_adds_analysts_changes_roles_and_revokes_but_not_themselves() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let admin = add_in_role("heidi", "admin", &db);
        let mut browser = Browser::new(&server);
        browser.sign_in(&admin);
        let page = browser.get("/console/analysts");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("heidi (you)"));
        // No role or revoke control on one's own row.
        assert!(!page.body.contains("Revoke token of heidi"));
        let token = form_token(&page.body);

        let added = browser.post(
            "/console/analysts",
            &[
                ("form_token", &token),
                ("name", "ivan"),
                ("role", "analyst"),
            ],
        );
        assert_eq!(added.status, 201, "{}", added.body);
        assert!(added.body.contains("added as analyst"));
        let ivan = shown_token(&added.body);
        let mut ivans = Browser::new(&server);
        ivans.sign_in(&ivan);
        assert_eq!(ivans.get("/console/queue").status, 200);
        assert_eq!(ivans.get("/console/analysts").status, 403);

        let bad_role = browser.post(
            "/console/analysts",
            &[("form_token", &token), ("name", "judy"), ("role", "owner")],
        );
        assert_eq!(bad_role.status, 400);
        assert!(bad_role.body.contains("Choose a role"));

        // Made admin, ivan's next request is an admin's.
        let promoted = browser.post(
            "/console/analysts/role",
            &[("form_token", &token), ("name", "ivan"), ("role", "admin")],
        );
        assert_eq!(promoted.status, 303, "{}", promoted.body);
        assert_eq!(ivans.get("/console/analysts").status, 200);

        for (path, form) in [
            (
                "/console/analysts/role",
                vec![("name", "heidi"), ("role", "analyst")],
            ),
            ("/console/analysts/revoke", vec![("name", "heidi")]),
        ] {
            let mut fields = vec![("form_token", token.as_str())];
            fields.extend(form);
            let answer = browser.post(path, &fields);
            assert_eq!(answer.status, 409, "{path}: {}", answer.body);
            assert!(answer.body.contains("cannot"), "{}", answer.body);
        }

        let revoked = browser.post(
            "/console/analysts/revoke",
            &[("form_token", &token), ("name", "ivan")],
        );
        assert_eq!(revoked.status, 303);
        // Ivan's session ends at once.
        assert_eq!(ivans.get("/console/queue").location, "/console?ended=1");
        let unknown = browser.post(
            "/console/analysts/role",
            &[
                ("form_token", &token),
                ("name", "nobody"),
                ("role", "admin"),
            ],
        );
        assert_eq!(unknown.status, 404);

        let audit = browser.get("/console/audit?actor=heidi").body;
        for action in ["analyst_added", "analyst_role_set", "analyst_revoked"] {
            assert!(audit.contains(action), "{action}: {audit}");
        }
    }
}

#[test]
fn an_analyst_cannot_reach_or_use_the_admin_pages() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let analyst = add("analyst", "mallory", &db);
    let mut browser = Browser::new(&server);
    browser.sign_in(&analyst);
    let dashboard = browser.get("/console/dashboard").body;
    assert!(!dashboard.contains("/console/partners") && !dashboard.contains("/console/analysts"));
    let token = form_token(&dashboard);
    for path in ["/console/partners", "/console/analysts"] {
        let answer = browser.get(path);
        assert_eq!(answer.status, 403, "{path}");
        assert!(answer.body.contains("Only an admin"), "{}", answer.body);
        // An error page keeps the banner: who is signed in, and "Sign out".
        assert!(answer.body.contains(">Sign out<") && answer.body.contains("mallory"));
    }
    for (path, form) in [
        ("/console/partners", vec![("name", "Sneaky")]),
        ("/console/partners/revoke", vec![("name", "Sneaky")]),
        (
            "/console/analysts",
            vec![("name", "sneaky"), ("role", "admin")],
        ),
        (
            "/console/analysts/role",
            vec![("name", "mallory"), ("role", "admin")],
        ),
        ("/console/analysts/revoke", vec![("name", "mallory")]),
    ] {
        let mut fields = vec![("form_token", token.as_str())];
        fields.extend(form);
        let answer = browser.post(path, &fields);
        assert_eq!(answer.status, 403, "{path}: {}", answer.body);
    }
    // Nothing changed: no partner, and mallory is still an analyst.
    let output = takeback()
        .args(["analyst", "list", "--database", &db.url])
        .output()
        .unwrap();
    let list = String::from_utf8(output.stdout).unwrap();
    assert!(
        list.contains("mallory") && list.trim_end().ends_with("analyst"),
        "{list}"
    );
    assert!(!list.contains("sneaky"));
    let output = takeback()
        .args(["partner", "list", "--database", &db.url])
        .output()
        .unwrap();
    assert!(output.stdout.is_empty());
}
