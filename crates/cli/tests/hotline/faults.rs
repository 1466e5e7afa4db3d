//! Faults under load. Two `takeback serve` share a PostgreSQL database of their own while
//! reporters, partners following the feed and an analyst work through both; PostgreSQL is
//! restarted as a crash would stop it and a server is killed with `-9`. And a SQLite
//! hotline whose disk fills up. Afterwards every acknowledged report is stored exactly
//! once, the feed replays to exactly the listed entries, and every partner saw every
//! change, in order.
//!
//! The PostgreSQL run is short here (about ten seconds of load; PostgreSQL restarted, a
//! server killed, PostgreSQL restarted again);
//! `bench/hotline/faults` runs it for minutes, with a fault every 15 seconds, by setting
//! `TAKEBACK_FAULTS_SECONDS`, and reads what it measured from the JSON file named by
//! `TAKEBACK_FAULTS_REPORT`.

use crate::cluster::{Cluster, Transport};
use crate::support::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (and PostgreSQL's binaries: it starts and \
              restarts a PostgreSQL server of its own)"
)]
fn postgres_restarts_and_kill_9_under_load_lose_nothing_acknowledged() {
    let seconds = std::env::var("TAKEBACK_FAULTS_SECONDS")
        .ok()
        .map(|s| s.parse::<f64>().expect("TAKEBACK_FAULTS_SECONDS: a number"));
    // A fault `every` seconds after the load recovered from the last, in turn PostgreSQL
    // and each server: in the short run three, about three seconds apart.
    let (seconds, every) = match seconds {
        Some(seconds) => (seconds, 15.0),
        None => (9.0, 3.0),
    };
    let cluster = Cluster::start(Transport::Plain);
    let url = cluster.url("127.0.0.1", "sslmode=disable");
    let logs = cluster.dir.path();
    let args = [
        // Every report comes from 127.0.0.1: past this many new MD5 and SHA-256
        // fingerprints they are held for the analyst, who then has decisions to make.
        "--exact-hashes-per-source-per-hour",
        "20",
        "--new-listings-per-hour",
        "0",
        "--max-connections",
        "8",
    ];
    let mut servers = [
        Server::start_url(&url, logs, &args),
        Server::start_url(&url, logs, &args),
    ];
    let keys = [add_url("partner", "A", &url), add_url("partner", "B", &url)];
    let analyst = add_url("analyst", "Analyst", &url);
    let load = Load::start(&servers, &keys, &analyst);

    let started = Instant::now();
    let mut faults = Vec::new();
    let mut next_fault = every;
    while started.elapsed().as_secs_f64() + every / 2.0 < seconds || faults.len() < 2 {
        std::thread::sleep(Duration::from_secs_f64(
            (next_fault - started.elapsed().as_secs_f64()).max(0.0),
        ));
        let (name, began) = match faults.len() % 4 {
            0 | 2 => {
                let began = Instant::now();
                cluster.restart();
                (
                    "PostgreSQL restarted (pg_ctl stop -m immediate, start)",
                    began,
                )
            }
            n => {
                let which = n / 2;
                let began = Instant::now();
                servers[which].restart();
                load.bases.write().unwrap()[which] = servers[which].base.clone();
                (
                    if which == 0 {
                        "server 1 killed with -9 and started again"
                    } else {
                        "server 2 killed with -9 and started again"
                    },
                    began,
                )
            }
        };
        let recovered = load.recovered_after(began, &servers);
        eprintln!("{name}: load recovered after {recovered:.1} s");
        faults.push(json!({"fault": name, "recovered_after_seconds": recovered}));
        next_fault = started.elapsed().as_secs_f64() + every;
    }
    let measured = load.finish(started);
    let checked = check(&servers[1], &url, &keys, &measured);
    let summary = json!({
        "seconds": started.elapsed().as_secs_f64(),
        "faults": faults,
        "load": measured.figures(),
        "checked": checked,
    });
    eprintln!("{summary:#}");
    if let Ok(path) = std::env::var("TAKEBACK_FAULTS_REPORT") {
        std::fs::write(path, serde_json::to_vec_pretty(&summary).unwrap()).unwrap();
    }
}

/// Reporters, two partners and an analyst working through the servers until stopped.
struct Load {
    /// Each server's current address: a restarted server listens on a new port.
    bases: Arc<RwLock<Vec<String>>>,
    stop: Arc<AtomicBool>,
    /// Set once reporters and analyst are done: the partners then read to the end.
    drain: Arc<AtomicBool>,
    counts: Arc<Counts>,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
    workers: Vec<JoinHandle<()>>,
    partners: Vec<JoinHandle<Follower>>,
}

#[derive(Default)]
struct Counts {
    next_report: AtomicU64,
    refused_reports: AtomicU64,
    feed_reads: AtomicU64,
    refused_feed_reads: AtomicU64,
    decisions: AtomicU64,
    refused_decisions: AtomicU64,
}

/// A report answered 201: its receipt and the PDQ hash that only it holds.
#[derive(Debug, Clone)]
struct Acknowledged {
    case: String,
    secret: String,
    pdq: String,
}

/// A partner's view of the list, built only from the changes it read.
#[derive(Debug, Default)]
struct Follower {
    cursor: i64,
    list: BTreeMap<i64, (String, String, bool)>,
}

/// What the load did.
struct Measured {
    seconds: f64,
    acknowledged: Vec<Acknowledged>,
    counts: Arc<Counts>,
    followers: Vec<Follower>,
}

impl Measured {
    fn figures(&self) -> Value {
        let count = |n: &AtomicU64| n.load(Ordering::Relaxed);
        let per_second = |n: u64| (n as f64 / self.seconds * 10.0).round() / 10.0;
        let c = &self.counts;
        json!({
            "reports_acknowledged": self.acknowledged.len(),
            "reports_refused_or_lost": count(&c.refused_reports),
            "reports_per_second": per_second(self.acknowledged.len() as u64),
            "feed_reads": count(&c.feed_reads),
            "feed_reads_refused": count(&c.refused_feed_reads),
            "feed_reads_per_second": per_second(count(&c.feed_reads)),
            "decisions": count(&c.decisions),
            "decisions_refused": count(&c.refused_decisions),
            "decisions_per_second": per_second(count(&c.decisions)),
        })
    }
}

const REPORTERS: usize = 4;

impl Load {
    fn start(servers: &[Server; 2], keys: &[String; 2], analyst: &str) -> Self {
        let bases = Arc::new(RwLock::new(
            servers.iter().map(|s| s.base.clone()).collect::<Vec<_>>(),
        ));
        let stop = Arc::new(AtomicBool::new(false));
        let drain = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Counts::default());
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        // Entry ids of listed PDQ hashes, from a partner's feed, for the analyst to take
        // some off the list again.
        let listed = Arc::new(Mutex::new(Vec::<i64>::new()));
        let mut workers = Vec::new();
        for _ in 0..REPORTERS {
            let (bases, stop, counts, acknowledged) = (
                bases.clone(),
                stop.clone(),
                counts.clone(),
                acknowledged.clone(),
            );
            workers.push(std::thread::spawn(move || {
                report(&bases, &stop, &counts, &acknowledged)
            }));
        }
        {
            let (bases, stop, counts, listed) =
                (bases.clone(), stop.clone(), counts.clone(), listed.clone());
            let token = analyst.to_owned();
            workers.push(std::thread::spawn(move || {
                decide(&bases, &token, &stop, &counts, &listed)
            }));
        }
        let partners = keys
            .iter()
            .enumerate()
            .map(|(n, key)| {
                let (bases, drain, counts, key) =
                    (bases.clone(), drain.clone(), counts.clone(), key.clone());
                let listed = (n == 0).then(|| listed.clone());
                std::thread::spawn(move || follow(&bases, &key, &drain, &counts, listed))
            })
            .collect();
        Load {
            bases,
            stop,
            drain,
            counts,
            acknowledged,
            workers,
            partners,
        }
    }

    /// Seconds from `began` (a fault) until reports are acknowledged again through
    /// every server; panics, with the servers' logs, after 30 s.
    fn recovered_after(&self, began: Instant, servers: &[Server; 2]) -> f64 {
        let through_each = |server: &str| {
            let n = self.counts.next_report.fetch_add(1, Ordering::Relaxed);
            let hash = pdq(n);
            let body = serde_json::to_vec(&report_body(&hash, n)).unwrap();
            let url = format!("{server}/api/v1/reports");
            let (status, receipt) = request("POST", &url, None, Some(("application/json", &body)));
            if status == 201 {
                self.acknowledged
                    .lock()
                    .unwrap()
                    .push(receipt_of(&receipt, hash));
            }
            status == 201
        };
        let mut pending: Vec<String> = self.bases.read().unwrap().clone();
        while !pending.is_empty() {
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "no report acknowledged through {pending:?} 30 s after the fault:\n{}\n{}",
                servers[0].logs(),
                servers[1].logs()
            );
            pending.retain(|server| !through_each(server));
            std::thread::sleep(Duration::from_millis(20));
        }
        began.elapsed().as_secs_f64()
    }

    /// Stops the load, lets the partners read to the end of the feed, and says what it did.
    fn finish(self, started: Instant) -> Measured {
        self.stop.store(true, Ordering::SeqCst);
        let seconds = started.elapsed().as_secs_f64();
        for worker in self.workers {
            worker.join().unwrap();
        }
        self.drain.store(true, Ordering::SeqCst);
        let followers = self
            .partners
            .into_iter()
            .map(|partner| partner.join().unwrap())
            .collect();
        Measured {
            seconds,
            acknowledged: self.acknowledged.lock().unwrap().clone(),
            counts: self.counts,
            followers,
        }
    }
}

/// Report `n`: its PDQ hash, with an MD5 and a SHA-256 and a URL made from it.
fn report_body(hash: &str, n: u64) -> Value {
    json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "pdq", "value": hash, "quality": 90},
            {"algorithm": "md5", "value": &hash[..32]},
            {"algorithm": "sha256", "value": pdq(n ^ 0x5555_0000_0000)},
        ],
        "urls": [format!("https://example.com/faults/{hash}")],
        "under_18": true,
        "consent_to_share": true,
    })
}

fn receipt_of(receipt: &Value, pdq: String) -> Acknowledged {
    Acknowledged {
        case: receipt["case_id"].as_str().unwrap().to_owned(),
        secret: receipt["case_secret"].as_str().unwrap().to_owned(),
        pdq,
    }
}

/// A reporter: each attempt a new report (a retry after a lost answer is a new report,
/// as a person pressing "send" again makes), to each server in turn.
fn report(
    bases: &RwLock<Vec<String>>,
    stop: &AtomicBool,
    counts: &Counts,
    acknowledged: &Mutex<Vec<Acknowledged>>,
) {
    while !stop.load(Ordering::Relaxed) {
        let n = counts.next_report.fetch_add(1, Ordering::Relaxed);
        let base = {
            let bases = bases.read().unwrap();
            bases[n as usize % bases.len()].clone()
        };
        let hash = pdq(n);
        let body = serde_json::to_vec(&report_body(&hash, n)).unwrap();
        let url = format!("{base}/api/v1/reports");
        let (status, receipt) = request("POST", &url, None, Some(("application/json", &body)));
        if status == 201 {
            acknowledged
                .lock()
                .unwrap()
                .push(receipt_of(&receipt, hash));
        } else {
            // Down (0) or unavailable (503) during a fault; nothing else is expected.
            assert!(matches!(status, 0 | 503), "{status} {receipt}");
            counts.refused_reports.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A partner following the feed through each server in turn, from its own cursor: every
/// page must continue exactly where the last one ended.
fn follow(
    bases: &RwLock<Vec<String>>,
    key: &str,
    drain: &AtomicBool,
    counts: &Counts,
    listed: Option<Arc<Mutex<Vec<i64>>>>,
) -> Follower {
    let mut follower = Follower::default();
    let mut turn = 0;
    loop {
        let draining = drain.load(Ordering::SeqCst);
        let base = {
            let bases = bases.read().unwrap();
            bases[turn % bases.len()].clone()
        };
        turn += 1;
        let url = format!("{base}/api/v1/hashlist?after={}&limit=50", follower.cursor);
        let (status, page) = request("GET", &url, Some(key), None);
        if status != 200 {
            assert!(matches!(status, 0 | 503), "{status} {page}");
            counts.refused_feed_reads.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        counts.feed_reads.fetch_add(1, Ordering::Relaxed);
        let changes = page["changes"].as_array().unwrap();
        for change in changes {
            let seq = change["seq"].as_i64().unwrap();
            assert_eq!(
                seq,
                follower.cursor + 1,
                "a partner's feed skipped or repeated a change after {}: {change}",
                follower.cursor
            );
            follower.cursor = seq;
            apply_change(&mut follower.list, change);
            if let Some(listed) = &listed
                && change["op"] == "add"
                && change["algorithm"] == "pdq"
            {
                listed.lock().unwrap().push(change["id"].as_i64().unwrap());
            }
        }
        assert_eq!(page["next"], follower.cursor, "{page}");
        if changes.is_empty() {
            if draining {
                return follower;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The analyst: lists or rejects held entries, and takes some listed ones off the list.
fn decide(
    bases: &RwLock<Vec<String>>,
    token: &str,
    stop: &AtomicBool,
    counts: &Counts,
    listed: &Mutex<Vec<i64>>,
) {
    let mut turn = 0;
    while !stop.load(Ordering::Relaxed) {
        let base = {
            let bases = bases.read().unwrap();
            bases[turn % bases.len()].clone()
        };
        turn += 1;
        let url = format!("{base}/api/v1/analyst/queue?state=held&limit=10");
        let (status, queue) = request("GET", &url, Some(token), None);
        let mut decisions: Vec<(i64, &str)> = match (status, queue.as_array()) {
            (200, Some(entries)) => entries
                .iter()
                .map(|entry| {
                    let id = entry["id"].as_i64().unwrap();
                    (id, if id % 3 == 0 { "reject" } else { "list" })
                })
                .collect(),
            _ => {
                assert!(matches!(status, 0 | 503), "{status} {queue}");
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        // One in five listed PDQ hashes is taken off again: the feed removes it.
        let taken_off: Vec<i64> = {
            let mut listed = listed.lock().unwrap();
            listed.drain(..).filter(|id| id % 5 == 0).collect()
        };
        decisions.extend(taken_off.into_iter().map(|id| (id, "reject")));
        if decisions.is_empty() {
            std::thread::sleep(Duration::from_millis(20));
        }
        for (id, decision) in decisions {
            let url = format!("{base}/api/v1/analyst/entries/{id}/decision");
            let body = serde_json::to_vec(&json!({"decision": decision})).unwrap();
            let (status, answer) =
                request("POST", &url, Some(token), Some(("application/json", &body)));
            match status {
                200 => counts.decisions.fetch_add(1, Ordering::Relaxed),
                // Refused during a fault; or decided already, by a decision whose answer
                // was lost.
                0 | 503 | 409 => counts.refused_decisions.fetch_add(1, Ordering::Relaxed),
                _ => panic!("{status} {answer}"),
            };
        }
    }
}

/// Checks the invariants once the load has stopped; returns what was checked.
fn check(server: &Server, url: &str, keys: &[String; 2], measured: &Measured) -> Value {
    let stored = stored(url);
    for ack in &measured.acknowledged {
        assert_eq!(
            stored.cases_of.get(&ack.pdq).map(Vec::as_slice),
            Some(std::slice::from_ref(&ack.case)),
            "an acknowledged report is not stored exactly once"
        );
        assert_eq!(
            stored.hashes_of.get(&ack.case),
            Some(&3),
            "case {}: its fingerprints",
            ack.case
        );
    }
    // Through the API too, for a sample: the reporter can open each case.
    let step = (measured.acknowledged.len() / 200).max(1);
    for ack in measured.acknowledged.iter().step_by(step) {
        let (status, case) =
            server.get(&format!("/api/v1/reports/{}", ack.case), Some(&ack.secret));
        assert_eq!(status, 200, "acknowledged case {} lost: {case}", ack.case);
    }
    // The feed replayed from 0 folds into exactly the listed entries...
    let replayed = server.replay_list(&keys[0], 1000);
    assert_eq!(
        replayed, stored.listed,
        "the feed's replay against the listed entries"
    );
    // ...and every partner, reading as the changes came, has that same list.
    for (follower, key) in measured.followers.iter().zip(keys) {
        assert_eq!(follower.list, replayed, "partner {key}'s list");
        assert_eq!(follower.cursor, stored.last_seq);
    }
    assert!(
        measured.counts.decisions.load(Ordering::Relaxed) > 0,
        "the analyst decided nothing"
    );
    json!({
        "acknowledged_reports_stored_exactly_once": measured.acknowledged.len(),
        "cases_stored": stored.hashes_of.len(),
        "feed_changes": stored.last_seq,
        "listed_entries": stored.listed.len(),
        "partners_matching_the_replay": measured.followers.len(),
    })
}

/// What the database holds, read directly.
struct Stored {
    /// PDQ hash → the cases that reported it.
    cases_of: HashMap<String, Vec<String>>,
    /// Case → how many fingerprints it names.
    hashes_of: HashMap<String, usize>,
    /// Entries in state `listed`, as the feed gives them.
    listed: BTreeMap<i64, (String, String, bool)>,
    last_seq: i64,
}

fn stored(url: &str) -> Stored {
    let mut cases_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut hashes_of = HashMap::new();
    for row in rows(
        url,
        "SELECT ch.case_id, e.algorithm, e.value FROM case_hashes ch \
         JOIN entries e ON e.id = ch.entry_id",
    ) {
        *hashes_of.entry(row[0].clone()).or_default() += 1;
        if row[1] == "pdq" {
            cases_of
                .entry(row[2].clone())
                .or_default()
                .push(row[0].clone());
        }
    }
    let listed = rows(
        url,
        "SELECT CAST(id AS TEXT), algorithm, value, CAST(verified AS TEXT) FROM entries \
         WHERE state = 'listed'",
    )
    .into_iter()
    .map(|row| {
        (
            row[0].parse().unwrap(),
            (row[1].clone(), row[2].clone(), row[3] == "1"),
        )
    })
    .collect();
    let last_seq = rows(
        url,
        "SELECT CAST(last AS TEXT) FROM sequences WHERE name = 'list_changes'",
    )[0][0]
        .parse()
        .unwrap();
    Stored {
        cases_of,
        hashes_of,
        listed,
        last_seq,
    }
}

#[test]
fn a_full_disk_answers_storage_full_and_writing_resumes_once_space_is_freed() {
    let disk = Tmpfs::mount("1m");
    let url = format!("sqlite://{}", disk.dir.path().join("hotline.db").display());
    // The log beside, not on the full disk.
    let logs = tempfile::tempdir().unwrap();
    let mut server = Server::start_url(&url, logs.path(), &[]);
    let key = add_url("partner", "P", &url);
    let mut acknowledged = Vec::new();
    let post = |server: &Server, n: u64| {
        let hash = pdq(n);
        let body = serde_json::to_vec(&report_body(&hash, n)).unwrap();
        let (status, headers, answer) = exchange(
            "POST",
            &server.url("/api/v1/reports"),
            None,
            Some(("application/json", &body)),
            &[],
        );
        let retry_after = headers
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        (status, retry_after, answer, hash)
    };

    // Fill the disk: reports are accepted until one is refused, as storage_full.
    let mut n = 0;
    let refused = loop {
        n += 1;
        assert!(n < 100_000, "1 MB never filled up");
        let (status, retry_after, answer, hash) = post(&server, n);
        match status {
            201 => acknowledged.push(receipt_of(&answer, hash)),
            _ => break (status, retry_after, answer),
        }
    };
    let (status, retry_after, answer) = refused;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"]["code"], "storage_full", "{answer}");
    assert_eq!(retry_after.as_deref(), Some("30"));
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Nothing was saved"),
        "{answer}"
    );
    // While full: each report refused the same way, at once; or stored and
    // acknowledged, when it fits in space the database's files hold already (SQLite
    // writes its log over itself once checkpointed). What is stored can still be read.
    disk.fill();
    let mut refusals = 0;
    while refusals < 5 {
        n += 1;
        assert!(n < 100_000, "never refused again once full");
        let began = Instant::now();
        let (status, _, answer, hash) = post(&server, n);
        match status {
            201 => acknowledged.push(receipt_of(&answer, hash)),
            _ => {
                assert_eq!(answer["error"]["code"], "storage_full", "{status} {answer}");
                refusals += 1;
            }
        }
        assert!(began.elapsed() < Duration::from_secs(5), "slow to answer");
    }
    let first = &acknowledged[0];
    let (status, _) = server.get(
        &format!("/api/v1/reports/{}", first.case),
        Some(&first.secret),
    );
    assert_eq!(status, 200);
    assert_eq!(
        server.get("/api/v1/hashlist?after=0&limit=1", Some(&key)).0,
        200
    );
    let logged = server.logs();
    assert!(
        logged.contains("disk is full") && logged.contains("\"level\":\"ERROR\""),
        "{logged}"
    );

    // Space freed: the same process writes again, without a restart.
    disk.resize("64m");
    for _ in 0..50 {
        n += 1;
        let (status, _, answer, hash) = post(&server, n);
        assert_eq!(
            status,
            201,
            "after space was freed: {answer}\n{}",
            server.logs()
        );
        acknowledged.push(receipt_of(&answer, hash));
    }
    let full_once = |server: &Server| {
        let stored = stored(&url);
        for ack in &acknowledged {
            assert_eq!(
                stored.cases_of.get(&ack.pdq).map(Vec::as_slice),
                Some(std::slice::from_ref(&ack.case)),
                "an acknowledged report is not stored exactly once"
            );
            let (status, _) =
                server.get(&format!("/api/v1/reports/{}", ack.case), Some(&ack.secret));
            assert_eq!(status, 200, "acknowledged case {} lost", ack.case);
        }
        // Nothing refused was stored: every stored case was acknowledged.
        assert_eq!(stored.hashes_of.len(), acknowledged.len());
        assert_eq!(server.replay_list(&key, 1000), stored.listed);
    };
    full_once(&server);
    // And so after a restart on the same file.
    server.restart();
    full_once(&server);
    eprintln!(
        "{} reports acknowledged before and after the disk filled up, each stored once",
        acknowledged.len()
    );
}

/// A small tmpfs of the test's own, to fill up; unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount: {e}"));
        assert!(
            output.status.success(),
            "this test fills a disk of its own, a small tmpfs, and mounting one failed \
             (it needs root, as in CI, or a container allowed to mount): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Tmpfs { dir }
    }

    /// Fills what space is left with a file.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.dir.path().join("filler")).unwrap();
        let block = [0u8; 4096];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }

    /// Frees space, as an operator would: the same mount made larger.
    fn resize(&self, size: &str) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily, in case a process still holds a file there; the folder goes with `dir`.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
