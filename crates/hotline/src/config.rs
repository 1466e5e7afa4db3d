//! The hotline's settings: defaults, then a TOML file, then environment variables and
//! command-line options (which the `takeback` command applies on top).

use crate::console::ConsoleSettings;
use crate::store::{ListingPolicy, redact_url};
use crate::takedown::settings::TakedownSettings;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use takeback_pages::{PagesSettings, SupportContacts};

/// Every setting of `takeback serve`. See `takeback serve --help` for each one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `sqlite://FILE` (or a path) or `postgres://…`.
    pub database: DatabaseUrl,
    /// Most connections to PostgreSQL per process.
    pub max_connections: u32,
    /// What happens to self-reported fingerprints.
    pub listing_policy: ListingPolicy,
    /// Lowest PDQ quality accepted.
    pub min_pdq_quality: u8,
    /// Most fingerprints in one report.
    pub max_hashes_per_report: usize,
    /// Most URLs in one report.
    pub max_urls_per_report: usize,
    /// Most sampled frames in one reported video.
    pub max_frames_per_video: usize,
    /// Most videos in one report.
    pub max_videos_per_report: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// File of PDQ hashes that may never be listed.
    pub guard_list: Option<PathBuf>,
    /// File of known harmless files' MD5 and SHA-256 (`md5:HEX` / `sha256:HEX` lines)
    /// that may never be listed.
    pub exact_guard_list: Option<PathBuf>,
    /// How near a guard-list hash (or one of its turned variants) counts as the same
    /// picture: the match radius (31) plus how far a near copy moves.
    pub guard_distance: u32,
    /// How often, in seconds, the guard files are read again while the hotline runs (0:
    /// only at start). A changed list is put in force and applied to the entries already
    /// stored.
    pub guard_list_reload_seconds: u64,
    /// New MD5/SHA-256 fingerprints one source may have listed per hour; beyond it they are
    /// held for an analyst (0: no limit).
    pub exact_hashes_per_source_per_hour: u32,
    /// New unverified listings per hour across the whole service under the
    /// publish-unverified policy; beyond it new entries are held for an analyst (0: no
    /// limit).
    pub new_listings_per_hour: u32,
    /// The IPv6 prefix length counted as one source by the throttles (0 to 128).
    pub ipv6_source_prefix: u8,
    /// New reports accepted per source per hour (0: no limit).
    pub reports_per_source_per_hour: u32,
    /// Failed case look-ups allowed per source per hour (0: no limit). A source past it
    /// may still open a case with the right secret.
    pub failed_case_lookups_per_source_per_hour: u32,
    /// Failed look-ups of one case number allowed per hour, from all sources together;
    /// past it the case number cannot be opened until the hour is over (0: no limit).
    pub failed_case_lookups_per_case_per_hour: u32,
    /// A secret mixed into the keys of the throttles' hashes, so that someone who reads
    /// the database (where PostgreSQL keeps the counts) cannot test addresses against them.
    pub throttle_secret: Option<Secret>,
    /// Distinct partners whose false-positive reports suspend an entry.
    pub false_positive_partners_to_suspend: u32,
    /// Take the client address from X-Forwarded-For, and whether the request came over
    /// HTTPS from X-Forwarded-Proto (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// When answers carry Strict-Transport-Security.
    pub hsts: Hsts,
    /// Most changes in one page of the hash list.
    pub hashlist_page_limit: u32,
    /// How long, in seconds, the entries of a snapshot of the list are sent again (signed
    /// afresh) after the list has changed, rather than read from the database again for
    /// each partner; a partner given an older position follows the feed from it (0: every
    /// snapshot is read from the database).
    pub snapshot_reuse_seconds: u64,
    /// A separate address for `/metrics` (then the main address does not serve it).
    pub metrics_listen: Option<SocketAddr>,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<Secret>,
    /// The file holding the key that signs the feed's checkpoints (a PKCS#8 PEM Ed25519
    /// private key, or its seed in base64), kept out of the database and its backups.
    /// Without it the hotline makes a key on first start and keeps it in the database.
    pub signing_key_file: Option<std::path::PathBuf>,
    /// The reporter pages (`[pages]`).
    pub pages: PagesSettings,
    /// Where the pages tell people to get help (`[support]`): set these for your country.
    pub support: SupportContacts,
    /// Notices to the hosts of reported addresses, and re-checks (`[takedown]`).
    pub takedown: TakedownSettings,
    /// The analyst console (`[console]`).
    pub console: ConsoleSettings,
}

/// When the hotline's answers carry `Strict-Transport-Security` (HTTPS only, for a year),
/// which tells a browser never to come back over plain HTTP. The hotline does not terminate
/// TLS itself: the proxy in front does, and says so, or the operator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hsts {
    /// On the answers to requests that the trusted reverse proxy (`trust_forwarded_for`)
    /// says came over HTTPS (`X-Forwarded-Proto: https`); without a trusted proxy, never.
    Auto,
    /// On every answer: every client reaches the hotline over HTTPS (say, through a load
    /// balancer that does not send `X-Forwarded-Proto`).
    Always,
    /// Never (say, the proxy sets it itself).
    Off,
}

/// The default largest request body, 3.5 MiB: a report of the default most videos (4) at
/// the default most frames (7,200 each), every frame about 120 bytes of JSON with a
/// timestamp at full precision, is 3.3 MiB. It stays under the 4 MiB that the server
/// drains of an oversized body, so that a client still sending reads the 413.
pub const DEFAULT_MAX_BODY_BYTES: usize = 3584 * 1024;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://takeback.db";

impl Default for HotlineConfig {
    fn default() -> Self {
        HotlineConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: DatabaseUrl::new(DEFAULT_DATABASE),
            max_connections: 10,
            listing_policy: ListingPolicy::PublishUnverified,
            min_pdq_quality: takeback_pdq::RECOMMENDED_MIN_QUALITY,
            max_hashes_per_report: 100,
            max_urls_per_report: 50,
            max_frames_per_video: crate::report::DEFAULT_MAX_FRAMES_PER_VIDEO,
            max_videos_per_report: crate::report::DEFAULT_MAX_VIDEOS_PER_REPORT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            guard_list: None,
            exact_guard_list: None,
            guard_distance: crate::guard::DEFAULT_GUARD_DISTANCE,
            guard_list_reload_seconds: 30,
            exact_hashes_per_source_per_hour: 40,
            new_listings_per_hour: 2000,
            ipv6_source_prefix: crate::throttle::DEFAULT_IPV6_SOURCE_PREFIX,
            reports_per_source_per_hour: 30,
            failed_case_lookups_per_source_per_hour: 20,
            failed_case_lookups_per_case_per_hour: 10,
            throttle_secret: None,
            false_positive_partners_to_suspend: 2,
            trust_forwarded_for: false,
            hsts: Hsts::Auto,
            hashlist_page_limit: 10_000,
            snapshot_reuse_seconds: 300,
            metrics_listen: None,
            metrics_token: None,
            signing_key_file: None,
            pages: PagesSettings::default(),
            support: SupportContacts::default(),
            takedown: TakedownSettings::default(),
            console: ConsoleSettings::default(),
        }
    }
}

/// A database URL. It may hold a password, so `Debug` and `Display` show it with the
/// password replaced by `***`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(url.into())
    }

    /// The URL itself, password included, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Ok(DatabaseUrl::new(url))
    }
}

/// A secret setting (the metrics token, the throttle secret): `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why the configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// It could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not valid TOML or has unknown or mistyped settings.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, with its place.
        source: Box<toml::de::Error>,
    },
}

impl HotlineConfig {
    /// Reads a TOML file; settings it leaves out keep their defaults.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.display().to_string(),
            source: Box::new(source),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_overrides_only_what_it_names() {
        let config: HotlineConfig =
            toml::from_str("listing_policy = \"hold_for_analyst\"\nmin_pdq_quality = 70\n")
                .unwrap();
        assert_eq!(config.listing_policy, ListingPolicy::HoldForAnalyst);
        assert_eq!(config.min_pdq_quality, 70);
        assert_eq!(config.database.expose(), DEFAULT_DATABASE);
        let throttles: HotlineConfig =
            toml::from_str("failed_case_lookups_per_case_per_hour = 3\nthrottle_secret = \"x\"\n")
                .unwrap();
        assert_eq!(throttles.failed_case_lookups_per_case_per_hour, 3);
        assert_eq!(throttles.throttle_secret, Some(Secret::new("x")));
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        let config = HotlineConfig {
            database: DatabaseUrl::new(
                "postgres://hotline:s3cret@db.example/takeback?sslmode=require",
            ),
            throttle_secret: Some(Secret::new("pepper-for-the-throttles")),
            ..HotlineConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("pepper"), "{shown}");
        assert!(shown.contains("postgres://hotline:***@db.example/takeback?sslmode=require"));
        assert_eq!(
            redact_url("postgres://db.example/t?user=a&password=pw"),
            "postgres://db.example/t?user=a&password=***"
        );
        assert_eq!(redact_url("sqlite://takeback.db"), "sqlite://takeback.db");
    }

    #[test]
    fn the_example_file_is_valid_and_replaces_every_placeholder() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/hotline.example.toml");
        let config = HotlineConfig::from_file(&path).unwrap();
        assert!(config.support.placeholders().is_empty());
        config.support.validate().unwrap();
        assert_eq!(config.support.emergency_number, "999");
        assert_eq!(config.pages.quick_exit_url, "https://www.bbc.co.uk/weather");
    }

    #[test]
    fn unknown_settings_are_refused() {
        assert!(toml::from_str::<HotlineConfig>("lisen = \"0.0.0.0:80\"").is_err());
        assert!(toml::from_str::<HotlineConfig>("hsts = \"sometimes\"").is_err());
        assert!(toml::from_str::<HotlineConfig>("hsts = true").is_err());
    }

    #[test]
    fn hsts_is_read_in_snake_case_and_is_auto_by_default() {
        assert_eq!(HotlineConfig::default().hsts, Hsts::Auto);
        for (text, hsts) in [
            ("hsts = \"auto\"", Hsts::Auto),
            ("hsts = \"always\"", Hsts::Always),
            ("hsts = \"off\"", Hsts::Off),
        ] {
            assert_eq!(toml::from_str::<HotlineConfig>(text).unwrap().hsts, hsts);
        }
    }
}
