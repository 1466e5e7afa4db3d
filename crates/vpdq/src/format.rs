//! The two text forms vPDQ fingerprints travel in.
//!
//! - The reference tool's (`vpdq-hash-video -o`): a line per frame,
//!   `frameNumber,quality,pdqHex,timestamp`, the timestamp with 3 decimals. The sample
//!   hashes' README lists three fields; the files have four: both are read.
//! - python-threatexchange's `vpdq` signal: a JSON array of `"pdqHex,quality,timestamp"`
//!   strings, the timestamp with 3 significant digits (so `9.9e+02` appears). It has no
//!   frame numbers: frames are numbered in order when read.

use crate::{VideoFingerprint, VpdqFrame};
use std::fmt::Write as _;
use takeback_pdq::PdqHash;

/// Why a vPDQ text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A line (or an array element) is not a frame.
    #[error("frame {number}: {problem}")]
    Frame {
        /// Which line or element, from 1.
        number: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// The signal is not a JSON array of strings.
    #[error("not a vPDQ signal (a JSON array of \"hash,quality,timestamp\" strings): {0}")]
    NotASignal(String),
}

fn frame_error(number: usize, problem: impl Into<String>) -> FormatError {
    FormatError::Frame {
        number,
        problem: problem.into(),
    }
}

fn hash(text: &str, number: usize) -> Result<PdqHash, FormatError> {
    text.trim().parse().map_err(|_| {
        frame_error(
            number,
            format!("{:?} is not a PDQ hash (64 hex digits)", text.trim()),
        )
    })
}

fn quality(text: &str, number: usize) -> Result<u8, FormatError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|quality| *quality <= 100)
        .ok_or_else(|| frame_error(number, format!("quality {:?} is not 0 to 100", text.trim())))
}

fn timestamp(text: &str, number: usize) -> Result<f64, FormatError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .ok_or_else(|| {
            frame_error(
                number,
                format!("timestamp {:?} is not a number of seconds", text.trim()),
            )
        })
}

/// Reads the reference tool's text: `frame,quality,hash,timestamp` (or, as its README
/// shows, `frame,quality,hash`) a line; blank lines are skipped.
pub fn read_reference_text(text: &str) -> Result<VideoFingerprint, FormatError> {
    let mut frames = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if !(3..=4).contains(&fields.len()) {
            return Err(frame_error(
                number,
                format!(
                    "{} fields: expected frame,quality,hash,timestamp",
                    fields.len()
                ),
            ));
        }
        let frame = fields[0].trim().parse::<u64>().map_err(|_| {
            frame_error(
                number,
                format!("frame number {:?} is not a whole number", fields[0].trim()),
            )
        })?;
        frames.push(VpdqFrame {
            frame,
            quality: quality(fields[1], number)?,
            hash: hash(fields[2], number)?,
            timestamp: match fields.get(3) {
                Some(text) => timestamp(text, number)?,
                None => 0.0,
            },
        });
    }
    Ok(VideoFingerprint { frames })
}

/// Writes the reference tool's text, the timestamp to 3 decimals.
pub fn write_reference_text(video: &VideoFingerprint) -> String {
    let mut out = String::with_capacity(video.frames.len() * 80);
    for frame in &video.frames {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{},{},{},{:.3}",
            frame.frame,
            frame.quality,
            frame.hash.to_hex(),
            frame.timestamp
        );
    }
    out
}

/// Reads python-threatexchange's `vpdq` signal; frames are numbered in order.
pub fn read_signal(json: &str) -> Result<VideoFingerprint, FormatError> {
    let items: Vec<String> =
        serde_json::from_str(json).map_err(|error| FormatError::NotASignal(error.to_string()))?;
    let mut frames = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let number = index + 1;
        let fields: Vec<&str> = item.split(',').collect();
        let [hash_text, quality_text, timestamp_text] = fields[..] else {
            return Err(frame_error(
                number,
                format!("{} fields: expected hash,quality,timestamp", fields.len()),
            ));
        };
        frames.push(VpdqFrame {
            frame: index as u64,
            hash: hash(hash_text, number)?,
            quality: quality(quality_text, number)?,
            timestamp: timestamp(timestamp_text, number)?,
        });
    }
    Ok(VideoFingerprint { frames })
}

/// Writes python-threatexchange's `vpdq` signal (timestamps to 3 decimals, which its
/// reader takes as any number).
pub fn write_signal(video: &VideoFingerprint) -> String {
    let items: Vec<String> = video
        .frames
        .iter()
        .map(|frame| {
            format!(
                "{},{},{:.3}",
                frame.hash.to_hex(),
                frame.quality,
                frame.timestamp
            )
        })
        .collect();
    serde_json::Value::from(items).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HASH: &str = "e6cf059c4c6696362cc9d6663cd9c263714169d98327399993363d9c3d9cc666";

    #[test]
    fn the_reference_text_is_read_with_or_without_timestamps() {
        let text = format!("0,100,{HASH},0.000\n1,99,{HASH},0.033\n\n2,98,{HASH}\n");
        let video = read_reference_text(&text).unwrap();
        assert_eq!(video.frames.len(), 3);
        assert_eq!(video.frames[1].frame, 1);
        assert_eq!(video.frames[1].quality, 99);
        assert_eq!(video.frames[1].timestamp, 0.033);
        assert_eq!(video.frames[2].timestamp, 0.0);
        assert_eq!(video.frames[0].hash.to_hex(), HASH);
    }

    #[test]
    fn bad_lines_are_named() {
        let problem = |text: &str| read_reference_text(text).unwrap_err().to_string();
        assert!(problem(&format!("0,100,{HASH},0.0\n1,100,abc,0.1\n")).starts_with("frame 2:"));
        assert!(problem(&format!("0,101,{HASH},0.0")).contains("quality"));
        assert!(problem(&format!("x,100,{HASH},0.0")).contains("frame number"));
        assert!(problem(&format!("0,100,{HASH},-1")).contains("timestamp"));
        assert!(problem(&format!("0,100,{HASH},NaN")).contains("timestamp"));
        assert!(problem("0,100").contains("2 fields"));
    }

    #[test]
    fn signals_are_read_with_exponents_and_written_back() {
        let json = format!(r#"["{HASH},100,0.000","{HASH},87,9.9e+02","{HASH},50,1.03e+03"]"#);
        let video = read_signal(&json).unwrap();
        assert_eq!(video.frames.len(), 3);
        assert_eq!(video.frames[1].timestamp, 990.0);
        assert_eq!(video.frames[2].timestamp, 1030.0);
        assert_eq!(video.frames[2].frame, 2);
        let again = read_signal(&write_signal(&video)).unwrap();
        assert_eq!(again, video);
        assert!(read_signal("{}").is_err());
        assert!(
            read_signal(r#"["a,b"]"#)
                .unwrap_err()
                .to_string()
                .contains("2 fields")
        );
        assert!(read_signal(&format!(r#"["{HASH},100,soon"]"#)).is_err());
    }

    proptest! {
        /// What is written reads back the same (timestamps to the millisecond).
        #[test]
        fn the_reference_text_round_trips(
            frames in prop::collection::vec((any::<[u8; 32]>(), 0u8..=100, 0u32..10_000_000), 0..50)
        ) {
            let video = VideoFingerprint {
                frames: frames
                    .iter()
                    .enumerate()
                    .map(|(n, (bytes, quality, ms))| VpdqFrame {
                        frame: n as u64,
                        hash: PdqHash::from_bytes(*bytes),
                        quality: *quality,
                        timestamp: f64::from(*ms) / 1000.0,
                    })
                    .collect(),
            };
            prop_assert_eq!(read_reference_text(&write_reference_text(&video)).unwrap(), video.clone());
            prop_assert_eq!(read_signal(&write_signal(&video)).unwrap(), video);
        }
    }
}
