//! The bodies of Takeback's fuzz targets: one function per parser of outside input, each
//! taking the fuzzer's bytes and going through the entry point the program itself uses.
//!
//! They live here, in a library that builds on stable Rust, rather than in `fuzz/`, so
//! that the tests replay every committed corpus file (`tests/replay.rs`) on the normal
//! test command; `fuzz/fuzz_targets/<name>.rs` is one line calling the function of the
//! same name, for cargo-fuzz (nightly, with sanitizers). See `bench/fuzz/README.md`.
//!
//! A target panics only on a finding: a parser that panics, or an invariant that does not
//! hold for what it accepted (checked with `assert!`). Errors are the expected outcome for
//! almost every input and are ignored.
//!
//! Targets that read files write the input into a fresh temporary directory (set `TMPDIR`
//! to a tmpfs such as `/dev/shm` when fuzzing: the durable writes sync). Inputs that
//! describe two files, or a file and a choice, are cut with [`two_parts`]; checksums can be
//! fixed up on request (a flag bit), so that the fuzzer gets past them to the parsing
//! behind, as a crash or a bit flip never could.
//!
//! ```
//! // Every target takes any bytes.
//! for (_, target) in takeback_fuzzing::TARGETS {
//!     target(b"");
//!     target(b"\x01\x02\x00\x89PNG\r\n\x1a\n");
//! }
//! ```

#![warn(missing_docs)]

pub mod seeds;

use std::path::Path;
use std::sync::Arc;
use takeback_fingerprint::{DecodeBudget, DecodeLimits, Options, fingerprint_bytes};
use takeback_hotline::guard::{DEFAULT_GUARD_DISTANCE, GuardList};
use takeback_hotline::report::ReportLimits;
use takeback_index::{HashIndex, ListFile};
use takeback_matcher::testing::{FeedChange, FollowedList, OutboxFiles};
use takeback_matcher::{ListEntry, ListedHash, OutcomeKind, OutcomeReport};

/// A fuzz target: any bytes in, a panic only on a finding.
pub type Target = fn(&[u8]);

/// Every target, by name: `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("fingerprint", fingerprint),
    ("index_file", index_file),
    ("hash_list", hash_list),
    ("matcher_state", matcher_state),
    ("matcher_outbox", matcher_outbox),
    ("feed_page", feed_page),
    ("hotline_report", hotline_report),
    ("hotline_feedback", hotline_feedback),
    ("hotline_decision", hotline_decision),
    ("url_normalise", url_normalise),
    ("rdap_answer", rdap_answer),
];

/// The decoding limits the `fingerprint` target uses: one megapixel, so that the fuzzer
/// spends its time on the decoders' parsing rather than hashing large (legitimate)
/// pictures, and so that an allocation beyond what the limits allow stands out against
/// libFuzzer's memory limit. The file size limit is the default.
pub const FUZZ_DECODE_LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 1 << 20,
    max_file_bytes: 512 * 1024 * 1024,
};

/// The decode budget the `fingerprint` target uses: room for any picture within
/// [`FUZZ_DECODE_LIMITS`] but the very wide ones (hashing's rows grow with the width),
/// which it refuses before decoding.
pub const FUZZ_DECODE_BUDGET: u64 = 64 << 20;

/// Cuts an input into a flag byte and two parts: `[flags][n: u16 LE][n bytes][the rest]`
/// (`n` is cut to what there is), so that one input can describe two files.
pub fn two_parts(data: &[u8]) -> (u8, &[u8], &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return (0, &[], &[]);
    };
    let Some((length, rest)) = rest.split_first_chunk::<2>() else {
        return (flags, rest, &[]);
    };
    let n = usize::from(u16::from_le_bytes(*length)).min(rest.len());
    let (first, second) = rest.split_at(n);
    (flags, first, second)
}

/// Joins two parts as [`two_parts`] cuts them (for the seeds).
pub fn join_parts(flags: u8, first: &[u8], second: &[u8]) -> Vec<u8> {
    let n = u16::try_from(first.len()).expect("a seed's first part is under 64 KiB");
    let mut out = vec![flags];
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out
}

fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("takeback-fuzz-")
        .tempdir()
        .expect("a temporary directory for the fuzz target")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("a file in the fuzz target's temporary directory");
}

fn with_crc(bytes: &[u8]) -> Vec<u8> {
    let mut framed = bytes.to_vec();
    takeback_durable::push_crc(&mut framed, 0);
    framed
}

/// The matcher's journal: a 24-byte header, then records whose last four bytes are the
/// CRC-32 of the rest (see `crates/matcher/src/state.rs`): seq, op and an entry's 42 fixed
/// bytes, and in the new format (`TBJRNL02`) a video's (kind 4) frame count and frames.
const JOURNAL_HEADER: usize = 24;
const RECORD_HEAD: usize = 8 + 1 + 42;
const RECORD_KIND_AT: usize = 8 + 1 + 8;
const FRAME_BYTES: usize = 32 + 1 + 8;

/// The journal with each whole record's CRC set right.
fn fix_journal_crcs(journal: &[u8]) -> Vec<u8> {
    let mut fixed = journal.to_vec();
    let with_videos = journal.starts_with(b"TBJRNL02");
    let mut at = JOURNAL_HEADER;
    while let Some(head) = fixed.get(at..at + RECORD_HEAD) {
        let mut length = RECORD_HEAD + 4;
        if with_videos && head[RECORD_KIND_AT] == 4 {
            let Some(count) = fixed.get(at + RECORD_HEAD..at + RECORD_HEAD + 4) else {
                break;
            };
            let count = u32::from_le_bytes([count[0], count[1], count[2], count[3]]) as usize;
            length = count
                .saturating_mul(FRAME_BYTES)
                .saturating_add(RECORD_HEAD + 4 + 4);
        }
        let Some(record) = fixed.get_mut(at..at.saturating_add(length)) else {
            break;
        };
        let (body, crc) = record.split_at_mut(length - 4);
        crc.copy_from_slice(&takeback_durable::crc32(body).to_le_bytes());
        at += length;
    }
    fixed
}

/// Picture decoding and hashing, every format, through [`fingerprint_bytes`]: what the
/// matcher's `match_image` and `takeback hash` call, here within [`FUZZ_DECODE_LIMITS`],
/// with the eight turned hashes, as the matcher computes them, and under a decode budget
/// (which the header's cost estimate is checked against, and which must be whole again
/// after every picture, decoded or refused).
pub fn fingerprint(data: &[u8]) {
    // One budget a thread: the replay tests run on several threads at once, and another
    // thread's decode in progress is not a reservation kept.
    thread_local! {
        static BUDGET: Arc<DecodeBudget> = Arc::new(DecodeBudget::new(FUZZ_DECODE_BUDGET));
    }
    let budget = BUDGET.with(Arc::clone);
    let options = Options {
        limits: FUZZ_DECODE_LIMITS,
        dihedral: true,
        budget: Some(Arc::clone(&budget)),
    };
    let printed = fingerprint_bytes(data, &options);
    assert_eq!(budget.in_use(), 0, "a decode kept its memory reservation");
    if let Ok(print) = printed {
        let pixels = print.width as u64 * print.height as u64;
        assert!(
            (1..=FUZZ_DECODE_LIMITS.max_pixels).contains(&pixels),
            "decoded {}x{} pixels, outside the limits",
            print.width,
            print.height
        );
        assert!(print.pdq.quality <= 100, "quality {}", print.pdq.quality);
    }
}

/// The index crate's list file loader, `load_list`: a saved index (`TKBKIDX`, with its
/// CRC) or a text hash list, told apart by the first bytes. Flag bit 0 (of the first byte)
/// appends the right CRC to the rest, so the fuzzer reaches the entries behind it. A
/// saved index that loads must save and load again to the same entries.
pub fn index_file(data: &[u8]) {
    let Some((&flags, file)) = data.split_first() else {
        return;
    };
    let file = if flags & 1 == 1 {
        with_crc(file)
    } else {
        file.to_vec()
    };
    let dir = scratch();
    let path = dir.path().join("list");
    write(&path, &file);
    let Ok(read) = ListFile::read(&path) else {
        return;
    };
    let loaded = takeback_index::load_list(&path).expect("a list that read once reads again");
    let mut entries = read.into_entries();
    entries.sort_unstable();
    assert_eq!(loaded.len(), entries.len());
    if takeback_index::is_index_file(&file) {
        let again = dir.path().join("again");
        loaded
            .save(&again)
            .expect("saving to a temporary directory");
        let mut reloaded = HashIndex::load(&again)
            .expect("a saved index loads")
            .entries();
        reloaded.sort_unstable();
        assert_eq!(reloaded, entries, "a saved index reads back as saved");
    }
}

/// Text hash lists: the index crate's `read_hash_list` (what `load_list` reads from a
/// text file), and the same bytes as the hotline's PDQ guard list and exact guard list,
/// loaded from files by `GuardList::load` as `takeback serve` does.
pub fn hash_list(data: &[u8]) {
    let text_entries = takeback_index::read_hash_list(data);
    let dir = scratch();
    let path = dir.path().join("list");
    write(&path, data);
    let pdq = GuardList::load(Some(&path), None, DEFAULT_GUARD_DISTANCE);
    assert_eq!(
        pdq.is_ok(),
        text_entries.is_ok(),
        "the guard list reads the index's text format"
    );
    if let Ok(entries) = text_entries {
        let guard = pdq.expect("checked above");
        // The guard list keeps each hash once; the index keeps each line (with its id).
        let unique: std::collections::HashSet<_> = entries.iter().map(|(hash, _)| hash).collect();
        assert_eq!(guard.len(), unique.len(), "one guard entry a distinct hash");
    }
    if let Ok(guard) = GuardList::load(None, Some(&path), DEFAULT_GUARD_DISTANCE) {
        // Every listed line is a fingerprint the guard recognises.
        assert!(guard.len() <= data.split(|&b| b == b'\n').count());
    }
}

/// The matcher's list files: the snapshot and the journal of a followed list, opened as
/// the matcher opens them at start-up (a damaged snapshot set aside, a journal's damaged
/// tail cut off). The input is two files ([`two_parts`]): flag bit 0 leaves the snapshot
/// out, bit 1 the journal; bit 2 appends the snapshot's CRC, bit 3 fixes each journal
/// record's CRC. What was read must survive being saved as a snapshot and read again, and
/// the list must take a new page after it.
pub fn matcher_state(data: &[u8]) {
    let (flags, snapshot, journal) = two_parts(data);
    let dir = scratch();
    if flags & 1 == 0 {
        let snapshot = if flags & 4 != 0 {
            with_crc(snapshot)
        } else {
            snapshot.to_vec()
        };
        write(&dir.path().join("list.snapshot"), &snapshot);
    }
    if flags & 2 == 0 {
        let journal = if flags & 8 != 0 {
            fix_journal_crcs(journal)
        } else {
            journal.to_vec()
        };
        write(&dir.path().join("list.journal"), &journal);
    }
    let mut list =
        FollowedList::open(dir.path()).expect("a damaged list is set aside, not an error");
    let sorted = |list: &FollowedList| {
        let mut entries = list.entries();
        entries.sort_by_key(|entry| entry.id);
        entries
    };
    let entries = sorted(&list);
    let cursor = list.cursor();
    list.snapshot().expect("saving the list");
    drop(list);
    let mut again = FollowedList::open(dir.path()).expect("reopening the list");
    assert_eq!(again.cursor(), cursor, "the cursor survives a snapshot");
    assert_eq!(sorted(&again), entries, "the entries survive a snapshot");
    if cursor < i64::MAX {
        let entry = ListEntry {
            id: 1,
            hash: ListedHash::Md5(takeback_wire::Md5Digest([7; 16])),
            verified: false,
            video: None,
        };
        again
            .apply_page(&[FeedChange {
                remove: false,
                entry,
            }])
            .expect("appending to the journal");
        drop(again);
        let last = FollowedList::open(dir.path()).expect("reopening the list");
        assert_eq!(last.cursor(), cursor + 1, "the journal holds the new page");
    }
}

/// The matcher's outbox: an outcome journal (`outcomes-<g>.log`, JSON lines) and a sealed
/// file of batches (`sealed-<g>.json`), opened and read as the matcher does at start-up
/// and when sending. The input is two files ([`two_parts`]); flag bits 0-1 choose the
/// journal's generation and bits 2-3 the sealed file's (0 to 3 each), so that a sealed
/// file may cover the journal or not. Outcomes recorded after must be sealed and read
/// back.
pub fn matcher_outbox(data: &[u8]) {
    let (flags, journal, sealed) = two_parts(data);
    let dir = scratch();
    let journal_generation = flags & 3;
    let sealed_generation = (flags >> 2) & 3;
    write(
        &dir.path()
            .join(format!("outcomes-{journal_generation}.log")),
        journal,
    );
    write(
        &dir.path().join(format!("sealed-{sealed_generation}.json")),
        sealed,
    );
    let outbox = OutboxFiles::open(dir.path()).expect("damaged outcomes are dropped, not an error");
    let before = outbox.unsent().expect("reading the sealed files");
    let report = OutcomeReport {
        source: "fuzz".into(),
        id: 424_242,
        kind: OutcomeKind::Matched,
        count: 3,
    };
    outbox
        .record(&[(report, "https://fuzz.example".into())])
        .expect("recording an outcome");
    outbox.seal().expect("sealing");
    drop(outbox);
    let outbox = OutboxFiles::open(dir.path()).expect("reopening the outbox");
    let after = outbox.unsent().expect("reading the sealed files");
    let sent_before: usize = before.iter().map(|batch| batch.items.len()).sum();
    let sent_after: usize = after.iter().map(|batch| batch.items.len()).sum();
    assert!(sent_after > sent_before, "the new outcome is sealed");
    assert!(
        after
            .iter()
            .flat_map(|batch| &batch.items)
            .any(|item| item.id == 424_242 && item.matched >= 3),
        "the new outcome is sealed"
    );
}

/// Cursors a follower may hold, chosen by the first byte of a `feed_page` input.
pub const FEED_CURSORS: [i64; 8] = [0, 1, 41, -1, i64::MAX - 1, i64::MAX, i64::MIN, 1 << 53];

/// A page of the hash list feed (`HashListPage` JSON) as the matcher reads it, checked
/// whole, after the cursor the first byte chooses (from [`FEED_CURSORS`]), then applied
/// to an empty list. Every entry of a page that was accepted is a well-formed
/// fingerprint with an id in range.
pub fn feed_page(data: &[u8]) {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let after = FEED_CURSORS[usize::from(choice) % FEED_CURSORS.len()];
    if let Ok(entries) = takeback_matcher::testing::apply_feed_page(body, after) {
        for entry in entries {
            assert!(entry.id >= 1, "entry id {}", entry.id);
            let hex = entry.hash.to_hex();
            let parsed = ListedHash::parse(entry.hash.algorithm(), &hex);
            assert_eq!(parsed.ok(), Some(entry.hash), "{hex}");
        }
    }
}

/// A report's JSON body (`POST /api/v1/reports`), parsed and checked by the hotline's own
/// steps with the default limits. A report that passes holds only well-formed
/// fingerprints and http(s) addresses, within the limits.
pub fn hotline_report(data: &[u8]) {
    let limits = ReportLimits::default();
    let Ok(report) = takeback_hotline::http::bodies::report(data, &limits) else {
        return;
    };
    assert!(!report.hashes.is_empty() || !report.urls.is_empty());
    assert!(report.hashes.len() <= limits.max_hashes);
    assert!(report.urls.len() <= limits.max_urls);
    for hash in &report.hashes {
        if let Some(video) = &hash.video {
            // A video: at least one frame, within the limit, none below the floor, and
            // named by its frames.
            assert!(hash.algorithm.is_video());
            assert!(!video.frames.is_empty());
            assert!(video.frames.len() <= limits.max_frames_per_video);
            assert!(
                video
                    .frames
                    .iter()
                    .all(|frame| frame.quality >= limits.min_pdq_quality)
            );
            assert_eq!(hash.value, takeback_hotline::report::video_identity(video));
            continue;
        }
        let parsed = ListedHash::parse(hash.algorithm, &hash.value).expect("a checked fingerprint");
        assert_eq!(parsed.to_hex(), hash.value, "stored as lowercase hex");
    }
    for url in &report.urls {
        let lower = url.to_ascii_lowercase();
        assert!(lower.starts_with("http://") || lower.starts_with("https://"));
    }
}

/// A partner's feedback batch (`POST /api/v1/feedback`), parsed and checked as the
/// hotline does before counting it.
pub fn hotline_feedback(data: &[u8]) {
    if let Ok(batch) = takeback_hotline::http::bodies::feedback(data) {
        assert!((1..=10_000).contains(&batch.items.len()));
    }
}

/// An analyst's decision (`POST /api/v1/analyst/entries/{id}/decision`), parsed and
/// checked as the hotline does before applying it.
pub fn hotline_decision(data: &[u8]) {
    if let Ok(request) = takeback_hotline::http::bodies::decision(data) {
        assert!(request.note.is_none_or(|note| note.chars().count() <= 2000));
    }
}

/// A reported web address, normalised as the hotline files it as a takedown item
/// (`takeback_hotline::takedown::normalise`). What comes out is an http(s) address with a
/// lower-case ASCII host and no fragment or credentials, and normalising it again changes
/// nothing: otherwise one address could become two items.
pub fn url_normalise(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(normal) = takeback_hotline::takedown::normalise(&text) else {
        return;
    };
    let url = &normal.url;
    assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "{url}"
    );
    assert!(!url.contains('#'), "a fragment is kept: {url}");
    assert!(!normal.host.is_empty(), "{url}");
    assert!(
        !normal
            .host
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii()),
        "host {:?}",
        normal.host
    );
    let again = takeback_hotline::takedown::normalise(url)
        .unwrap_or_else(|error| panic!("{url} normalised does not normalise again: {error}"));
    assert_eq!(again, normal, "normalising twice differs from once");
}

/// What RDAP servers send the hotline (`takeback_hotline::takedown::rdap`): flag bit 0
/// picks a bootstrap file (RFC 9224), whose servers are then looked up for a few
/// addresses, or else a server's answer about a network. A server or an abuse address
/// found must be one of the answer's own strings.
pub fn rdap_answer(data: &[u8]) {
    use takeback_hotline::takedown::rdap::{Bootstrap, abuse_email_in};
    let Some((&flags, answer)) = data.split_first() else {
        return;
    };
    let is_in_answer = |found: &str| {
        // serde_json skips the fields it ignores without checking their UTF-8, so a file
        // the parser accepts may not read as a whole `Value`: nothing to compare with.
        let Ok(parsed) = serde_json::from_slice::<serde_json::Value>(answer) else {
            return;
        };
        let mut strings = Vec::new();
        collect_strings(&parsed, &mut strings);
        assert!(strings.contains(&found), "{found:?} is not in the answer");
    };
    if flags & 1 == 1 {
        if let Ok(bootstrap) = Bootstrap::parse(answer) {
            for ip in [
                "127.0.0.1",
                "1.2.3.4",
                "255.255.255.255",
                "::1",
                "2001:db8::1",
            ] {
                if let Some(server) = bootstrap.server_for(ip.parse().expect("an address")) {
                    is_in_answer(server);
                }
            }
        }
    } else if let Ok(Some(email)) = abuse_email_in(answer) {
        is_in_answer(&email);
    }
}

fn collect_strings<'v>(value: &'v serde_json::Value, into: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(text) => into.push(text),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, into))
        }
        serde_json::Value::Object(map) => map.values().for_each(|item| collect_strings(item, into)),
        _ => {}
    }
}
