//! What a matcher follows and how: in code ([`MatcherConfig::new`]) or from a TOML file
//! ([`MatcherConfig::from_file`], the format of `config/matcher.example.toml`).

use crate::types::MatchSettings;
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use takeback_fingerprint::DecodeBudget;
use takeback_service::BearerToken;
use takeback_service::metrics::MetricsToken;
use takeback_wire::chain::FeedPublicKey;

/// Why a configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's explanation, with the line.
        message: String,
    },
    /// A setting is out of range or missing.
    #[error("{0}")]
    Invalid(String),
}

/// A partner key for a hotline (`tbp_…`). Never printed: `Debug` shows only its start.
#[derive(Clone, PartialEq, Eq)]
pub struct PartnerKey(String);

impl PartnerKey {
    /// Wraps a key.
    pub fn new(key: String) -> Self {
        PartnerKey(key.trim().to_owned())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PartnerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartnerKey(…)")
    }
}

/// Where a list comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A hotline's feed, followed with a partner key.
    Hotline {
        /// The hotline's base address (`https://hotline.example.org`).
        url: String,
        /// The platform's partner key.
        key: PartnerKey,
        /// The hotline's public key (as `GET /api/v1/keys` lists it): every page's signed
        /// checkpoint must verify under it (or under a key it endorsed). Without it the
        /// chain is still followed, but a page whose checkpoint was forged along with it
        /// cannot be told from the hotline's.
        public_key: Option<Box<FeedPublicKey>>,
    },
    /// A fixed list of PDQ hashes: a text list (`hash` or `hash,id` per line) or an index
    /// saved by `takeback index build`. Read once at start; outcomes cannot be sent.
    File {
        /// The file.
        path: PathBuf,
        /// Whether its entries count as analyst-verified.
        verified: bool,
    },
}

/// One list the matcher holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceConfig {
    /// A short name, unique in the matcher: it names the list in answers and metrics, and
    /// its folder in the state directory. Letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// Where the list comes from.
    pub kind: SourceKind,
}

impl SourceConfig {
    /// A hotline followed with a partner key.
    pub fn hotline(name: &str, url: &str, key: PartnerKey) -> Self {
        SourceConfig {
            name: name.to_owned(),
            kind: SourceKind::Hotline {
                url: url.trim_end_matches('/').to_owned(),
                key,
                public_key: None,
            },
        }
    }

    /// The same hotline, its pages checked against the hotline's public key.
    pub fn with_public_key(mut self, key: FeedPublicKey) -> Self {
        if let SourceKind::Hotline { public_key, .. } = &mut self.kind {
            *public_key = Some(Box::new(key));
        }
        self
    }

    /// What the operator should know about how the list is followed: the transport and
    /// trust warnings.
    pub fn warnings(&self) -> Vec<String> {
        [self.transport_warning(), self.trust_warning()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// A warning when a hotline is followed without its public key: its list is then only
    /// as trustworthy as every hop on the way.
    pub fn trust_warning(&self) -> Option<String> {
        match &self.kind {
            SourceKind::Hotline {
                public_key: None, ..
            } => Some(format!(
                "hotline {:?} is followed without its public key: its checkpoints' signatures \
                 are not checked (set public_key, from the hotline's GET /api/v1/keys)",
                self.name
            )),
            _ => None,
        }
    }

    /// A fixed list file.
    pub fn file(name: &str, path: PathBuf, verified: bool) -> Self {
        SourceConfig {
            name: name.to_owned(),
            kind: SourceKind::File { path, verified },
        }
    }

    /// Where its files live in the state directory.
    pub(crate) fn state_dir(&self, state_dir: &Path) -> PathBuf {
        state_dir.join("lists").join(&self.name)
    }

    /// A warning when the list comes over plain `http://` from a host other than this
    /// machine: then anyone on the way can read the partner key and change the list.
    pub fn transport_warning(&self) -> Option<String> {
        let SourceKind::Hotline { url, .. } = &self.kind else {
            return None;
        };
        let rest = url.strip_prefix("http://")?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let host = match host.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
            None => host.rsplit_once(':').map_or(host, |(host, _)| host),
        };
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|address| address.is_loopback());
        (!loopback).then(|| {
            format!(
                "hotline {:?} is followed over plain http:// to {host}: anyone on the way can \
                 read the partner key and change the list; use https://",
                self.name
            )
        })
    }

    /// What identifies the list's origin in its saved files.
    pub(crate) fn origin(&self) -> String {
        match &self.kind {
            SourceKind::Hotline { url, .. } => url.clone(),
            SourceKind::File { path, .. } => path.display().to_string(),
        }
    }
}

/// How hotlines are followed and outcomes sent.
#[derive(Debug, Clone, Copy)]
pub struct SyncSettings {
    /// Time between syncs when the last one succeeded. Default 60 s.
    pub interval: Duration,
    /// Longest wait between retries after failures (the wait doubles from `interval / 4`
    /// up to this). Default 5 minutes.
    pub max_backoff: Duration,
    /// Time allowed for one HTTP request to a hotline. Default 60 s.
    pub timeout: Duration,
    /// Time between sends of recorded outcomes. Default 60 s.
    pub feedback_interval: Duration,
    /// Changes asked for per page of the feed; `None` for the hotline's default. At most
    /// [`MAX_PAGE_SIZE`].
    pub page_size: Option<u32>,
    /// Most pages fetched in one sync (default 1,000): a feed that never ends (a faulty or
    /// hostile hotline) cannot keep the follower, its disk and its memory busy forever. A
    /// sync cut short goes on from where it stopped at the next one; a whole-list refetch
    /// cut short is abandoned, and the list held kept.
    pub max_pages_per_sync: u32,
    /// How much shorter, in percent of the list held, a whole list fetched again (after
    /// the hotline said the matcher's position is ahead of its feed) may be and still
    /// replace it; default 50. A hotline restored from an old backup, or one that is not
    /// what it seems, would otherwise empty the list at a stroke. A shorter list is
    /// refused: the list held is kept, and the refusal logged, counted and shown in
    /// `/v1/status`. Set 100 to confirm a shrink the operator expects.
    pub max_shrink_percent: u8,
    /// Whether a whole list (the first, and after the hotline's history changed) is loaded
    /// from the hotline's signed snapshot (`GET /api/v1/hashlist/snapshot`) rather than by
    /// paging through its feed from the start; default yes. A hotline without snapshots,
    /// or a snapshot that cannot be used, falls back to the feed.
    pub use_snapshot: bool,
    /// Oldest a page's checkpoint may be when it arrives; default an hour. The hotline signs
    /// each answer when it sends it, so an older one is an old answer served again: a
    /// proxy or mirror withholding the list's news behind "nothing new" (or a hotline clock
    /// far off). Such a page is refused, and the status says so.
    pub max_checkpoint_age: Duration,
}

/// The largest page size a matcher asks for: the hotline's own largest page.
pub const MAX_PAGE_SIZE: u32 = 10_000;

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            interval: Duration::from_secs(60),
            max_backoff: Duration::from_secs(300),
            timeout: Duration::from_secs(60),
            feedback_interval: Duration::from_secs(60),
            page_size: None,
            max_pages_per_sync: 1_000,
            max_shrink_percent: 50,
            use_snapshot: true,
            max_checkpoint_age: Duration::from_secs(3600),
        }
    }
}

/// Everything a matcher needs.
#[derive(Debug, Clone)]
pub struct MatcherConfig {
    /// Where lists and unsent outcomes are kept.
    pub state_dir: PathBuf,
    /// The lists to hold.
    pub sources: Vec<SourceConfig>,
    /// How queries are answered.
    pub matching: MatchSettings,
    /// How hotlines are followed.
    pub sync: SyncSettings,
    /// Where `takeback matcher` listens. Default 127.0.0.1:8090.
    pub listen: SocketAddr,
    /// The bearer token `/metrics` asks for, if any (kept as its digest).
    pub metrics_token: Option<MetricsToken>,
    /// The bearer token the API (`/v1/…`) asks for, if any (kept as its digest). The
    /// health and readiness probes and `/metrics` (which has its own) do not ask for it.
    pub api_token: Option<BearerToken>,
}

/// The default listening address: loopback only, for the platform's own services.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8090";

impl MatcherConfig {
    /// The defaults, with these lists and state directory.
    pub fn new(state_dir: PathBuf, sources: Vec<SourceConfig>) -> Self {
        MatcherConfig {
            state_dir,
            sources,
            matching: MatchSettings::default(),
            sync: SyncSettings::default(),
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8090))),
            metrics_token: None,
            api_token: None,
        }
    }

    /// A warning when the API is open to other machines: listening on an address other
    /// than loopback with no API token, anyone who reaches it can match (and so probe the
    /// list) and report outcomes in the platform's name.
    pub fn exposure_warning(&self) -> Option<String> {
        (self.api_token.is_none() && !self.listen.ip().is_loopback()).then(|| {
            format!(
                "the matcher's API on {} is open to every machine that can reach it: set \
                 an API token (--api-token, api_token) or listen on 127.0.0.1",
                self.listen
            )
        })
    }

    /// Reads a TOML file (see `config/matcher.example.toml`). Keys may be given in the
    /// file, in a file of their own (`key_file`) or in an environment variable
    /// (`key_env`).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let file: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        // Relative paths in the file are relative to the file.
        let base = path.parent().unwrap_or(Path::new("."));
        let mut config = MatcherConfig::new(
            file.state_dir
                .map_or_else(PathBuf::new, |dir| base.join(dir)),
            Vec::new(),
        );
        if let Some(listen) = file.listen {
            config.listen = listen;
        }
        if let Some(token) = file.api_token {
            config.api_token = Some(BearerToken::new(&token).ok_or_else(|| {
                ConfigError::Invalid(
                    "api_token is empty: give a token, or leave the setting out".into(),
                )
            })?);
        }
        if let Some(token) = file.metrics_token {
            config.metrics_token = Some(MetricsToken::new(&token).ok_or_else(|| {
                ConfigError::Invalid(
                    "metrics_token is empty: give a token, or leave the setting out".into(),
                )
            })?);
        }
        let m = &mut config.matching;
        if let Some(v) = file.max_distance {
            m.max_distance = v;
        }
        if let Some(v) = file.quality_floor {
            m.quality_floor = v;
        }
        if let Some(v) = file.dihedral {
            m.dihedral = v;
        }
        if let Some(v) = file.max_image_bytes {
            m.limits.max_file_bytes = v;
        }
        if let Some(v) = file.max_image_pixels {
            m.limits.max_pixels = v;
        }
        if let Some(v) = file.video_query_threshold_percent {
            m.video_query_threshold = v / 100.0;
        }
        if let Some(v) = file.video_listed_threshold_percent {
            m.video_listed_threshold = v / 100.0;
        }
        if let Some(v) = file.seconds_per_hash {
            m.seconds_per_hash = v;
        }
        if let Some(v) = file.max_video_bytes {
            m.video_limits.max_file_bytes = v;
        }
        if let Some(v) = file.decode_memory_bytes {
            m.decode_memory = v;
        }
        let s = &mut config.sync;
        if let Some(v) = file.sync_interval_seconds {
            s.interval = seconds("sync_interval_seconds", v)?;
        }
        if let Some(v) = file.max_backoff_seconds {
            s.max_backoff = seconds("max_backoff_seconds", v)?;
        }
        if let Some(v) = file.request_timeout_seconds {
            s.timeout = seconds("request_timeout_seconds", v)?;
        }
        if let Some(v) = file.feedback_interval_seconds {
            s.feedback_interval = seconds("feedback_interval_seconds", v)?;
        }
        s.page_size = file.page_size;
        if let Some(v) = file.max_pages_per_sync {
            s.max_pages_per_sync = v;
        }
        if let Some(v) = file.max_shrink_percent {
            s.max_shrink_percent = v;
        }
        if let Some(v) = file.use_snapshot {
            s.use_snapshot = v;
        }
        if let Some(v) = file.max_checkpoint_age_seconds {
            s.max_checkpoint_age = seconds("max_checkpoint_age_seconds", v)?;
        }
        for hotline in file.hotline {
            let key = match (hotline.key, hotline.key_file, hotline.key_env) {
                (Some(key), None, None) => key,
                (None, Some(key_file), None) => {
                    let key_path = base.join(key_file);
                    std::fs::read_to_string(&key_path).map_err(|source| ConfigError::Read {
                        path: key_path,
                        source,
                    })?
                }
                (None, None, Some(variable)) => std::env::var(&variable).map_err(|_| {
                    ConfigError::Invalid(format!(
                        "hotline {:?}: the environment variable {variable} (key_env) is not set",
                        hotline.name
                    ))
                })?,
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "hotline {:?}: give its partner key as exactly one of key, key_file \
                         and key_env",
                        hotline.name
                    )));
                }
            };
            let mut source =
                SourceConfig::hotline(&hotline.name, &hotline.url, PartnerKey::new(key));
            if let Some(text) = hotline.public_key {
                let public_key = text.parse().map_err(|error| {
                    ConfigError::Invalid(format!("hotline {:?}: public_key: {error}", hotline.name))
                })?;
                source = source.with_public_key(public_key);
            }
            config.sources.push(source);
        }
        for list in file.list {
            config.sources.push(SourceConfig::file(
                &list.name,
                base.join(list.path),
                list.verified,
            ));
        }
        Ok(config)
    }

    /// Checks that the settings make sense together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |message: String| Err(ConfigError::Invalid(message));
        if self.sources.is_empty() {
            return invalid(
                "no hash list to follow: name a hotline (with its partner key) or a list file"
                    .into(),
            );
        }
        if self.state_dir.as_os_str().is_empty() {
            return invalid("no state directory: say where the lists are kept (state_dir)".into());
        }
        if self.matching.max_distance > 256 {
            return invalid(format!(
                "max_distance is {}: PDQ distances run from 0 to 256",
                self.matching.max_distance
            ));
        }
        if self.matching.quality_floor > 100 {
            return invalid(format!(
                "quality_floor is {}: PDQ quality runs from 0 to 100",
                self.matching.quality_floor
            ));
        }
        for (name, share) in [
            (
                "video_query_threshold_percent",
                self.matching.video_query_threshold,
            ),
            (
                "video_listed_threshold_percent",
                self.matching.video_listed_threshold,
            ),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return invalid(format!(
                    "{name} is {}: give a percentage from 0 to 100",
                    share * 100.0
                ));
            }
        }
        if self.matching.video_query_threshold == 0.0 && self.matching.video_listed_threshold == 0.0
        {
            return invalid(
                "video_query_threshold_percent and video_listed_threshold_percent are both 0: \
                 any video sharing one frame with a listed one would match it; raise one"
                    .into(),
            );
        }
        let seconds = self.matching.seconds_per_hash;
        if !(0.0..=3600.0).contains(&seconds) {
            return invalid(format!(
                "seconds_per_hash is {seconds}: give from 0 (every frame) to 3600 seconds"
            ));
        }
        if self.matching.video_limits.max_file_bytes == 0 {
            return invalid("max_video_bytes is 0: allow at least one byte".into());
        }
        if self.matching.decode_memory < DecodeBudget::MIN_BYTES {
            return invalid(format!(
                "decode_memory_bytes is {}: give at least {} (16 MiB), or no picture could be decoded",
                self.matching.decode_memory,
                DecodeBudget::MIN_BYTES
            ));
        }
        if self.sync.page_size == Some(0) {
            return invalid("page_size is 0: ask for at least one change a page (or leave it out for the hotline's default)".into());
        }
        if self.sync.page_size.is_some_and(|size| size > MAX_PAGE_SIZE) {
            return invalid(format!(
                "page_size is over {MAX_PAGE_SIZE}, the largest page a hotline gives"
            ));
        }
        if self.sync.max_pages_per_sync == 0 {
            return invalid("max_pages_per_sync is 0: allow at least one page a sync".into());
        }
        if self.sync.max_shrink_percent > 100 {
            return invalid(format!(
                "max_shrink_percent is {}: give a percentage from 0 to 100",
                self.sync.max_shrink_percent
            ));
        }
        if self.sync.interval.is_zero() || self.sync.feedback_interval.is_zero() {
            return invalid("sync and feedback intervals must be at least a second".into());
        }
        for (i, source) in self.sources.iter().enumerate() {
            let name = &source.name;
            if name.is_empty()
                || name.len() > 64
                || name.starts_with('.')
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return invalid(format!(
                    "list name {name:?}: use 1 to 64 letters, digits, '.', '_' or '-', not \
                     starting with '.'"
                ));
            }
            if self.sources[..i].iter().any(|other| &other.name == name) {
                return invalid(format!("two lists are named {name:?}: names must differ"));
            }
            if let SourceKind::Hotline { url, key, .. } = &source.kind {
                if !(url.starts_with("https://") || url.starts_with("http://"))
                    || url.contains(char::is_whitespace)
                {
                    return invalid(format!(
                        "hotline {name:?}: {url:?} is not an http:// or https:// address"
                    ));
                }
                if key.expose().is_empty() || key.expose().contains(char::is_whitespace) {
                    return invalid(format!(
                        "hotline {name:?}: the partner key is empty or malformed"
                    ));
                }
            }
        }
        Ok(())
    }
}

fn seconds(name: &str, value: f64) -> Result<Duration, ConfigError> {
    if value.is_finite() && (0.1..=86_400.0).contains(&value) {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(ConfigError::Invalid(format!(
            "{name} is {value}: give a number of seconds from 0.1 to 86400"
        )))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    metrics_token: Option<String>,
    api_token: Option<String>,
    state_dir: Option<PathBuf>,
    max_distance: Option<u32>,
    quality_floor: Option<u8>,
    dihedral: Option<bool>,
    max_image_bytes: Option<u64>,
    max_image_pixels: Option<u64>,
    video_query_threshold_percent: Option<f64>,
    video_listed_threshold_percent: Option<f64>,
    seconds_per_hash: Option<f64>,
    max_video_bytes: Option<u64>,
    decode_memory_bytes: Option<u64>,
    sync_interval_seconds: Option<f64>,
    max_backoff_seconds: Option<f64>,
    request_timeout_seconds: Option<f64>,
    feedback_interval_seconds: Option<f64>,
    page_size: Option<u32>,
    max_pages_per_sync: Option<u32>,
    max_shrink_percent: Option<u8>,
    use_snapshot: Option<bool>,
    max_checkpoint_age_seconds: Option<f64>,
    #[serde(default)]
    hotline: Vec<HotlineEntry>,
    #[serde(default)]
    list: Vec<ListFileEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HotlineEntry {
    name: String,
    url: String,
    key: Option<String>,
    key_file: Option<PathBuf>,
    key_env: Option<String>,
    public_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFileEntry {
    name: String,
    path: PathBuf,
    #[serde(default)]
    verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_warned_about_only_off_this_machine() {
        let key = || PartnerKey::new("tbp_x".into());
        for (url, warned) in [
            ("https://hotline.example", false),
            ("http://127.0.0.1:8080", false),
            ("http://localhost:8080/", false),
            ("http://[::1]:8080", false),
            ("http://hotline.example", true),
            ("http://10.0.0.5:8080", true),
            ("http://127.0.0.1.evil.example", true),
        ] {
            let source = SourceConfig::hotline("h", url, key());
            assert_eq!(source.transport_warning().is_some(), warned, "{url}");
        }
    }

    #[test]
    fn an_api_open_to_other_machines_is_warned_about() {
        let mut config = MatcherConfig::new(PathBuf::from("state"), Vec::new());
        assert!(config.exposure_warning().is_none());
        config.listen = "0.0.0.0:8090".parse().expect("address");
        assert!(config.exposure_warning().is_some());
        config.api_token = BearerToken::new("t0ken");
        assert!(config.exposure_warning().is_none());
        config.api_token = None;
        config.listen = "[::1]:8090".parse().expect("address");
        assert!(config.exposure_warning().is_none());
    }

    #[test]
    fn an_empty_api_token_in_the_file_is_refused() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("matcher.toml");
        std::fs::write(&path, "api_token = \"  \"\n").expect("write");
        let error = MatcherConfig::from_file(&path).expect_err("refused");
        assert!(error.to_string().contains("api_token is empty"), "{error}");
        std::fs::write(&path, "api_token = \"s3cret\"\n").expect("write");
        let config = MatcherConfig::from_file(&path).expect("reads");
        assert!(
            config
                .api_token
                .is_some_and(|token| token.matches("s3cret"))
        );
    }

    #[test]
    fn the_example_file_reads_with_the_defaults_it_shows() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let example = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/matcher.example.toml"
        );
        let text = std::fs::read_to_string(example).expect("example");
        // The key file it names is made here.
        let key = dir.path().join("hotline.key");
        std::fs::write(&key, "tbp_example\n").expect("key");
        let text = text.replace("/etc/takeback/hotline.key", key.to_str().expect("path"));
        let path = dir.path().join("matcher.toml");
        std::fs::write(&path, text).expect("write");
        let config = MatcherConfig::from_file(&path).expect("example reads");
        config.validate().expect("example is valid");
        let defaults = MatcherConfig::new(PathBuf::new(), Vec::new());
        assert_eq!(config.listen, defaults.listen);
        assert_eq!(config.matching.max_distance, defaults.matching.max_distance);
        assert_eq!(
            config.matching.quality_floor,
            defaults.matching.quality_floor
        );
        assert_eq!(config.matching.dihedral, defaults.matching.dihedral);
        assert_eq!(config.matching.video_rule(), defaults.matching.video_rule());
        assert_eq!(
            config.matching.seconds_per_hash,
            defaults.matching.seconds_per_hash
        );
        assert_eq!(config.matching.video_limits, defaults.matching.video_limits);
        assert_eq!(
            config.matching.limits.max_file_bytes,
            defaults.matching.limits.max_file_bytes
        );
        assert_eq!(
            config.matching.limits.max_pixels,
            defaults.matching.limits.max_pixels
        );
        assert_eq!(
            config.matching.decode_memory,
            defaults.matching.decode_memory
        );
        assert_eq!(config.sync.interval, defaults.sync.interval);
        assert_eq!(config.sync.max_backoff, defaults.sync.max_backoff);
        assert_eq!(config.sync.timeout, defaults.sync.timeout);
        assert_eq!(
            config.sync.feedback_interval,
            defaults.sync.feedback_interval
        );
        assert_eq!(config.sync.use_snapshot, defaults.sync.use_snapshot);
        assert_eq!(
            config.sync.max_checkpoint_age,
            defaults.sync.max_checkpoint_age
        );
        assert_eq!(config.state_dir, PathBuf::from("/var/lib/takeback-matcher"));
        let public_key = "MFw2CGG/j/MkFVA6o/d3yeQ+sHo5hV99edv3I9TeJUM="
            .parse()
            .expect("the example's public key");
        assert_eq!(
            config.sources,
            [SourceConfig::hotline(
                "hotline",
                "https://hotline.example.org",
                PartnerKey::new("tbp_example".into())
            )
            .with_public_key(public_key)]
        );
        // A public key that is not one is refused with the hotline's name.
        let text = std::fs::read_to_string(&path)
            .expect("example")
            .replace("MFw2CGG/j/MkFVA6o/d3yeQ+sHo5hV99edv3I9TeJUM=", "not a key");
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, text).expect("write");
        let error = MatcherConfig::from_file(&broken).expect_err("a bad key");
        assert!(
            error
                .to_string()
                .contains("hotline \"hotline\": public_key"),
            "{error}"
        );
    }
}
