//! What a scan matches against: a list file in memory, or a running matcher over HTTP.

use crate::error::ScanError;
use crate::types::ScanMatch;
use std::path::Path;
use std::time::Duration;
use takeback_fingerprint::Fingerprint;
use takeback_index::HashIndex;
use takeback_pdq::Dihedral;
use takeback_wire::Algorithm;
use takeback_wire::matching::{HashMatches, MatchQuery};

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
    /// matches at most `max_distance` away, for pictures of at least `quality_floor`.
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
    /// are sent), with its API token if it asks for one. Fails at once, not after the
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
    pub(crate) fn matches(&self, print: &Fingerprint) -> Result<Vec<ScanMatch>, String> {
        match &self.0 {
            Backend::List {
                index,
                name,
                max_distance,
                quality_floor,
            } => {
                if print.pdq.quality < *quality_floor {
                    return Ok(Vec::new());
                }
                let matches = match &print.dihedral {
                    Some(hashes) => index
                        .query_dihedral(hashes, *max_distance)
                        .into_iter()
                        .map(|m| (m.id, m.hash, m.distance, Some(m.variant)))
                        .collect::<Vec<_>>(),
                    None => index
                        .query(&print.pdq.hash, *max_distance)
                        .into_iter()
                        .map(|m| (m.id, m.hash, m.distance, None))
                        .collect(),
                };
                Ok(matches
                    .into_iter()
                    .map(|(id, hash, distance, variant)| ScanMatch {
                        hotline: name.clone(),
                        id: i64::try_from(id).unwrap_or(i64::MAX),
                        algorithm: Algorithm::Pdq,
                        hash: hash.to_hex(),
                        distance,
                        verified: None,
                        variant: variant
                            .filter(|v| *v != Dihedral::Original)
                            .map(|v| v.name().to_owned()),
                    })
                    .collect())
            }
            Backend::Matcher {
                agent,
                url,
                authorization,
            } => {
                let mut query = MatchQuery {
                    quality: Some(print.pdq.quality),
                    md5: Some(print.digests.md5.to_hex()),
                    sha256: Some(print.digests.sha256.to_hex()),
                    ..MatchQuery::default()
                };
                match &print.dihedral {
                    Some(hashes) => {
                        query.dihedral = Some(hashes.iter().map(|h| h.to_hex()).collect());
                    }
                    None => query.pdq = Some(print.pdq.hash.to_hex()),
                }
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
