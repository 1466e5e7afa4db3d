//! `takeback index build` and `takeback match` as a person runs them.

#![allow(clippy::unwrap_used)]

use image::ImageFormat;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use takeback_pdq::PdqHash;
use takeback_testimages::{Channels, Pattern, Spec};

fn takeback(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_takeback"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `hash` with its lowest `bits` bits flipped.
fn flip(hash: &str, bits: u32) -> String {
    let mut words = hash.parse::<PdqHash>().unwrap().to_words();
    words[3] ^= (1u64 << bits) - 1;
    PdqHash::from_words(words).to_hex()
}

const A: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const B: &str = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";

fn write_list(dir: &Path) -> String {
    let path = dir.join("list.txt");
    let text = format!("# two pictures\n{A},101\n{B},202\n{},303\n", flip(A, 20));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn matches_are_sorted_by_distance_with_ids_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let query = flip(A, 5);
    let output = takeback(
        &["match", "--list", &list, "--format", "json", &query],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = json(&output);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["query"], query.as_str());
    let matches = records[0]["matches"].as_array().unwrap();
    let found: Vec<(u64, u64)> = matches
        .iter()
        .map(|m| (m["id"].as_u64().unwrap(), m["distance"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, vec![(101, 5), (303, 15)]);
    assert_eq!(matches[0]["hash"], A);
}

#[test]
fn max_distance_limits_and_no_match_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let query = flip(A, 5);
    let output = takeback(
        &["match", "--list", &list, "--max-distance", "4", &query],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), format!("{query}\tno match\n"));
    let output = takeback(
        &["match", "--list", &list, "--max-distance", "5", &query],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), format!("{query}\t101\t5\t{A}\n"));
}

#[test]
fn a_saved_index_answers_like_the_text_list() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let saved = dir.path().join("list.idx");
    let saved = saved.to_str().unwrap();
    let build = takeback(&["index", "build", &list, "-o", saved], None);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(stderr(&build).contains("indexed 3 hashes"));
    let queries = format!("{}\n\n{B}\n", flip(A, 9));
    let from_text = takeback(
        &["match", "--list", &list, "--format", "json", "-"],
        Some(&queries),
    );
    let from_index = takeback(
        &["match", "--list", saved, "--format", "json", "-"],
        Some(&queries),
    );
    assert_eq!(from_text.status.code(), Some(0));
    assert_eq!(stdout(&from_text), stdout(&from_index));
    assert_eq!(json(&from_index).len(), 2);
}

#[test]
fn a_malformed_list_line_is_reported_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.txt");
    std::fs::write(&path, format!("{A}\n{B},7\n{}\n", &B[..60])).unwrap();
    let list = path.to_str().unwrap();
    for args in [
        vec!["match", "--list", list, A],
        vec!["index", "build", list, "-o", "/dev/null"],
    ] {
        let output = takeback(&args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(
            message.contains("bad.txt: line 3: a PDQ hash is 64 hex digits"),
            "{message}"
        );
    }
    std::fs::write(&path, format!("{A},seven\n")).unwrap();
    let message = stderr(&takeback(&["match", "--list", list, A], None));
    assert!(
        message.contains("line 1: the id \"seven\" is not a whole number"),
        "{message}"
    );
}

#[test]
fn a_malformed_hash_on_standard_input_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let output = takeback(
        &["match", "--list", &list, "-"],
        Some(&format!("{A}\nnot-a-hash\n")),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("standard input, line 2"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_damaged_index_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let saved = dir.path().join("list.idx");
    let saved_str = saved.to_str().unwrap();
    assert!(
        takeback(&["index", "build", &list, "-o", saved_str], None)
            .status
            .success()
    );
    let bytes = std::fs::read(&saved).unwrap();
    std::fs::write(&saved, &bytes[..bytes.len() - 3]).unwrap();
    let output = takeback(&["match", "--list", saved_str, A], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("damaged"), "{}", stderr(&output));
}

#[test]
fn images_are_hashed_and_matched_in_any_orientation() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec::new(Pattern::Shapes, 300, 301, Channels::Rgb, 11);
    let image = spec.generate().to_dynamic();
    let original = dir.path().join("original.png");
    image.save_with_format(&original, ImageFormat::Png).unwrap();
    let turned = dir.path().join("turned.png");
    image
        .rotate90()
        .save_with_format(&turned, ImageFormat::Png)
        .unwrap();

    let hashed = takeback(&["hash", original.to_str().unwrap()], None);
    let record: Value = serde_json::from_str(stdout(&hashed).trim()).unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("{},5\n", record["pdq"].as_str().unwrap())).unwrap();
    let list = list.to_str().unwrap();

    let plain = takeback(
        &[
            "match",
            "--list",
            list,
            "--format",
            "json",
            turned.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        plain.status.code(),
        Some(1),
        "a rotation is far in plain PDQ"
    );
    let dihedral = takeback(
        &[
            "match",
            "--list",
            list,
            "--dihedral",
            "--format",
            "json",
            turned.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(dihedral.status.code(), Some(0), "{}", stderr(&dihedral));
    let records = json(&dihedral);
    assert_eq!(records[0]["matches"][0]["id"], 5);
    assert!(records[0]["pdq"].is_string());
    assert!(records[0]["matches"][0]["variant"].is_string());
}

#[test]
fn an_unreadable_image_query_is_reported_and_the_rest_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let missing = dir.path().join("missing.jpg");
    let output = takeback(
        &["match", "--list", &list, missing.to_str().unwrap(), A],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.jpg: "),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).starts_with(&format!("{A}\t101\t0\t")));
}

#[test]
fn out_of_range_distance_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path());
    let output = takeback(
        &["match", "--list", &list, "--max-distance", "300", A],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
}
