//! A list saved by a matcher from before videos (`TBLIST01`/`TBJRNL01`, which journaled
//! every video change as the removal of its id) against a hotline that lists a video: the
//! old list answers at once, the whole list is fetched again once, and from then on the
//! matcher holds the video, across a restart, without fetching it all again.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use takeback_matcher::{ListedVideo, Matcher, MatcherConfig, PartnerKey, SourceConfig};
use takeback_pdq::PdqHash;
use takeback_vpdq::VpdqFrame;

/// The hotline's list: a picture (1), a video of three frames (2) and a file's MD5 (3).
fn feed() -> Vec<String> {
    let frames: Vec<String> = frame_hashes()
        .iter()
        .enumerate()
        .map(|(n, hash)| {
            format!(
                r#"{{"timestamp": {}.5, "value": "{}", "quality": 90}}"#,
                n,
                hash.to_hex()
            )
        })
        .collect();
    vec![
        format!(
            r#"{{"seq": 1, "op": "add", "id": 1, "algorithm": "pdq", "value": "{}", "quality": 100, "verified": true}}"#,
            picture().to_hex()
        ),
        format!(
            r#"{{"seq": 2, "op": "add", "id": 2, "algorithm": "vpdq", "value": "{}", "quality": null, "verified": false, "frames": [{}]}}"#,
            "ab".repeat(32),
            frames.join(", ")
        ),
        format!(
            r#"{{"seq": 3, "op": "add", "id": 3, "algorithm": "md5", "value": "{}", "quality": null, "verified": true}}"#,
            "cd".repeat(16)
        ),
    ]
}

fn picture() -> PdqHash {
    PdqHash::from_bytes([0x5a; 32])
}

fn frame_hashes() -> [PdqHash; 3] {
    [0x11, 0x3c, 0xe7].map(|byte| PdqHash::from_bytes([byte; 32]))
}

/// A feed server on a loopback port: pages of `GET /api/v1/hashlist?after=N&limit=L`,
/// and every `after` asked for, in order.
fn serve_feed() -> (String, Arc<Mutex<Vec<i64>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            answer(stream, &log);
        }
    });
    (url, asked)
}

fn answer(mut stream: TcpStream, asked: &Mutex<Vec<i64>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).unwrap();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
            break;
        }
    }
    // A hotline from before snapshots: the feed only.
    let target = request.split_whitespace().nth(1).unwrap_or_default();
    if !target.starts_with("/api/v1/hashlist?") {
        let _ = write!(
            stream,
            "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        );
        return;
    }
    let query = request
        .split_whitespace()
        .nth(1)
        .and_then(|target| target.split_once('?'))
        .map(|(_, query)| query.to_owned())
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| value.parse::<i64>().ok())
    };
    let after = param("after").unwrap_or(0);
    let limit = param("limit").unwrap_or(1_000);
    asked.lock().unwrap().push(after);
    let changes = feed();
    let (status, body) = if after > changes.len() as i64 {
        (
            "409 Conflict",
            r#"{"error": {"code": "cursor_ahead", "message": "ahead"}}"#.to_owned(),
        )
    } else {
        let page: Vec<String> = changes
            .into_iter()
            .skip(after as usize)
            .take(limit as usize)
            .collect();
        let next = after + page.len() as i64;
        (
            "200 OK",
            format!(r#"{{"changes": [{}], "next": {next}}}"#, page.join(", ")),
        )
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// An entry as the old format wrote it: id, kind, verified, 32-byte value.
fn old_entry(id: i64, kind: u8, verified: bool, value: [u8; 32]) -> Vec<u8> {
    let mut bytes = id.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[kind, u8::from(verified)]);
    bytes.extend_from_slice(&value);
    bytes
}

/// What a matcher before videos left after following the feed to 3: a snapshot at 2
/// holding the picture (the video, change 2, was journaled as the removal of id 2), and a
/// journal holding change 3.
fn write_old_files(dir: &Path, origin: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let generation = 1u64;
    let mut snapshot = b"TBLIST01".to_vec();
    snapshot.extend_from_slice(&generation.to_le_bytes());
    snapshot.extend_from_slice(&2i64.to_le_bytes());
    snapshot.extend_from_slice(&(origin.len() as u32).to_le_bytes());
    snapshot.extend_from_slice(origin.as_bytes());
    snapshot.extend_from_slice(&1u64.to_le_bytes());
    snapshot.extend_from_slice(&old_entry(1, 1, true, picture().to_bytes()));
    let crc = takeback_durable::crc32(&snapshot);
    snapshot.extend_from_slice(&crc.to_le_bytes());
    std::fs::write(dir.join("list.snapshot"), snapshot).unwrap();

    let mut journal = b"TBJRNL01".to_vec();
    journal.extend_from_slice(&generation.to_le_bytes());
    journal.extend_from_slice(&takeback_durable::crc32(origin.as_bytes()).to_le_bytes());
    journal.extend_from_slice(&[0; 4]);
    let mut record = 3i64.to_le_bytes().to_vec();
    record.push(1);
    let mut md5 = [0; 32];
    md5[..16].copy_from_slice(&[0xcd; 16]);
    record.extend_from_slice(&old_entry(3, 2, true, md5));
    let crc = takeback_durable::crc32(&record);
    record.extend_from_slice(&crc.to_le_bytes());
    journal.extend_from_slice(&record);
    std::fs::write(dir.join("list.journal"), journal).unwrap();
}

fn the_video() -> ListedVideo {
    ListedVideo {
        frames: (0..)
            .zip(frame_hashes())
            .map(|(n, hash)| VpdqFrame {
                frame: n,
                hash,
                quality: 90,
                timestamp: n as f64 + 0.5,
            })
            .collect(),
    }
}

fn finds_the_video(matcher: &Matcher) -> bool {
    matcher
        .match_video_frames(&the_video(), None, None)
        .iter()
        .any(|found| found.id == 2 && found.source == "hotline")
}

fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_list_saved_before_videos_answers_then_is_fetched_again_once_and_holds_them() {
    let (url, asked) = serve_feed();
    let state = tempfile::tempdir().unwrap();
    let list_dir = state.path().join("lists").join("hotline");
    write_old_files(&list_dir, &url);
    let mut config = MatcherConfig::new(
        state.path().to_owned(),
        vec![SourceConfig::hotline(
            "hotline",
            &url,
            PartnerKey::new("tbp_test".into()),
        )],
    );
    config.sync.interval = Duration::from_millis(50);
    config.sync.page_size = Some(2);

    let matcher = Matcher::open(config.clone()).unwrap();
    // The old list answers at once: it was complete, only without its video.
    assert!(matcher.is_ready());
    let status = &matcher.status()[0];
    assert_eq!((status.entries, status.cursor), (2, 3));
    assert!(!finds_the_video(&matcher));

    matcher.start();
    assert!(
        eventually(|| finds_the_video(&matcher)),
        "the video never came: asked {:?}",
        asked.lock().unwrap()
    );
    let status = &matcher.status()[0];
    assert_eq!((status.entries, status.cursor), (3, 3));
    // A few syncs more: they follow on from 3, and fetch nothing from the start again.
    let syncs = asked.lock().unwrap().len();
    assert!(eventually(|| asked.lock().unwrap().len() >= syncs + 3));
    matcher.stop();
    drop(matcher);
    let first_run = asked.lock().unwrap().clone();
    // The refetch: from 0, in pages of 2 (0, 2, then the empty page at 3).
    assert_eq!(&first_run[..3], [0, 2, 3], "{first_run:?}");
    assert!(
        first_run[3..].iter().all(|&after| after == 3),
        "{first_run:?}"
    );
    let snapshot = std::fs::read(list_dir.join("list.snapshot")).unwrap();
    assert_eq!(&snapshot[..8], b"TBLIST03");

    // After a restart the video is there from the saved list, and nothing is refetched.
    let matcher = Matcher::open(config).unwrap();
    assert!(matcher.is_ready());
    assert!(finds_the_video(&matcher));
    matcher.start();
    assert!(eventually(
        || asked.lock().unwrap().len() >= first_run.len() + 3
    ));
    matcher.stop();
    let second_run = asked.lock().unwrap()[first_run.len()..].to_vec();
    assert!(second_run.iter().all(|&after| after == 3), "{second_run:?}");
    assert_eq!(matcher.status()[0].entries, 3);
}
