//! The matcher checks the hotline's list against its signed checkpoints (issue 19): pages
//! altered on the way are refused and the last good list kept; a key other than the
//! hotline's is refused; a hotline restored from an older backup and written to since is
//! recognised and its new history fetched whole; a rotated key is followed through the old
//! key's announcement.

use crate::proc::{MatcherProcess, Proxy, Tamper, prepend_setting};
use crate::support::{Database, Server, add, eventually, pdq, report_of, takeback};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// Reports `count` PDQ hashes numbered from `first`, in reports of ten.
fn report_hashes(hotline: &Server, first: u64, count: u64) {
    let hashes: Vec<String> = (first..first + count).map(pdq).collect();
    for report in hashes.chunks(10) {
        hotline.report(&report_of(report, &[]));
    }
}

/// A config following `url` with the hotline's `public_key`, in pages of `page`.
fn write_config(dir: &Path, url: &str, key: &str, public_key: &str, page: u32) -> String {
    let path = dir.join("matcher.toml");
    std::fs::write(
        &path,
        format!(
            "state_dir = \"state\"\nsync_interval_seconds = 0.3\nmax_backoff_seconds = 0.5\n\
             page_size = {page}\n\n[[hotline]]\nname = \"hotline\"\nurl = \"{url}\"\n\
             key = \"{key}\"\npublic_key = \"{public_key}\"\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn pages_altered_on_the_way_are_refused_and_the_last_good_list_kept() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    report_hashes(&hotline, 0, 30);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, &hotline.public_key(), 25);
    // Paged from the start, so that the proxy has an old page to replay.
    prepend_setting(&config, "use_snapshot = false");
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    let before = hotline.replay_list(&key, 1000);
    matcher.settles_on(&before);
    let status = matcher.list_status();
    assert_eq!(status["checkpoint"]["seq"], 30, "{status}");
    assert_eq!(status["checkpoint"]["size"], 30, "{status}");
    assert_eq!(status["checkpoint"]["signature_checked"], true, "{status}");
    assert!(status["warning"].is_null(), "{status}");

    // Every way of altering the next page is tried once, then the page passes unharmed.
    let tampers = [
        Tamper::FlipHash,
        Tamper::DropChange,
        Tamper::Reorder,
        Tamper::Replay,
    ];
    proxy.tamper(&tampers);
    report_hashes(&hotline, 100, 10);
    assert!(
        eventually(WAIT, || proxy.tampers_left() == 0),
        "{}",
        matcher.logs()
    );
    // No altered page was taken: had one been, the list would hold a wrong hash or miss a
    // change for good, since the cursor moves past a page once it is applied.
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    let logs = matcher.logs();
    for reason in [
        // FlipHash and Reorder.
        "do not lead to the chain head the hotline signed",
        // DropChange: the checkpoint covers the change left out.
        "but its checkpoint covers change",
        // Replay: changes from the start of the feed.
        "out of sequence",
    ] {
        assert!(
            logs.contains(reason),
            "the log should say {reason:?}:\n{logs}"
        );
    }
    let status = matcher.list_status();
    assert!(status["pages_refused"].as_u64() >= Some(3), "{status}");
    assert_eq!(status["checkpoint"]["seq"], 40, "{status}");
    assert!(
        matcher
            .metrics()
            .contains("takeback_matcher_pages_refused_total"),
        "{}",
        matcher.metrics()
    );
}

#[test]
fn a_key_other_than_the_hotlines_is_refused() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    report_hashes(&hotline, 0, 5);
    let dir = database.dir.path();
    // Another hotline's key: well formed, but not this one's.
    let other = Database::sqlite();
    let other_key = Server::start(&other, &[]).public_key();
    let config = write_config(dir, &hotline.base, &key, &other_key, 25);
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    let refused = eventually(WAIT, || {
        matcher.list_status()["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("neither the hotline's public key configured here"))
    });
    assert!(refused, "{}", matcher.logs());
    // Nothing from the page was taken: no list, not ready.
    assert_eq!(matcher.get("/readyz").0, 503);
    assert_eq!(matcher.list_status()["entries"], 0);

    // A key that is not a key at all is refused at start, by the command line too.
    let output = takeback()
        .args(["matcher", "--hotline", &hotline.base, "--key", &key])
        .args(["--public-key", "not-a-key", "--state"])
        .arg(dir.join("state2"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("public key is 32 bytes"), "{stderr}");
}

/// The hotline's SQLite files, copied aside or back (with the server stopped).
fn copy_database(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["hotline.db", "hotline.db-wal", "hotline.db-shm"] {
        let target = to.join(name);
        let _ = std::fs::remove_file(&target);
        if from.join(name).exists() {
            std::fs::copy(from.join(name), &target).unwrap();
        }
    }
}

#[test]
fn a_hotline_restored_from_an_older_backup_and_written_to_is_followed_into_its_new_history() {
    let database = Database::sqlite();
    let mut hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let public_key = hotline.public_key();
    report_hashes(&hotline, 0, 10);
    // The backup, taken after the first ten.
    hotline.kill();
    let backup = tempfile::tempdir().unwrap();
    copy_database(database.dir.path(), backup.path());
    hotline.restart();
    report_hashes(&hotline, 10, 10);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, &public_key, 8);
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    assert_eq!(matcher.list_status()["cursor"], 20);

    // Restored from the backup, then written to: its feed passes change 20 again, with
    // other changes.
    hotline.kill();
    copy_database(backup.path(), database.dir.path());
    hotline.restart();
    proxy.retarget(&hotline.base);
    assert_eq!(hotline.public_key(), public_key, "the backup holds the key");
    report_hashes(&hotline, 500, 15);
    let restored = hotline.replay_list(&key, 1000);
    assert_eq!(restored.len(), 25);
    matcher.settles_on(&restored);
    let logs = matcher.logs();
    assert!(logs.contains("another history"), "{logs}");
    assert_eq!(matcher.list_status()["cursor"], 25);
    assert_eq!(matcher.list_status()["pages_refused"], 0);
    // The list held no longer answers for entries of the history that was dropped.
    assert!(
        matcher
            .match_hashes(&serde_json::json!({"pdq": pdq(15)}))
            .is_empty()
    );
}

#[test]
fn a_rotated_key_is_followed_through_the_old_keys_announcement() {
    let database = Database::sqlite();
    let mut hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let old_key = hotline.public_key();
    report_hashes(&hotline, 0, 10);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, &old_key, 25);
    let mut matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    matcher.settles_on(&hotline.replay_list(&key, 1000));

    let output = takeback()
        .args(["partner", "rotate-key", "--database", &database.url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let new_key = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert_ne!(new_key, old_key);
    let listed = takeback()
        .args(["partner", "keys", "--database", &database.url])
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[0].starts_with(&new_key) && lines[0].ends_with(&format!("signing\t{old_key}")),
        "{listed}"
    );
    assert!(
        lines[1].starts_with(&old_key) && lines[1].contains("retired"),
        "{listed}"
    );

    hotline.restart();
    proxy.retarget(&hotline.base);
    assert_eq!(hotline.public_key(), new_key);
    report_hashes(&hotline, 50, 10);
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    assert_eq!(matcher.list_status()["checkpoint"]["key"], new_key.as_str());
    assert!(
        matcher.logs().contains("announced by one trusted"),
        "{}",
        matcher.logs()
    );
    // Configured with the old key still, a restarted matcher follows on just the same.
    matcher.restart();
    report_hashes(&hotline, 80, 10);
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    assert_eq!(matcher.list_status()["pages_refused"], 0);
}

#[test]
fn the_first_list_comes_from_the_signed_snapshot_and_an_altered_one_is_refused() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    report_hashes(&hotline, 0, 40);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, &hotline.public_key(), 10);
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    // One snapshot, then the feed only from its position: no page from the start.
    assert_eq!(proxy.snapshots(), 1);
    let afters = proxy.afters();
    assert!(afters.iter().all(|&after| after == 40), "{afters:?}");
    let status = matcher.list_status();
    assert_eq!(status["checkpoint"]["seq"], 40, "{status}");
    assert!(matcher.logs().contains("read the hotline's snapshot"));
    // Changes after the snapshot follow from its chain head.
    report_hashes(&hotline, 100, 10);
    matcher.settles_on(&hotline.replay_list(&key, 1000));

    // A second matcher whose snapshot is altered on the way refuses it, and pages through
    // the feed instead (each page checked), to the same list.
    proxy.tamper(&[Tamper::SnapshotByte]);
    let second = dir.join("second");
    std::fs::create_dir_all(&second).unwrap();
    let config = write_config(&second, &proxy.url, &key, &hotline.public_key(), 10);
    let other = MatcherProcess::start(&second.join("matcher.log"), &["--config", &config]);
    other.settles_on(&hotline.replay_list(&key, 1000));
    assert_eq!(proxy.tampers_left(), 0);
    let logs = other.logs();
    assert!(logs.contains("the hotline's snapshot is refused"), "{logs}");
    assert!(proxy.afters().contains(&0), "{:?}", proxy.afters());
    assert_eq!(other.list_status()["pages_refused"], 1);
}

#[test]
fn an_old_answer_served_again_is_refused_by_its_age() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    report_hashes(&hotline, 0, 10);
    let proxy = Proxy::start(&hotline.base);
    let dir = database.dir.path();
    let config = write_config(dir, &proxy.url, &key, &hotline.public_key(), 25);
    prepend_setting(&config, "max_checkpoint_age_seconds = 1");
    let matcher = MatcherProcess::start(&dir.join("matcher.log"), &["--config", &config]);
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    // The proxy withholds the news: new reports, but "nothing new" as it last was.
    proxy.freeze(20);
    report_hashes(&hotline, 100, 10);
    let refused = eventually(WAIT, || {
        matcher.list_status()["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("max_checkpoint_age_seconds"))
    });
    assert!(refused, "{}", matcher.logs());
    assert_eq!(matcher.list_status()["entries"], 10);
    // Once the hotline's own answers come through again, the list catches up.
    assert!(eventually(WAIT, || proxy.frozen_left() == 0));
    matcher.settles_on(&hotline.replay_list(&key, 1000));
    assert!(matcher.list_status()["last_error"].is_null());
}
