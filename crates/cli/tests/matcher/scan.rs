//! `takeback scan`: a folder of stored files against a list file or a running matcher.

use crate::api::large_png;
use crate::end_to_end::{encode, picture};
use crate::proc::{Fault, MatcherProcess, Proxy};
use crate::support::takeback;
use image::ImageFormat;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use takeback_fingerprint::{Options, fingerprint_bytes};

/// A folder of pictures: two copies of a listed one (turned, and re-encoded), a broken
/// file, a text file, and unrelated pictures. Returns the list file.
fn backlog(dir: &Path) -> String {
    let files = dir.join("files");
    std::fs::create_dir_all(files.join("sub")).unwrap();
    let listed = picture(21);
    let original = encode(&listed, ImageFormat::Png);
    let print = fingerprint_bytes(&original, &Options::default()).unwrap();
    std::fs::write(
        files.join("a-turned.png"),
        encode(&listed.rotate90(), ImageFormat::Png),
    )
    .unwrap();
    std::fs::write(
        files.join("sub/b-copy.jpg"),
        encode(&listed, ImageFormat::Jpeg),
    )
    .unwrap();
    std::fs::write(
        files.join("c-broken.jpg"),
        &encode(&picture(22), ImageFormat::Jpeg)[..300],
    )
    .unwrap();
    std::fs::write(files.join("d-notes.txt"), "not a picture").unwrap();
    for seed in 23..29 {
        std::fs::write(
            files.join(format!("e-other-{seed}.png")),
            encode(&picture(seed), ImageFormat::Png),
        )
        .unwrap();
    }
    let list = dir.join("list.txt");
    std::fs::write(&list, format!("{},42\n", print.pdq.hash)).unwrap();
    list.to_str().unwrap().to_owned()
}

fn scan(dir: &Path, args: &[&str]) -> Output {
    scan_with_env(dir, args, &[])
}

fn scan_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    takeback()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .env_remove("TAKEBACK_MATCHER_API_TOKEN")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_scan_writes_matches_and_lists_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let list = backlog(dir.path());
    let output = scan(
        dir.path(),
        &[
            "files",
            "--list",
            &list,
            "--output",
            "out.jsonl",
            "--errors",
            "errors.tsv",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some files unreadable: {stderr}"
    );
    let found = lines(&dir.path().join("out.jsonl"));
    let paths: Vec<&str> = found.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        ["files/a-turned.png", "files/sub/b-copy.jpg"],
        "{stderr}"
    );
    assert_eq!(found[0]["matches"][0]["id"], 42);
    assert_eq!(found[0]["matches"][0]["variant"], "rot90");
    assert!(found[1]["matches"][0]["variant"].is_null());
    let errors = std::fs::read_to_string(dir.path().join("errors.tsv")).unwrap();
    assert_eq!(errors.lines().count(), 2, "{errors}");
    assert!(errors.contains("files/c-broken.jpg\t") && errors.contains("files/d-notes.txt\t"));
    assert!(
        stderr.contains("scanned 10 files") && stderr.contains("2 matched, 2 unreadable"),
        "{stderr}"
    );
    // The checkpoint is gone: the scan is complete.
    assert!(!dir.path().join("out.jsonl.progress").exists());

    let output = scan(
        dir.path(),
        &["files", "--list", &list, "--format", "csv", "--no-dihedral"],
    );
    let csv = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows.len(),
        2,
        "only the re-encoded copy, without turns: {csv}"
    );
    assert_eq!(
        rows[0],
        "path,hotline,id,algorithm,distance,verified,variant,hash"
    );
    assert!(
        rows[1].starts_with("files/sub/b-copy.jpg,list,42,pdq,"),
        "{csv}"
    );
}

#[test]
fn a_picture_over_the_decode_budget_is_listed_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let list = backlog(dir.path());
    std::fs::write(dir.path().join("files/f-large.png"), large_png()).unwrap();
    let output = scan(
        dir.path(),
        &[
            "files",
            "--list",
            &list,
            "--output",
            "out.jsonl",
            "--errors",
            "errors.tsv",
            "--decode-memory",
            "16MiB",
            "--jobs",
            "4",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(lines(&dir.path().join("out.jsonl")).len(), 2, "{stderr}");
    let errors = std::fs::read_to_string(dir.path().join("errors.tsv")).unwrap();
    let large = errors
        .lines()
        .find(|line| line.starts_with("files/f-large.png\t"))
        .unwrap_or_else(|| panic!("{errors}"));
    assert!(large.contains("decode budget"), "{large}");
    // With the default budget it is read.
    let output = scan(
        dir.path(),
        &["files", "--list", &list, "--errors", "e2.tsv"],
    );
    let errors = std::fs::read_to_string(dir.path().join("e2.tsv")).unwrap();
    assert!(!errors.contains("f-large"), "{errors} {output:?}");
}

#[test]
fn an_interrupted_scan_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let list = backlog(dir.path());
    let state = dir.path().join("state");
    let matcher = MatcherProcess::start(
        &dir.path().join("m.log"),
        &["--list", &list, "--state", state.to_str().unwrap()],
    );
    // The matcher fails on the 6th file: the scan stops there, resumable.
    let proxy = Proxy::start(&matcher.base);
    proxy.target("/v1/match");
    proxy.inject(&[
        Fault::Pass,
        Fault::Pass,
        Fault::Pass,
        Fault::Pass,
        Fault::Pass,
        Fault::Unavailable,
    ]);
    let args = [
        "files",
        "--matcher",
        &proxy.url,
        "--output",
        "out.jsonl",
        "--jobs",
        "1",
    ];
    let output = scan(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("503") && stderr.contains("--resume"),
        "{stderr}"
    );
    assert!(dir.path().join("out.jsonl.progress").exists());

    let mut resumed_args = args.to_vec();
    resumed_args.push("--resume");
    let output = scan(dir.path(), &resumed_args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // Only the files after the checkpoint were scanned again.
    assert!(stderr.contains("scanned 3 files"), "{stderr}");
    let resumed = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let whole = scan(dir.path(), &["files", "--matcher", &matcher.base]);
    assert_eq!(resumed, String::from_utf8(whole.stdout).unwrap());
    assert_eq!(lines(&dir.path().join("out.jsonl")).len(), 2);
    // Through the matcher, a match says which list it is on.
    assert_eq!(
        lines(&dir.path().join("out.jsonl"))[0]["matches"][0]["hotline"],
        "list"
    );

    // Nothing left to resume; and other files cannot resume this scan.
    let output = scan(dir.path(), &resumed_args);
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to resume"));
    std::fs::write(dir.path().join("out.jsonl.progress"), r#"{"files_done":3,"last_path":"files/x.png","output_bytes":0,"errors_bytes":0,"matched":0,"unreadable":0}"#).unwrap();
    let output = scan(dir.path(), &resumed_args);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not the ones"));
}

#[test]
fn a_scan_sends_the_matchers_api_token() {
    let dir = tempfile::tempdir().unwrap();
    let list = backlog(dir.path());
    let state = dir.path().join("state");
    let matcher = MatcherProcess::start(
        &dir.path().join("m.log"),
        &[
            "--list",
            &list,
            "--state",
            state.to_str().unwrap(),
            "--api-token",
            "scan-secret-1234",
        ],
    );
    let without = scan(dir.path(), &["files", "--matcher", &matcher.base]);
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("asks for its API token"), "{stderr}");
    let wrong = scan(
        dir.path(),
        &[
            "files",
            "--matcher",
            &matcher.base,
            "--matcher-token",
            "scan-secret-123",
        ],
    );
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refused the API token"), "{stderr}");

    // The environment variable the matcher reads its token from works for scan too.
    let right = scan_with_env(
        dir.path(),
        &["files", "--matcher", &matcher.base],
        &[("TAKEBACK_MATCHER_API_TOKEN", "scan-secret-1234")],
    );
    let stderr = String::from_utf8_lossy(&right.stderr);
    assert_eq!(right.status.code(), Some(1), "one file is broken: {stderr}");
    let found: Vec<Value> = String::from_utf8(right.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn scan_refuses_unusable_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for (args, reason) in [
        (vec!["files"], "--list"),
        (vec!["files", "--list", "missing.txt"], "missing.txt"),
        (vec!["files", "--matcher", "ftp://x"], "not an http"),
        (vec!["files", "--list", "l.txt", "--resume"], "--output"),
        (
            vec!["files", "--list", "l.txt", "--decode-memory", "1KiB"],
            "under 16.0 MiB",
        ),
        (
            vec![
                "files",
                "--matcher",
                "http://127.0.0.1:9",
                "--matcher-token",
                " ",
            ],
            "token is empty",
        ),
    ] {
        let output = scan(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
}
