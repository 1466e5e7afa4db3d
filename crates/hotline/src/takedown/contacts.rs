//! The operator's contacts file: whom a host's takedown notices go to.
//!
//! ```toml
//! [[contact]]
//! host = "images.example"          # this host only
//! email = "abuse@example.net"
//!
//! [[contact]]
//! host = ".partner.example"        # the host and every host under it
//! webhook = "https://partner.example/takeback/notices"
//! webhook_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
//!
//! [[contact]]
//! host = "203.0.113.7"             # an address reported by its IP
//! email = "noc@example.org"
//!
//! [[contact]]
//! host = ".beispiel.de"
//! email = "abuse@beispiel.de"
//! language = "de"                  # notices carry [takedown.notice_wordings] de
//! ```
//!
//! An exact host wins over a suffix, and a longer suffix over a shorter one.

use base64::Engine;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

/// Where a host's notices go.
#[derive(Clone, PartialEq, Eq)]
pub enum Contact {
    /// An e-mail address.
    Email(String),
    /// A webhook, with the key its notices are signed with (Standard Webhooks).
    Webhook {
        /// The http(s) URL notices are POSTed to.
        url: String,
        /// The signing key, decoded from its `whsec_` form.
        key: Vec<u8>,
    },
}

impl Contact {
    /// `email` or `webhook`, as the notices' channel is stored.
    pub fn channel(&self) -> &'static str {
        match self {
            Contact::Email(_) => "email",
            Contact::Webhook { .. } => "webhook",
        }
    }

    /// The address or URL notices are sent to.
    pub fn target(&self) -> &str {
        match self {
            Contact::Email(address) => address,
            Contact::Webhook { url, .. } => url,
        }
    }
}

impl std::fmt::Debug for Contact {
    // The webhook's key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.channel(), self.target())
    }
}

/// The contacts file, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    exact: HashMap<String, Listed>,
    /// Suffixes without their leading dot.
    suffixes: HashMap<String, Listed>,
}

/// One `[[contact]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    contact: Contact,
    /// The language its notices' own wording is in, if not the default.
    language: Option<String>,
}

/// Why the contacts file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// It could not be read.
    #[error("cannot read the contacts file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not TOML of the expected shape.
    #[error("the contacts file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Where and what.
        source: Box<toml::de::Error>,
    },
    /// One `[[contact]]` is unusable.
    #[error("the contacts file {path}, contact {number} (host {host:?}): {problem}")]
    Contact {
        /// The file.
        path: String,
        /// Which `[[contact]]`, from 1.
        number: usize,
        /// Its host.
        host: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    contact: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    host: String,
    email: Option<String>,
    webhook: Option<String>,
    webhook_secret: Option<String>,
    language: Option<String>,
}

impl Contacts {
    /// Reads and checks a contacts file.
    pub fn read(path: &Path) -> Result<Self, ContactsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ContactsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Checks the text of a contacts file; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, ContactsError> {
        let file: File = toml::from_str(text).map_err(|source| ContactsError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })?;
        let mut contacts = Contacts::default();
        for (index, entry) in file.contact.into_iter().enumerate() {
            let fail = |problem: String| ContactsError::Contact {
                path: path.to_owned(),
                number: index + 1,
                host: entry.host.clone(),
                problem,
            };
            let contact = contact_of(&entry).map_err(fail)?;
            let language = match &entry.language {
                Some(code) if code.parse::<unic_langid::LanguageIdentifier>().is_err() => {
                    return Err(fail(format!("{code:?} is not a language code (de, pt-BR)")));
                }
                language => language.clone(),
            };
            let contact = Listed { contact, language };
            let (table, key) = match entry.host.trim().strip_prefix('.') {
                Some(suffix) => (&mut contacts.suffixes, host_key(suffix)),
                None => (&mut contacts.exact, host_key(entry.host.trim())),
            };
            let key = key.map_err(fail)?;
            if table.insert(key, contact).is_some() {
                return Err(fail("this host has a contact already".into()));
            }
        }
        Ok(contacts)
    }

    /// Whom the notices about an address on `host` (a normalised URL's host) go to.
    pub fn for_host(&self, host: &str) -> Option<&Contact> {
        self.listed(host).map(|listed| &listed.contact)
    }

    /// The language of the wording in notices about an address on `host`, if its contact
    /// names one.
    pub fn language_for_host(&self, host: &str) -> Option<&str> {
        self.listed(host)?.language.as_deref()
    }

    fn listed(&self, host: &str) -> Option<&Listed> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Some(listed) = self.exact.get(host) {
            return Some(listed);
        }
        if host.parse::<IpAddr>().is_ok() {
            return None;
        }
        // The host itself, then each parent domain: the longest suffix first.
        let mut rest = host;
        loop {
            if let Some(listed) = self.suffixes.get(rest) {
                return Some(listed);
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// The languages the contacts name, each once.
    pub fn languages(&self) -> std::collections::BTreeSet<&str> {
        self.exact
            .values()
            .chain(self.suffixes.values())
            .filter_map(|listed| listed.language.as_deref())
            .collect()
    }

    /// Every webhook contact.
    pub fn webhooks(&self) -> impl Iterator<Item = &Contact> {
        self.exact
            .values()
            .chain(self.suffixes.values())
            .map(|listed| &listed.contact)
            .filter(|contact| matches!(contact, Contact::Webhook { .. }))
    }

    /// How many hosts and suffixes have a contact.
    pub fn len(&self) -> usize {
        self.exact.len() + self.suffixes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A host as notices' items spell it: an IP address in its usual form, a name lower-case
/// and in punycode (as `takedown::normalise` leaves it).
fn host_key(host: &str) -> Result<String, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    match url::Host::parse(bare) {
        Ok(url::Host::Domain(name)) if !name.is_empty() => Ok(name),
        Ok(_) | Err(_) => Err(format!(
            "{host:?} is not a host name, a .suffix or an IP address"
        )),
    }
}

fn contact_of(entry: &Entry) -> Result<Contact, String> {
    match (&entry.email, &entry.webhook) {
        (Some(email), None) => {
            if entry.webhook_secret.is_some() {
                return Err("webhook_secret is for a webhook, not an e-mail address".into());
            }
            email
                .parse::<lettre::Address>()
                .map_err(|error| format!("{email:?} is not an e-mail address ({error})"))?;
            Ok(Contact::Email(email.clone()))
        }
        (None, Some(webhook)) => {
            let url = url::Url::parse(webhook)
                .ok()
                .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
                .ok_or_else(|| format!("webhook {webhook:?} is not an http(s) URL"))?;
            let secret = entry.webhook_secret.as_deref().ok_or(
                "a webhook needs a webhook_secret (whsec_ and base64: the key the \
                 receiver checks notices' signatures with)",
            )?;
            Ok(Contact::Webhook {
                url: url.into(),
                key: webhook_key(secret)?,
            })
        }
        (Some(_), Some(_)) => Err("give email or webhook, not both".into()),
        (None, None) => Err("give an email or a webhook".into()),
    }
}

/// Decodes a Standard Webhooks secret (`whsec_` and base64 of at least 24 bytes).
pub fn webhook_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "webhook_secret is not whsec_ followed by base64".to_owned())?;
    if key.len() < 24 {
        return Err(format!(
            "webhook_secret is {} bytes: it needs at least 24 (openssl rand -base64 32)",
            key.len()
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn contacts(text: &str) -> Contacts {
        Contacts::parse(text, "contacts.toml").unwrap()
    }

    fn problem(text: &str) -> String {
        Contacts::parse(text, "contacts.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn exact_hosts_win_over_suffixes_and_longer_suffixes_over_shorter() {
        let contacts = contacts(&format!(
            "[[contact]]\nhost = \".example\"\nemail = \"abuse@example\"\n\
             [[contact]]\nhost = \".cdn.example\"\nwebhook = \"https://cdn.example/hook\"\nwebhook_secret = \"{SECRET}\"\n\
             [[contact]]\nhost = \"Img.CDN.example\"\nemail = \"img@cdn.example\"\n\
             [[contact]]\nhost = \"203.0.113.7\"\nemail = \"noc@example.org\"\n\
             [[contact]]\nhost = \"[2001:DB8::1]\"\nemail = \"noc6@example.org\"\n\
             [[contact]]\nhost = \"bücher.example\"\nemail = \"buch@example.org\"\n"
        ));
        let target = |host: &str| contacts.for_host(host).map(|c| c.target().to_owned());
        assert_eq!(
            target("img.cdn.example").as_deref(),
            Some("img@cdn.example")
        );
        assert_eq!(
            target("a.img.cdn.example").as_deref(),
            Some("https://cdn.example/hook")
        );
        assert_eq!(
            target("cdn.example").as_deref(),
            Some("https://cdn.example/hook")
        );
        assert_eq!(target("www.example").as_deref(), Some("abuse@example"));
        assert_eq!(target("example").as_deref(), Some("abuse@example"));
        assert_eq!(target("example.org"), None);
        assert_eq!(target("notexample"), None);
        assert_eq!(target("203.0.113.7").as_deref(), Some("noc@example.org"));
        assert_eq!(target("[2001:db8::1]").as_deref(), Some("noc6@example.org"));
        assert_eq!(target("203.0.113.8"), None);
        assert_eq!(
            target("xn--bcher-kva.example").as_deref(),
            Some("buch@example.org")
        );
        assert_eq!(contacts.len(), 6);
        let Some(Contact::Webhook { key, .. }) = contacts.for_host("cdn.example") else {
            panic!("a webhook");
        };
        assert_eq!(key.len(), 24);
        // The key never reaches a log.
        assert!(!format!("{contacts:?}").contains("MfKQ"));
    }

    #[test]
    fn unusable_contacts_are_refused_with_their_number() {
        assert!(problem("[[contact]]\nhost = \"a.example\"\n").contains("contact 1"));
        assert!(
            problem("[[contact]]\nhost = \"a.example\"\nemail = \"not an address\"\n")
                .contains("not an e-mail address")
        );
        assert!(
            problem(
                "[[contact]]\nhost = \"a.example\"\nemail = \"a@a.example\"\n[[contact]]\nhost = \"A.example\"\nemail = \"b@a.example\"\n"
            )
            .contains("contact 2")
        );
        assert!(
            problem("[[contact]]\nhost = \"a.example\"\nwebhook = \"https://a.example/h\"\n")
                .contains("needs a webhook_secret")
        );
        assert!(
            problem(
                "[[contact]]\nhost = \"a.example\"\nwebhook = \"ftp://a.example/h\"\nwebhook_secret = \"whsec_AAAA\"\n"
            )
            .contains("not an http(s) URL")
        );
        assert!(
            problem(
                "[[contact]]\nhost = \"a.example\"\nwebhook = \"https://a.example/h\"\nwebhook_secret = \"whsec_AAAA\"\n"
            )
            .contains("at least 24")
        );
        assert!(
            problem("[[contact]]\nhost = \"a b\"\nemail = \"a@a.example\"\n")
                .contains("not a host name")
        );
        assert!(problem("[[contakt]]\nhost = \"a\"\n").contains("contacts.toml"));
        assert!(
            problem("[[contact]]\nhost = \"a.example\"\nemail = \"a@a.example\"\nwebhook = \"https://a.example/\"\n")
                .contains("not both")
        );
    }
}
