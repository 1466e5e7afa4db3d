//! What a scan matches against: a list file in memory, or a running matcher over HTTP.

use super::FilePrint;
use crate::error::ScanError;
use crate::types::ScanMatch;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;
use takeback_fingerprint::{Fingerprint, VideoPrint};
use takeback_index::HashIndex;
use takeback_pdq::{Dihedral, PdqHash};
use takeback_vpdq::VideoFingerprint;
use takeback_wire::matching::{HashMatches, MatchQuery};
use takeback_wire::{Algorithm, VideoFrame};

/// What a scan matches against.
#[derive(Debug)]
pub struct Against(Backend);

#[derive(Debug)]
enum Backend {
    List {
        index: HashIndex,
        name: String,
        max_distance: u32,
        quality_floor: u8,
    },
    Matcher {
        agent: ureq::Agent,
        url: String,
        /// `Bearer <token>`, when the matcher asks for one.
        authorization: Option<Authorization>,
    },
}

/// An `Authorization` header's value; `Debug` never shows it.
struct Authorization(String);

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authorization(***)")
    }
}

impl Against {
    /// A list file (PDQ hashes: a text list or a saved index), named after the file:
    /// matches at most `max_distance` away, for pictures of at least `quality_floor`. A
    /// video matches a listed hash when one of its frames of at least `quality_floor` is
    /// that close (each listed hash once, with the closest frame).
    pub fn list(path: &Path, max_distance: u32, quality_floor: u8) -> Result<Self, ScanError> {
        let index = takeback_index::load_list(path)?;
        let name = path
            .file_stem()
            .map_or_else(|| "list".to_owned(), |s| s.to_string_lossy().into_owned());
        Ok(Against(Backend::List {
            index,
            name,
            max_distance,
            quality_floor,
        }))
    }

    /// A running `takeback matcher` at `url` (its lists, MD5 and SHA-256 too; only hashes
    /// are sent: a picture's PDQ, a video's vPDQ frames), with its API token if it asks for one. Fails at once, not after the
    /// first file, if it is not there, not ready, or refuses the token.
    pub fn matcher(url: &str, token: Option<&str>) -> Result<Self, ScanError> {
        let url = url.trim_end_matches('/').to_owned();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ScanError::NotHttp(url));
        }
        let authorization = match token.map(str::trim) {
            Some("") => return Err(ScanError::EmptyToken),
            Some(token) => Some(Authorization(format!("Bearer {token}"))),
            None => None,
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut ready = agent
            .get(format!("{url}/readyz"))
            .call()
            .map_err(|source| ScanError::Unreachable {
                url: url.clone(),
                source,
            })?;
        if ready.status() != 200 {
            let body = ready.body_mut().read_to_string().unwrap_or_default();
            return Err(ScanError::NotReady { url, body });
        }
        // The status answers only with the token, when the matcher asks for one.
        let mut status = agent.get(format!("{url}/v1/status"));
        if let Some(authorization) = &authorization {
            status = status.header("authorization", &authorization.0);
        }
        let status = status.call().map_err(|source| ScanError::Unreachable {
            url: url.clone(),
            source,
        })?;
        if status.status() == 401 {
            return Err(ScanError::Unauthorized {
                url,
                given: authorization.is_some(),
            });
        }
        Ok(Against(Backend::Matcher {
            agent,
            url,
            authorization,
        }))
    }

    /// The matches for one file's fingerprint; an error is the matcher's, and stops the
    /// scan.
    pub(crate) fn matches(&self, print: &FilePrint) -> Result<Vec<ScanMatch>, String> {
        match &self.0 {
            Backend::List {
                index,
                name,
                max_distance,
                quality_floor,
            } => Ok(match print {
                FilePrint::Picture(print) => {
                    picture_on_list(index, name, print, *max_distance, *quality_floor)
                }
                FilePrint::Video(print) => video_on_list(
                    index,
                    name,
                    &print.fingerprint,
                    *max_distance,
                    *quality_floor,
                ),
            }),
            Backend::Matcher {
                agent,
                url,
                authorization,
            } => {
                let query = match print {
                    FilePrint::Picture(print) => picture_query(print),
                    FilePrint::Video(print) => video_query(print),
                };
                let mut request = agent.post(format!("{url}/v1/match"));
                if let Some(authorization) = authorization {
                    request = request.header("authorization", &authorization.0);
                }
                let mut response = request
                    .send_json(&query)
                    .map_err(|e| format!("cannot reach the matcher: {e}"))?;
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .read_to_string()
                    .map_err(|e| format!("cannot read the matcher's answer: {e}"))?;
                if status != 200 {
                    return Err(format!("the matcher answered {status}: {body}"));
                }
                serde_json::from_str::<HashMatches>(&body)
                    .map(|answer| answer.matches.into_iter().map(ScanMatch::from).collect())
                    .map_err(|e| format!("the matcher's answer is malformed: {e}"))
            }
        }
    }
}

/// A picture's matches on a list file: its PDQ hash (or all eight orientations) within
/// `max_distance`, unless its quality is under `quality_floor`.
fn picture_on_list(
    index: &HashIndex,
    name: &str,
    print: &Fingerprint,
    max_distance: u32,
    quality_floor: u8,
) -> Vec<ScanMatch> {
    if print.pdq.quality < quality_floor {
        return Vec::new();
    }
    let matches = match &print.dihedral {
        Some(hashes) => index
            .query_dihedral(hashes, max_distance)
            .into_iter()
            .map(|m| (m.id, m.hash, m.distance, Some(m.variant)))
            .collect::<Vec<_>>(),
        None => index
            .query(&print.pdq.hash, max_distance)
            .into_iter()
            .map(|m| (m.id, m.hash, m.distance, None))
            .collect(),
    };
    matches
        .into_iter()
        .map(|(id, hash, distance, variant)| ScanMatch {
            variant: variant
                .filter(|v| *v != Dihedral::Original)
                .map(|v| v.name().to_owned()),
            ..list_match(name, id, &hash, distance)
        })
        .collect()
}

/// A video's matches on a list file (PDQ hashes of pictures): each listed hash within
/// `max_distance` of one of its frames of at least `quality_floor`, once, with the
/// closest frame (the first, of equally close ones) and where it is; closest first.
fn video_on_list(
    index: &HashIndex,
    name: &str,
    video: &VideoFingerprint,
    max_distance: u32,
    quality_floor: u8,
) -> Vec<ScanMatch> {
    // Listed entry (id and hash) → its distance and the time of the closest frame.
    let mut closest: HashMap<(u64, PdqHash), (u32, f64)> = HashMap::new();
    // A still scene repeats its hash: each is looked up once, at its first frame.
    let mut searched = HashSet::new();
    for frame in &video.frames {
        if frame.quality < quality_floor || !searched.insert(frame.hash) {
            continue;
        }
        for found in index.query(&frame.hash, max_distance) {
            let best = closest
                .entry((found.id, found.hash))
                .or_insert((found.distance, frame.timestamp));
            if found.distance < best.0 {
                *best = (found.distance, frame.timestamp);
            }
        }
    }
    let mut matches: Vec<_> = closest.into_iter().collect();
    matches.sort_unstable_by(|((id_a, hash_a), (d_a, _)), ((id_b, hash_b), (d_b, _))| {
        (d_a, id_a, hash_a).cmp(&(d_b, id_b, hash_b))
    });
    matches
        .into_iter()
        .map(|((id, hash), (distance, timestamp))| ScanMatch {
            timestamp: Some(to_the_millisecond(timestamp)),
            ..list_match(name, id, &hash, distance)
        })
        .collect()
}

/// A PDQ match on a list file, which says nothing of verification.
fn list_match(name: &str, id: u64, hash: &PdqHash, distance: u32) -> ScanMatch {
    ScanMatch {
        hotline: name.to_owned(),
        id: i64::try_from(id).unwrap_or(i64::MAX),
        algorithm: Algorithm::Pdq,
        hash: hash.to_hex(),
        distance,
        verified: None,
        variant: None,
        video: None,
        timestamp: None,
    }
}

/// A picture as the matcher is asked about it: its PDQ hash (or all eight orientations)
/// with its quality, and its digests.
fn picture_query(print: &Fingerprint) -> MatchQuery {
    let mut query = MatchQuery {
        quality: Some(print.pdq.quality),
        md5: Some(print.digests.md5.to_hex()),
        sha256: Some(print.digests.sha256.to_hex()),
        ..MatchQuery::default()
    };
    match &print.dihedral {
        Some(hashes) => query.dihedral = Some(hashes.iter().map(|h| h.to_hex()).collect()),
        None => query.pdq = Some(print.pdq.hash.to_hex()),
    }
    query
}

/// A video as the matcher is asked about it: its hashed frames and its digests, never
/// its bytes.
fn video_query(print: &VideoPrint) -> MatchQuery {
    MatchQuery {
        frames: Some(
            print
                .fingerprint
                .frames
                .iter()
                .map(|frame| VideoFrame {
                    timestamp: to_the_millisecond(frame.timestamp),
                    value: frame.hash.to_hex(),
                    quality: frame.quality,
                })
                .collect(),
        ),
        md5: Some(print.digests.md5.to_hex()),
        sha256: Some(print.digests.sha256.to_hex()),
        ..MatchQuery::default()
    }
}

/// Seconds to the millisecond, as `takeback hash` and the reference's text format write
/// a frame's time (it is computed in `f32`, so its last digits are noise).
fn to_the_millisecond(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use takeback_vpdq::VpdqFrame;

    /// A hash `bits` bits away from `base` (the lowest bits flipped).
    fn near(base: &PdqHash, bits: usize) -> PdqHash {
        let mut bytes = base.to_bytes();
        for bit in 0..bits {
            bytes[31 - bit / 8] ^= 1 << (bit % 8);
        }
        PdqHash::from_bytes(bytes)
    }

    fn frame(number: u64, hash: PdqHash, quality: u8) -> VpdqFrame {
        VpdqFrame {
            frame: number,
            hash,
            quality,
            timestamp: number as f64 / 25.0,
        }
    }

    fn listed() -> (PdqHash, PdqHash) {
        (
            PdqHash::from_bytes([0x5a; 32]),
            PdqHash::from_bytes([0xc3; 32]),
        )
    }

    #[test]
    fn a_video_matches_a_listed_hash_once_by_its_closest_frame() {
        let (first, second) = listed();
        let index = HashIndex::from_entries([(first, 1), (second, 2)]);
        let video = VideoFingerprint {
            frames: vec![
                frame(0, near(&first, 20), 90),
                frame(25, near(&first, 3), 90),
                frame(50, near(&first, 3), 90),
                frame(75, near(&second, 40), 90),
            ],
        };
        let found = video_on_list(&index, "list", &video, 31, 50);
        assert_eq!(found.len(), 1, "the second is too far: {found:?}");
        assert_eq!(found[0].id, 1);
        assert_eq!(found[0].distance, 3);
        assert_eq!(
            found[0].timestamp,
            Some(1.0),
            "the first of the closest frames"
        );
        assert_eq!(found[0].hash, first.to_hex());
        assert_eq!(found[0].algorithm, Algorithm::Pdq);
        assert_eq!((found[0].verified, found[0].video), (None, None));
    }

    #[test]
    fn frames_under_the_quality_floor_do_not_match() {
        let (first, second) = listed();
        let index = HashIndex::from_entries([(first, 1), (second, 2)]);
        let video = VideoFingerprint {
            frames: vec![frame(0, first, 49), frame(25, near(&second, 2), 50)],
        };
        let found = video_on_list(&index, "list", &video, 31, 50);
        let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
        assert_eq!(ids, [2], "{found:?}");
        assert!(video_on_list(&index, "list", &video, 31, 51).is_empty());
    }

    #[test]
    fn a_video_matching_several_listed_hashes_lists_the_closest_first() {
        let (first, second) = listed();
        let index = HashIndex::from_entries([(first, 1), (second, 2)]);
        let video = VideoFingerprint {
            frames: vec![
                frame(0, near(&first, 9), 70),
                frame(25, near(&second, 1), 70),
            ],
        };
        let found = video_on_list(&index, "list", &video, 31, 50);
        let got: Vec<(i64, u32)> = found.iter().map(|m| (m.id, m.distance)).collect();
        assert_eq!(got, [(2, 1), (1, 9)]);
    }

    #[test]
    fn a_video_is_asked_about_by_its_frames_and_digests_only() {
        let (first, _) = listed();
        let print = VideoPrint {
            info: takeback_fingerprint::VideoStreamInfo {
                container: takeback_fingerprint::VideoContainer::Mp4,
                codec: "h264",
                width: 320,
                height: 240,
                frame_rate: 25.0,
                frame_step: 25,
                duration: None,
            },
            decoded_frames: 26,
            fingerprint: VideoFingerprint {
                frames: vec![frame(0, first, 90), frame(25, first, 80)],
            },
            digests: takeback_fingerprint::digest_bytes(b"a video"),
        };
        let json = serde_json::to_value(video_query(&print)).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["frames", "md5", "sha256"]);
        assert_eq!(json["frames"][1]["timestamp"], 1.0);
        assert_eq!(json["frames"][1]["quality"], 80);
        assert_eq!(json["frames"][1]["value"], first.to_hex());
    }
}
