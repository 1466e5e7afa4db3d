//! The matcher against a hotline that fails: killed, answering garbage, restored from an
//! older backup; and the matcher itself killed mid-sync. Each ends holding exactly the
//! hotline's list.

use crate::proc::{Fault, MatcherProcess, Proxy, prepend_setting};
use crate::support::{Database, Server, add, eventually, pdq, report_of};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// A hotline with `reports` reports of `per_report` PDQ hashes each, numbered from `first`.
fn hotline_with(
    database: &Database,
    reports: u64,
    per_report: u64,
    first: u64,
) -> (Server, String) {
    let hotline = Server::start(database, &[]);
    let key = add("partner", "platform", database);
    for r in 0..reports {
        let hashes: Vec<String> = (0..per_report)
            .map(|i| pdq(first + r * per_report + i))
            .collect();
        hotline.report(&report_of(&hashes, &[]));
    }
    (hotline, key)
}

/// A config file following `url` in pages of `page` changes.
fn write_config(dir: &Path, url: &str, key: &str, page: u32) -> String {
    let path = dir.join("matcher.toml");
    std::fs::write(
        &path,
        format!(
            "state_dir = \"state\"\nsync_interval_seconds = 0.3\nmax_backoff_seconds = 0.5\n\
             page_size = {page}\n\n[[hotline]]\nname = \"hotline\"\nurl = \"{url}\"\nkey = \"{key}\"\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

/// The config at `path` made to load a whole list page by page through the feed (each
/// page journaled), not from the hotline's snapshot: what the tests of paging look at.
fn feed_only(path: &str) {
    prepend_setting(path, "use_snapshot = false");
}

fn settles_on(matcher: &MatcherProcess, list: &BTreeMap<i64, (String, String, bool)>) {
    matcher.settles_on(list);
}

#[test]
fn truncated_corrupt_and_failed_list_answers_are_refused_and_the_last_good_list_kept() {
    let database = Database::sqlite();
    let (hotline, key) = hotline_with(&database, 3, 20, 0);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, 25);
    let log = dir.join("matcher.log");
    let matcher = MatcherProcess::start(&log, &["--config", &config]);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));

    // More reports arrive; every kind of bad answer comes first.
    for r in 3..6 {
        let hashes: Vec<String> = (0..20).map(|i| pdq(r * 20 + i)).collect();
        hotline.report(&report_of(&hashes, &[]));
    }
    proxy.inject(&[
        Fault::Truncate,
        Fault::Corrupt,
        Fault::Html,
        Fault::Unavailable,
    ]);
    // Meanwhile it goes on matching with what it had.
    assert!(eventually(WAIT, || proxy.faults_left() == 0));
    assert_eq!(matcher.get("/readyz").0, 200);
    let found = matcher.match_hashes(&serde_json::json!({"pdq": pdq(1)}));
    assert_eq!(found.len(), 1);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));
    let logs = matcher.logs();
    for reason in [
        "could not be read whole",
        "malformed pdq value",
        "not a hash list page",
        "503",
    ] {
        assert!(
            logs.contains(reason),
            "the log should say {reason:?}:\n{logs}"
        );
    }
    // The error is shown until a sync succeeds.
    assert!(matcher.list_status()["last_error"].is_null());
}

#[test]
fn a_hotline_killed_and_restarted_during_a_sync_is_followed_to_the_end() {
    let database = Database::sqlite();
    let (mut hotline, key) = hotline_with(&database, 10, 30, 1000);
    let proxy = Proxy::start(&hotline.base);
    proxy.slow_down(Duration::from_millis(100));
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, 20);
    feed_only(&config);
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    // Partway through the 15 pages, the hotline dies and comes back on another address.
    assert!(eventually(WAIT, || proxy.afters().len() >= 4));
    hotline.kill();
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(matcher.get("/readyz").0, 503, "no complete list yet");
    hotline.restart();
    proxy.retarget(&hotline.base);
    proxy.slow_down(Duration::ZERO);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));
    assert_eq!(matcher.get("/readyz").0, 200);
    // It resumed where it was: no page was fetched from the start twice.
    let afters = proxy.afters();
    assert_eq!(afters.iter().filter(|&&a| a == 0).count(), 1, "{afters:?}");
}

#[test]
fn a_matcher_killed_mid_sync_resumes_from_its_journal() {
    let database = Database::sqlite();
    let (hotline, key) = hotline_with(&database, 10, 30, 5000);
    let proxy = Proxy::start(&hotline.base);
    proxy.slow_down(Duration::from_millis(100));
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, 20);
    feed_only(&config);
    let mut matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    assert!(eventually(WAIT, || proxy.afters().len() >= 6));
    matcher.kill();
    let fetched_before = *proxy.afters().last().unwrap();
    assert!(fetched_before >= 100, "{:?}", proxy.afters());
    proxy.slow_down(Duration::ZERO);
    matcher.restart();
    settles_on(&matcher, &hotline.replay_list(&key, 1000));
    // The restart asked for what came after its journal, not for the whole list again.
    let afters = proxy.afters();
    assert_eq!(afters.iter().filter(|&&a| a == 0).count(), 1, "{afters:?}");
    // And a restart after it is complete reads the saved list: ready at once.
    matcher.restart();
    assert_eq!(matcher.get("/readyz").0, 200);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));
}

#[test]
fn a_cursor_from_the_future_fetches_the_whole_list_again_only_if_not_much_shorter() {
    let database = Database::sqlite();
    let (hotline, key) = hotline_with(&database, 4, 25, 100);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, 30);
    let log = dir.join("matcher.log");
    let mut matcher = MatcherProcess::start(&log, &["--config", &config]);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));

    // The hotline is replaced by one restored from an older backup: a shorter feed with
    // other entries, at the same address. (Its partner key differs here; a real backup would
    // hold the same one.)
    let backup = Database::sqlite();
    let (older, older_key) = hotline_with(&backup, 1, 10, 900);
    assert_eq!(write_config(dir, &proxy.url, &older_key, 30), config);
    proxy.retarget(&older.base);
    matcher.restart();
    let list = older.replay_list(&older_key, 1000);
    assert_eq!(list.len(), 10);
    // A tenth of the list held: refused without the operator's word. The list held goes on
    // matching, and the status and the metrics say why it is not followed.
    let refused = eventually(WAIT, || {
        matcher.list_status()["last_error"]
            .as_str()
            .is_some_and(|error| error.contains("max_shrink_percent"))
    });
    assert!(refused, "{}", matcher.logs());
    assert_eq!(matcher.list_status()["entries"], 100);
    assert!(
        !matcher
            .match_hashes(&serde_json::json!({"pdq": pdq(100)}))
            .is_empty()
    );
    let metrics = matcher.metrics();
    assert!(
        metrics.contains("takeback_matcher_list_shrink_refused_total"),
        "{metrics}"
    );
    // The operator confirms: the shorter list is taken.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replacen("page_size", "max_shrink_percent = 100\npage_size", 1);
    std::fs::write(&config, text).unwrap();
    matcher.restart();
    settles_on(&matcher, &list);
    assert!(
        matcher.logs().contains("fetching the whole list again"),
        "{}",
        matcher.logs()
    );
    // What was only on the newer list no longer matches.
    assert!(
        matcher
            .match_hashes(&serde_json::json!({"pdq": pdq(100)}))
            .is_empty()
    );
}

#[test]
fn a_hotline_over_plain_http_off_this_machine_is_warned_about() {
    let database = Database::sqlite();
    let dir = database.dir.path();
    // A documentation address (TEST-NET-1): never reached, and not this machine.
    let config = write_config(dir, "http://192.0.2.1:9", "tbp_0123456789abcdef", 30);
    let log = dir.join("matcher.log");
    let matcher = MatcherProcess::start(&log, &["--config", &config]);
    let warning = matcher.list_status()["warning"].clone();
    assert!(
        warning
            .as_str()
            .is_some_and(|w| w.contains("plain http://")),
        "{warning}"
    );
    assert!(
        eventually(WAIT, || matcher.logs().contains("plain http://")),
        "{}",
        matcher.logs()
    );
    // Over the loopback, no warning.
    let database = Database::sqlite();
    let (hotline, key) = hotline_with(&database, 1, 1, 0);
    let dir = database.dir.path();
    let config = write_config(dir, &hotline.base, &key, 30);
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    let warning = matcher.list_status()["warning"].clone();
    assert!(!warning.to_string().contains("plain http://"), "{warning}");
    // Without the hotline's public key, that is said instead.
    assert!(warning.to_string().contains("public key"), "{warning}");
}

#[test]
fn a_sync_fetches_at_most_max_pages_per_sync_and_goes_on_at_the_next() {
    let database = Database::sqlite();
    let (hotline, key) = hotline_with(&database, 3, 10, 0);
    let dir = database.dir.path();
    let config = write_config(dir, &hotline.base, &key, 5);
    feed_only(&config);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replacen("page_size", "max_pages_per_sync = 2\npage_size", 1);
    std::fs::write(&config, text).unwrap();
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    settles_on(&matcher, &hotline.replay_list(&key, 1000));
    assert!(
        matcher.logs().contains("max_pages_per_sync"),
        "{}",
        matcher.logs()
    );
}
