//! `takeback matcher`: the service a platform runs beside its upload pipeline.

use crate::server::{LogFormat, init_logging, runtime, shutdown_signal};
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use takeback_matcher::{FeedPublicKey, Matcher, MatcherConfig, PartnerKey, SourceConfig};

/// Run the matcher: follow a hotline's hash list and answer "is this listed?" for the
/// platform's own services.
///
/// It keeps the list in memory and in --state (a restart resumes where it left off), syncs
/// every --sync-interval, and keeps matching on the last good list while a hotline is
/// unreachable. API: `POST /v1/match` (the image's bytes, or JSON `{"pdq": hex}`,
/// `{"md5": hex}`, `{"sha256": hex}`, `{"dihedral": [8 hex]}`), `POST /v1/outcomes`
/// (`{"id", "outcome": matched|removed|blocked_upload|false_positive}`, sent on to the
/// hotline as counts), `GET /v1/status`, `/healthz`, `/readyz` (200 once the list is
/// loaded) and `/metrics`. Images are hashed in memory and never kept. With --api-token,
/// the /v1/ routes ask for it.
///
/// For several hotlines, or list files, use --config (see config/matcher.example.toml);
/// options given here override the file.
#[derive(Debug, Args)]
pub struct MatcherArgs {
    /// A TOML file of settings: hotlines, list files, and everything below.
    #[arg(long, env = "TAKEBACK_MATCHER_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The hotline to follow (its base address, `https://…`).
    #[arg(long, value_name = "URL", requires = "key")]
    hotline: Option<String>,
    /// The platform's partner key for --hotline (`takeback partner add` prints it).
    #[arg(
        long,
        env = "TAKEBACK_PARTNER_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    key: Option<String>,
    /// The hotline's public key (the `public_key` its `GET /api/v1/keys` lists, which
    /// `takeback serve` prints at start): every page of its list must carry a checkpoint
    /// signed with it, or the page is refused and the last good list kept.
    #[arg(
        long,
        env = "TAKEBACK_HOTLINE_PUBLIC_KEY",
        value_name = "KEY",
        requires = "hotline",
        value_parser = clap::value_parser!(FeedPublicKey)
    )]
    public_key: Option<FeedPublicKey>,
    /// The hotline's name in answers, metrics and outcomes. [default: hotline]
    #[arg(long, value_name = "NAME", requires = "hotline")]
    name: Option<String>,
    /// A fixed list of PDQ hashes to match as well (a text list or a saved index); its
    /// entries are reported as not verified.
    #[arg(long, value_name = "FILE")]
    list: Option<PathBuf>,
    /// Address to listen on; keep it private to the platform. [default: 127.0.0.1:8090]
    #[arg(long, env = "TAKEBACK_MATCHER_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Where the lists and unsent outcomes are kept. [default: ./takeback-matcher]
    #[arg(long, env = "TAKEBACK_MATCHER_STATE", value_name = "DIR")]
    state: Option<PathBuf>,
    /// Seconds between syncs with the hotline. [default: 60]
    #[arg(long, value_name = "SECONDS")]
    sync_interval: Option<f64>,
    /// Seconds between sends of outcomes to the hotline. [default: 60]
    #[arg(long, value_name = "SECONDS")]
    feedback_interval: Option<f64>,
    /// Ask for this token (Authorization: Bearer <token>) on /metrics; without it the
    /// answer is 401. [default: none]
    #[arg(
        long,
        env = "TAKEBACK_MATCHER_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    metrics_token: Option<String>,
    /// Ask for this token (Authorization: Bearer <token>) on the API (/v1/match,
    /// /v1/outcomes, /v1/status); without it the answer is 401. /healthz, /readyz and
    /// /metrics do not ask for it. Set it whenever the matcher listens beyond this
    /// machine; `takeback scan --matcher` reads the same environment variable.
    /// [default: none]
    #[arg(
        long,
        env = "TAKEBACK_MATCHER_API_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    api_token: Option<String>,
    /// Most pages of the feed fetched in one sync; the rest waits for the next one.
    /// [default: 1000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_pages_per_sync: Option<u32>,
    /// How much shorter (in percent) a whole list fetched again, when the hotline says the
    /// position held is ahead of its feed, may be than the list held; a shorter one is
    /// refused and the list held kept. 100 accepts any. [default: 50]
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    max_shrink_percent: Option<u8>,
    /// Load a whole list by paging through the hotline's feed from the start, not from its
    /// signed snapshot (`use_snapshot = false` in the file).
    #[arg(long)]
    no_snapshot: bool,
    /// Largest PDQ distance that counts as a match (0-256). [default: 31]
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u32).range(0..=256))]
    max_distance: Option<u32>,
    /// Lowest PDQ quality searched (0-100); below it only exact MD5/SHA-256 matches count.
    /// [default: 50]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    quality_floor: Option<u8>,
    /// A video matches a listed one when at least this share (percent) of its distinct
    /// frames are within --max-distance of the listed video's. [default: 80]
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    video_query_threshold: Option<f64>,
    /// ... and at least this share (percent) of the listed video's frames are within
    /// --max-distance of its frames. Raise it (and lower --video-query-threshold) to find
    /// a listed clip inside longer footage. [default: 0]
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    video_listed_threshold: Option<f64>,
    /// Match only the picture as it is, not turned or mirrored (faster; dihedral matching
    /// is on by default).
    #[arg(long)]
    no_dihedral: bool,
    /// Memory all the images being decoded at once may take (`2GiB`, `512MiB`). An image
    /// whose header says it needs more is refused (413 `too_large_to_decode`); one that
    /// finds the memory taken waits up to 20 s, then is refused (503 `busy`).
    /// [default: 2GiB]
    #[arg(long, value_name = "SIZE", value_parser = crate::memory_size)]
    decode_memory: Option<u64>,
    /// Log format: `json` lines, or `text` for people. [default: text on a terminal, json
    /// otherwise]
    #[arg(long, env = "TAKEBACK_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
}

/// A percentage from 0 to 100.
fn percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=100.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a percentage from 0 to 100")),
    }
}

fn seconds(name: &str, value: f64) -> Result<Duration> {
    anyhow::ensure!(
        value.is_finite() && (0.1..=86_400.0).contains(&value),
        "--{name} is {value}: give a number of seconds from 0.1 to 86400"
    );
    Ok(Duration::from_secs_f64(value))
}

fn config(args: MatcherArgs) -> Result<MatcherConfig> {
    let mut config = match &args.config {
        Some(path) => MatcherConfig::from_file(path)?,
        None => MatcherConfig::new(PathBuf::new(), Vec::new()),
    };
    if let Some(state) = args.state {
        config.state_dir = state;
    } else if config.state_dir.as_os_str().is_empty() {
        config.state_dir = PathBuf::from("takeback-matcher");
    }
    if let Some(url) = args.hotline {
        let key = args.key.unwrap_or_default();
        let name = args.name.as_deref().unwrap_or("hotline");
        let mut source = SourceConfig::hotline(name, &url, PartnerKey::new(key));
        if let Some(public_key) = args.public_key {
            source = source.with_public_key(public_key);
        }
        config.sources.push(source);
    }
    if let Some(list) = args.list {
        let name = list
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("list")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>();
        config.sources.push(SourceConfig::file(&name, list, false));
    }
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(value) = args.sync_interval {
        config.sync.interval = seconds("sync-interval", value)?;
    }
    if let Some(value) = args.feedback_interval {
        config.sync.feedback_interval = seconds("feedback-interval", value)?;
    }
    if let Some(token) = &args.metrics_token {
        config.metrics_token = Some(
            takeback_matcher::MetricsToken::new(token)
                .context("the metrics token is empty: give a token, or leave the option out")?,
        );
    }
    if let Some(token) = &args.api_token {
        config.api_token = Some(
            takeback_matcher::BearerToken::new(token)
                .context("the API token is empty: give a token, or leave the option out")?,
        );
    }
    if let Some(value) = args.max_pages_per_sync {
        config.sync.max_pages_per_sync = value;
    }
    if let Some(value) = args.max_shrink_percent {
        config.sync.max_shrink_percent = value;
    }
    if args.no_snapshot {
        config.sync.use_snapshot = false;
    }
    if let Some(value) = args.max_distance {
        config.matching.max_distance = value;
    }
    if let Some(value) = args.quality_floor {
        config.matching.quality_floor = value;
    }
    if let Some(value) = args.video_query_threshold {
        config.matching.video_query_threshold = value / 100.0;
    }
    if let Some(value) = args.video_listed_threshold {
        config.matching.video_listed_threshold = value / 100.0;
    }
    if args.no_dihedral {
        config.matching.dihedral = false;
    }
    if let Some(bytes) = args.decode_memory {
        config.matching.decode_memory = bytes;
    }
    config.validate()?;
    Ok(config)
}

/// `takeback matcher`.
pub fn run(args: MatcherArgs) -> Result<()> {
    init_logging(args.log_format);
    let config = config(args)?;
    let listen = config.listen;
    if let Some(warning) = config.exposure_warning() {
        tracing::warn!("{warning}");
    }
    let state_dir = config.state_dir.clone();
    let matcher = Matcher::open(config)
        .with_context(|| format!("cannot open the matcher's state in {}", state_dir.display()))?;
    for list in matcher.status() {
        tracing::info!(
            list = list.name,
            entries = list.entries,
            loaded = list.loaded,
            "list opened"
        );
    }
    // The router installs the metrics recorder: built before the followers start, so that
    // what they count from their first sync (a refused list, say) is not lost.
    let router = takeback_matcher::router(matcher.clone());
    matcher.start();
    let served = runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        // The one line on stdout: scripts and tests read the address from it.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "takeback matcher listening on http://{address}");
        let _ = stdout.flush();
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("the matcher stopped")
    });
    matcher.stop();
    // Outcomes are on disk either way; this only saves waiting for the next start.
    if let Err(error) = matcher.flush_outcomes() {
        tracing::warn!(error = %error, "outcomes not sent before stopping; they are sent at the next start");
    }
    served
}
