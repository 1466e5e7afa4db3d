//! The guard list applied to what is already stored: a picture put on the guard list
//! after it was listed leaves the list (at the next start, or while running when the guard
//! file changes), one waiting for an analyst is never listed, an analyst's reinstatement
//! stands until the guard list gains another entry that guards it, and a guard file that
//! does not parse leaves the old list in force. The reporter sees a suspension like any
//! other, never the guard list.

use crate::support::*;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use takeback_pdq::Dihedral;

/// Long enough for a server to read its guard file again (every second here) and apply
/// it, on a busy machine.
const APPLIED_WITHIN: Duration = Duration::from_secs(60);

fn write_guard(path: &Path, hashes: &[String]) {
    let text: String = hashes.iter().map(|hash| format!("{hash}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// The changes after `cursor` in the feed.
fn changes_after(server: &Server, key: &str, cursor: i64) -> Vec<Value> {
    let (status, page) = server.get(&format!("/api/v1/hashlist?after={cursor}"), Some(key));
    assert_eq!(status, 200, "{page}");
    page["changes"].as_array().unwrap().clone()
}

fn last_seq(server: &Server, key: &str) -> i64 {
    changes_after(server, key, 0)
        .last()
        .map_or(0, |change| change["seq"].as_i64().unwrap())
}

fn entry(server: &Server, analyst: &str, id: i64) -> Value {
    let (status, view) = server.get(&format!("/api/v1/analyst/entries/{id}"), Some(analyst));
    assert_eq!(status, 200, "{view}");
    view
}

fn decide(server: &Server, analyst: &str, id: i64, decision: &str) -> (u16, Value) {
    server.post_json(
        &format!("/api/v1/analyst/entries/{id}/decision"),
        Some(analyst),
        &json!({"decision": decision}),
    )
}

/// The case as its reporter reads it.
fn case(server: &Server, case_id: &str, secret: &str) -> Value {
    let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(secret));
    assert_eq!(status, 200, "{case}");
    case
}

/// Waits until the server has applied its guard list to the stored entries this many
/// times (its log says so each time).
fn applied(server: &Server, times: usize) -> bool {
    eventually(APPLIED_WITHIN, || {
        server
            .logs()
            .matches("guard list applied to the entries already stored")
            .count()
            >= times
    })
}

#[test]
fn a_picture_guarded_after_it_was_listed_leaves_the_list_at_the_next_start() {
    for db in Database::all() {
        let picture = picture(11);
        let other = picture_hex(12);
        let harmless_md5 = "0123456789abcdef0123456789abcdef";
        let mut server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        let (case_id, secret) = server.report(&json!({
            "reporter": "young_person",
            "hashes": [
                {"algorithm": "pdq", "value": picture[0].to_hex(), "quality": 90},
                {"algorithm": "pdq", "value": other, "quality": 90},
                {"algorithm": "md5", "value": harmless_md5},
            ],
            "under_18": true,
            "consent_to_share": true,
        }));
        let listed = server.replay_list(&key, 100);
        assert_eq!(listed.len(), 3);
        let id_of = |value: &str| {
            *listed
                .iter()
                .find(|(_, (_, listed_value, _))| listed_value == value)
                .unwrap()
                .0
        };
        let (guarded_id, md5_id, other_id) = (
            id_of(&picture[0].to_hex()),
            id_of(harmless_md5),
            id_of(&other),
        );
        let cursor = last_seq(&server, &key);
        let case_before = case(&server, &case_id, &secret);

        // The operator guards the picture turned on its side (a copy they had), and the
        // file by its MD5; the server is started again with them.
        let guard = db.dir.path().join("guard.pdq");
        write_guard(&guard, &[picture[Dihedral::Rotate90 as usize].to_hex()]);
        let exact = db.dir.path().join("guard.exact");
        std::fs::write(&exact, format!("md5:{harmless_md5}\n")).unwrap();
        server.kill();
        let server = Server::start(
            &db,
            &[
                "--guard-list",
                guard.to_str().unwrap(),
                "--exact-guard-list",
                exact.to_str().unwrap(),
            ],
        );
        assert!(applied(&server, 1), "{}", server.logs());

        let removed: Vec<i64> = changes_after(&server, &key, cursor)
            .iter()
            .map(|change| {
                assert_eq!(change["op"], "remove", "{change}");
                change["id"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(removed.contains(&guarded_id) && removed.contains(&md5_id));
        assert_eq!(
            server
                .replay_list(&key, 100)
                .into_keys()
                .collect::<Vec<_>>(),
            [other_id]
        );
        for id in [guarded_id, md5_id] {
            let view = entry(&server, &analyst, id);
            assert_eq!(view["state"], "suspended", "{view}");
            assert_eq!(view["reason"], "guarded", "{view}");
        }
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let by_guard: Vec<&Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row["action"] == "guard_list_applied")
            .collect();
        assert_eq!(by_guard.len(), 2, "{audit}");
        assert!(
            by_guard
                .iter()
                .all(|row| row["actor_kind"] == "operator" && row["actor"] == "guard_list"),
            "{audit}"
        );

        // The reporter sees the listing suspended, as after partners' false-positive
        // reports: nothing says the guard list did it.
        let case_after = case(&server, &case_id, &secret);
        for hash in case_after["hashes"].as_array().unwrap() {
            let expected = if hash["value"] == other.as_str() {
                "listed"
            } else {
                "suspended"
            };
            assert_eq!(hash["state"], expected, "{case_after}");
        }
        assert!(!case_after.to_string().contains("guard"), "{case_after}");
        assert_eq!(
            case_before["platform_outcomes"],
            case_after["platform_outcomes"]
        );
    }
}

/// A picture's hash as hex.
fn picture_hex(seed: u64) -> String {
    picture(seed)[0].to_hex()
}

#[test]
fn a_reinstatement_stands_until_the_guard_list_gains_another_entry_that_guards_it() {
    for db in Database::all() {
        let picture = picture(21);
        let guard = db.dir.path().join("guard.pdq");
        write_guard(&guard, &[picture_hex(22)]);
        let args = [
            "--guard-list",
            guard.to_str().unwrap(),
            "--guard-list-reload-seconds",
            "1",
        ];
        let mut server = Server::start(&db, &args);
        let key = add("partner", "P", &db);
        let analyst = add("analyst", "A", &db);
        server.report(&report_of(&[picture[0].to_hex()], &[]));
        let id = *server.replay_list(&key, 10).keys().next().unwrap();

        // While running, the guard file gains the picture, mirrored.
        write_guard(
            &guard,
            &[picture_hex(22), picture[Dihedral::FlipX as usize].to_hex()],
        );
        assert!(
            eventually(APPLIED_WITHIN, || server.replay_list(&key, 10).is_empty()),
            "{}",
            server.logs()
        );
        assert_eq!(entry(&server, &analyst, id)["reason"], "guarded");
        let (_, queue) = server.get("/api/v1/analyst/queue?state=suspended", Some(&analyst));
        assert_eq!(queue[0]["id"], id, "{queue}");

        // An analyst looks and puts it back; reading the same guard list again, at the
        // next start, leaves it listed.
        let (status, view) = decide(&server, &analyst, id, "reinstate");
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["state"], "listed");
        let (_, audit) = server.get("/api/v1/analyst/audit?limit=1000", Some(&analyst));
        let decision = audit
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["action"] == "decision")
            .unwrap();
        assert!(
            decision["detail"]
                .as_str()
                .unwrap()
                .contains("over_guard_list"),
            "{decision}"
        );
        // Applied at the first start, after the change, and now at this start.
        server.restart();
        assert!(applied(&server, 3), "{}", server.logs());
        assert_eq!(
            server.replay_list(&key, 10).len(),
            1,
            "the reinstatement stands"
        );

        // Another guard-list entry that guards it takes it off again.
        write_guard(
            &guard,
            &[
                picture_hex(22),
                picture[Dihedral::FlipX as usize].to_hex(),
                picture[0].to_hex(),
            ],
        );
        assert!(
            eventually(APPLIED_WITHIN, || server.replay_list(&key, 10).is_empty()),
            "{}",
            server.logs()
        );
        assert_eq!(entry(&server, &analyst, id)["state"], "suspended");
    }
}

#[test]
fn a_held_picture_the_guard_list_gains_is_never_listed() {
    let db = Database::sqlite();
    let picture = picture(31);
    let mut server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
    let analyst = add("analyst", "A", &db);
    let (case_id, secret) = server.report(&report_of(&[picture[0].to_hex()], &[]));
    let (_, queue) = server.get("/api/v1/analyst/queue", Some(&analyst));
    let id = queue[0]["id"].as_i64().unwrap();

    let guard = db.dir.path().join("guard.pdq");
    write_guard(&guard, &[picture[0].to_hex()]);
    server.kill();
    let server = Server::start(
        &db,
        &[
            "--listing-policy",
            "hold-for-analyst",
            "--guard-list",
            guard.to_str().unwrap(),
        ],
    );
    assert!(applied(&server, 1), "{}", server.logs());
    let view = entry(&server, &analyst, id);
    assert_eq!(view["state"], "rejected", "{view}");
    assert_eq!(view["reason"], "guard_list", "{view}");
    let (status, answer) = decide(&server, &analyst, id, "list");
    assert_eq!(status, 409, "{answer}");
    // Still waiting, as far as its reporter can tell.
    let case = case(&server, &case_id, &secret);
    assert_eq!(case["hashes"][0]["state"], "pending", "{case}");
}

#[test]
fn a_guard_file_that_does_not_parse_leaves_the_old_list_in_force() {
    let db = Database::sqlite();
    let guarded = picture(41);
    let listed = picture(42);
    let guard = db.dir.path().join("guard.pdq");
    write_guard(&guard, &[guarded[0].to_hex()]);
    let server = Server::start(
        &db,
        &[
            "--guard-list",
            guard.to_str().unwrap(),
            "--guard-list-reload-seconds",
            "1",
        ],
    );
    let key = add("partner", "P", &db);
    server.report(&report_of(&[listed[0].to_hex()], &[]));
    assert_eq!(server.replay_list(&key, 10).len(), 1);

    std::fs::write(&guard, format!("{}\nnot a hash\n", listed[0])).unwrap();
    assert!(
        eventually(APPLIED_WITHIN, || {
            metric(&server, "takeback_guard_list_reload_failing") == 1.0
        }),
        "{}",
        server.logs()
    );
    assert_eq!(
        metric(&server, "takeback_guard_list_reload_failures_total"),
        1.0
    );
    assert!(server.logs().contains("line 2"), "{}", server.logs());
    // The old list still guards, and the half-read new one has not been applied.
    server.report(&report_of(&[moved(guarded[0], 20)], &[]));
    assert_eq!(server.replay_list(&key, 10).len(), 1);

    // Fixed: the new list is in force and applied.
    write_guard(&guard, &[listed[0].to_hex()]);
    assert!(
        eventually(APPLIED_WITHIN, || server.replay_list(&key, 10).is_empty()),
        "{}",
        server.logs()
    );
    assert_eq!(metric(&server, "takeback_guard_list_reload_failing"), 0.0);
    assert_eq!(
        metric(
            &server,
            "takeback_guard_list_applied_total{change=\"suspended\"}"
        ),
        1.0
    );
}
