//! `takeback partner export` (issue 19): the list in the formats other systems read, sealed
//! by the hotline's key, which `takeback verify` checks; and the look-up of an entry's id
//! by its fingerprint, for partners whose systems keep signals rather than ids.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

fn export(db: &Database, format: &str, output: &Path) -> Output {
    takeback()
        .args(["partner", "export", "--format", format, "--output"])
        .arg(output)
        .args(["--database", &db.url])
        .output()
        .unwrap()
}

fn verify(file: &Path, key: &str, extra: &[&str]) -> Output {
    takeback()
        .arg("verify")
        .arg(file)
        .args(["--public-key", key])
        .args(extra)
        .output()
        .unwrap()
}

/// A list with pictures, a file's MD5 and a video, and a withdrawal.
fn fill(server: &Server) {
    let frames: Vec<Value> = (0..3)
        .map(|i| serde_json::json!({"timestamp": i as f64 + 0.5, "value": pdq(700 + i), "quality": 90}))
        .collect();
    let mut first = report_of(&[pdq(31), pdq(32)], &[]);
    let hashes = first["hashes"].as_array_mut().unwrap();
    hashes.push(serde_json::json!({"algorithm": "vpdq", "frames": frames}));
    hashes
        .push(serde_json::json!({"algorithm": "md5", "value": "9e107d9d372bb6826bd81d3542a419d6"}));
    server.report(&first);
    let (case, secret) = server.report(&report_of(&[pdq(33)], &[]));
    withdraw_at(&server.base, &case, &secret);
}

#[test]
fn every_format_holds_the_list_and_its_seal_verifies() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        fill(&server);
        let list = server.replay_list(&key, 1000);
        assert_eq!(list.len(), 4, "{list:?}");
        let public = server.public_key();
        let dir = db.dir.path();
        let (_, last) = server.get("/api/v1/hashlist?after=0&limit=1000", Some(&key));
        let checkpoint = &last["checkpoint"];

        fn signal_type(algorithm: &str) -> &str {
            match algorithm {
                "md5" => "video_md5",
                "sha256" => "video_sha256",
                other => other,
            }
        }
        for format in ["threatexchange", "csv", "tsv", "jsonl"] {
            let file = dir.join(format!("list.{format}"));
            let done = export(&db, format, &file);
            assert!(done.status.success(), "{format}: {done:?}");
            let text = std::fs::read_to_string(&file).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            match format {
                "threatexchange" => {
                    // `TYPE SIGNAL`; a video's signal is its frames, as python-threatexchange
                    // writes a vpdq signal.
                    assert_eq!(lines.len(), list.len(), "{text}");
                    for (algorithm, value, _) in list.values() {
                        if algorithm == "vpdq" {
                            let line = lines.iter().find(|l| l.starts_with("vpdq ")).unwrap();
                            let frames: Vec<String> =
                                serde_json::from_str(&line["vpdq ".len()..]).unwrap();
                            assert_eq!(frames.len(), 3);
                            assert!(frames[0].starts_with(&format!("{},90,", pdq(700))));
                        } else {
                            let line = format!("{} {value}", signal_type(algorithm));
                            assert!(lines.contains(&line.as_str()), "{line} in {text}");
                        }
                    }
                }
                "csv" | "tsv" => {
                    let separator = if format == "csv" { "," } else { "\t" };
                    assert_eq!(
                        lines[0],
                        ["signal_type", "signal_str", "collab", "category", "tags"].join(separator)
                    );
                    let mut table = csv::ReaderBuilder::new()
                        .delimiter(separator.as_bytes()[0])
                        .from_path(&file)
                        .unwrap();
                    let rows: Vec<csv::StringRecord> =
                        table.records().map(Result::unwrap).collect();
                    assert_eq!(rows.len(), list.len());
                    for (id, (algorithm, value, _)) in &list {
                        let row = rows
                            .iter()
                            .find(|row| row[4].contains(&format!("takeback_entry_{id} ")))
                            .unwrap_or_else(|| panic!("entry {id} in {text}"));
                        assert_eq!(&row[0], signal_type(algorithm));
                        if algorithm != "vpdq" {
                            assert_eq!(&row[1], value);
                        }
                        assert_eq!(&row[2], "takeback");
                        assert_eq!(&row[3], "INVESTIGATION_SEED");
                        assert!(row[4].ends_with(" unverified"));
                    }
                }
                _ => {
                    let ids: BTreeSet<i64> = lines
                        .iter()
                        .map(|line| {
                            let entry: Value = serde_json::from_str(line).unwrap();
                            let id = entry["id"].as_i64().unwrap();
                            assert_eq!(entry["value"], list[&id].1.as_str());
                            assert_eq!(entry["algorithm"], list[&id].0.as_str());
                            if entry["algorithm"] == "vpdq" {
                                assert_eq!(entry["frames"].as_array().unwrap().len(), 3);
                            }
                            id
                        })
                        .collect();
                    assert_eq!(ids, list.keys().copied().collect());
                }
            }

            // The seal: the feed's checkpoint, and the file's digest, both signed.
            let seal: Value = serde_json::from_slice(
                &std::fs::read(dir.join(format!("list.{format}.checkpoint"))).unwrap(),
            )
            .unwrap();
            assert_eq!(seal["format"], format);
            for field in ["seq", "head", "size", "key_id"] {
                assert_eq!(seal["checkpoint"][field], checkpoint[field], "{field}");
            }
            let good = verify(&file, &public, &[]);
            assert!(good.status.success(), "{good:?}");
            let printed = String::from_utf8_lossy(&good.stdout);
            assert!(printed.contains(&format!("format\t{format}")), "{printed}");
            assert!(printed.contains("entries\t4"), "{printed}");
        }

        // An altered or cut file, another key, another file's seal: refused, exit 1.
        let file = dir.join("list.csv");
        let original = std::fs::read(&file).unwrap();
        let mut altered = original.clone();
        let at = altered.len() - 5;
        altered[at] ^= 1;
        let stranger = takeback_wire::chain::FeedSigningKey::from_seed([9; 32])
            .public_key()
            .to_string();
        let tsv_seal = dir.join("list.tsv.checkpoint").display().to_string();
        for (bytes, key, extra, says) in [
            (&altered[..], public.as_str(), vec![], "altered or cut"),
            (&original[..10], public.as_str(), vec![], "altered or cut"),
            (&original[..], stranger.as_str(), vec![], "not the expected"),
            (
                &original[..],
                public.as_str(),
                vec!["--checkpoint", tsv_seal.as_str()],
                "altered or cut",
            ),
        ] {
            std::fs::write(&file, bytes).unwrap();
            let refused = verify(&file, key, &extra);
            assert_eq!(refused.status.code(), Some(1), "{refused:?}");
            let stderr = String::from_utf8_lossy(&refused.stderr);
            assert!(stderr.contains(says), "{says}: {stderr}");
        }
        // No seal beside it: said, exit 2.
        let lone = dir.join("lone.csv");
        std::fs::write(&lone, &original).unwrap();
        let missing = verify(&lone, &public, &[]);
        assert_eq!(missing.status.code(), Some(2), "{missing:?}");
        assert!(String::from_utf8_lossy(&missing.stderr).contains("lone.csv.checkpoint"));
    }
}

#[test]
fn bad_export_requests_are_refused_with_a_reason() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    server.report(&report_of(&[pdq(41)], &[]));
    let file = db.dir.path().join("list.txt");
    let unknown = export(&db, "xml", &file);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("threatexchange"));
    let nowhere = export(&db, "csv", &db.dir.path().join("no/such/dir/list.csv"));
    assert_eq!(nowhere.status.code(), Some(2), "{nowhere:?}");
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("cannot create"));
    assert!(!file.exists());
}

#[test]
fn an_entry_is_found_by_its_fingerprint_once_it_has_been_listed() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        fill(&server);
        let list = server.replay_list(&key, 1000);
        let lookup = |algorithm: &str, value: &str, token: Option<&str>| {
            server.get(
                &format!("/api/v1/hashlist/entry?algorithm={algorithm}&value={value}"),
                token,
            )
        };
        for (id, (algorithm, value, _)) in &list {
            let (status, body) = lookup(algorithm, value, Some(&key));
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["id"], *id);
            // Upper-case hex is the same fingerprint.
            let (status, _) = lookup(algorithm, &value.to_uppercase(), Some(&key));
            assert_eq!(status, 200);
        }
        // Withdrawn after being listed: still found (feedback on it is still taken).
        let (status, body) = lookup("pdq", &pdq(33), Some(&key));
        assert_eq!(status, 200, "{body}");
        // Never reported: 404, with the code feedback uses.
        let (status, body) = lookup("pdq", &pdq(49), Some(&key));
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("unknown_entry"))
        );

        for (query, says) in [
            ("algorithm=sha1&value=00", "unknown algorithm"),
            ("algorithm=md5&value=00", "32 hex digits"),
            (
                &format!("algorithm=md5&value={}", "zz".repeat(16)),
                "32 hex digits",
            ),
            ("algorithm=pdq", "give both"),
            ("value=00", "give both"),
            ("algorithm=pdq&value=00&extra=1", "unknown field"),
        ] {
            let (status, body) = server.get(&format!("/api/v1/hashlist/entry?{query}"), Some(&key));
            assert_eq!(status, 400, "{query}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(says), "{query}: {message}");
        }
        let (status, _) = lookup("pdq", &pdq(31), None);
        assert_eq!(status, 401);
        let analyst = add("analyst", "A", &db);
        let (status, _) = lookup("pdq", &pdq(31), Some(&analyst));
        assert_eq!(status, 403);
    }
}

#[test]
fn an_entry_never_published_is_not_found() {
    let db = Database::sqlite();
    let server = Server::start(&db, &["--listing-policy", "hold-for-analyst"]);
    let key = add("partner", "P", &db);
    server.report(&report_of(&[pdq(51)], &[]));
    let (status, body) = server.get(
        &format!("/api/v1/hashlist/entry?algorithm=pdq&value={}", pdq(51)),
        Some(&key),
    );
    assert_eq!(status, 404, "{body}");
}
