//! The hotline's database: SQLite (embedded, the default) or PostgreSQL, through sqlx's
//! `Any` driver so that each statement is written once.
//!
//! Invariants kept here:
//! - A change to the hash list is written in the same transaction as the state change that
//!   causes it, so the feed and the entries never disagree.
//! - `list_changes.seq` is consecutive and commits in order (how: `feed.rs`).
//! - Entry rows are locked before their state is read, always in one order (how:
//!   `entries.rs`).
//! - Dialect: only SQL that both SQLite and PostgreSQL accept; integers are `BIGINT`
//!   (booleans 0/1) and times Unix milliseconds, which `Any` carries without loss.
//!
//! This file holds the handle ([`Store`]: connecting, migrating, pools), its errors and the
//! helpers several parts share; each other file adds the [`Store`] methods of one part:
//! `reports` (writing reports), `cases` (what a reporter reads and withdraws), `entries`
//! (locking and changing list entries), `feed` (the hash list and its changes),
//! `frames` (a video entry's frames), `principals` (partners and analysts), `feedback`
//! (partners' outcomes), `guard` (the
//! guard list applied to stored entries), `analysts` (the queue and decisions),
//! `takedown` (reported web addresses: one item per address, its links to cases, an
//! analyst's assessment; `legacy_urls` moves addresses stored before them), `audit` (the
//! audit log) and `throttles` (the per-source counts that processes sharing a PostgreSQL
//! database keep together). `tls` checks a PostgreSQL URL's TLS settings
//! before connecting.

use crate::model::{Algorithm, EntryState};
use crate::report::CheckedReport;
use crate::secrets::{CaseId, TokenKind};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is not answering: worth retrying later.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// The database's disk is full (SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`,
    /// SQLSTATE 53100): reads still work, nothing more can be written until an operator
    /// frees space, and then writing resumes without a restart.
    #[error("the database's storage is full: {0}")]
    StorageFull(#[source] sqlx::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A TLS file named for the PostgreSQL connection (`sslrootcert`, `sslcert`,
    /// `sslkey`, in the URL or a `PGSSL…` variable) cannot be read.
    #[error("cannot read the {setting} file {path:?} named for the database connection: {source}")]
    TlsFile {
        /// The setting that names it.
        setting: &'static str,
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `sslrootcert` names a CA, but the `sslmode` would not check the server's
    /// certificate against it.
    #[error(
        "sslrootcert is set, but sslmode={mode} does not check the database's certificate \
         against it: use sslmode=verify-full (or verify-ca)"
    )]
    UncheckedRootCert {
        /// The mode in force.
        mode: String,
    },
    /// Connecting to PostgreSQL failed in TLS: the server's certificate was refused, the
    /// handshake failed, or the server does not offer TLS.
    #[error(
        "the TLS connection to the database failed: {0} (check sslmode and sslrootcert, and \
         that the host name in the URL is one the database's certificate names)"
    )]
    Tls(#[source] sqlx::Error),
    /// The database URL is not one this hotline can use.
    #[error("unsupported database URL {0:?}: use sqlite://FILE (or a file path) or postgres://…")]
    UnsupportedUrl(String),
    /// The operating system's random generator failed.
    #[error("cannot make a secret: {0}")]
    Random(#[from] getrandom::Error),
    /// A partner or analyst with this name exists already.
    #[error("there is already a {kind} named {name:?}")]
    NameTaken {
        /// Partner or analyst.
        kind: TokenKind,
        /// The name asked for.
        name: String,
    },
    /// No partner or analyst has this name.
    #[error("there is no {kind} named {name:?}")]
    NoSuchPrincipal {
        /// Partner or analyst.
        kind: TokenKind,
        /// The name asked for.
        name: String,
    },
    /// No list entry has this id (for feedback: none that has ever been in the feed).
    #[error("there is no list entry with id {0}")]
    NoSuchEntry(i64),
    /// No takedown item has this id.
    #[error("there is no reported address with id {0}")]
    NoSuchTakedownItem(i64),
    /// Assessing an address that is past assessment (notices sent, removed, or withdrawn
    /// by every case that reported it).
    #[error("address {item} cannot be assessed: it is {}", state.as_str())]
    NotAssessable {
        /// The item's id.
        item: i64,
        /// Its state.
        state: crate::takedown::TakedownState,
    },
    /// Reinstating an entry that is not suspended.
    #[error("entry {entry} cannot be reinstated: it is {}, not suspended", state.as_str())]
    NotSuspended {
        /// The entry's id.
        entry: i64,
        /// Its state.
        state: EntryState,
    },
    /// Listing an entry that no open report names any more.
    #[error("entry {entry} cannot be listed: its reporters withdrew it")]
    WithdrawnByReporter {
        /// The entry's id.
        entry: i64,
    },
    /// Listing an entry that is on the guard list.
    #[error("entry {entry} cannot be listed: it is on the guard list")]
    GuardListed {
        /// The entry's id.
        entry: i64,
    },
    /// Two key rotations at once: the other retired the signing key first.
    #[error(
        "another rotation retired the signing key first; list the keys and run it again if need be"
    )]
    RotationRace,
    /// The signing key is kept in a file (`signing_key_file`), not the database: this
    /// process was not given it.
    #[error(
        "the key that signs the feed ({0}) is kept in a file, not in the database: give this \
         command or server the same signing_key_file (TAKEBACK_SIGNING_KEY_FILE)"
    )]
    SigningKeyInFile(String),
    /// A signing key file holds a key that was retired: signing with it again would undo a
    /// rotation partners have followed.
    #[error(
        "the signing key file holds key {0}, which was retired: make a new key (openssl \
         genpkey -algorithm ed25519) and give that"
    )]
    RetiredSigningKey(String),
    /// A stored value could not be read back (a bug or a damaged database).
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match Outage::of(&error) {
            Some(Outage::Unavailable) => StoreError::Unavailable(error),
            Some(Outage::StorageFull) => StoreError::StorageFull(error),
            None => StoreError::Database(error),
        }
    }
}

/// Errors that are the database's state rather than the request's: worth retrying later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outage {
    Unavailable,
    StorageFull,
}

impl Outage {
    fn of(error: &sqlx::Error) -> Option<Self> {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Some(Outage::Unavailable),
            sqlx::Error::Database(db) => db.code().as_deref().and_then(Self::of_code),
            _ => None,
        }
    }

    fn of_code(code: &str) -> Option<Self> {
        if code.len() == 5 {
            // A PostgreSQL SQLSTATE: disk full; connection exceptions, shutting down,
            // other insufficient resources (out of memory, too many connections).
            if code == "53100" {
                Some(Outage::StorageFull)
            } else if code.starts_with("08") || code.starts_with("57P") || code.starts_with("53") {
                Some(Outage::Unavailable)
            } else {
                None
            }
        } else {
            // A SQLite extended result code: its low byte is the primary code. Full (13);
            // busy, locked, read-only, I/O error, cannot open.
            match code.parse::<i32>().ok()? & 0xff {
                13 => Some(Outage::StorageFull),
                5 | 6 | 8 | 10 | 14 => Some(Outage::Unavailable),
                _ => None,
            }
        }
    }
}

impl StoreError {
    /// Whether this is the database's state (down, or full) rather than anything about
    /// the request: every write fails alike until it changes.
    pub(crate) fn is_outage(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_) | StoreError::StorageFull(_)
        )
    }

    /// The same error again, for each of several requests waiting on one failed write:
    /// `sqlx::Error` is not `Clone`, so it is carried over as its message.
    pub(crate) fn again(&self) -> StoreError {
        let copy = |error: &sqlx::Error| sqlx::Error::Io(std::io::Error::other(error.to_string()));
        match self {
            StoreError::Unavailable(error) => StoreError::Unavailable(copy(error)),
            StoreError::StorageFull(error) => StoreError::StorageFull(copy(error)),
            other => {
                StoreError::Database(sqlx::Error::Io(std::io::Error::other(other.to_string())))
            }
        }
    }

    /// A PostgreSQL deadlock or serialization failure: the transaction can simply be run
    /// again.
    fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db))
            if db.code().is_some_and(|code| code == "40001" || code == "40P01"))
    }
}

/// How many times a transaction that PostgreSQL aborted as a deadlock is tried again.
const RETRIES: usize = 5;

/// Runs a transaction-making expression again while it fails with a deadlock.
macro_rules! retrying {
    ($body:expr) => {{
        let mut attempt = 0;
        loop {
            match $body {
                Err(error) if error.is_retryable() && attempt < $crate::store::RETRIES => {
                    attempt += 1;
                    // A little random wait, so that the two sides of a deadlock do not
                    // meet again at once.
                    let mut jitter = [0u8; 1];
                    let _ = getrandom::fill(&mut jitter);
                    let wait = 5 * attempt as u64 + u64::from(jitter[0] % 20);
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                }
                result => break result,
            }
        }
    }};
}

// After `retrying!`, so that the parts can use it.
mod analysts;
mod audit;
mod cases;
mod chain;
mod console;
mod console_addresses;
mod console_dashboard;
mod console_records;
mod entries;
mod feed;
mod feedback;
mod frames;
mod guard;
mod legacy_urls;
mod notices;
mod principals;
mod rechecks;
mod reports;
mod snapshot;
mod takedown;
mod takedown_stats;
mod takedown_view;
mod throttles;
mod tls;

pub use chain::ChainState;
pub use console::{
    AnalystRole, ConsoleAnalyst, EntryProvenance, PartnerOutcomes, QueuedEntry, SessionLimits,
};
pub use console_addresses::{
    AddressGroup, AddressStep, QueuedAddress, can_escalate, can_mark_removed, can_notice_again,
};
pub use console_dashboard::{
    AttentionFigures, DayCounts, PartnerFigures, RemovalFigures, ServiceFigures,
};
pub use console_records::{AuditFilter, CaseAddress, CaseCursor, CaseEntry, CaseSummary};
pub use notices::{ItemToNotify, LeasedNotice, NewNotice};
pub use principals::COMMAND_LINE;
pub use rechecks::{CheckFinding, DueRecheck, REFUSED_IN_A_ROW_IS_GONE, RecheckRules};
pub use snapshot::SnapshotWritten;
pub use takedown_stats::TakedownRecord;
pub use throttles::WINDOW_KEY_BYTES;

pub use feed::MAX_FRAMES_PER_PAGE;
pub use guard::{GuardSweep, REASON_GUARD_LIST, REASON_GUARDED};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server, possibly shared by several hotline processes.
    Postgres,
}

/// What the listing policy does with a self-reported fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingPolicy {
    /// List it at once, marked unverified (as NCMEC's Take It Down does).
    PublishUnverified,
    /// Hold it until an analyst lists it.
    HoldForAnalyst,
}

/// A checked report ready to be written, with its new reference and secret digest.
#[derive(Debug, Clone)]
pub struct PreparedReport {
    /// Its reference.
    pub case_id: CaseId,
    /// SHA-256 of its secret.
    pub secret_digest: String,
    /// What it holds.
    pub report: CheckedReport,
    /// For each of `report.hashes`: what the checks before the store made of it.
    pub verdicts: Vec<HashVerdict>,
}

/// What the checks made of one reported fingerprint, for the case it is new to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashVerdict {
    /// Nothing against it: the listing policy decides.
    Clear,
    /// Near a guard-list fingerprint (or on the exact guard list): never listed.
    Guarded,
    /// Held for an analyst whatever the policy, with this reason (shown to analysts only).
    Hold(&'static str),
}

/// Held because the service-wide limit on new listings per hour was reached.
pub const HOLD_FLOOD_BRAKE: &str = "flood_brake";

/// How new fingerprints are decided: the policy and the service-wide brake.
#[derive(Debug, Clone, Copy)]
pub struct ListingRules {
    /// What happens to self-reported fingerprints.
    pub policy: ListingPolicy,
    /// Most new unverified listings per clock hour across every process sharing the
    /// database, under [`ListingPolicy::PublishUnverified`]; beyond it new entries are held
    /// (reason [`HOLD_FLOOD_BRAKE`]). 0: no limit.
    pub new_listings_per_hour: u32,
}

/// What writing a batch of reports did that the operator should see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// New entries held because the service-wide brake was on.
    pub held_by_brake: u64,
    /// Whether the brake was on when the batch was written.
    pub brake_engaged: bool,
}

/// Who is calling, once a bearer token is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Partner or analyst.
    pub kind: TokenKind,
    /// Row id.
    pub id: i64,
    /// Name given when it was added.
    pub name: String,
}

/// What happened to a feedback batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Counted.
    Recorded {
        /// Entries that this batch suspended.
        suspended: usize,
    },
    /// A batch with this `batch_id` was counted before; nothing was added.
    AlreadyRecorded,
}

const HOUR_MS: i64 = 3_600_000;

/// Milliseconds since 1970.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn algorithm(text: &str) -> Result<Algorithm, StoreError> {
    text.parse::<Algorithm>()
        .ok()
        .ok_or_else(|| StoreError::Corrupt(format!("algorithm {text:?}")))
}

fn quality(stored: Option<i64>) -> Option<u8> {
    stored.and_then(|q| u8::try_from(q).ok())
}

/// The hotline's database.
#[derive(Debug, Clone)]
pub struct Store {
    /// Reads. On SQLite several connections read in parallel with the writer (WAL).
    read: AnyPool,
    /// Writes. On SQLite one connection, so writers queue here rather than fail as busy;
    /// on PostgreSQL the same pool as `read`.
    write: AnyPool,
    backend: Backend,
}

/// Turns what a person typed as `--database` into a URL sqlx understands.
fn normalise_url(url: &str) -> Result<(String, Backend), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_owned(), Backend::Postgres));
    }
    let path = if let Some(rest) = url.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        rest
    } else if url.contains("://") {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    } else {
        url
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    }
    Ok((format!("sqlite://{path}?mode=rwc"), Backend::Sqlite))
}

/// Replaces the password in `scheme://user:password@host…` and any `password=` parameter.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest = &out[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let start = scheme_end + 3 + colon + 1;
            out.replace_range(start..scheme_end + 3 + at, "***");
        }
    }
    if let Some(query) = out.find('?') {
        let (head, params) = out.split_at(query + 1);
        let params: Vec<String> = params
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out = format!("{head}{}", params.join("&"));
    }
    out
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`: `sqlite://FILE`, a
    /// plain file path, or `postgres://…`. `max_connections` applies to PostgreSQL, and so
    /// do the TLS settings of its URL (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`, as
    /// libpq reads them; see `tls.rs`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (mut url, backend) = normalise_url(url)?;
        if backend == Backend::Postgres {
            url = tls::settle(&url, |name| std::env::var(name).ok())?.into_owned();
        }
        // A TLS failure is told as one: retrying would not help, and "unavailable" would
        // send the operator looking in the wrong place.
        let connecting = |error: sqlx::Error| {
            if tls::is_tls_failure(&error) {
                StoreError::Tls(error)
            } else {
                StoreError::from(error)
            }
        };
        let options = || {
            AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(5))
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            // WAL lets readers run beside the writer; FULL makes each commit
                            // reach the disk before it is acknowledged.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA cache_size = -32768;",
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .after_release(move |conn, _meta| {
                    Box::pin(async move {
                        // Some SQLite errors (a full disk, an I/O error) roll the whole
                        // transaction back by themselves. sqlx's ROLLBACK then fails and it
                        // still counts the connection as in a transaction, so the next
                        // transaction on it would be a mere savepoint, and a commit that
                        // reports success could leave everything uncommitted: a 201 for a
                        // report that is never stored. A connection in that state is closed
                        // and the pool opens a fresh one. The ping waits for the rollback
                        // sqlx queued when the transaction was dropped.
                        if backend == Backend::Sqlite {
                            conn.ping().await?;
                        }
                        let clean = !conn.is_in_transaction();
                        if !clean {
                            tracing::warn!(
                                "a database connection was still in a transaction after an \
                                 error; it is closed, and a new one opened"
                            );
                        }
                        Ok(clean)
                    })
                })
        };
        let store = match backend {
            Backend::Sqlite => {
                let write = options().max_connections(1).connect(&url).await?;
                SQLITE_MIGRATIONS.run(&write).await?;
                let read = options().max_connections(4).connect(&url).await?;
                Store {
                    read,
                    write,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = options()
                    .max_connections(max_connections.max(2))
                    .connect(&url)
                    .await
                    .map_err(connecting)?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Store {
                    read: pool.clone(),
                    write: pool,
                    backend,
                }
            }
        };
        store.move_case_urls().await?;
        store.chain_feed().await?;
        Ok(store)
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes the pools, waiting for connections in use.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// A value for [`insert_rows`].
#[derive(Debug, Clone, Copy)]
enum Param<'a> {
    Int(Option<i64>),
    Text(&'a str),
}

/// Most rows in one INSERT: well under both engines' limits on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// `head VALUES (…), (…), …` for every row, in as few statements as the limit allows.
/// Appends the `n`th (from 1) bind placeholder of a statement with many parameters. SQLite
/// binds `$N` by looking its name up among all the statement's parameters, quadratic in
/// their number; plain `?` is bound by position.
fn push_placeholder(sql: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => sql.push('?'),
        Backend::Postgres => {
            sql.push('$');
            sql.push_str(&n.to_string());
        }
    }
}

async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    head: &str,
    rows: &[Vec<Param<'_>>],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = format!("{head} VALUES ");
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..row.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                push_placeholder(&mut sql, backend, n);
            }
            sql.push(')');
        }
        // Not kept as a prepared statement: the text differs with the number of rows.
        let mut query = sqlx::query(&sql).persistent(false);
        for param in chunk.iter().flatten() {
            query = match *param {
                Param::Int(value) => query.bind(value),
                Param::Text(value) => query.bind(value),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Outage;

    #[test]
    fn a_full_disk_is_told_apart_from_a_database_that_is_down() {
        for (code, outage) in [
            // PostgreSQL: disk_full; too many connections, out of memory; connection
            // failure; shutting down, starting up.
            ("53100", Some(Outage::StorageFull)),
            ("53300", Some(Outage::Unavailable)),
            ("53200", Some(Outage::Unavailable)),
            ("08006", Some(Outage::Unavailable)),
            ("57P01", Some(Outage::Unavailable)),
            ("57P03", Some(Outage::Unavailable)),
            // SQLite: SQLITE_FULL; busy, a locked table, SQLITE_IOERR_WRITE.
            ("13", Some(Outage::StorageFull)),
            ("5", Some(Outage::Unavailable)),
            ("6", Some(Outage::Unavailable)),
            ("778", Some(Outage::Unavailable)),
            // The request's own fault: a unique or foreign key violation.
            ("23505", None),
            ("2067", None),
            ("787", None),
        ] {
            assert_eq!(Outage::of_code(code), outage, "{code}");
        }
    }
}
