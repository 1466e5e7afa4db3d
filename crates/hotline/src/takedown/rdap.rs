//! A host's abuse contact from RDAP, when the operator's contacts file has none: the host
//! name is resolved, the IP network's RDAP server found in the bootstrap files (RFC 9224:
//! `ipv4.json`, `ipv6.json` under `rdap_bootstrap_url`), and the network's entity with the
//! `abuse` role read for an e-mail address (RFC 9083, jCard).

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Value;
use std::net::IpAddr;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long a bootstrap file is used before it is fetched again.
const BOOTSTRAP_FOR: Duration = Duration::from_secs(24 * 3600);
/// Most bytes read of a bootstrap file or an RDAP answer.
const MAX_BYTES: usize = 4 << 20;

/// Why an abuse contact could not be looked up (it is tried again later).
#[derive(Debug, thiserror::Error)]
pub enum RdapError {
    /// The host name does not resolve.
    #[error("cannot resolve {host}: {reason}")]
    Resolve {
        /// The host.
        host: String,
        /// Why.
        reason: String,
    },
    /// A bootstrap file or an RDAP server could not be read.
    #[error("RDAP: {0}")]
    Fetch(String),
}

/// One bootstrap file: prefixes and the RDAP servers that answer for them.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    services: Vec<(Vec<IpNet>, Vec<String>)>,
}

#[derive(Deserialize)]
struct BootstrapFile {
    services: Vec<(Vec<String>, Vec<String>)>,
}

impl Bootstrap {
    /// Reads a bootstrap file (RFC 9224); prefixes that do not parse are skipped.
    pub fn parse(text: &[u8]) -> Result<Self, RdapError> {
        let file: BootstrapFile = serde_json::from_slice(text)
            .map_err(|error| RdapError::Fetch(format!("bootstrap file: {error}")))?;
        Ok(Bootstrap {
            services: file
                .services
                .into_iter()
                .map(|(prefixes, urls)| {
                    (
                        prefixes.iter().filter_map(|p| p.parse().ok()).collect(),
                        urls,
                    )
                })
                .collect(),
        })
    }

    /// The RDAP server for `ip`: the longest matching prefix's, https preferred.
    pub fn server_for(&self, ip: IpAddr) -> Option<&str> {
        let (_, urls) = self
            .services
            .iter()
            .flat_map(|(prefixes, urls)| prefixes.iter().map(move |prefix| (prefix, urls)))
            .filter(|(prefix, _)| prefix.contains(&ip))
            .max_by_key(|(prefix, _)| prefix.prefix_len())?;
        urls.iter()
            .find(|url| url.starts_with("https://"))
            .or_else(|| urls.first())
            .map(String::as_str)
    }
}

/// RDAP look-ups, with the bootstrap files cached.
#[derive(Debug)]
pub struct Rdap {
    client: reqwest::Client,
    bootstrap_url: String,
    v4: Mutex<Option<(Instant, Bootstrap)>>,
    v6: Mutex<Option<(Instant, Bootstrap)>>,
}

impl Rdap {
    /// Look-ups starting from the bootstrap files under `bootstrap_url`.
    pub fn new(bootstrap_url: &str, timeout: Duration) -> Result<Self, RdapError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("Takeback-hotline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| RdapError::Fetch(error.to_string()))?;
        let mut base = bootstrap_url.to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Rdap {
            client,
            bootstrap_url: base,
            v4: Mutex::new(None),
            v6: Mutex::new(None),
        })
    }

    /// The abuse e-mail address of the network `host` is on; none if RDAP names none.
    pub async fn abuse_contact(&self, host: &str) -> Result<Option<String>, RdapError> {
        let ip = resolve(host).await?;
        let server = {
            let (cache, file) = match ip {
                IpAddr::V4(_) => (&self.v4, "ipv4.json"),
                IpAddr::V6(_) => (&self.v6, "ipv6.json"),
            };
            let mut cached = cache.lock().await;
            if cached
                .as_ref()
                .is_none_or(|(at, _)| at.elapsed() >= BOOTSTRAP_FOR)
            {
                let text = self.get(&format!("{}{file}", self.bootstrap_url)).await?;
                *cached = Some((Instant::now(), Bootstrap::parse(&text)?));
            }
            match cached.as_ref().and_then(|(_, b)| b.server_for(ip)) {
                Some(server) => server.to_owned(),
                None => return Ok(None),
            }
        };
        let separator = if server.ends_with('/') { "" } else { "/" };
        let answer = self.get(&format!("{server}{separator}ip/{ip}")).await?;
        abuse_email_in(&answer).map_err(|error| RdapError::Fetch(format!("{server}: {error}")))
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, RdapError> {
        let fail = |error: &dyn std::fmt::Display| RdapError::Fetch(format!("{url}: {error}"));
        let mut answer = self
            .client
            .get(url)
            .header("accept", "application/rdap+json, application/json")
            .send()
            .await
            .map_err(|error| fail(&error))?;
        if !answer.status().is_success() {
            return Err(fail(&format!("answered {}", answer.status().as_u16())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(|error| fail(&error))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(fail(&"answer too large"));
            }
        }
        Ok(body)
    }
}

async fn resolve(host: &str) -> Result<IpAddr, RdapError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse() {
        return Ok(ip);
    }
    let fail = |reason: String| RdapError::Resolve {
        host: host.to_owned(),
        reason,
    };
    let mut addresses = tokio::net::lookup_host((bare, 443))
        .await
        .map_err(|error| fail(error.to_string()))?;
    addresses
        .next()
        .map(|address| address.ip())
        .ok_or_else(|| fail("no addresses".into()))
}

/// The abuse e-mail address in an RDAP server's answer about an IP network, if any.
pub fn abuse_email_in(answer: &[u8]) -> Result<Option<String>, serde_json::Error> {
    let network: Value = serde_json::from_slice(answer)?;
    Ok(abuse_email(&network))
}

/// The e-mail address of the first entity with the `abuse` role, looked for in the
/// network's entities and theirs (registries nest the abuse contact under the registrant).
fn abuse_email(object: &Value) -> Option<String> {
    let entities = object.get("entities")?.as_array()?;
    for entity in entities {
        let abuse = entity
            .get("roles")
            .and_then(Value::as_array)
            .is_some_and(|roles| roles.iter().any(|role| role == "abuse"));
        if abuse && let Some(email) = vcard_email(entity) {
            return Some(email);
        }
    }
    entities.iter().find_map(abuse_email)
}

/// The `email` of an entity's jCard (`["vcard", [["email", {}, "text", "a@b"], …]]`).
fn vcard_email(entity: &Value) -> Option<String> {
    let properties = entity.get("vcardArray")?.as_array()?.get(1)?.as_array()?;
    properties.iter().find_map(|property| {
        let property = property.as_array()?;
        (property.first()? == "email")
            .then(|| property.get(3)?.as_str().map(str::to_owned))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_longest_prefix_names_the_server() {
        let bootstrap = Bootstrap::parse(
            json!({"version": "1.0", "services": [
                [["1.0.0.0/8", "27.0.0.0/8"], ["http://rdap.apnic.example/", "https://rdap.apnic.example/"]],
                [["1.2.0.0/16"], ["https://rdap.narrow.example/"]],
                [["2001:200::/23"], ["https://rdap.v6.example/"]]
            ]})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let server = |ip: &str| bootstrap.server_for(ip.parse().unwrap());
        assert_eq!(server("1.9.9.9"), Some("https://rdap.apnic.example/"));
        assert_eq!(server("1.2.3.4"), Some("https://rdap.narrow.example/"));
        assert_eq!(server("2001:200::1"), Some("https://rdap.v6.example/"));
        assert_eq!(server("9.9.9.9"), None);
        assert!(Bootstrap::parse(b"{}").is_err());
    }

    #[test]
    fn the_abuse_entity_s_email_is_found_even_nested() {
        let network = json!({
            "objectClassName": "ip network",
            "entities": [
                {"roles": ["registrant"], "vcardArray": ["vcard", [["fn", {}, "text", "Hoster"], ["email", {}, "text", "owner@hoster.example"]]],
                 "entities": [
                    {"roles": ["abuse"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["email", {}, "text", "abuse@hoster.example"]]]}
                 ]}
            ]
        });
        assert_eq!(
            abuse_email(&network).as_deref(),
            Some("abuse@hoster.example")
        );
        let direct = json!({"entities": [
            {"roles": ["technical", "abuse"], "vcardArray": ["vcard", [["email", {"type": "work"}, "text", "noc@net.example"]]]}
        ]});
        assert_eq!(abuse_email(&direct).as_deref(), Some("noc@net.example"));
        assert_eq!(
            abuse_email(&json!({"entities": [{"roles": ["registrant"]}]})),
            None
        );
        assert_eq!(abuse_email(&json!({})), None);
    }
}
