//! A young person reports; a platform's matcher follows the hotline; copies match until the
//! report is withdrawn; the platform's outcomes reach the case.

use crate::proc::MatcherProcess;
use crate::support::{Database, Server, add, eventually, request};
use image::{DynamicImage, ImageFormat, imageops::FilterType};
use serde_json::{Value, json};
use std::io::Cursor;
use std::time::Duration;
use takeback_fingerprint::{Options, fingerprint_bytes};
use takeback_testimages::{Channels, Pattern, Spec};

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn picture(seed: u64) -> DynamicImage {
    Spec::new(Pattern::Smooth, 640, 480, Channels::Rgb, seed)
        .generate()
        .to_dynamic()
}

/// A report of a picture file's three fingerprints.
pub fn report_of_file(bytes: &[u8]) -> Value {
    let print = fingerprint_bytes(bytes, &Options::default()).unwrap();
    json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "pdq", "value": print.pdq.hash.to_hex(), "quality": print.pdq.quality},
            {"algorithm": "md5", "value": print.digests.md5.to_string()},
            {"algorithm": "sha256", "value": print.digests.sha256.to_string()},
        ],
        "urls": [],
        "under_18": true,
        "consent_to_share": true,
    })
}

fn case_outcomes(hotline: &Server, case: &str, secret: &str) -> Value {
    let (status, body) = request(
        "GET",
        &hotline.url(&format!("/api/v1/reports/{case}")),
        Some(secret),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["platform_outcomes"].clone()
}

#[test]
fn reported_pictures_match_in_any_form_until_withdrawn_and_outcomes_reach_the_case() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let reported = picture(1);
    let png = encode(&reported, ImageFormat::Png);
    let (case, secret) = hotline.report(&report_of_file(&png));
    let kept = encode(&picture(2), ImageFormat::Png);
    hotline.report(&report_of_file(&kept));

    let state = database.dir.path().join("matcher");
    let matcher = MatcherProcess::follow(&hotline.base, &key, &state, &[]);
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );
    assert_eq!(matcher.list_status()["entries"], 6);

    // The file itself: its PDQ, MD5 and SHA-256 entries, exact ones first, each
    // self-reported (unverified) and from the hotline followed.
    let found = matcher.match_image(&png, "image/png");
    let algorithms: Vec<&str> = found
        .iter()
        .map(|m| m["algorithm"].as_str().unwrap())
        .collect();
    assert_eq!(algorithms, ["md5", "sha256", "pdq"], "{found:?}");
    assert!(
        found
            .iter()
            .all(|m| m["verified"] == false && m["hotline"] == "hotline")
    );
    let pdq_id = found[2]["id"].as_i64().unwrap();
    assert_eq!(found[2]["distance"], 0);

    // Copies: turned, mirrored, re-encoded, resized. Only PDQ can find them.
    let copies = [
        (
            "rotated",
            encode(&reported.rotate90(), ImageFormat::Png),
            true,
        ),
        (
            "mirrored",
            encode(&reported.fliph(), ImageFormat::Png),
            true,
        ),
        ("re-encoded", encode(&reported, ImageFormat::Jpeg), false),
        (
            "resized",
            encode(
                &reported.resize_exact(320, 240, FilterType::Triangle),
                ImageFormat::Jpeg,
            ),
            false,
        ),
        (
            "turned and shrunk",
            encode(
                &reported
                    .rotate180()
                    .resize_exact(480, 360, FilterType::Triangle),
                ImageFormat::Jpeg,
            ),
            true,
        ),
    ];
    for (what, bytes, turned) in &copies {
        let found = matcher.match_image(bytes, "application/octet-stream");
        assert_eq!(found.len(), 1, "{what}: {found:?}");
        assert_eq!(found[0]["id"], pdq_id, "{what}");
        assert!(found[0]["distance"].as_u64().unwrap() <= 31, "{what}");
        assert_eq!(
            found[0]["variant"].is_string(),
            *turned,
            "{what}: {found:?}"
        );
    }
    let unrelated = encode(
        &Spec::new(Pattern::Shapes, 500, 400, Channels::Rgb, 9)
            .generate()
            .to_dynamic(),
        ImageFormat::Png,
    );
    assert!(matcher.match_image(&unrelated, "image/png").is_empty());

    // The platform took one copy down and stopped two uploads.
    let (status, body) = matcher.post(
        "/v1/outcomes",
        &json!({"outcomes": [
            {"hotline": "hotline", "id": pdq_id, "outcome": "removed"},
            {"id": pdq_id, "outcome": "blocked_upload", "count": 2},
        ]}),
    );
    assert_eq!((status, &body), (200, &json!({"recorded": 2})));
    let expected = json!({"matched": 3, "removed": 1, "blocked_upload": 2});
    assert!(
        eventually(Duration::from_secs(20), || case_outcomes(
            &hotline, &case, &secret
        ) == expected),
        "{}\n{}",
        case_outcomes(&hotline, &case, &secret),
        matcher.logs()
    );

    // Withdrawn: it stops matching at the next sync; the other report still matches.
    let (status, body) = request(
        "DELETE",
        &hotline.url(&format!("/api/v1/reports/{case}")),
        Some(&secret),
        None,
    );
    assert!((200..300).contains(&status), "{body}");
    assert!(
        eventually(Duration::from_secs(20), || matcher
            .match_image(&png, "image/png")
            .is_empty()),
        "{}",
        matcher.logs()
    );
    assert_eq!(matcher.match_image(&kept, "image/png").len(), 3);
    // An outcome for the withdrawn entry is still taken: the copy was found before.
    let (status, body) = matcher.post("/v1/outcomes", &json!({"id": pdq_id, "outcome": "removed"}));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn dihedral_matching_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let reported = picture(3);
    let png = encode(&reported, ImageFormat::Png);
    let print = fingerprint_bytes(&png, &Options::default()).unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("{},7\n", print.pdq.hash)).unwrap();
    let list = list.to_str().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let log = dir.path().join("matcher.log");
    let turned = encode(&reported.rotate270(), ImageFormat::Png);

    let plain = MatcherProcess::start(&log, &["--list", list, "--state", state, "--no-dihedral"]);
    assert_eq!(plain.match_image(&png, "image/png").len(), 1);
    assert!(plain.match_image(&turned, "image/png").is_empty());
    drop(plain);
    let dihedral = MatcherProcess::start(&log, &["--list", list, "--state", state]);
    let found = dihedral.match_image(&turned, "image/png");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0]["id"].as_i64(), found[0]["hotline"].as_str()),
        (Some(7), Some("list"))
    );
    assert_eq!(found[0]["variant"], "rot270");
}

#[test]
fn outcomes_are_sent_when_the_matcher_stops() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let png = encode(&picture(4), ImageFormat::Png);
    let (case, secret) = hotline.report(&report_of_file(&png));
    let state = database.dir.path().join("matcher");
    // Outcomes would wait an hour to be sent; stopping sends them.
    let mut matcher = MatcherProcess::follow(
        &hotline.base,
        &key,
        &state,
        &["--feedback-interval", "3600"],
    );
    assert!(eventually(Duration::from_secs(20), || matcher
        .get("/readyz")
        .0
        == 200));
    let found = matcher.match_image(&png, "image/png");
    let (status, _) = matcher.post(
        "/v1/outcomes",
        &json!({"id": found[0]["id"], "outcome": "matched"}),
    );
    assert_eq!(status, 200);
    assert_eq!(case_outcomes(&hotline, &case, &secret)["matched"], 0);
    assert!(matcher.terminate().success(), "{}", matcher.logs());
    assert_eq!(case_outcomes(&hotline, &case, &secret)["matched"], 1);
}

/// 10,000 outcomes in one interval make feedback batches larger than a single hotline
/// body may be: every one still reaches the hotline, once.
#[test]
fn ten_thousand_outcomes_in_one_interval_all_reach_the_hotline() {
    // 10,000 new listings in a minute is a flood by the hotline's default brake (2,000 an
    // hour), which would hold most of them: off here, where the flood is the test's own.
    all_outcomes_reach_the_hotline(100, &["--new-listings-per-hour", "0"]);
}

/// A hotline whose body limit is far below the matcher's batches (16 KiB): each batch is
/// halved until it fits, and every outcome is still counted once.
#[test]
fn batches_too_large_for_the_hotline_are_halved_until_they_fit() {
    all_outcomes_reach_the_hotline(20, &["--max-body-bytes", "16384"]);
}

/// `reports` reports of 100 fingerprints each; one outcome for each entry.
fn all_outcomes_reach_the_hotline(reports: u64, hotline_args: &[&str]) {
    use crate::support::{pdq, report_of};
    let entries = reports as usize * 100;
    let database = Database::sqlite();
    let hotline = Server::start(&database, hotline_args);
    let key = add("partner", "platform", &database);
    let cases: Vec<(String, String)> = (0..reports)
        .map(|report| {
            let hashes: Vec<String> = (0..100u64).map(|i| pdq(report * 100 + i)).collect();
            hotline.report(&report_of(&hashes, &[]))
        })
        .collect();
    let ids: Vec<i64> = hotline.replay_list(&key, 10_000).into_keys().collect();
    assert_eq!(ids.len(), entries);
    let state = database.dir.path().join("matcher");
    let matcher =
        MatcherProcess::follow(&hotline.base, &key, &state, &["--feedback-interval", "2"]);
    assert!(eventually(Duration::from_secs(60), || matcher
        .list_status()["entries"]
        == entries));
    let outcomes: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "outcome": "matched"}))
        .collect();
    let (status, body) = matcher.post("/v1/outcomes", &json!({ "outcomes": outcomes }));
    assert_eq!(status, 200, "{body}");
    let total = || -> i64 {
        cases
            .iter()
            .map(|(case, secret)| {
                case_outcomes(&hotline, case, secret)["matched"]
                    .as_i64()
                    .unwrap_or(0)
            })
            .sum()
    };
    assert!(
        eventually(Duration::from_secs(60), || total() == entries as i64),
        "{} of {entries} reached the hotline; matcher log:\n{}",
        total(),
        matcher.logs()
    );
    // And once: later flushes send nothing again.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(total(), entries as i64);
}
