//! The list's defences against someone listing innocent pictures: the guard list with a
//! margin and turned copies, exact hashes' own guard list and cap, doubt about a claimed
//! quality, and the service-wide brake on new listings. None of them refuses a young
//! person's report: the fingerprints are held or kept off the list, the report accepted.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use takeback_pdq::Dihedral;

/// Every entry the analysts see, by value: (state, reason).
fn entries(server: &Server, analyst: &str) -> BTreeMap<String, (String, Value)> {
    let mut seen = BTreeMap::new();
    for id in 1.. {
        let (status, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(analyst));
        if status == 404 {
            break;
        }
        assert_eq!(status, 200, "{view}");
        seen.insert(
            view["value"].as_str().unwrap().to_owned(),
            (
                view["state"].as_str().unwrap().to_owned(),
                view["reason"].clone(),
            ),
        );
    }
    seen
}

fn listed_values(server: &Server, key: &str) -> Vec<String> {
    server
        .replay_list(key, 100)
        .into_values()
        .map(|(_, value, _)| value)
        .collect()
}

fn exact(algorithm: &str, value: &str) -> Value {
    json!({"algorithm": algorithm, "value": value})
}

fn report_with(hashes: Vec<Value>) -> Value {
    json!({
        "reporter": "young_person",
        "hashes": hashes,
        "urls": [],
        "under_18": true,
        "consent_to_share": true,
    })
}

#[test]
fn hashes_near_a_guarded_picture_or_its_turned_copies_are_never_listed() {
    let db = Database::sqlite();
    let guarded = picture(1);
    let guard = db.dir.path().join("guard.pdq");
    // Only the picture as it is: the operator does not list its turned copies.
    std::fs::write(&guard, format!("{}\n", guarded[0])).unwrap();
    let server = Server::start(&db, &["--guard-list", guard.to_str().unwrap()]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);

    // Beyond the match radius of 31 but near enough to match copies of the picture.
    let near: Vec<String> = [32, 40, 48].map(|d| moved(guarded[0], d)).to_vec();
    // A copy turned on its side (and mirrored), a little changed.
    let turned = vec![
        moved(guarded[Dihedral::FlipPlus1 as usize], 20),
        moved(guarded[Dihedral::Rotate90 as usize], 8),
    ];
    let unrelated = picture(2)[0].to_hex();
    let mut all = near.clone();
    all.extend(turned.clone());
    all.push(unrelated.clone());
    let (status, receipt) = server.post_json("/api/v1/reports", None, &report_of(&all, &[]));
    assert_eq!(status, 201, "{receipt}");

    assert_eq!(listed_values(&server, &key), vec![unrelated]);
    let seen = entries(&server, &analyst);
    for value in near.iter().chain(&turned) {
        assert_eq!(seen[value].0, "rejected", "{value}");
        assert_eq!(seen[value].1, "guard_list", "{value}");
    }
}

#[test]
fn exact_hashes_have_a_guard_list_and_a_cap_per_source() {
    let db = Database::sqlite();
    let harmless = "d41d8cd98f00b204e9800998ecf8427e";
    let guard = db.dir.path().join("guard.exact");
    std::fs::write(&guard, format!("# harmless files\nmd5:{harmless}\n")).unwrap();
    let server = Server::start(
        &db,
        &[
            "--exact-guard-list",
            guard.to_str().unwrap(),
            "--exact-hashes-per-source-per-hour",
            "2",
        ],
    );
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    let md5s: Vec<String> = (1..=3).map(|n| format!("{n:032x}")).collect();
    let sha = format!("{:064x}", 7);
    let (status, receipt) = server.post_json(
        "/api/v1/reports",
        None,
        &report_with(vec![
            exact("md5", harmless),
            exact("md5", &md5s[0]),
            exact("md5", &md5s[1]),
            exact("md5", &md5s[2]),
            exact("sha256", &sha),
        ]),
    );
    assert_eq!(status, 201, "{receipt}");
    let listed = listed_values(&server, &key);
    assert_eq!(listed, vec![md5s[0].clone(), md5s[1].clone()]);
    let seen = entries(&server, &analyst);
    assert_eq!(seen[harmless], ("rejected".to_owned(), json!("guard_list")));
    for value in [&md5s[2], &sha] {
        assert_eq!(seen[value], ("held".to_owned(), json!("exact_hash_limit")));
    }
}

#[test]
fn a_quality_the_hash_cannot_have_is_held_for_an_analyst() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let analyst = add("analyst", "A", &db);
    let constant = "0".repeat(64);
    let quarter = format!("{}{}", "f".repeat(16), "0".repeat(48));
    let real = picture(3)[0].to_hex();
    let (status, receipt) = server.post_json(
        "/api/v1/reports",
        None,
        &report_of(&[constant.clone(), quarter.clone(), real.clone()], &[]),
    );
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(listed_values(&server, &key), vec![real]);
    let seen = entries(&server, &analyst);
    for value in [&constant, &quarter] {
        assert_eq!(
            seen[value],
            ("held".to_owned(), json!("implausible_quality"))
        );
    }
}

#[test]
fn past_the_service_wide_limit_new_entries_are_held_and_the_alert_rises() {
    for db in Database::all() {
        let server = Server::start(&db, &["--new-listings-per-hour", "3"]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let hashes: Vec<String> = (1..=5).map(pdq).collect();
        let (status, receipt) =
            server.post_json("/api/v1/reports", None, &report_of(&hashes[..2], &[]));
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(metric(&server, "takeback_flood_brake_engaged"), 0.0);
        let (status, receipt) =
            server.post_json("/api/v1/reports", None, &report_of(&hashes[2..], &[]));
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(listed_values(&server, &key).len(), 3);
        let seen = entries(&server, &analyst);
        let held: Vec<_> = seen
            .values()
            .filter(|(state, reason)| state == "held" && reason == "flood_brake")
            .collect();
        assert_eq!(held.len(), 2, "{seen:?}");
        assert_eq!(metric(&server, "takeback_flood_brake_engaged"), 1.0);
        assert_eq!(metric(&server, "takeback_flood_brake_held_total"), 2.0);
    }
}

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn the_service_wide_limit_counts_every_process_sharing_the_database() {
    let db = Database::postgres_required();
    let args = ["--new-listings-per-hour", "4"];
    let servers = [Server::start(&db, &args), Server::start(&db, &args)];
    let key = add("partner", "P", &db);
    // Three through each: each process alone is under the limit, together they are not.
    for (i, server) in servers.iter().enumerate() {
        let hashes: Vec<String> = (0..3).map(|n| pdq(100 + 10 * i as u64 + n)).collect();
        let (status, receipt) = server.post_json("/api/v1/reports", None, &report_of(&hashes, &[]));
        assert_eq!(status, 201, "{receipt}");
    }
    assert_eq!(listed_values(&servers[0], &key).len(), 4);
    assert_eq!(metric(&servers[1], "takeback_flood_brake_engaged"), 1.0);
    assert_eq!(metric(&servers[1], "takeback_flood_brake_held_total"), 2.0);
}
