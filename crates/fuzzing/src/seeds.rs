//! The first inputs of each target, made here rather than found: small, benign files in
//! every format and shape each parser reads (generated pictures from `takeback-testimages`,
//! lists, list files and outboxes written by Takeback's own code, JSON bodies as the API
//! documents them). `write-fuzz-seeds` writes them into `fuzz/corpus/<target>/`, and the
//! replay test runs them, so they stay valid as the formats change.

use crate::{FEED_CURSORS, join_parts};
use image::{DynamicImage, ImageBuffer, ImageFormat, Luma, Rgb};
use std::io::Cursor;
use std::sync::Arc;
use takeback_index::HashIndex;
use takeback_matcher::testing::{FeedChange, FollowedList, OutboxFiles};
use takeback_matcher::{
    ListEntry, ListedHash, ListedVideo, Md5Digest, OutcomeKind, OutcomeReport, Sha256Digest,
};
use takeback_pdq::PdqHash;
use takeback_testimages::{Channels, Pattern, Spec};
use takeback_vpdq::VpdqFrame;

const PDQ: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const PDQ2: &str = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";
const MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
const SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The seeds of the target called `target`, each with a file name.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    match target {
        "fingerprint" => pictures(),
        "index_file" => index_files(),
        "hash_list" => text_lists(),
        "matcher_state" => matcher_states(),
        "matcher_outbox" => outboxes(),
        "feed_page" => feed_pages(),
        "hotline_report" => reports(),
        "hotline_feedback" => feedback(),
        "hotline_decision" => decisions(),
        "url_normalise" => addresses(),
        "rdap_answer" => rdap_answers(),
        _ => Vec::new(),
    }
}

fn named(items: Vec<(&str, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    items
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect()
}

fn pictures() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let formats = [
        (ImageFormat::Png, "png"),
        (ImageFormat::Jpeg, "jpg"),
        (ImageFormat::Gif, "gif"),
        (ImageFormat::Bmp, "bmp"),
        (ImageFormat::Tiff, "tiff"),
        (ImageFormat::WebP, "webp"),
    ];
    for (format, extension) in formats {
        for channels in [Channels::Rgb, Channels::Rgba, Channels::Grey] {
            let lossless_alpha_only = matches!(format, ImageFormat::Jpeg | ImageFormat::Gif);
            if channels == Channels::Rgba && lossless_alpha_only {
                continue;
            }
            if channels == Channels::Grey && matches!(format, ImageFormat::Gif | ImageFormat::WebP)
            {
                continue;
            }
            let spec = Spec::new(Pattern::Shapes, 24, 16, channels, 3);
            seeds.push((
                format!("{}.{extension}", spec.name()),
                spec.generate().encode(format),
            ));
        }
    }
    // 16-bit samples, which take their own conversions.
    let grey16 = ImageBuffer::from_fn(12, 9, |x, y| Luma([(x * 5000 + y * 300) as u16]));
    let rgb16 = ImageBuffer::from_fn(12, 9, |x, y| {
        Rgb([
            (x * 5000) as u16,
            (y * 7000) as u16,
            ((x + y) * 2500) as u16,
        ])
    });
    for (name, image) in [
        ("grey16", DynamicImage::ImageLuma16(grey16)),
        ("rgb16", DynamicImage::ImageRgb16(rgb16)),
    ] {
        for (format, extension) in [(ImageFormat::Png, "png"), (ImageFormat::Tiff, "tiff")] {
            let mut out = Cursor::new(Vec::new());
            image
                .write_to(&mut out, format)
                .expect("in-memory encoding");
            seeds.push((format!("{name}.{extension}"), out.into_inner()));
        }
    }
    seeds
}

fn pdq(hex: &str) -> PdqHash {
    hex.parse().expect("a valid PDQ hash")
}

fn index_files() -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("index");
    let index = HashIndex::new();
    index.insert(pdq(PDQ), 1001);
    index.insert(pdq(PDQ2), 7);
    index.save(&path).expect("saving an index");
    let saved = std::fs::read(&path).expect("reading it back");
    // Flag 0: the file as it is; flag 1: the CRC is added by the target.
    let unframed = &saved[..saved.len() - 4];
    let empty = HashIndex::new();
    empty.save(&path).expect("saving an index");
    let saved_empty = std::fs::read(&path).expect("reading it back");
    named(vec![
        ("index-two", join_flag(0, &saved)),
        ("index-two-unframed", join_flag(1, unframed)),
        ("index-empty", join_flag(0, &saved_empty)),
        (
            "text-list",
            join_flag(0, format!("# a list\n\n{PDQ},1001\n{PDQ2}\n").as_bytes()),
        ),
    ])
}

fn join_flag(flag: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![flag];
    out.extend_from_slice(bytes);
    out
}

fn text_lists() -> Vec<(String, Vec<u8>)> {
    named(vec![
        (
            "pdq-list",
            format!(
                "# guarded pictures\n\n{PDQ},1001\n {} \n",
                PDQ2.to_uppercase()
            )
            .into_bytes(),
        ),
        (
            "exact-list",
            format!(
                "# harmless files\nmd5:{MD5}\nSHA256: {}\n",
                SHA256.to_uppercase()
            )
            .into_bytes(),
        ),
    ])
}

fn entry(id: i64) -> ListEntry {
    let hash = match id % 3 {
        0 => ListedHash::Pdq(pdq(PDQ)),
        1 => ListedHash::Md5(Md5Digest([id as u8; 16])),
        _ => ListedHash::Sha256(Sha256Digest([id as u8; 32])),
    };
    ListEntry {
        id,
        hash,
        verified: id % 2 == 0,
        video: None,
    }
}

/// A video of `frames` frames, as the feed gives it.
fn video(id: i64, frames: u8, remove: bool) -> FeedChange {
    let frames = (0..frames)
        .map(|n| VpdqFrame {
            frame: u64::from(n),
            hash: PdqHash::from_bytes([n.wrapping_mul(29) ^ id as u8; 32]),
            quality: 50 + n,
            timestamp: f64::from(n) + 0.5,
        })
        .collect();
    FeedChange {
        remove,
        entry: ListEntry {
            id,
            hash: ListedHash::Sha256(Sha256Digest([id as u8; 32])),
            verified: id % 2 == 0,
            video: Some(Arc::new(ListedVideo { frames })),
        },
    }
}

fn add(id: i64) -> FeedChange {
    FeedChange {
        remove: false,
        entry: entry(id),
    }
}

fn matcher_states() -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap_or_default();
    let mut list = FollowedList::open(dir.path()).expect("a new list");
    list.apply_page(&[add(1), add(2), add(3), video(5, 3, false)])
        .expect("a first page");
    let journal_only = read("list.journal");
    list.snapshot().expect("a snapshot");
    list.apply_page(&[
        add(4),
        FeedChange {
            remove: true,
            entry: entry(2),
        },
        video(6, 2, false),
        // The feed's removals carry no frames.
        video(5, 0, true),
    ])
    .expect("a later page");
    let snapshot = read("list.snapshot");
    let journal = read("list.journal");
    // Flags: 1 leaves the snapshot out, 4 adds its CRC (cut here), 8 fixes the journal's.
    let unframed = &snapshot[..snapshot.len() - 4];
    named(vec![
        ("journal-only", join_parts(1, &[], &journal_only)),
        ("snapshot-and-journal", join_parts(0, &snapshot, &journal)),
        ("snapshot-unframed", join_parts(4 | 8, unframed, &journal)),
    ])
}

fn outboxes() -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let outbox = OutboxFiles::open(dir.path()).expect("a new outbox");
    let report = |id, kind, count| {
        let report = OutcomeReport {
            source: "hotline".into(),
            id,
            kind,
            count,
        };
        (report, "https://hotline.example".to_owned())
    };
    outbox
        .record(&[report(1, OutcomeKind::Removed, 2)])
        .expect("recording");
    outbox.seal().expect("sealing");
    outbox
        .record(&[
            report(2, OutcomeKind::BlockedUpload, 1),
            report(3, OutcomeKind::FalsePositive, 1),
        ])
        .expect("recording");
    let read = |name: &str| std::fs::read(dir.path().join(name)).expect("an outbox file");
    let sealed = read("sealed-0.json");
    let journal = read("outcomes-1.log");
    // Flags: bits 0-1 the journal's generation, bits 2-3 the sealed file's.
    named(vec![
        ("journal-and-sealed", join_parts(1, &journal, &sealed)),
        (
            "sealed-covers-journal",
            join_parts(1 | 4, &journal, &sealed),
        ),
    ])
}

fn feed_pages() -> Vec<(String, Vec<u8>)> {
    let change = |seq: i64, op: &str, algorithm: &str, value: &str, quality: &str| {
        format!(
            r#"{{"seq": {seq}, "op": "{op}", "id": {seq}, "algorithm": "{algorithm}", "value": "{value}", "quality": {quality}, "verified": {}}}"#,
            seq % 2 == 0
        )
    };
    let page = |after: i64, changes: &[String]| {
        let next = after + changes.len() as i64;
        format!(r#"{{"changes": [{}], "next": {next}}}"#, changes.join(", "))
    };
    let cursor = |after: i64| {
        let choice = FEED_CURSORS
            .iter()
            .position(|&c| c == after)
            .expect("a cursor of the table");
        choice as u8
    };
    let mut seeds = Vec::new();
    let first = page(
        0,
        &[
            change(1, "add", "pdq", PDQ, "92"),
            change(2, "add", "md5", MD5, "null"),
            change(3, "add", "sha256", SHA256, "null"),
            change(4, "remove", "pdq", PDQ, "92"),
        ],
    );
    seeds.push(("first-page", join_flag(cursor(0), first.as_bytes())));
    let later = page(41, &[change(42, "add", "pdq", PDQ2, "100")]);
    seeds.push(("later-page", join_flag(cursor(41), later.as_bytes())));
    seeds.push(("empty-page", join_flag(cursor(1), page(1, &[]).as_bytes())));
    named(seeds)
}

fn reports() -> Vec<(String, Vec<u8>)> {
    named(vec![
        (
            "young-person",
            format!(
                r#"{{"reporter": "young_person", "hashes": [{{"algorithm": "pdq", "value": "{PDQ}", "quality": 90}}, {{"algorithm": "md5", "value": "{MD5}"}}, {{"algorithm": "sha256", "value": "{SHA256}"}}], "urls": ["https://example.com/a?b#c"], "under_18": true, "consent_to_share": true}}"#
            )
            .into_bytes(),
        ),
        (
            "trusted-adult-urls",
            br#"{"reporter": "trusted_adult", "urls": ["http://user@example.org:8080/p", "https://example.net/"], "under_18": true, "consent_to_share": true}"#
                .to_vec(),
        ),
    ])
}

fn feedback() -> Vec<(String, Vec<u8>)> {
    named(vec![
        (
            "batch",
            br#"{"batch_id": "0123456789abcdef", "items": [{"id": 1, "matched": 3, "removed": 1, "blocked_upload": 2, "false_positive": 0}, {"id": 9, "matched": 0, "removed": 0, "blocked_upload": 0, "false_positive": 1}]}"#
                .to_vec(),
        ),
        (
            "no-batch-id",
            br#"{"items": [{"id": 2, "matched": 1, "removed": 0, "blocked_upload": 0, "false_positive": 0}]}"#
                .to_vec(),
        ),
    ])
}

fn decisions() -> Vec<(String, Vec<u8>)> {
    named(vec![
        (
            "list",
            br#"{"decision": "list", "note": "checked"}"#.to_vec(),
        ),
        ("reject", br#"{"decision": "reject"}"#.to_vec()),
        (
            "reinstate",
            br#"{"decision": "reinstate", "note": null}"#.to_vec(),
        ),
    ])
}

fn addresses() -> Vec<(String, Vec<u8>)> {
    named(
        [
            (
                "mixed-case-port-fragment",
                "HTTPS://Example.COM:443/a/./b/../c?q=1#top",
            ),
            (
                "idn-credentials",
                "https://user:pw@BÜCHER.example/straße?ä=1",
            ),
            ("ipv6", "http://[::1]:8080/p"),
            ("ip-dots", "http://192.168.0.1./%2e%2E/x"),
            ("not-web", "ftp://example.com/file"),
        ]
        .into_iter()
        .map(|(name, url)| (name, url.as_bytes().to_vec()))
        .collect(),
    )
}

/// A bootstrap file (flag 1) and two networks' answers (flag 0): the abuse contact
/// nested under the registrant, and beside it.
fn rdap_answers() -> Vec<(String, Vec<u8>)> {
    let with_flag = |flag: u8, json: serde_json::Value| {
        let mut bytes = vec![flag];
        bytes.extend(json.to_string().into_bytes());
        bytes
    };
    named(vec![
        (
            "bootstrap",
            with_flag(
                1,
                serde_json::json!({"version": "1.0", "services": [
                    [["1.0.0.0/8", "127.0.0.0/8"], ["http://rdap.example/", "https://rdap.example/"]],
                    [["2001:db8::/32"], ["https://rdap6.example/"]]
                ]}),
            ),
        ),
        (
            "network-nested-abuse",
            with_flag(
                0,
                serde_json::json!({"objectClassName": "ip network", "entities": [
                    {"roles": ["registrant"], "entities": [
                        {"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", "abuse@net.example"]]]}
                    ]}
                ]}),
            ),
        ),
        (
            "network-direct-abuse",
            with_flag(
                0,
                serde_json::json!({"entities": [
                    {"roles": ["technical", "abuse"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["email", {"type": "work"}, "text", "noc@net.example"]]]}
                ]}),
            ),
        ),
    ])
}
