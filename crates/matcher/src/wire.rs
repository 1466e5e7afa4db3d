//! The hotline's feed as the matcher reads it: a page (the wire crate's
//! [`HashListPage`]) checked whole before anything in it is used, and the chain head its
//! changes lead to from the head held (see `takeback_wire::chain`); whether that head is the
//! one the hotline signed is the follower's check (`trust`).

use crate::list::{ListBuilder, MAX_ENTRY_ID};
use crate::types::{ListChange, ListEntry, ListedHash, ListedVideo, MAX_VIDEO_FRAMES};
use std::sync::Arc;
use takeback_vpdq::VpdqFrame;
use takeback_wire::chain::{ChainHead, Checkpoint};
use takeback_wire::snapshot::{SignedSnapshot, SnapshotError, SnapshotReader};
use takeback_wire::{Algorithm, ChangeOp, HashListPage, Sha256Digest};

/// A page of the feed that follows on from `after`: changes numbered `after + 1`,
/// `after + 2`, ….
#[derive(Debug)]
pub(crate) struct CheckedPage {
    pub(crate) changes: Vec<(i64, ListChange)>,
    pub(crate) next: i64,
    /// The chain's head after the page's changes, extended from the head it was read from.
    pub(crate) head: ChainHead,
    /// What the hotline signed after `next`, unchecked as yet.
    pub(crate) checkpoint: Option<Checkpoint>,
}

/// Reads a page of the feed and checks all of it: a page that is cut short, malformed or
/// out of sequence is refused whole, with the reason. `head` is the chain's head at
/// `after`.
pub(crate) fn parse_page(body: &[u8], after: i64, head: ChainHead) -> Result<CheckedPage, String> {
    let page: HashListPage =
        serde_json::from_slice(body).map_err(|e| format!("not a hash list page: {e}"))?;
    let mut changes = Vec::with_capacity(page.changes.len());
    // The last position held; no change can follow i64::MAX (checked, not overflowed).
    let mut last = after;
    let mut head = head;
    for change in page.changes {
        head = head.extend(&change);
        if last.checked_add(1) != Some(change.seq) {
            return Err(format!(
                "change {} out of sequence: expected {}",
                change.seq,
                i128::from(last) + 1
            ));
        }
        last = change.seq;
        if !(1..=MAX_ENTRY_ID).contains(&change.id) {
            return Err(format!(
                "change {}: entry id {} out of range",
                change.seq, change.id
            ));
        }
        let malformed = || {
            format!(
                "change {}: malformed {} value",
                change.seq, change.algorithm
            )
        };
        let entry = if change.algorithm == Algorithm::Vpdq {
            // A video: its identity (a SHA-256) as the hash, and its frames, which a
            // removal may leave out.
            let video =
                video_of(&change).map_err(|problem| format!("change {}: {problem}", change.seq))?;
            let identity: Sha256Digest = change.value.parse().map_err(|_| malformed())?;
            ListEntry {
                id: change.id,
                hash: ListedHash::Sha256(identity),
                verified: change.verified,
                video: Some(Arc::new(video)),
            }
        } else {
            ListEntry::hash(
                change.id,
                change.hash().map_err(|_| malformed())?,
                change.verified,
            )
        };
        changes.push((
            change.seq,
            ListChange {
                op: change.op,
                entry,
            },
        ));
    }
    if page.next != last {
        return Err(format!(
            "the page ends at {last} but says next is {}",
            page.next
        ));
    }
    Ok(CheckedPage {
        changes,
        next: page.next,
        head,
        checkpoint: page.checkpoint,
    })
}

/// Entries a snapshot's header may make room for before they are read.
const MAX_PRESIZED_ENTRIES: usize = 1 << 24;

/// Reads a whole snapshot of the list (`takeback_wire::snapshot`), checking each entry as
/// a page's are and that ids rise, into a list to be built once the caller has checked
/// the signature.
pub(crate) fn read_snapshot(
    input: &mut dyn std::io::Read,
) -> Result<(ListBuilder, SignedSnapshot), String> {
    let input = std::io::BufReader::with_capacity(1 << 20, input);
    let problem = |e: SnapshotError| e.to_string();
    let mut reader = SnapshotReader::open(input).map_err(problem)?;
    // Sized from the header only so far: a damaged count must not allocate much.
    let expected = usize::try_from(reader.header().size).unwrap_or(0);
    let mut entries = ListBuilder::with_capacity(expected.min(MAX_PRESIZED_ENTRIES));
    let mut last = 0;
    while let Some(entry) = reader.next_entry().map_err(problem)? {
        if entry.id <= last || entry.id > MAX_ENTRY_ID {
            return Err(format!(
                "entry {} out of order or out of range in the snapshot",
                entry.id
            ));
        }
        last = entry.id;
        let video = entry.frames.map(|frames| {
            Arc::new(ListedVideo {
                frames: (0..)
                    .zip(frames)
                    .map(|(number, frame)| VpdqFrame {
                        frame: number,
                        hash: frame.hash,
                        quality: frame.quality,
                        timestamp: frame.timestamp,
                    })
                    .collect(),
            })
        });
        entries.push(ListEntry {
            id: entry.id,
            hash: entry.hash,
            verified: entry.verified,
            video,
        });
    }
    let signed = reader.finish().map_err(problem)?;
    Ok((entries, signed))
}

/// A video change's frames, checked as the rest of the page is: an `add` carries at least
/// one, each a well-formed PDQ hash with a quality of at most 100 and a finite timestamp.
fn video_of(change: &takeback_wire::ListChange) -> Result<ListedVideo, String> {
    let frames = change.frames.as_deref().unwrap_or_default();
    if change.op == ChangeOp::Add && frames.is_empty() {
        return Err("a vpdq entry without frames".into());
    }
    // What the matcher's files can hold (see `state`).
    if frames.len() > MAX_VIDEO_FRAMES as usize {
        return Err(format!(
            "a video of {} frames, more than {MAX_VIDEO_FRAMES}",
            frames.len()
        ));
    }
    let mut video = ListedVideo::default();
    video.frames.reserve_exact(frames.len());
    for (number, frame) in (0..).zip(frames) {
        let hash = frame.value.parse::<takeback_pdq::PdqHash>();
        match hash {
            Ok(hash) if frame.quality <= 100 && frame.timestamp.is_finite() => {
                video.frames.push(VpdqFrame {
                    frame: number,
                    hash,
                    quality: frame.quality,
                    timestamp: frame.timestamp,
                });
            }
            _ => return Err(format!("frame {} of the video is malformed", number + 1)),
        }
    }
    Ok(video)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8], after: i64) -> Result<CheckedPage, String> {
        parse_page(body, after, ChainHead::GENESIS)
    }

    const PDQ: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    fn page(changes: &str, next: i64) -> Vec<u8> {
        format!(r#"{{"changes": [{changes}], "next": {next}}}"#).into_bytes()
    }

    fn change(seq: i64, algorithm: &str, value: &str) -> String {
        format!(
            r#"{{"seq": {seq}, "op": "add", "id": {seq}, "algorithm": "{algorithm}", "value": "{value}", "quality": null, "verified": true}}"#
        )
    }

    #[test]
    fn a_good_page_is_read() {
        let body = page(
            &[change(5, "pdq", PDQ), change(6, "md5", &PDQ[..32])].join(","),
            6,
        );
        let checked = parse(&body, 4).expect("valid");
        assert_eq!(checked.next, 6);
        assert_eq!(checked.changes.len(), 2);
        assert!(parse(&page("", 4), 4).expect("empty").changes.is_empty());
    }

    #[test]
    fn a_cursor_at_the_end_of_the_numbers_takes_no_change_and_does_not_overflow() {
        // Found writing the feed_page fuzz target (reproducer in fuzz/regressions/): `after
        // + 1` overflowed (a panic in debug builds) for a cursor of i64::MAX, which a
        // snapshot on disk can hold.
        let end = i64::MAX;
        let last_change = change(end, "pdq", PDQ).replace(&format!("\"id\": {end}"), "\"id\": 1");
        assert!(
            parse(&page("", end), end)
                .expect("empty")
                .changes
                .is_empty()
        );
        let error = parse(&page(&last_change, end), end).expect_err("past the end");
        assert!(error.contains("expected 9223372036854775808"), "{error}");
        let last = parse(&page(&last_change, end), end - 1).expect("the last");
        assert_eq!((last.next, last.changes.len()), (end, 1));
        let after_last = format!("{last_change},{last_change}");
        assert!(parse(&page(&after_last, end), end - 1).is_err());
    }

    #[test]
    fn a_video_change_carries_its_frames_and_bad_frames_are_refused() {
        let sha = "ab".repeat(32);
        let video = format!(
            r#"{{"seq": 6, "op": "add", "id": 6, "algorithm": "vpdq", "value": "{sha}", "quality": null, "verified": false, "frames": [{{"timestamp": 0.0, "value": "{PDQ}", "quality": 90}}, {{"timestamp": 1.5, "value": "{PDQ}", "quality": 40}}]}}"#
        );
        let body = page(
            &[
                change(5, "pdq", PDQ),
                video.clone(),
                change(7, "md5", &PDQ[..32]),
            ]
            .join(","),
            7,
        );
        let checked = parse(&body, 4).expect("valid");
        assert_eq!(checked.next, 7);
        let (seq, added) = &checked.changes[1];
        assert_eq!((*seq, added.op, added.entry.id), (6, ChangeOp::Add, 6));
        assert_eq!(added.entry.algorithm(), Algorithm::Vpdq);
        assert_eq!(added.entry.hash.to_hex(), sha);
        let frames = &added.entry.video.as_ref().expect("frames").frames;
        assert_eq!(frames.len(), 2);
        assert_eq!(
            (frames[1].frame, frames[1].quality, frames[1].timestamp),
            (1, 40, 1.5)
        );
        assert_eq!(frames[0].hash.to_hex(), PDQ);

        let removal = format!(
            r#"{{"seq": 6, "op": "remove", "id": 6, "algorithm": "vpdq", "value": "{sha}", "quality": null, "verified": false}}"#
        );
        let checked = parse(&page(&removal, 6), 5).expect("a removal needs no frames");
        assert_eq!(checked.changes[0].1.op, ChangeOp::Remove);

        let no_frames = video.replace(
            r#", "frames": [{"timestamp": 0.0"#,
            r#", "none": [{"timestamp": 0.0"#,
        );
        let error = parse(&page(&no_frames, 6), 5).expect_err("no frames");
        assert!(error.contains("without frames"), "{error}");
        let bad_frame = video.replacen(&format!(r#""value": "{PDQ}""#), r#""value": "zz""#, 1);
        let error = parse(&page(&bad_frame, 6), 5).expect_err("bad frame");
        assert!(error.contains("frame 1"), "{error}");
        let bad_quality = video.replace(r#""quality": 40"#, r#""quality": 140"#);
        let error = parse(&page(&bad_quality, 6), 5).expect_err("bad quality");
        assert!(error.contains("frame 2"), "{error}");
        let bad_identity = video.replace(&sha, "ab");
        let error = parse(&page(&bad_identity, 6), 5).expect_err("bad identity");
        assert!(error.contains("malformed vpdq"), "{error}");
    }

    #[test]
    fn a_video_of_more_frames_than_the_files_hold_is_refused() {
        // Checked before any frame is read: empty values cost no memory.
        let frame = takeback_wire::VideoFrame {
            timestamp: 0.0,
            value: String::new(),
            quality: 90,
        };
        let change = takeback_wire::ListChange {
            seq: 1,
            op: ChangeOp::Add,
            id: 1,
            algorithm: Algorithm::Vpdq,
            value: "ab".repeat(32),
            quality: None,
            verified: true,
            frames: Some(vec![frame; MAX_VIDEO_FRAMES as usize + 1]),
        };
        let error = video_of(&change).expect_err("too many frames");
        assert!(error.contains("more than 1000000"), "{error}");
    }

    #[test]
    fn bad_pages_are_refused_whole() {
        let good = change(1, "pdq", PDQ);
        let cases = [
            (page(&good, 1)[..40].to_vec(), "not a hash list page"),
            (page(&change(2, "pdq", PDQ), 2), "out of sequence"),
            (
                page(&[good.clone(), change(3, "pdq", PDQ)].join(","), 3),
                "out of sequence",
            ),
            (page(&change(1, "pdq", &PDQ[1..]), 1), "malformed pdq"),
            (page(&change(1, "md5", PDQ), 1), "malformed md5"),
            (page(&change(1, "sha1", PDQ), 1), "unknown variant `sha1`"),
            (page(&good, 7), "says next is 7"),
            (
                page(&good.replace("\"add\"", "\"drop\""), 1),
                "unknown variant `drop`",
            ),
            (
                page(&good.replace("\"id\": 1", "\"id\": -1"), 1),
                "out of range",
            ),
            (b"<html>Bad gateway</html>".to_vec(), "not a hash list page"),
        ];
        for (body, reason) in cases {
            let error = parse(&body, 0).expect_err(reason);
            assert!(error.contains(reason), "{error} should say {reason}");
        }
    }
}
