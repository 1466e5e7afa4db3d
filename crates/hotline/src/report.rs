//! Checking a report before anything of it is stored.

use crate::model::{Algorithm, NewReport, Reporter, SubmittedFrame, SubmittedHash};
use crate::takedown::normalise;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::Arc;
use takeback_pdq::PdqHash;
use takeback_vpdq::{VideoFingerprint, VpdqFrame};

/// The longest URL accepted, as browsers and most servers limit them.
pub const MAX_URL_LEN: usize = 2048;

/// Limits on what one report may hold.
#[derive(Debug, Clone)]
pub struct ReportLimits {
    /// Most fingerprints in one report.
    pub max_hashes: usize,
    /// Most URLs in one report.
    pub max_urls: usize,
    /// Lowest PDQ quality accepted (for a video: kept, per frame).
    pub min_pdq_quality: u8,
    /// Most frames in one video.
    pub max_frames_per_video: usize,
    /// Most videos in one report.
    pub max_videos: usize,
}

/// The default most frames in one video: two hours at one frame a second, vPDQ's default
/// sampling.
pub const DEFAULT_MAX_FRAMES_PER_VIDEO: usize = 7_200;

/// The default most videos in one report.
pub const DEFAULT_MAX_VIDEOS_PER_REPORT: usize = 4;

impl Default for ReportLimits {
    fn default() -> Self {
        ReportLimits {
            max_hashes: 100,
            max_urls: 50,
            min_pdq_quality: takeback_pdq::RECOMMENDED_MIN_QUALITY,
            max_frames_per_video: DEFAULT_MAX_FRAMES_PER_VIDEO,
            max_videos: DEFAULT_MAX_VIDEOS_PER_REPORT,
        }
    }
}

/// A fingerprint that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedHash {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Lowercase hex of the right length; for a video, its identity ([`video_identity`]).
    pub value: String,
    /// PDQ quality (PDQ only).
    pub quality: Option<u8>,
    /// A video's frames at or above the quality floor, in the order sent (`vpdq` only),
    /// each numbered by its place among the frames sent.
    pub video: Option<Arc<VideoFingerprint>>,
}

impl CheckedHash {
    /// A picture's or a file's fingerprint: one value.
    pub fn single(algorithm: Algorithm, value: impl Into<String>, quality: Option<u8>) -> Self {
        CheckedHash {
            algorithm,
            value: value.into(),
            quality,
            video: None,
        }
    }

    /// A video's fingerprint: its identity, and its frames.
    pub fn video(video: VideoFingerprint) -> Self {
        CheckedHash {
            algorithm: Algorithm::Vpdq,
            value: video_identity(&video),
            quality: None,
            video: Some(Arc::new(video)),
        }
    }
}

/// A video's identity, the value of its list entry: the SHA-256, in lowercase hex, of its
/// sorted distinct frame hashes, each in lowercase hex followed by `\n`. The same video
/// reported twice (the same frames, whatever their timestamps and qualities) is one entry.
pub fn video_identity(video: &VideoFingerprint) -> String {
    let mut digest = Sha256::new();
    for hash in video.distinct_hashes(0) {
        digest.update(hash.to_hex().as_bytes());
        digest.update(b"\n");
    }
    takeback_wire::hex::encode(&digest.finalize())
}

/// A report that passed the checks, duplicates removed.
#[derive(Debug, Clone)]
pub struct CheckedReport {
    /// Who reported.
    pub reporter: Reporter,
    /// Its fingerprints.
    pub hashes: Vec<CheckedHash>,
    /// Its URLs as typed, each a different address once normalised
    /// ([`crate::takedown::normalise`], which accepts each of them).
    pub urls: Vec<String>,
}

/// Why a report was refused. Messages are read by young people: plain and kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidReport {
    /// Neither a fingerprint nor a URL.
    #[error("The report is empty: it needs at least one fingerprint or one web address.")]
    Empty,
    /// A confirmation is missing or not `true`.
    #[error("Please confirm {0}. We can only take a report when both confirmations are given.")]
    Confirmation(&'static str),
    /// Too many fingerprints.
    #[error(
        "A report can hold at most {max} fingerprints; this one has {count}. Please send the rest in another report."
    )]
    TooManyHashes {
        /// The limit.
        max: usize,
        /// What was sent.
        count: usize,
    },
    /// Too many URLs.
    #[error(
        "A report can hold at most {max} web addresses; this one has {count}. Please send the rest in another report."
    )]
    TooManyUrls {
        /// The limit.
        max: usize,
        /// What was sent.
        count: usize,
    },
    /// A value is not lowercase hex of the algorithm's length.
    #[error(
        "Fingerprint {index}: a {algorithm} fingerprint is {len} lowercase hex digits (0-9, a-f)."
    )]
    BadHex {
        /// 1-based position in `hashes`.
        index: usize,
        /// Its algorithm.
        algorithm: &'static str,
        /// The expected number of digits.
        len: usize,
    },
    /// Quality given for MD5/SHA-256, or missing/out of range for PDQ.
    #[error("Fingerprint {index}: {reason}")]
    BadQuality {
        /// 1-based position in `hashes`.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A PDQ fingerprint below the quality floor.
    #[error(
        "Fingerprint {index}: this picture has too little detail to be fingerprinted reliably \
         (quality {quality} out of 100; at least {min} is needed). Very plain, dark or blurry \
         pictures cannot be matched safely, so we cannot add this one. This is not \
         something you did wrong, and your other pictures and web addresses can still be reported."
    )]
    LowQuality {
        /// 1-based position in `hashes`.
        index: usize,
        /// Its quality.
        quality: u8,
        /// The floor.
        min: u8,
    },
    /// Too many videos.
    #[error(
        "A report can hold at most {max} videos; this one has {count}. Please send the rest in another report."
    )]
    TooManyVideos {
        /// The limit.
        max: usize,
        /// What was sent.
        count: usize,
    },
    /// A video with more frames than allowed.
    #[error(
        "Fingerprint {index}: a video can have at most {max} fingerprinted frames; this one has \
         {count}. Please fingerprint it with fewer frames (one a second is plenty) or report \
         the web address where it is instead."
    )]
    TooManyFrames {
        /// 1-based position in `hashes`.
        index: usize,
        /// The limit.
        max: usize,
        /// What was sent.
        count: usize,
    },
    /// A `vpdq` fingerprint that is not a video's frames (none, or a value beside them), or
    /// frames on a fingerprint that is not a video's.
    #[error("Fingerprint {index}: {reason}")]
    BadVideo {
        /// 1-based position in `hashes`.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A frame's hash is not 64 lowercase hex digits.
    #[error(
        "Fingerprint {index}, frame {frame}: a frame's pdq fingerprint is 64 lowercase hex digits (0-9, a-f)."
    )]
    BadFrameHex {
        /// 1-based position in `hashes`.
        index: usize,
        /// 1-based position in its `frames`.
        frame: usize,
    },
    /// A frame's quality is missing or above 100.
    #[error("Fingerprint {index}, frame {frame}: {reason}")]
    BadFrameQuality {
        /// 1-based position in `hashes`.
        index: usize,
        /// 1-based position in its `frames`.
        frame: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A frame's timestamp is missing, negative, or before the frame before's.
    #[error("Fingerprint {index}, frame {frame}: {reason}")]
    BadTimestamp {
        /// 1-based position in `hashes`.
        index: usize,
        /// 1-based position in its `frames`.
        frame: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A video none of whose frames reach the quality floor.
    #[error(
        "Fingerprint {index}: this video has too little detail to be fingerprinted reliably \
         (no frame reaches quality {min} out of 100). Very dark, plain or blurry videos \
         cannot be matched safely, so we cannot add this one. This is not something you did \
         wrong: you can still report the web addresses where it is, and your other \
         fingerprints."
    )]
    LowQualityVideo {
        /// 1-based position in `hashes`.
        index: usize,
        /// The floor.
        min: u8,
    },
    /// A URL that is not http(s), or too long.
    #[error("Web address {index}: {reason}")]
    BadUrl {
        /// 1-based position in `urls`.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

impl InvalidReport {
    /// The machine-readable code of the JSON error.
    pub fn code(&self) -> &'static str {
        match self {
            InvalidReport::Empty => "empty_report",
            InvalidReport::Confirmation(_) => "confirmation_required",
            InvalidReport::TooManyHashes { .. } => "too_many_hashes",
            InvalidReport::TooManyUrls { .. } => "too_many_urls",
            InvalidReport::BadHex { .. } | InvalidReport::BadFrameHex { .. } => "invalid_hash",
            InvalidReport::BadQuality { .. } | InvalidReport::BadFrameQuality { .. } => {
                "invalid_quality"
            }
            InvalidReport::LowQuality { .. } | InvalidReport::LowQualityVideo { .. } => {
                "low_quality"
            }
            InvalidReport::TooManyVideos { .. } => "too_many_videos",
            InvalidReport::TooManyFrames { .. } => "too_many_frames",
            InvalidReport::BadVideo { .. } => "invalid_video",
            InvalidReport::BadTimestamp { .. } => "invalid_timestamp",
            InvalidReport::BadUrl { .. } => "invalid_url",
        }
    }
}

/// Held: the claimed PDQ quality does not fit the hash (see [`pdq_quality_is_plausible`]).
pub const HOLD_IMPLAUSIBLE_QUALITY: &str = "implausible_quality";

/// Held: the source has listed its share of new MD5 and SHA-256 fingerprints this hour.
pub const HOLD_EXACT_HASH_LIMIT: &str = "exact_hash_limit";

/// How far from 128 set bits a PDQ hash may be before its claimed quality is doubted.
pub const MAX_SET_BITS_DEVIATION: u32 = 48;

/// Whether a PDQ hash could come from a picture with detail, whatever quality is claimed.
///
/// The quality is the client's claim; the hash is not. A PDQ bit says whether its DCT
/// coefficient lies above the median of all 256, so a picture with detail (distinct
/// coefficients) has exactly 128 set bits (128 minus ties in general). A near-constant
/// hash (a flat picture's all-zero hash, say) is far from 128. The bound is loose
/// ([`MAX_SET_BITS_DEVIATION`] is six standard deviations of a random hash) so that other
/// PDQ implementations, with another median, still pass, and so do pictures whose
/// coefficients tie at the median: a 198×1000 drawing of shapes of quality 50 or more has
/// only 94 set bits (found by the property test below; four deviations, 32, held it). The arrangement of the bits is
/// not judged: long runs of equal bits are genuine for some pictures (a 1125×45 strip of
/// shapes has a run of 64), so only the count can be held against a claim.
pub fn pdq_quality_is_plausible(hash: &takeback_pdq::PdqHash) -> bool {
    hash.count_ones().abs_diff(128) <= MAX_SET_BITS_DEVIATION
}

/// Checks a report: every rule of the API, in the order a reporter would want to hear them.
pub fn check_report(
    report: NewReport,
    limits: &ReportLimits,
) -> Result<CheckedReport, InvalidReport> {
    if report.under_18 != Some(true) {
        return Err(InvalidReport::Confirmation(
            "that the person shown was under 18 when it was taken (under_18)",
        ));
    }
    if report.consent_to_share != Some(true) {
        return Err(InvalidReport::Confirmation(
            "that the fingerprints may be shared with platforms so they can find copies (consent_to_share)",
        ));
    }
    if report.hashes.is_empty() && report.urls.is_empty() {
        return Err(InvalidReport::Empty);
    }
    if report.hashes.len() > limits.max_hashes {
        return Err(InvalidReport::TooManyHashes {
            max: limits.max_hashes,
            count: report.hashes.len(),
        });
    }
    if report.urls.len() > limits.max_urls {
        return Err(InvalidReport::TooManyUrls {
            max: limits.max_urls,
            count: report.urls.len(),
        });
    }

    let videos = report
        .hashes
        .iter()
        .filter(|hash| hash.algorithm.is_video())
        .count();
    if videos > limits.max_videos {
        return Err(InvalidReport::TooManyVideos {
            max: limits.max_videos,
            count: videos,
        });
    }

    let mut seen = HashSet::new();
    let mut hashes = Vec::with_capacity(report.hashes.len());
    for (i, hash) in report.hashes.into_iter().enumerate() {
        let index = i + 1;
        let algorithm = hash.algorithm;
        if algorithm.is_video() {
            let checked = CheckedHash::video(check_video(index, hash, limits)?);
            if seen.insert((checked.algorithm, checked.value.clone())) {
                hashes.push(checked);
            }
            continue;
        }
        if hash.frames.is_some() {
            return Err(InvalidReport::BadVideo {
                index,
                reason: "frames belong to vpdq (video) fingerprints only",
            });
        }
        let value = hash.value.unwrap_or_default();
        let len = algorithm.hex_len();
        if !is_lower_hex(&value, len) {
            return Err(InvalidReport::BadHex {
                index,
                algorithm: algorithm.as_str(),
                len,
            });
        }
        match (algorithm, hash.quality) {
            (Algorithm::Pdq, None) => {
                return Err(InvalidReport::BadQuality {
                    index,
                    reason: "a pdq fingerprint needs its quality (0 to 100)",
                });
            }
            (Algorithm::Pdq, Some(quality)) if quality > 100 => {
                return Err(InvalidReport::BadQuality {
                    index,
                    reason: "quality is a number from 0 to 100",
                });
            }
            (Algorithm::Pdq, Some(quality)) if quality < limits.min_pdq_quality => {
                return Err(InvalidReport::LowQuality {
                    index,
                    quality,
                    min: limits.min_pdq_quality,
                });
            }
            (Algorithm::Md5 | Algorithm::Sha256, Some(_)) => {
                return Err(InvalidReport::BadQuality {
                    index,
                    reason: "quality belongs to pdq fingerprints only",
                });
            }
            _ => {}
        }
        let checked = CheckedHash::single(algorithm, value, hash.quality);
        if seen.insert((checked.algorithm, checked.value.clone())) {
            hashes.push(checked);
        }
    }

    let mut urls = Vec::with_capacity(report.urls.len());
    let mut addresses = HashSet::new();
    for (i, url) in report.urls.into_iter().enumerate() {
        let bad = |reason| InvalidReport::BadUrl {
            index: i + 1,
            reason,
        };
        check_url(&url).map_err(bad)?;
        let normal = normalise(&url).map_err(|error| bad(error.to_string()))?;
        // Two spellings of one address are one address: the first one typed is kept.
        if addresses.insert(normal.url) {
            urls.push(url);
        }
    }

    Ok(CheckedReport {
        reporter: report.reporter,
        hashes,
        urls,
    })
}

/// Whether `value` is `len` lowercase hex digits.
fn is_lower_hex(value: &str, len: usize) -> bool {
    value.len() == len
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks a video's fingerprint (the `index`th of the report): its frames, each a PDQ hash
/// with a quality and a timestamp that does not go back. Frames below the quality floor are
/// dropped, as the vPDQ match rule drops them; a video with none left is refused.
fn check_video(
    index: usize,
    hash: SubmittedHash,
    limits: &ReportLimits,
) -> Result<VideoFingerprint, InvalidReport> {
    let bad = |reason| InvalidReport::BadVideo { index, reason };
    if hash.value.is_some() {
        return Err(bad(
            "a vpdq (video) fingerprint is its frames: send them as frames, without a value",
        ));
    }
    if hash.quality.is_some() {
        return Err(InvalidReport::BadQuality {
            index,
            reason: "a video's quality belongs to each of its frames",
        });
    }
    let frames = match hash.frames {
        Some(frames) if !frames.is_empty() => frames,
        _ => {
            return Err(bad(
                "a vpdq (video) fingerprint needs its frames (at least one)",
            ));
        }
    };
    if frames.len() > limits.max_frames_per_video {
        return Err(InvalidReport::TooManyFrames {
            index,
            max: limits.max_frames_per_video,
            count: frames.len(),
        });
    }
    let mut kept = Vec::with_capacity(frames.len());
    let mut previous = 0.0;
    for (number, frame) in (1..).zip(frames) {
        let checked = check_frame(index, number, frame, previous)?;
        previous = checked.timestamp;
        if checked.quality >= limits.min_pdq_quality {
            kept.push(checked);
        }
    }
    if kept.is_empty() {
        return Err(InvalidReport::LowQualityVideo {
            index,
            min: limits.min_pdq_quality,
        });
    }
    Ok(VideoFingerprint { frames: kept })
}

/// Checks the `number`th frame of a video; `previous` is the timestamp before it.
fn check_frame(
    index: usize,
    number: usize,
    frame: SubmittedFrame,
    previous: f64,
) -> Result<VpdqFrame, InvalidReport> {
    let hash = frame
        .value
        .as_deref()
        .filter(|value| is_lower_hex(value, 64))
        .and_then(|value| value.parse::<PdqHash>().ok())
        .ok_or(InvalidReport::BadFrameHex {
            index,
            frame: number,
        })?;
    let bad_quality = |reason| InvalidReport::BadFrameQuality {
        index,
        frame: number,
        reason,
    };
    let quality = match frame.quality {
        None => return Err(bad_quality("each frame needs its quality (0 to 100)")),
        Some(quality) if quality > 100 => {
            return Err(bad_quality("quality is a number from 0 to 100"));
        }
        Some(quality) => quality,
    };
    let bad_time = |reason| InvalidReport::BadTimestamp {
        index,
        frame: number,
        reason,
    };
    let timestamp = frame
        .timestamp
        .ok_or_else(|| bad_time("each frame needs its timestamp (seconds from the start)"))?;
    if !timestamp.is_finite() || timestamp < 0.0 {
        return Err(bad_time(
            "a timestamp is a number of seconds from the start: 0 or more",
        ));
    }
    // Equal timestamps are allowed: python-threatexchange writes them with 3 significant
    // digits, so frames a second apart after 1,000 s can read the same.
    if timestamp < previous {
        return Err(bad_time(
            "frames come in order: a timestamp cannot be before the frame before's",
        ));
    }
    Ok(VpdqFrame {
        frame: u64::try_from(number - 1).unwrap_or(u64::MAX),
        hash,
        quality,
        timestamp,
    })
}

/// An http(s) URL with a host, no spaces, control or invisible characters, at most
/// [`MAX_URL_LEN`].
fn check_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_LEN {
        return Err(format!(
            "it is {} characters long; at most {MAX_URL_LEN} are accepted",
            url.len()
        ));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| "it must start with http:// or https://".to_owned())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err("it has no site name after http:// or https://".to_owned());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains spaces or control characters".to_owned());
    }
    if url.chars().any(is_invisible) {
        return Err(
            "it contains invisible characters (such as a direction mark or a zero-width \
             space), which can make one address look like another; copy it again from the \
             browser's address bar"
                .to_owned(),
        );
    }
    Ok(())
}

/// Characters that change how an address reads without showing themselves: bidirectional
/// marks, embeddings, overrides and isolates (an override turns `exe.gpj` into what reads
/// as `jpg.exe`), and zero-width characters (two different addresses that look the same,
/// for an analyst deciding what to take down). Browsers show them percent-encoded in the
/// address bar, so an address copied from there never has them raw.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' // zero-width space, joiners, left-to-right and right-to-left marks
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{061c}' // Arabic letter mark
            | '\u{feff}' // zero-width no-break space
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SubmittedHash;

    fn report(hashes: Vec<SubmittedHash>, urls: Vec<&str>) -> NewReport {
        NewReport {
            reporter: Reporter::YoungPerson,
            hashes,
            urls: urls.into_iter().map(str::to_owned).collect(),
            under_18: Some(true),
            consent_to_share: Some(true),
        }
    }

    fn pdq(value: &str, quality: u8) -> SubmittedHash {
        SubmittedHash {
            algorithm: Algorithm::Pdq,
            value: Some(value.to_owned()),
            quality: Some(quality),
            frames: None,
        }
    }

    fn code(report: NewReport) -> &'static str {
        check_report(report, &ReportLimits::default())
            .map(|_| "ok")
            .unwrap_or_else(|e| e.code())
    }

    #[test]
    fn each_rule_has_its_code() {
        let good = "a".repeat(64);
        assert_eq!(code(report(vec![pdq(&good, 90)], vec![])), "ok");
        assert_eq!(code(report(vec![], vec![])), "empty_report");
        assert_eq!(
            code(report(vec![pdq(&"A".repeat(64), 90)], vec![])),
            "invalid_hash"
        );
        assert_eq!(
            code(report(vec![pdq(&"a".repeat(63), 90)], vec![])),
            "invalid_hash"
        );
        assert_eq!(code(report(vec![pdq(&good, 49)], vec![])), "low_quality");
        assert_eq!(
            code(report(vec![pdq(&good, 101)], vec![])),
            "invalid_quality"
        );
        let md5 = SubmittedHash {
            algorithm: Algorithm::Md5,
            value: Some("0".repeat(32)),
            quality: Some(80),
            frames: None,
        };
        assert_eq!(code(report(vec![md5], vec![])), "invalid_quality");
        assert_eq!(
            code(report(vec![], vec!["ftp://x.example/a"])),
            "invalid_url"
        );
        assert_eq!(code(report(vec![], vec!["https://"])), "invalid_url");
        assert_eq!(
            code(report(vec![], vec!["https://a b.example/"])),
            "invalid_url"
        );
        for disguised in [
            "https://example.com/\u{202e}gpj.exe",
            "https://exa\u{200b}mple.com/",
        ] {
            assert_eq!(code(report(vec![], vec![disguised])), "invalid_url");
        }
        // Letters of any script are fine; only invisible ones are refused.
        assert!(check_url("https://\u{645}\u{62b}\u{627}\u{644}.example/\u{e9}t\u{e9}").is_ok());
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(code(report(vec![], vec![long.as_str()])), "invalid_url");
        let mut unconfirmed = report(vec![pdq(&good, 90)], vec![]);
        unconfirmed.consent_to_share = Some(false);
        assert_eq!(code(unconfirmed), "confirmation_required");
    }

    #[test]
    fn duplicates_are_kept_once() {
        let good = "b".repeat(64);
        let checked = check_report(
            report(
                vec![pdq(&good, 90), pdq(&good, 90)],
                vec!["https://example.com/x", "https://example.com/x"],
            ),
            &ReportLimits::default(),
        )
        .unwrap();
        assert_eq!(checked.hashes.len(), 1);
        assert_eq!(checked.urls.len(), 1);
    }

    #[test]
    fn near_constant_hashes_are_implausible() {
        let parse = |hex: String| hex.parse::<takeback_pdq::PdqHash>().unwrap();
        assert!(!pdq_quality_is_plausible(&parse("0".repeat(64))));
        assert!(!pdq_quality_is_plausible(&parse("f".repeat(64))));
        // 64 set bits: no median splits 256 coefficients that way.
        assert!(!pdq_quality_is_plausible(&parse(format!(
            "{}{}",
            "f".repeat(16),
            "0".repeat(48)
        ))));
        // 128 set bits in one run: a picture can have that (long strips do).
        assert!(pdq_quality_is_plausible(&parse(format!(
            "{}{}",
            "f".repeat(32),
            "0".repeat(32)
        ))));
        assert!(!pdq_quality_is_plausible(&parse(format!(
            "{}{}",
            "1".repeat(48),
            "0".repeat(16)
        ))));
        assert!(pdq_quality_is_plausible(&parse("a".repeat(64))));
        assert!(pdq_quality_is_plausible(&parse("f0".repeat(32))));
    }

    #[test]
    fn low_quality_is_explained_kindly() {
        let err = check_report(
            report(vec![pdq(&"c".repeat(64), 10)], vec![]),
            &ReportLimits::default(),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("too little detail"), "{message}");
        assert!(message.contains("not something you did wrong"), "{message}");
    }
}

#[cfg(test)]
mod plausibility {
    use super::pdq_quality_is_plausible;
    use proptest::prelude::*;
    use takeback_pdq::{PixelLayout, Pixels, RECOMMENDED_MIN_QUALITY, hash};
    use takeback_testimages::{Channels, Pattern, Spec};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Real PDQ hashes of generated pictures with quality 50 or more are never held.
        #[test]
        fn genuine_pictures_with_detail_are_plausible(
            pattern in prop::sample::select(Pattern::ALL.to_vec()),
            channels in prop::sample::select(vec![Channels::Grey, Channels::Rgb]),
            w in 5usize..1200, h in 5usize..1200, seed in any::<u64>(),
        ) {
            let spec = Spec::new(pattern, w, h, channels, seed);
            let image = spec.generate();
            let layout = match channels {
                Channels::Grey => PixelLayout::Luma8,
                _ => PixelLayout::Rgb8,
            };
            let pdq = hash(&Pixels::new(&image.pixels, w, h, layout).unwrap());
            prop_assume!(pdq.quality >= RECOMMENDED_MIN_QUALITY);
            prop_assert!(pdq_quality_is_plausible(&pdq.hash), "{}: {}", spec.name(), pdq.hash);
        }
    }
}
