//! Case references, case secrets, partner keys and analyst tokens.
//!
//! Every secret is made from the operating system's random generator, shown once, and
//! stored only as its SHA-256. A slow password hash is not needed: the secrets are not
//! chosen by people, and at 100 bits or more a stolen database does not let anyone
//! recover them by guessing. None of these types prints its secret in `Debug` output.

use sha2::{Digest, Sha256};
use std::fmt;

/// Crockford's base-32 alphabet: no I, L, O or U, so that a reference read aloud or typed
/// on a phone is hard to get wrong.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random characters from [`ALPHABET`], in groups separated by `-`.
fn random_groups(groups: usize, group_len: usize) -> Result<String, getrandom::Error> {
    let mut bytes = vec![0u8; groups * group_len];
    getrandom::fill(&mut bytes)?;
    let mut out = String::with_capacity(groups * (group_len + 1));
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && i % group_len == 0 {
            out.push('-');
        }
        out.push(ALPHABET[usize::from(byte & 31)] as char);
    }
    Ok(out)
}

/// Normalises what a person typed: case, spaces and dashes do not matter, and the letters
/// that look like digits are read as the digits (Crockford's rule).
fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// The reference of a report, such as `7KQ2-M9XD-3HTW`: 60 random bits. It is not a
/// secret (it identifies the case, not the person) but alone it opens nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseId(String);

impl CaseId {
    /// A new random reference.
    pub fn generate() -> Result<Self, getrandom::Error> {
        random_groups(3, 4).map(CaseId)
    }

    /// Reads a reference as a person may have typed it; `None` if it cannot be one.
    pub fn parse(typed: &str) -> Option<Self> {
        let plain = normalise(typed);
        if plain.len() != 12 || !plain.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        Some(CaseId(format!(
            "{}-{}-{}",
            &plain[0..4],
            &plain[4..8],
            &plain[8..12]
        )))
    }

    /// The canonical form, as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The secret that, with the [`CaseId`], lets a reporter see or withdraw their report:
/// 100 random bits as `XXXXX-XXXXX-XXXXX-XXXXX`.
#[derive(Clone)]
pub struct CaseSecret(String);

impl CaseSecret {
    /// A new random secret.
    pub fn generate() -> Result<Self, getrandom::Error> {
        random_groups(4, 5).map(CaseSecret)
    }

    /// Wraps a secret as presented by a client.
    pub fn from_presented(typed: &str) -> Self {
        CaseSecret(typed.to_owned())
    }

    /// The secret itself, to show the reporter once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the normalised secret, in hex.
    pub fn digest(&self) -> String {
        sha256_hex(&normalise(&self.0))
    }
}

impl fmt::Debug for CaseSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseSecret(<redacted>)")
    }
}

/// Which kind of bearer token: the prefix tells them apart, so that a token used on the
/// wrong routes gets a clear 403 rather than a puzzling 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A partner platform's API key (`tbp_…`).
    Partner,
    /// An analyst's token (`tba_…`).
    Analyst,
}

impl TokenKind {
    /// `partner` or `analyst`, as the audit log and messages name them.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Partner => "partner",
            TokenKind::Analyst => "analyst",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Partner => "tbp_",
            TokenKind::Analyst => "tba_",
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A partner's API key or an analyst's token: a prefix and 160 random bits.
#[derive(Clone)]
pub struct ApiToken {
    kind: TokenKind,
    secret: String,
}

impl ApiToken {
    /// A new random token of the given kind.
    pub fn generate(kind: TokenKind) -> Result<Self, getrandom::Error> {
        let body = random_groups(1, 32)?.to_ascii_lowercase();
        Ok(ApiToken {
            kind,
            secret: format!("{}{body}", kind.prefix()),
        })
    }

    /// Reads a presented token; `None` if it has neither prefix.
    pub fn from_presented(presented: &str) -> Option<Self> {
        let kind = [TokenKind::Partner, TokenKind::Analyst]
            .into_iter()
            .find(|kind| presented.starts_with(kind.prefix()))?;
        Some(ApiToken {
            kind,
            secret: presented.to_owned(),
        })
    }

    /// Which kind of token this is.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The token itself, to print once.
    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// What is stored: its SHA-256 in hex.
    pub fn digest(&self) -> String {
        sha256_hex(&self.secret)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiToken({:?}, <redacted>)", self.kind)
    }
}

/// The secret in an analyst's console cookie: 160 random bits. Only its SHA-256 is stored;
/// the form token that guards the session's forms against cross-site posts is derived from
/// it, so it needs no storage and changes with each session.
#[derive(Clone)]
pub struct ConsoleSessionToken(String);

impl ConsoleSessionToken {
    /// A new random session secret.
    pub fn generate() -> Result<Self, getrandom::Error> {
        random_groups(1, 32).map(|body| ConsoleSessionToken(body.to_ascii_lowercase()))
    }

    /// Wraps the secret a browser presented in its cookie.
    pub fn from_presented(presented: &str) -> Self {
        ConsoleSessionToken(presented.to_owned())
    }

    /// The secret, to set in the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: its SHA-256 in hex.
    pub fn digest(&self) -> String {
        sha256_hex(&self.0)
    }

    /// The token every form of this session carries (a cross-site page cannot read it).
    pub fn form_token(&self) -> String {
        sha256_hex(&format!("console form token:{}", self.0))
    }
}

impl fmt::Debug for ConsoleSessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsoleSessionToken(<redacted>)")
    }
}

/// The reference of a takedown notice, such as `TN-7KQ2-M9XD-3HTW-A4B5`: what the host
/// quotes, and the webhook's `webhook-id` (the same on every delivery of the notice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeId(String);

impl NoticeId {
    /// A new random reference (80 bits).
    pub fn generate() -> Result<Self, getrandom::Error> {
        Ok(NoticeId(format!("TN-{}", random_groups(4, 4)?)))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The token in a notice's removal confirmation link: whoever received the notice may
/// confirm, once. Stored as its SHA-256.
pub struct RemovalToken(String);

impl RemovalToken {
    /// A new random token (160 bits).
    pub fn generate() -> Result<Self, getrandom::Error> {
        Ok(RemovalToken(random_groups(1, 32)?))
    }

    /// A token from a confirmation link.
    pub fn from_presented(presented: &str) -> Self {
        RemovalToken(presented.trim().to_owned())
    }

    /// The token, for the link.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Its SHA-256, as stored.
    pub fn digest(&self) -> String {
        sha256_hex(&self.0)
    }
}

impl fmt::Debug for RemovalToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RemovalToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_read_back_as_typed() {
        let id = CaseId::generate().unwrap();
        assert_eq!(id.as_str().len(), 14);
        assert_eq!(CaseId::parse(id.as_str()), Some(id.clone()));
        let typed = id.as_str().to_ascii_lowercase().replace('-', " ");
        assert_eq!(CaseId::parse(&typed), Some(id));
        assert_eq!(CaseId::parse("not a case"), None);
        assert_eq!(
            CaseId::parse("OOOO-IIII-LLLL").unwrap().as_str(),
            "0000-1111-1111"
        );
    }

    #[test]
    fn secrets_match_however_they_are_typed() {
        let secret = CaseSecret::generate().unwrap();
        assert_eq!(secret.expose().len(), 23);
        let typed = CaseSecret::from_presented(&secret.expose().to_lowercase().replace('-', ""));
        assert_eq!(typed.digest(), secret.digest());
        assert_ne!(CaseSecret::generate().unwrap().digest(), secret.digest());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let secret = CaseSecret::generate().unwrap();
        assert!(!format!("{secret:?}").contains(secret.expose()));
        let token = ApiToken::generate(TokenKind::Partner).unwrap();
        assert!(!format!("{token:?}").contains(token.expose()));
        assert!(token.expose().starts_with("tbp_"));
        let read = ApiToken::from_presented(token.expose()).unwrap();
        assert_eq!(read.kind(), TokenKind::Partner);
        assert_eq!(read.digest(), token.digest());
        assert!(ApiToken::from_presented("nope").is_none());
    }
}
