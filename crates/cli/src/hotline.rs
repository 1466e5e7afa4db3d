//! `takeback serve`, `takeback partner add` and `takeback analyst add`.

use crate::server::{LogFormat, init_logging, runtime, shutdown_signal};
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use takeback_hotline::config::{DEFAULT_DATABASE, DatabaseUrl};
use takeback_hotline::secrets::TokenKind;
use takeback_hotline::store::{AnalystRole, COMMAND_LINE};
use takeback_hotline::{HotlineConfig, Hsts, ListingPolicy, Secret, Store};

/// Where the database is: shared by every command that touches it.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// The database: `sqlite://FILE` (or a file path) for the embedded default, or
    /// `postgres://USER@HOST/DB` to share one database between several servers.
    /// [default: sqlite://takeback.db, in the working directory]
    #[arg(long, env = "TAKEBACK_DATABASE_URL", value_name = "URL")]
    database: Option<DatabaseUrl>,
}

/// Run the hotline: the reporter pages (at /), reports of fingerprints and URLs, the hash
/// list for partners, and the analysts' API.
///
/// Settings come from the defaults, then the --config file (TOML, with the same names as
/// the options below, in snake_case), then environment variables, then these options. The
/// pages' help contacts ([support]) and their other settings ([pages]) are set in the file:
/// see config/hotline.example.toml.
/// With no settings at all it stores everything in ./takeback.db and listens on
/// 127.0.0.1:8080. Logs never contain case secrets, keys, submitted hashes or client
/// addresses.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A TOML file of settings.
    #[arg(long, env = "TAKEBACK_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    database: DatabaseArg,
    /// Address to listen on (port 0 picks a free one). [default: 127.0.0.1:8080]
    #[arg(long, env = "TAKEBACK_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// What happens to self-reported fingerprints: publish them at once marked unverified,
    /// or hold them until an analyst lists them. [default: publish-unverified]
    #[arg(long, env = "TAKEBACK_LISTING_POLICY", value_enum)]
    listing_policy: Option<Policy>,
    /// Lowest PDQ quality accepted (0-100); below it a picture has too little detail to
    /// match safely. [default: 50]
    #[arg(long, env = "TAKEBACK_MIN_PDQ_QUALITY", value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_pdq_quality: Option<u8>,
    /// A file of PDQ hashes (one per line) that may never be listed: widely shared benign
    /// pictures. Their rotations and mirrors are derived and guarded too, but from a hash
    /// only the transpose comes out exact, so list all eight (`takeback hash --dihedral`)
    /// for exact cover.
    #[arg(long, env = "TAKEBACK_GUARD_LIST", value_name = "FILE")]
    guard_list: Option<PathBuf>,
    /// A file of known harmless files' exact fingerprints that may never be listed: one
    /// `md5:HEX` or `sha256:HEX` per line; `#` starts a comment line.
    #[arg(long, env = "TAKEBACK_EXACT_GUARD_LIST", value_name = "FILE")]
    exact_guard_list: Option<PathBuf>,
    /// How near (in bits) a reported PDQ hash must be to a guard-list hash, or to one of
    /// its eight rotations and mirrors, never to be listed: the matchers' radius (31) plus
    /// how far a near copy of a picture moves its hash. [default: 48]
    #[arg(long, env = "TAKEBACK_GUARD_DISTANCE", value_name = "BITS", value_parser = clap::value_parser!(u32).range(0..=256))]
    guard_distance: Option<u32>,
    /// How often (in seconds) the guard files are read again while the hotline runs; 0
    /// reads them only at start. A changed list is in force at once, and a fingerprint
    /// already listed that it guards leaves the list (suspended, reason `guarded`, until
    /// an analyst decides); a list that does not parse is logged and the old one kept.
    /// [default: 30]
    #[arg(
        long,
        env = "TAKEBACK_GUARD_LIST_RELOAD_SECONDS",
        value_name = "SECONDS"
    )]
    guard_list_reload_seconds: Option<u64>,
    /// New MD5 and SHA-256 fingerprints one source may have listed per hour; beyond it
    /// they are held for an analyst (the report is still accepted). 0 for no limit.
    /// [default: 40]
    #[arg(
        long,
        env = "TAKEBACK_EXACT_HASHES_PER_SOURCE_PER_HOUR",
        value_name = "N"
    )]
    exact_hashes_per_source_per_hour: Option<u32>,
    /// New unverified listings per clock hour across the whole service (every process
    /// sharing the database) under publish-unverified; beyond it new entries are held for
    /// an analyst and the metric takeback_flood_brake_engaged is 1. 0 for no limit.
    /// [default: 2000]
    #[arg(long, env = "TAKEBACK_NEW_LISTINGS_PER_HOUR", value_name = "N")]
    new_listings_per_hour: Option<u32>,
    /// How many leading bits of an IPv6 address the throttles count as one source.
    /// [default: 48]
    #[arg(long, env = "TAKEBACK_IPV6_SOURCE_PREFIX", value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=128))]
    ipv6_source_prefix: Option<u8>,
    /// New reports accepted from one source per hour; 0 for no limit. Sources are told
    /// apart by a keyed hash of their address: kept in memory with SQLite, and with
    /// PostgreSQL in the database (so that every server sharing it counts together) for
    /// the hour only. [default: 30]
    #[arg(long, env = "TAKEBACK_REPORTS_PER_SOURCE_PER_HOUR", value_name = "N")]
    reports_per_source_per_hour: Option<u32>,
    /// Wrong case numbers or secrets allowed from one source per hour; past it a wrong
    /// one is answered 429, while the right secret still opens its case (many people may
    /// share one address). 0 for no limit. [default: 20]
    #[arg(
        long,
        env = "TAKEBACK_FAILED_CASE_LOOKUPS_PER_SOURCE_PER_HOUR",
        value_name = "N"
    )]
    failed_case_lookups_per_source_per_hour: Option<u32>,
    /// Wrong secrets allowed for one case number per hour, from all sources together; past
    /// it the case cannot be opened until the hour is over, even with the right secret.
    /// Unknown case numbers are counted alike. 0 for no limit. [default: 10]
    #[arg(
        long,
        env = "TAKEBACK_FAILED_CASE_LOOKUPS_PER_CASE_PER_HOUR",
        value_name = "N"
    )]
    failed_case_lookups_per_case_per_hour: Option<u32>,
    /// A secret mixed into the keys of the throttles' hashes of addresses and case
    /// numbers. With PostgreSQL the hashes and each hour's key are kept in the database
    /// for the hour; with this secret, which is never stored, someone who reads the
    /// database cannot test addresses against them. Give every server sharing a database
    /// the same one. [default: none]
    #[arg(
        long,
        env = "TAKEBACK_THROTTLE_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    throttle_secret: Option<String>,
    /// How many distinct partners must report an entry as a false positive to suspend it
    /// until an analyst decides. [default: 2]
    #[arg(long, env = "TAKEBACK_FALSE_POSITIVE_PARTNERS_TO_SUSPEND", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    false_positive_partners_to_suspend: Option<u32>,
    /// Most fingerprints in one report. [default: 100]
    #[arg(long, env = "TAKEBACK_MAX_HASHES_PER_REPORT", value_name = "N")]
    max_hashes_per_report: Option<usize>,
    /// Most sampled frames in one reported video (vPDQ). [default: 7200]
    #[arg(long, env = "TAKEBACK_MAX_FRAMES_PER_VIDEO", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_frames_per_video: Option<u32>,
    /// Most videos in one report. [default: 4]
    #[arg(long, env = "TAKEBACK_MAX_VIDEOS_PER_REPORT", value_name = "N")]
    max_videos_per_report: Option<usize>,
    /// Largest request body in bytes (the default fits a report of 4 videos of 7,200
    /// frames). [default: 3670016]
    #[arg(long, env = "TAKEBACK_MAX_BODY_BYTES", value_name = "BYTES")]
    max_body_bytes: Option<usize>,
    /// How long, in seconds, the entries of a snapshot of the list
    /// (/api/v1/hashlist/snapshot) are sent again, signed afresh, after the list has
    /// changed, instead of being read from the database again for each partner (who then
    /// follows the feed from the snapshot's position); 0: read each from the database.
    /// The copy is kept in an unnamed temporary file (under TMPDIR). [default: 300]
    #[arg(long, env = "TAKEBACK_SNAPSHOT_REUSE_SECONDS", value_name = "SECONDS")]
    snapshot_reuse_seconds: Option<u64>,
    /// Most PostgreSQL connections per server process. [default: 10]
    #[arg(long, env = "TAKEBACK_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<u32>,
    /// Take the client's address from X-Forwarded-For (and, for --hsts auto, whether it
    /// came over HTTPS from X-Forwarded-Proto); set this only behind a reverse proxy that
    /// sets the headers, or anyone can dodge the throttles.
    #[arg(long, env = "TAKEBACK_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// When answers carry Strict-Transport-Security (HTTPS only, for a year): `auto` on
    /// requests the trusted proxy (--trust-forwarded-for) says came over HTTPS
    /// (X-Forwarded-Proto: https), else never; `always` when every client reaches the
    /// hotline over HTTPS; `off` when the proxy sets it itself. The hotline serves plain
    /// HTTP: put it behind a proxy that terminates TLS. [default: auto]
    #[arg(long, env = "TAKEBACK_HSTS", value_enum)]
    hsts: Option<HstsArg>,
    /// Serve /metrics only on this address (say, one only the monitoring network reaches);
    /// the main address then answers 404 for it. [default: /metrics on the main address]
    #[arg(long, env = "TAKEBACK_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// Ask for this token (Authorization: Bearer <token>) on /metrics; without it the
    /// answer is 401. Prefer the environment variable or the file to the command line,
    /// where other users of the machine may see it. [default: none]
    #[arg(
        long,
        env = "TAKEBACK_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    metrics_token: Option<String>,
    /// The file holding the key that signs the hash list's checkpoints: a PKCS#8 PEM
    /// Ed25519 private key (`openssl genpkey -algorithm ed25519 -out FILE`) or its 32-byte
    /// seed in base64. Its secret is never stored in the database (nor in its backups);
    /// a new file takes over from the key signing until then, which announces it when its
    /// secret is at hand. [default: a key made on first start, kept in the database]
    #[arg(long, env = "TAKEBACK_SIGNING_KEY_FILE", value_name = "FILE")]
    signing_key_file: Option<PathBuf>,
    /// Log format: `json` lines, or `text` for people. [default: text on a terminal, json
    /// otherwise]
    #[arg(long, env = "TAKEBACK_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    #[command(flatten)]
    takedown: crate::takedown::TakedownArgs,
}

/// The listing policy, as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Policy {
    PublishUnverified,
    HoldForAnalyst,
}

/// When answers carry Strict-Transport-Security, as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum HstsArg {
    Auto,
    Always,
    Off,
}

/// Partner platforms: the services that receive the hash list.
#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Add a partner and print its API key on stdout, once (only its hash is stored).
    Add(NamedArgs),
    /// Revoke a partner's key at once (it stays in the audit log by name).
    Revoke(NamedArgs),
    /// List partners: name, date added, and whether revoked.
    List(DatabaseArg),
    /// List the keys that sign the list's checkpoints, newest first: public key, date made,
    /// signing or retired, and the key that announced it. Partners configure the public key
    /// (`takeback matcher --public-key`); it is also at `GET /api/v1/keys`.
    Keys(DatabaseArg),
    /// Make a new key to sign the list's checkpoints, announced (signed) by the one signing
    /// now, which is retired. Partners who trust the old key follow the announcement; restart
    /// `takeback serve` to sign with the new key.
    RotateKey(DatabaseArg),
    /// Write the current list to a file in a format other systems read (python-threatexchange's
    /// signal file, CSV, TSV, JSON lines), sealed with the signing key beside it.
    Export(crate::export::ExportArgs),
}

/// Analysts: the people who review held and suspended entries.
#[derive(Debug, Subcommand)]
pub enum AnalystCommand {
    /// Add an analyst and print their token on stdout, once (only its hash is stored).
    Add(AnalystAddArgs),
    /// Change an analyst's role (`analyst` or `admin`).
    Role(AnalystRoleArgs),
    /// Revoke an analyst's token at once (they stay in the audit log by name).
    Revoke(NamedArgs),
    /// List analysts: name, date added, and whether revoked.
    List(DatabaseArg),
    /// Write every reported address's takedown history as CSV (state, when reported,
    /// noticed and removed, time to removal) for a transparency report: no case, reporter
    /// or fingerprint is in it.
    ExportTakedown(crate::takedown::ExportArgs),
}

/// An analyst's role in the console.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    /// Reviews entries and reported addresses, reads cases and the audit log.
    Analyst,
    /// Also manages partners and analysts in the console.
    Admin,
}

impl From<RoleArg> for AnalystRole {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Analyst => AnalystRole::Analyst,
            RoleArg::Admin => AnalystRole::Admin,
        }
    }
}

/// `takeback analyst add`.
#[derive(Debug, Args)]
pub struct AnalystAddArgs {
    #[command(flatten)]
    named: NamedArgs,
    /// What they may do in the console.
    #[arg(long, value_enum, default_value = "analyst")]
    role: RoleArg,
}

/// `takeback analyst role`.
#[derive(Debug, Args)]
pub struct AnalystRoleArgs {
    /// The analyst's name.
    name: String,
    /// The new role.
    #[arg(value_enum)]
    role: RoleArg,
    #[command(flatten)]
    database: DatabaseArg,
}

/// A name and the database.
#[derive(Debug, Args)]
pub struct NamedArgs {
    /// A name to recognise them by in the audit log.
    name: String,
    #[command(flatten)]
    database: DatabaseArg,
}

impl DatabaseArg {
    pub(crate) fn url(&self) -> DatabaseUrl {
        self.database
            .clone()
            .unwrap_or_else(|| DatabaseUrl::new(DEFAULT_DATABASE))
    }
}

/// `takeback serve`.
pub fn serve(args: ServeArgs) -> Result<()> {
    let mut config = match &args.config {
        Some(path) => HotlineConfig::from_file(path)?,
        None => HotlineConfig::default(),
    };
    if let Some(url) = args.database.database {
        config.database = url;
    }
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(policy) = args.listing_policy {
        config.listing_policy = match policy {
            Policy::PublishUnverified => ListingPolicy::PublishUnverified,
            Policy::HoldForAnalyst => ListingPolicy::HoldForAnalyst,
        };
    }
    macro_rules! set {
        ($($field:ident),*) => {$(if let Some(value) = args.$field { config.$field = value; })*};
    }
    set!(
        min_pdq_quality,
        guard_distance,
        guard_list_reload_seconds,
        exact_hashes_per_source_per_hour,
        new_listings_per_hour,
        ipv6_source_prefix,
        reports_per_source_per_hour,
        failed_case_lookups_per_source_per_hour,
        failed_case_lookups_per_case_per_hour,
        false_positive_partners_to_suspend,
        max_hashes_per_report,
        max_videos_per_report,
        max_body_bytes,
        max_connections,
        snapshot_reuse_seconds
    );
    if let Some(frames) = args.max_frames_per_video {
        config.max_frames_per_video = usize::try_from(frames).unwrap_or(usize::MAX);
    }
    if args.guard_list.is_some() {
        config.guard_list = args.guard_list;
    }
    if args.exact_guard_list.is_some() {
        config.exact_guard_list = args.exact_guard_list;
    }
    if args.signing_key_file.is_some() {
        config.signing_key_file = args.signing_key_file;
    }
    if args.metrics_listen.is_some() {
        config.metrics_listen = args.metrics_listen;
    }
    if let Some(token) = args.metrics_token {
        config.metrics_token = Some(Secret::new(token));
    }
    if let Some(secret) = args.throttle_secret {
        config.throttle_secret = Some(Secret::new(secret));
    }
    // An empty token would leave /metrics open while the operator thinks it closed.
    anyhow::ensure!(
        config
            .metrics_token
            .as_ref()
            .is_none_or(|token| !token.expose().trim().is_empty()),
        "the metrics token is empty: give a token, or leave the setting out"
    );
    // Likewise an empty throttle secret would key nothing.
    anyhow::ensure!(
        config
            .throttle_secret
            .as_ref()
            .is_none_or(|secret| !secret.expose().trim().is_empty()),
        "the throttle secret is empty: give a secret, or leave the setting out"
    );
    config.trust_forwarded_for |= args.trust_forwarded_for;
    if let Some(hsts) = args.hsts {
        config.hsts = match hsts {
            HstsArg::Auto => Hsts::Auto,
            HstsArg::Always => Hsts::Always,
            HstsArg::Off => Hsts::Off,
        };
    }
    args.takedown.apply(&mut config.takedown);
    init_logging(args.log_format);

    runtime()?.block_on(async move {
        takeback_hotline::serve(
            config,
            |address| {
                // The one line on stdout: scripts and tests read the address from it.
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "takeback hotline listening on http://{address}");
                let _ = stdout.flush();
            },
            shutdown_signal(),
        )
        .await
        .context("the hotline stopped")
    })
}

fn add_principal(kind: TokenKind, args: &NamedArgs) -> Result<()> {
    add_principal_in_role(kind, args, AnalystRole::Analyst)
}

fn add_principal_in_role(kind: TokenKind, args: &NamedArgs, role: AnalystRole) -> Result<()> {
    let name = args.name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.len() <= 200,
        "the name must be 1 to 200 characters"
    );
    let token = with_store(&args.database, async |store| {
        store
            .add_principal_in_role(kind, name, role, COMMAND_LINE)
            .await
    })?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", token.expose())?;
    stdout.flush()?;
    let what = match kind {
        TokenKind::Partner => "Partner",
        TokenKind::Analyst => "Analyst",
    };
    eprintln!("{what} {name:?} added. This is shown only once: pass it on securely.");
    Ok(())
}

pub(crate) fn with_store<T>(
    database: &DatabaseArg,
    f: impl AsyncFnOnce(&Store) -> Result<T, takeback_hotline::StoreError>,
) -> Result<T> {
    runtime()?.block_on(async {
        let url = database.url();
        let store = Store::connect(url.expose(), 2)
            .await
            .with_context(|| format!("cannot open the database {url}"))?;
        let result = f(&store).await;
        store.close().await;
        Ok(result?)
    })
}

fn revoke_principal(kind: TokenKind, args: &NamedArgs) -> Result<()> {
    with_store(&args.database, async |store| {
        store
            .revoke_principal(kind, args.name.trim(), COMMAND_LINE)
            .await
    })?;
    eprintln!("Revoked {:?}: its token no longer works.", args.name.trim());
    Ok(())
}

fn list_principals(kind: TokenKind, database: &DatabaseArg) -> Result<()> {
    let rows = with_store(database, async |store| store.principals(kind).await)?;
    let mut stdout = std::io::stdout().lock();
    for (name, added, revoked) in rows {
        let state = if revoked.is_some() {
            "revoked"
        } else {
            "active"
        };
        writeln!(stdout, "{name}\t{}\t{state}", date(added))?;
    }
    Ok(())
}

/// Analysts as `name, date added, active|revoked, role`, one per line.
fn list_analysts(database: &DatabaseArg) -> Result<()> {
    let rows = with_store(database, async |store| store.analysts().await)?;
    let mut stdout = std::io::stdout().lock();
    for (name, role, added, revoked) in rows {
        let state = if revoked.is_some() {
            "revoked"
        } else {
            "active"
        };
        writeln!(
            stdout,
            "{name}\t{}\t{state}\t{}",
            date(added),
            role.as_str()
        )?;
    }
    Ok(())
}

/// A Unix-millisecond time as a UTC date, `YYYY-MM-DD`.
fn date(ms: i64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm): no date crate for one conversion.
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `takeback partner …`.
pub fn partner(command: &PartnerCommand) -> Result<()> {
    match command {
        PartnerCommand::Add(args) => add_principal(TokenKind::Partner, args),
        PartnerCommand::Revoke(args) => revoke_principal(TokenKind::Partner, args),
        PartnerCommand::List(database) => list_principals(TokenKind::Partner, database),
        PartnerCommand::Keys(database) => list_signing_keys(database),
        PartnerCommand::Export(args) => crate::export::run(args),
        PartnerCommand::RotateKey(database) => {
            let (old, new) = with_store(database, async |store| {
                store.rotate_signing_key(COMMAND_LINE).await
            })
            .map_err(|error| match error.downcast_ref() {
                Some(takeback_hotline::StoreError::SigningKeyInFile(key)) => anyhow::anyhow!(
                    "the key that signs the list ({key}) is kept in a file: to rotate it, make \
                     a new key (openssl genpkey -algorithm ed25519 -out FILE) and restart \
                     takeback serve with --signing-key-file FILE; tell partners the new key, \
                     which the old one cannot announce from here"
                ),
                _ => error,
            })?;
            let mut stdout = std::io::stdout();
            writeln!(stdout, "{new}")?;
            stdout.flush()?;
            eprintln!(
                "The list's checkpoints will be signed with this new key, announced by the old \
                 one ({old}). Restart takeback serve to start signing with it. Partners who \
                 trust the old key follow the announcement; tell them the new one."
            );
            Ok(())
        }
    }
}

/// The signing keys as `public key, date made, signing|retired, endorsed by`, one per line.
fn list_signing_keys(database: &DatabaseArg) -> Result<()> {
    let keys = with_store(database, async |store| {
        // Made on first use, as `takeback serve` does: a new hotline has one to give out.
        // One kept in a file is listed all the same.
        match store.signing_key().await {
            Ok(_) | Err(takeback_hotline::StoreError::SigningKeyInFile(_)) => {}
            Err(error) => return Err(error),
        }
        store.signing_keys().await
    })?;
    let mut stdout = std::io::stdout().lock();
    for key in keys {
        let state = match key.retired_at {
            Some(_) => "retired",
            None => "signing",
        };
        writeln!(
            stdout,
            "{}\t{}\t{state}\t{}",
            key.public_key,
            date(key.created_at),
            key.endorsed_by.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}

/// `takeback analyst …`.
pub fn analyst(command: &AnalystCommand) -> Result<()> {
    match command {
        AnalystCommand::Add(args) => {
            add_principal_in_role(TokenKind::Analyst, &args.named, args.role.into())
        }
        AnalystCommand::Role(args) => {
            let role = AnalystRole::from(args.role);
            with_store(&args.database, async |store| {
                store.set_analyst_role(&args.name, role, COMMAND_LINE).await
            })?;
            eprintln!("Analyst {:?} is now {}.", args.name, role.as_str());
            Ok(())
        }
        AnalystCommand::Revoke(args) => revoke_principal(TokenKind::Analyst, args),
        AnalystCommand::List(database) => list_analysts(database),
        AnalystCommand::ExportTakedown(args) => crate::takedown::export(args),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(1_795_391_022_000), "2026-11-22");
        assert_eq!(super::date(951_782_400_000), "2000-02-29");
    }
}
