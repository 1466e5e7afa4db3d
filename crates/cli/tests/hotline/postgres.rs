//! Several server processes on one PostgreSQL database: concurrent writers through both,
//! and a partner following the cursor through both, never skipping or repeating a change.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn two_servers_one_database_a_consistent_feed() {
    let db = Database::postgres_required();
    let servers = [Server::start(&db, &[]), Server::start(&db, &[])];
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let key = add("partner", "Follower", &db);
    let done = Arc::new(AtomicBool::new(false));
    // Reports that stayed open, and all of them, as (hashes).
    let open_reports = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));

    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (bases, open_reports) = (bases.clone(), open_reports.clone());
            std::thread::spawn(move || {
                for i in 0..40u64 {
                    // Each report has its own hash and one shared with other writers, so
                    // that both servers race on the same entries.
                    let hashes = vec![pdq(10_000 + w * 1000 + i), pdq(1 + (i % 5))];
                    let write_to = &bases[(w as usize + i as usize) % 2];
                    let (case, secret) = report_to(write_to, &report_of(&hashes, &[]));
                    if i % 4 == 3 {
                        // Withdrawn through the other server.
                        let other = &bases[(w as usize + i as usize + 1) % 2];
                        withdraw_at(other, &case, &secret);
                    } else {
                        open_reports.lock().unwrap().push(hashes);
                    }
                }
            })
        })
        .collect();

    let follower = {
        let (bases, key, done) = (bases.clone(), key.clone(), done.clone());
        std::thread::spawn(move || {
            let mut list = BTreeMap::new();
            let mut cursor = 0i64;
            let mut turn = 0;
            loop {
                let finished = done.load(Ordering::SeqCst);
                let base = &bases[turn % 2];
                turn += 1;
                let (status, page) = request(
                    "GET",
                    &format!("{base}/api/v1/hashlist?after={cursor}&limit=7"),
                    Some(&key),
                    None,
                );
                assert_eq!(status, 200, "{page}");
                let changes: &Vec<Value> = page["changes"].as_array().unwrap();
                for change in changes {
                    let seq = change["seq"].as_i64().unwrap();
                    assert_eq!(seq, cursor + 1, "change skipped or repeated");
                    cursor = seq;
                    apply_change(&mut list, change);
                }
                if changes.is_empty() && finished {
                    return list;
                }
            }
        })
    };
    for writer in writers {
        writer.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let followed = follower.join().unwrap();

    let expected: BTreeSet<String> = open_reports
        .lock()
        .unwrap()
        .iter()
        .flatten()
        .cloned()
        .collect();
    let followed: BTreeSet<String> = followed.into_values().map(|(_, value, _)| value).collect();
    assert_eq!(followed, expected, "following the cursor during the writes");
    let replayed: BTreeSet<String> = servers[1]
        .replay_list(&key, 1000)
        .into_values()
        .map(|(_, v, _)| v)
        .collect();
    assert_eq!(
        replayed, expected,
        "replaying from the beginning afterwards"
    );
}

/// The per-source throttles count in the shared database: two servers give one allowance,
/// not one each, for reports, new file hashes and failed case look-ups; so does the limit
/// on one case number.
#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn two_servers_one_database_share_the_throttles() {
    let db = Database::postgres_required();
    let args = [
        "--reports-per-source-per-hour",
        "3",
        "--exact-hashes-per-source-per-hour",
        "2",
        "--failed-case-lookups-per-source-per-hour",
        "3",
        "--failed-case-lookups-per-case-per-hour",
        "5",
    ];
    let servers = [Server::start(&db, &args), Server::start(&db, &args)];
    let key = add("partner", "P", &db);
    let report = |n: u64| {
        json!({
            "reporter": "young_person",
            "hashes": [
                {"algorithm": "pdq", "value": pdq(n), "quality": 90},
                {"algorithm": "md5", "value": format!("{n:032x}")},
            ],
            "under_18": true,
            "consent_to_share": true,
        })
    };
    // Three reports, through one server, the other, and the first again...
    let cases: Vec<(String, String)> = (0..3u64)
        .map(|n| servers[n as usize % 2].report(&report(n + 1)))
        .collect();
    // ...and a fourth is refused by both.
    for server in &servers {
        let (status, body) = server.post_json("/api/v1/reports", None, &report(9));
        assert_eq!(status, 429, "{body}");
        assert_eq!(body["error"]["code"], "too_many_reports");
    }
    // Two new MD5s between them were listed; the third was held.
    let listed = servers[0].replay_list(&key, 100);
    let md5s = listed.values().filter(|(algorithm, ..)| algorithm == "md5");
    assert_eq!(md5s.count(), 2, "{listed:?}");

    // Three wrong look-ups, spread over both servers...
    let wrong = "AAAAA-BBBBB-CCCCC-DDDDD";
    let (case, secret) = &cases[0];
    for (n, server) in [&servers[0], &servers[1], &servers[0]].iter().enumerate() {
        let (status, body) = server.get(&format!("/api/v1/reports/0000-0000-000{n}"), Some(wrong));
        assert_eq!(status, 404, "{body}");
    }
    // ...and the next wrong one is refused by both; the right secret still works on both.
    for server in &servers {
        let (status, body) = server.get("/api/v1/reports/0000-0000-0009", Some(wrong));
        assert_eq!(status, 429, "{body}");
        let (status, body) = server.get(&format!("/api/v1/reports/{case}"), Some(secret));
        assert_eq!(status, 200, "{body}");
    }
    // Five wrong secrets for one case, through both servers, lock that case on both.
    let (target, target_secret) = &cases[1];
    for n in 0..5 {
        let (status, _) = servers[n % 2].get(&format!("/api/v1/reports/{target}"), Some(wrong));
        assert_eq!(status, 429);
    }
    for server in &servers {
        let (status, body) = server.get(&format!("/api/v1/reports/{target}"), Some(target_secret));
        assert_eq!(status, 429, "{body}");
        let (status, body) = server.get(&format!("/api/v1/reports/{case}"), Some(secret));
        assert_eq!(status, 200, "{body}");
    }
}
