//! `takeback scan`: a folder of stored files against a list file or a running matcher.

use crate::api::large_png;
use crate::clips::{clip, hash_record, re_encode, still, video_report};
use crate::end_to_end::{encode, picture};
use crate::proc::{Fault, MatcherProcess, Proxy};
use crate::support::{Database, Server, add, eventually, takeback};
use image::ImageFormat;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
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

/// The algorithms of a record's matches, in order.
fn algorithms(record: &Value) -> Vec<&str> {
    record["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["algorithm"].as_str().unwrap())
        .collect()
}

/// A folder of videos and pictures beside a reported clip: the clip itself, a copy of it
/// re-encoded smaller into another container, an unrelated clip, a still of the clip (a
/// screenshot), an unrelated picture, and the clip cut short. Returns the clip's `takeback
/// hash` record.
fn video_backlog(dir: &Path) -> Value {
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let original = clip(&files, "a-clip.mp4", "testsrc2=size=320x240:rate=25");
    re_encode(&original, &files.join("b-copy.mkv"));
    clip(&files, "c-other.mp4", "mandelbrot=size=320x240:rate=25");
    still(&original, 3, &files.join("d-still.png"));
    std::fs::write(
        files.join("e-picture.png"),
        encode(&picture(31), ImageFormat::Png),
    )
    .unwrap();
    let bytes = std::fs::read(&original).unwrap();
    std::fs::write(files.join("f-damaged.mp4"), &bytes[..bytes.len() / 3]).unwrap();
    hash_record(&original)
}

#[test]
fn a_scan_through_the_matcher_finds_a_reported_video_its_copy_and_a_still() {
    let database = Database::sqlite();
    let hotline = Server::start(&database, &[]);
    let key = add("partner", "platform", &database);
    let dir = database.dir.path();
    let record = video_backlog(dir);
    hotline.report(&video_report(&record));
    let matcher = MatcherProcess::follow(&hotline.base, &key, &dir.join("matcher"), &[]);
    assert!(
        eventually(Duration::from_secs(20), || matcher.get("/readyz").0 == 200),
        "{}",
        matcher.logs()
    );

    let output = scan(
        dir,
        &[
            "files",
            "--matcher",
            &matcher.base,
            "--output",
            "out.jsonl",
            "--errors",
            "errors.tsv",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "one is damaged: {stderr}");
    assert!(
        stderr.contains("scanned 6 files") && stderr.contains("3 matched, 1 unreadable"),
        "{stderr}"
    );
    let found = lines(&dir.join("out.jsonl"));
    let paths: Vec<&str> = found.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        ["files/a-clip.mp4", "files/b-copy.mkv", "files/d-still.png"],
        "{found:?}"
    );
    // The file itself: by its digests and by its frames.
    let (clip, copy, still) = (&found[0], &found[1], &found[2]);
    assert_eq!(clip["kind"], "video");
    assert_eq!(clip["frames"], 8, "one frame a second: {clip}");
    assert!(clip.get("pdq").is_none(), "{clip}");
    assert_eq!(algorithms(clip), ["md5", "sha256", "vpdq"], "{clip}");
    assert_eq!(clip["matches"][0]["hash"], record["md5"]);
    let video = &clip["matches"][2];
    assert_eq!(video["video"]["match"], "video", "{clip}");
    assert_eq!(video["video"]["query_share"], 1.0, "{clip}");
    assert_eq!(video["verified"], false);
    assert!(video.get("timestamp").is_none(), "{clip}");
    let id = &video["id"];
    // Re-encoded: other bytes, the same video.
    assert_eq!(copy["kind"], "video");
    assert_eq!(algorithms(copy), ["vpdq"], "{copy}");
    assert_eq!(copy["matches"][0]["id"], *id);
    assert_eq!(copy["matches"][0]["video"]["match"], "video");
    // A picture that is one of its frames, as a picture's record says it.
    assert_eq!(algorithms(still), ["vpdq"], "{still}");
    assert_eq!(still["matches"][0]["id"], *id);
    assert_eq!(still["matches"][0]["video"]["match"], "frame");
    assert_eq!(still["matches"][0]["video"]["timestamp"], 3.0, "{still}");
    assert!(
        still["pdq"].is_string() && still.get("kind").is_none(),
        "{still}"
    );

    let errors = std::fs::read_to_string(dir.join("errors.tsv")).unwrap();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.starts_with("files/f-damaged.mp4\t") && errors.contains("damaged"),
        "{errors}"
    );

    // CSV: one row per match, in the same columns as a picture's.
    let output = scan(
        dir,
        &["files", "--matcher", &matcher.base, "--format", "csv"],
    );
    let csv = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 3 + 1 + 1, "{csv}");
    assert!(
        rows[3].starts_with(&format!("files/a-clip.mp4,hotline,{id},vpdq,")),
        "{csv}"
    );
    assert!(
        rows[4].starts_with(&format!("files/b-copy.mkv,hotline,{id},vpdq,")),
        "{csv}"
    );

    // Interrupted after the clip and its copy, the scan resumes and writes the same.
    let proxy = Proxy::start(&matcher.base);
    proxy.target("/v1/match");
    proxy.inject(&[Fault::Pass, Fault::Pass, Fault::Unavailable]);
    let args = [
        "files",
        "--matcher",
        &proxy.url,
        "--output",
        "resumed.jsonl",
        "--jobs",
        "1",
    ];
    let output = scan(dir, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    let mut resumed_args = args.to_vec();
    resumed_args.push("--resume");
    let output = scan(dir, &resumed_args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("scanned 4 files"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("resumed.jsonl")).unwrap(),
        std::fs::read_to_string(dir.join("out.jsonl")).unwrap()
    );
}

#[test]
fn a_video_matches_a_list_file_holding_one_of_its_frames() {
    let dir = tempfile::tempdir().unwrap();
    let record = video_backlog(dir.path());
    let frame = &record["vpdq"][3];
    assert!(frame["quality"].as_u64().unwrap() >= 50, "{frame}");
    std::fs::write(
        dir.path().join("list.txt"),
        format!("{},7\n", frame["hash"].as_str().unwrap()),
    )
    .unwrap();

    let output = scan(dir.path(), &["files", "--list", "list.txt"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "one is damaged: {stderr}");
    let found: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let paths: Vec<&str> = found.iter().map(|r| r["path"].as_str().unwrap()).collect();
    // The clip and its copy hold the frame, and the still is it; the others do not.
    assert_eq!(
        paths,
        ["files/a-clip.mp4", "files/b-copy.mkv", "files/d-still.png"],
        "{stderr}"
    );
    let clip = &found[0];
    assert_eq!(clip["kind"], "video");
    assert_eq!(clip["frames"], 8);
    let matches = clip["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1, "the listed hash once: {clip}");
    assert_eq!(matches[0]["id"], 7);
    assert_eq!(matches[0]["algorithm"], "pdq");
    assert_eq!(matches[0]["hash"], frame["hash"]);
    assert_eq!(matches[0]["distance"], 0);
    assert_eq!(
        matches[0]["timestamp"], 3.0,
        "the closest frame's time: {clip}"
    );
    assert!(matches[0].get("verified").is_none(), "{clip}");
    assert!(found[2].get("kind").is_none() && found[2]["matches"][0]["timestamp"].is_null());

    // The same rows in CSV as a picture's match.
    let output = scan(
        dir.path(),
        &["files", "--list", "list.txt", "--format", "csv"],
    );
    let csv = String::from_utf8(output.stdout).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|row| row.starts_with("files/a-clip.mp4,list,7,pdq,0,,,")),
        "{csv}"
    );
}
