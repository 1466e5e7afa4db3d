//! `takeback serve` settings: file, environment and options.

use crate::support::*;

#[test]
fn a_config_file_sets_the_listing_policy() {
    let db = Database::sqlite();
    let config = db.dir.path().join("hotline.toml");
    std::fs::write(
        &config,
        "listing_policy = \"hold_for_analyst\"\nmin_pdq_quality = 80\n",
    )
    .unwrap();
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let key = add("partner", "P", &db);
    server.report(&report_of(&[pdq(1)], &[]));
    assert!(server.replay_list(&key, 10).is_empty(), "held, not listed");
    // quality 90 passes 80; 70 does not.
    let mut low = report_of(&[pdq(2)], &[]);
    low["hashes"][0]["quality"] = 70.into();
    let (status, body) = server.post_json("/api/v1/reports", None, &low);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("low_quality"))
    );
}

#[test]
fn bad_settings_are_refused_with_a_message() {
    let db = Database::sqlite();
    let config = db.dir.path().join("bad.toml");
    std::fs::write(&config, "listing_policy = \"publish_everything\"\n").unwrap();
    let hsts = db.dir.path().join("hsts.toml");
    std::fs::write(&hsts, "hsts = true\n").unwrap();
    for (args, expected) in [
        (vec!["--config", config.to_str().unwrap()], "listing_policy"),
        (vec!["--config", "/no/such/file.toml"], "/no/such/file.toml"),
        (
            vec!["--database", "mysql://localhost/x"],
            "unsupported database URL",
        ),
        (vec!["--min-pdq-quality", "101"], "101"),
        (vec!["--hsts", "sometimes"], "sometimes"),
        (vec!["--config", hsts.to_str().unwrap()], "hsts"),
        (
            vec!["--throttle-secret", " "],
            "the throttle secret is empty",
        ),
        (
            vec!["--failed-case-lookups-per-case-per-hour", "many"],
            "invalid value 'many'",
        ),
    ] {
        let output = takeback()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&args)
            .env("TAKEBACK_DATABASE_URL", &db.url)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn the_database_url_comes_from_the_environment() {
    let db = Database::sqlite();
    let output = takeback()
        .args(["partner", "add", "Env"])
        .env("TAKEBACK_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(db.dir.path().join("hotline.db").exists());
}
