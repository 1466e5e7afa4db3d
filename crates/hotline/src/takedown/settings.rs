//! The `[takedown]` table of the hotline's configuration: whom notices go to and how, and
//! when reported addresses are checked again.

use crate::config::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The takedown settings (`[takedown]`). See `takeback serve --help` for each one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TakedownSettings {
    /// The operator's contacts file: which host's notices go to which e-mail address or
    /// webhook (`[[contact]]` tables with `host` and `email` or `webhook`).
    pub contacts_file: Option<PathBuf>,
    /// The SMTP server e-mailed notices go through: `smtp://host:port` (STARTTLS when the
    /// server offers it; `?tls=required` to insist), `smtps://host:port` (TLS from the
    /// start), with `user:password@` for credentials.
    pub smtp_url: Option<Secret>,
    /// The From of e-mailed notices.
    pub notice_from: String,
    /// The operator's own words at the end of every notice: the legal basis, and how to
    /// reach the hotline.
    pub notice_wording: String,
    /// The same words in other languages, by language code (`de = "…"`): a notice to a
    /// contact whose `language` is one of these carries them instead.
    pub notice_wordings: BTreeMap<String, String>,
    /// The address at which hosts reach this hotline (the base of the removal confirmation
    /// link in every notice), e.g. `https://hotline.example`. Without it the link is built
    /// from `listen`, which a host outside cannot usually reach.
    pub public_url: Option<String>,
    /// How long after a notice the address is first checked again.
    #[serde(with = "human")]
    pub first_recheck_after: Duration,
    /// How often it is checked again after that, until it is gone.
    #[serde(with = "human")]
    pub recheck_every: Duration,
    /// Still up this long after the last notice: another notice goes.
    #[serde(with = "human")]
    pub renotice_after: Duration,
    /// Still up this long after the first notice: the item goes back to an analyst as
    /// `escalated`.
    #[serde(with = "human")]
    pub escalate_after: Duration,
    /// How long one delivery of a notice (SMTP or webhook) may take before it is retried.
    #[serde(with = "human")]
    pub send_timeout: Duration,
    /// Look at every newly reported address once, and when it serves the reporting
    /// cases' own picture (PDQ within 31, or the same MD5 or SHA-256), make it actionable
    /// and send the notice without waiting for an analyst. Off by default: an analyst
    /// assesses every address.
    pub auto_notice_on_match: bool,
    /// Fetch addresses on private, loopback and other internal networks too. For tests
    /// only: a reported address must never make the hotline reach into its own network.
    pub allow_private_targets: bool,
    /// Where the RDAP bootstrap files are (`ipv4.json`, `ipv6.json`), by which a host's
    /// abuse contact is found when the contacts file has none for it.
    pub rdap_bootstrap_url: String,
}

impl TakedownSettings {
    /// The operator's words for a notice in `language` (its own, else the default).
    /// A regional language falls back to its language (`pt-BR` to `pt`).
    pub fn wording_for(&self, language: Option<&str>) -> &str {
        self.own_wording(language)
            .unwrap_or(self.notice_wording.as_str())
    }

    /// The words `notice_wordings` has for `language` or, for a regional one, its
    /// language; `None`: the default's.
    pub fn own_wording(&self, language: Option<&str>) -> Option<&str> {
        let code = language?;
        let find = |code: &str| {
            self.notice_wordings
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(code))
                .map(|(_, words)| words.as_str())
        };
        find(code).or_else(|| find(code.split(['-', '_']).next()?))
    }
}

impl Default for TakedownSettings {
    fn default() -> Self {
        const HOUR: u64 = 3600;
        TakedownSettings {
            contacts_file: None,
            smtp_url: None,
            notice_from: "Takeback hotline <takedown@hotline.invalid>".into(),
            notice_wording: String::new(),
            notice_wordings: BTreeMap::new(),
            public_url: None,
            // The IWF reports most notified content down within a working day; Project
            // Arachnid notices again every 24 hours (shared/REFERENCES.md).
            first_recheck_after: Duration::from_secs(4 * HOUR),
            recheck_every: Duration::from_secs(12 * HOUR),
            renotice_after: Duration::from_secs(24 * HOUR),
            escalate_after: Duration::from_secs(7 * 24 * HOUR),
            send_timeout: Duration::from_secs(30),
            auto_notice_on_match: false,
            allow_private_targets: false,
            rdap_bootstrap_url: "https://data.iana.org/rdap/".into(),
        }
    }
}

impl TakedownSettings {
    /// How long a sender holds a notice it is delivering: after that, another sender (or
    /// this one after a restart) may deliver it again with the same notice id.
    pub fn notice_lease(&self) -> Duration {
        self.send_timeout * 2 + Duration::from_secs(5)
    }
}

/// Reads a duration as people write it (`90s`, `24h`, `7d`); writes it back so.
pub mod human {
    use super::*;

    /// Reads a duration such as `1s`, `24h` or `7d`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        humantime::parse_duration(&text).map_err(|error| {
            serde::de::Error::custom(format!(
                "{text:?} is not a duration such as 30s, 24h or 7d ({error})"
            ))
        })
    }

    /// Writes a duration such as `1day 2h`.
    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&humantime::format_duration(*duration).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_people_write_them() {
        let settings: TakedownSettings = toml::from_str(
            "first_recheck_after = \"1s\"\nrecheck_every = \"90s\"\nrenotice_after = \"24h\"\nescalate_after = \"7d\"\n",
        )
        .unwrap();
        assert_eq!(settings.first_recheck_after, Duration::from_secs(1));
        assert_eq!(settings.recheck_every, Duration::from_secs(90));
        assert_eq!(settings.renotice_after, Duration::from_secs(86_400));
        assert_eq!(settings.escalate_after, Duration::from_secs(7 * 86_400));
        let error = toml::from_str::<TakedownSettings>("recheck_every = \"often\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a duration"), "{error}");
        assert!(toml::from_str::<TakedownSettings>("recheck_every = 5").is_err());
        assert!(toml::from_str::<TakedownSettings>("smtp = \"x\"").is_err());
    }

    #[test]
    fn they_survive_a_round_trip() {
        let settings = TakedownSettings::default();
        let text = toml::to_string(&settings).unwrap();
        let back: TakedownSettings = toml::from_str(&text).unwrap();
        assert_eq!(back.escalate_after, settings.escalate_after);
        assert!(!back.allow_private_targets);
    }
}
