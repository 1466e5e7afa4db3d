//! The hotline's database: SQLite (embedded, the default) or PostgreSQL, through sqlx's
//! `Any` driver so that each statement is written once.
//!
//! Invariants kept here:
//! - A change to the hash list is written in the same transaction as the state change that
//!   causes it, so the feed and the entries never disagree.
//! - `list_changes.seq` is consecutive and commits in order: each transaction takes its
//!   numbers from the `sequences` row as its last statement, and that row's lock is held
//!   until commit. A partner reading `seq > cursor` can therefore never see a later number
//!   before an earlier one, even with several server processes on one PostgreSQL.
//! - Entry rows are locked (by an `UPDATE … RETURNING`) before their state is read, so a
//!   withdrawal and a new report of the same fingerprint cannot both decide on stale state;
//!   every transaction locks them in the byte order of (algorithm, value), so two
//!   transactions never wait on each other in a cycle.
//! - Dialect: only SQL that both SQLite and PostgreSQL accept; integers are `BIGINT`
//!   (booleans 0/1) and times Unix milliseconds, which `Any` carries without loss.

use crate::model::{
    Algorithm, AuditRecord, CaseStatus, ChangeOp, Decision, EntryState, EntryView, FeedbackBatch,
    HashStatus, ListChange, OutcomeCounts, ReportedState, Reporter, UrlStatus, UrlView,
};
use crate::report::{CheckedHash, CheckedReport};
use crate::secrets::{ApiToken, CaseId, TokenKind};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is not answering: worth retrying later.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL is not one this hotline can use.
    #[error("unsupported database URL {0:?}: use sqlite://FILE (or a file path) or postgres://…")]
    UnsupportedUrl(String),
    /// The operating system's random generator failed.
    #[error("cannot make a secret: {0}")]
    Random(#[from] getrandom::Error),
    /// A name is already taken, or a decision does not apply.
    #[error("{0}")]
    Conflict(String),
    /// A row the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A stored value could not be read back (a bug or a damaged database).
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let unavailable = match &error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => true,
            // PostgreSQL: connection exceptions, shutting down, insufficient resources
            // (disk full, too many connections); SQLite: busy, locked, read-only, I/O
            // error, disk full, cannot open.
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                if code.len() == 5 {
                    // A PostgreSQL SQLSTATE.
                    code.starts_with("08") || code.starts_with("57P") || code.starts_with("53")
                } else {
                    // A SQLite extended result code: its low byte is the primary code.
                    code.parse::<i32>()
                        .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
                }
            }),
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(error)
        } else {
            StoreError::Database(error)
        }
    }
}

impl StoreError {
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
                Err(error) if error.is_retryable() && attempt < RETRIES => {
                    attempt += 1;
                    // A little random wait, so that the two sides of a deadlock do not
                    // meet again at once.
                    let mut jitter = [0u8; 1];
                    let _ = getrandom::fill(&mut jitter);
                    let wait = 5 * attempt as u64 + u64::from(jitter[0] % 20);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                result => break result,
            }
        }
    }};
}

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
    /// For each of `report.hashes`: whether it is near a guard-list hash.
    pub guarded: Vec<bool>,
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

/// A change to the list waiting for its sequence number.
#[derive(Debug, Clone)]
struct PendingChange {
    op: ChangeOp,
    entry: StoredEntry,
}

#[derive(Debug, Clone)]
struct StoredEntry {
    id: i64,
    algorithm: String,
    value: String,
    quality: Option<i64>,
    state: EntryState,
    verified: bool,
    reason: Option<String>,
    decided_at: i64,
}

impl StoredEntry {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        let state: String = row.try_get("state")?;
        Ok(StoredEntry {
            id: row.try_get("id")?,
            algorithm: row.try_get("algorithm")?,
            value: row.try_get("value")?,
            quality: row.try_get("quality")?,
            state: EntryState::from_stored(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("entry state {state:?}")))?,
            verified: row.try_get::<i64, _>("verified")? != 0,
            reason: row.try_get("reason")?,
            decided_at: row.try_get("decided_at")?,
        })
    }
}

const ENTRY_COLUMNS: &str = "id, algorithm, value, quality, state, verified, reason, decided_at";

const HOUR_MS: i64 = 3_600_000;

/// Milliseconds since 1970.
fn now_ms() -> i64 {
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
        return Err(StoreError::UnsupportedUrl(crate::config::redact_url(url)));
    } else {
        url
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Err(StoreError::UnsupportedUrl(crate::config::redact_url(url)));
    }
    Ok((format!("sqlite://{path}?mode=rwc"), Backend::Sqlite))
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`: `sqlite://FILE`, a
    /// plain file path, or `postgres://…`. `max_connections` applies to PostgreSQL.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalise_url(url)?;
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
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Store {
                    read: pool.clone(),
                    write: pool,
                    backend,
                }
            }
        };
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

    // ---- reports ----

    /// Writes reports in one transaction (group commit): when this returns `Ok`, all of
    /// them are durable.
    pub async fn insert_reports(
        &self,
        reports: &[PreparedReport],
        policy: ListingPolicy,
    ) -> Result<(), StoreError> {
        retrying!(self.try_insert_reports(reports, policy).await)
    }

    async fn try_insert_reports(
        &self,
        reports: &[PreparedReport],
        policy: ListingPolicy,
    ) -> Result<(), StoreError> {
        // Rounded down to the hour: an exact time could be matched against a proxy's or a
        // network's logs to link a case to an address. The hour is all a reporter needs.
        let now = now_ms() / HOUR_MS * HOUR_MS;
        let mut tx = self.write.begin().await?;

        // Entries first, in one order for every transaction, so that concurrent writers on
        // PostgreSQL lock them in the same order and do not deadlock.
        // Keyed by the stored text of (algorithm, value): `lock_order` in every transaction.
        let mut wanted: BTreeMap<(&str, &str), (&CheckedHash, bool)> = BTreeMap::new();
        for prepared in reports {
            for (hash, &guarded) in prepared.report.hashes.iter().zip(&prepared.guarded) {
                let slot = wanted
                    .entry((hash.algorithm.as_str(), hash.value.as_str()))
                    .or_insert((hash, guarded));
                slot.1 |= guarded;
            }
        }
        let mut changes = Vec::new();
        let mut entry_ids = BTreeMap::new();
        for (&(algorithm, value), &(hash, guarded)) in &wanted {
            let (state, reason) = if guarded {
                (EntryState::Rejected, Some("guard_list"))
            } else {
                match policy {
                    ListingPolicy::PublishUnverified => (EntryState::Listed, None),
                    ListingPolicy::HoldForAnalyst => (EntryState::Held, Some("awaiting_analyst")),
                }
            };
            let inserted = sqlx::query(&format!(
                "INSERT INTO entries (algorithm, value, quality, state, verified, reason, \
                 decided_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, 0, $6, $6) \
                 ON CONFLICT (algorithm, value) DO NOTHING RETURNING {ENTRY_COLUMNS}"
            ))
            .bind(algorithm)
            .bind(value)
            .bind(hash.quality.map(i64::from))
            .bind(state.as_str())
            .bind(reason)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let entry = match inserted {
                Some(row) => {
                    let entry = StoredEntry::from_row(&row)?;
                    if entry.state == EntryState::Listed {
                        changes.push(PendingChange {
                            op: ChangeOp::Add,
                            entry: entry.clone(),
                        });
                    }
                    entry
                }
                None => {
                    let mut entry = self
                        .lock_entry_by_value(&mut tx, algorithm, value, now)
                        .await?;
                    // A fingerprint whose earlier reports were all withdrawn comes back as
                    // if new; any other state (including an analyst's rejection) stands.
                    if entry.state == EntryState::Withdrawn {
                        entry.state = state;
                        entry.reason = reason.map(str::to_owned);
                        // A new report is self-reported again until an analyst looks.
                        entry.verified = false;
                        self.set_entry_state(&mut tx, &entry, now, false).await?;
                        if state == EntryState::Listed {
                            changes.push(PendingChange {
                                op: ChangeOp::Add,
                                entry: entry.clone(),
                            });
                        }
                    }
                    entry
                }
            };
            entry_ids.insert((algorithm, value), entry.id);
        }

        // The rest in a few multi-row statements: with group commit a transaction holds
        // hundreds of reports, and one statement per row would dominate its cost.
        let mut case_rows = Vec::with_capacity(reports.len());
        let mut link_rows = Vec::new();
        let mut url_rows = Vec::new();
        for prepared in reports {
            let case_id = prepared.case_id.as_str();
            case_rows.push(vec![
                Param::Text(case_id),
                Param::Text(&prepared.secret_digest),
                Param::Text(prepared.report.reporter.as_str()),
                Param::Text("open"),
                Param::Int(Some(now)),
            ]);
            for hash in &prepared.report.hashes {
                let entry_id = entry_ids
                    .get(&(hash.algorithm.as_str(), hash.value.as_str()))
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt("entry not written".into()))?;
                link_rows.push(vec![Param::Text(case_id), Param::Int(Some(entry_id))]);
            }
            for url in &prepared.report.urls {
                url_rows.push(vec![
                    Param::Text(case_id),
                    Param::Text(url),
                    Param::Text("pending"),
                    Param::Int(Some(now)),
                ]);
            }
        }
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO cases (id, secret_hash, reporter, state, created_at)",
            &case_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO case_hashes (case_id, entry_id)",
            &link_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO case_urls (case_id, url, state, created_at)",
            &url_rows,
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Locks an entry's row and reads it.
    async fn lock_entry_by_value(
        &self,
        tx: &mut Transaction<'static, Any>,
        algorithm: &str,
        value: &str,
        now: i64,
    ) -> Result<StoredEntry, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE entries SET updated_at = $1 WHERE algorithm = $2 AND value = $3 \
             RETURNING {ENTRY_COLUMNS}"
        ))
        .bind(now)
        .bind(algorithm)
        .bind(value)
        .fetch_one(&mut **tx)
        .await?;
        StoredEntry::from_row(&row)
    }

    /// Locks an entry's row by id and reads it; `None` if there is no such entry.
    async fn lock_entry(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: i64,
        now: i64,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE entries SET updated_at = $1 WHERE id = $2 RETURNING {ENTRY_COLUMNS}"
        ))
        .bind(now)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        row.as_ref().map(StoredEntry::from_row).transpose()
    }

    async fn set_entry_state(
        &self,
        tx: &mut Transaction<'static, Any>,
        entry: &StoredEntry,
        now: i64,
        decided: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE entries SET state = $1, verified = $2, reason = $3, updated_at = $4, \
             decided_at = CASE WHEN $5 = 1 THEN $4 ELSE decided_at END WHERE id = $6",
        )
        .bind(entry.state.as_str())
        .bind(i64::from(entry.verified))
        .bind(entry.reason.as_deref())
        .bind(now)
        .bind(i64::from(decided))
        .bind(entry.id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Checks a case's secret; `None` for an unknown case or a wrong secret alike.
    async fn open_case<'e, E>(
        executor: E,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<Option<(Reporter, String, i64)>, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        let row =
            sqlx::query("SELECT secret_hash, reporter, state, created_at FROM cases WHERE id = $1")
                .bind(case_id.as_str())
                .fetch_optional(executor)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.try_get("secret_hash")?;
        // Both sides are digests of 100-bit secrets: comparing them reveals nothing that
        // helps a guesser, so an ordinary comparison is enough.
        if stored != secret_digest {
            return Ok(None);
        }
        let reporter = reporter(&row)?;
        Ok(Some((
            reporter,
            row.try_get("state")?,
            row.try_get("created_at")?,
        )))
    }

    /// A case as its reporter sees it; `None` for an unknown case or a wrong secret.
    pub async fn case_status(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<Option<CaseStatus>, StoreError> {
        let Some((reporter, state, created_at)) =
            Self::open_case(&self.read, case_id, secret_digest).await?
        else {
            return Ok(None);
        };
        self.case_details(case_id, reporter, state, created_at)
            .await
            .map(Some)
    }

    async fn case_details(
        &self,
        case_id: &CaseId,
        reporter: Reporter,
        state: String,
        created_at: i64,
    ) -> Result<CaseStatus, StoreError> {
        let withdrawn = state == "withdrawn";
        let rows = sqlx::query(
            "SELECT e.id, e.algorithm, e.value, e.state, \
             CAST(COALESCE(SUM(f.matched), 0) AS BIGINT) AS matched, \
             CAST(COALESCE(SUM(f.removed), 0) AS BIGINT) AS removed, \
             CAST(COALESCE(SUM(f.blocked_upload), 0) AS BIGINT) AS blocked_upload \
             FROM case_hashes ch JOIN entries e ON e.id = ch.entry_id \
             LEFT JOIN feedback f ON f.entry_id = e.id \
             WHERE ch.case_id = $1 GROUP BY e.id, e.algorithm, e.value, e.state ORDER BY e.id",
        )
        .bind(case_id.as_str())
        .fetch_all(&self.read)
        .await?;
        let mut hashes = Vec::with_capacity(rows.len());
        let mut total = OutcomeCounts::default();
        for row in &rows {
            let outcomes = OutcomeCounts {
                matched: row.try_get("matched")?,
                removed: row.try_get("removed")?,
                blocked_upload: row.try_get("blocked_upload")?,
            };
            total.matched += outcomes.matched;
            total.removed += outcomes.removed;
            total.blocked_upload += outcomes.blocked_upload;
            let entry_state: String = row.try_get("state")?;
            let state = if withdrawn {
                ReportedState::Withdrawn
            } else {
                match EntryState::from_stored(&entry_state) {
                    Some(EntryState::Listed) => ReportedState::Listed,
                    Some(EntryState::Held) => ReportedState::Pending,
                    Some(EntryState::Suspended) => ReportedState::Suspended,
                    Some(EntryState::Withdrawn) => ReportedState::Withdrawn,
                    Some(EntryState::Rejected) => ReportedState::NotListed,
                    None => return Err(StoreError::Corrupt(format!("state {entry_state:?}"))),
                }
            };
            hashes.push(HashStatus {
                algorithm: algorithm(&row.try_get::<String, _>("algorithm")?)?,
                value: row.try_get("value")?,
                state,
                outcomes,
            });
        }
        let url_rows =
            sqlx::query("SELECT url, state FROM case_urls WHERE case_id = $1 ORDER BY id")
                .bind(case_id.as_str())
                .fetch_all(&self.read)
                .await?;
        let urls = url_rows
            .iter()
            .map(|row| {
                Ok(UrlStatus {
                    url: row.try_get("url")?,
                    state: url_state(&row.try_get::<String, _>("state")?),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(CaseStatus {
            case_id: case_id.to_string(),
            state,
            reporter,
            created_at: created_at / 1000,
            hashes,
            urls,
            platform_outcomes: total,
        })
    }

    /// Withdraws a case: its fingerprints leave the list unless another open report names
    /// them. `Ok(false)` for an unknown case or a wrong secret. Withdrawing twice is fine.
    pub async fn withdraw_case(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<bool, StoreError> {
        retrying!(self.try_withdraw_case(case_id, secret_digest).await)
    }

    async fn try_withdraw_case(
        &self,
        case_id: &CaseId,
        secret_digest: &str,
    ) -> Result<bool, StoreError> {
        // To the hour, as for reports.
        let now = now_ms() / HOUR_MS * HOUR_MS;
        let mut tx = self.write.begin().await?;
        let Some((_, state, _)) = Self::open_case(&mut *tx, case_id, secret_digest).await? else {
            return Ok(false);
        };
        if state == "withdrawn" {
            return Ok(true);
        }
        sqlx::query("UPDATE cases SET state = 'withdrawn', withdrawn_at = $1 WHERE id = $2")
            .bind(now)
            .bind(case_id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE case_urls SET state = 'withdrawn' WHERE case_id = $1")
            .bind(case_id.as_str())
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "SELECT e.id, e.algorithm, e.value FROM case_hashes ch \
             JOIN entries e ON e.id = ch.entry_id WHERE ch.case_id = $1",
        )
        .bind(case_id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let mut entry_ids = Vec::with_capacity(rows.len());
        for row in &rows {
            let key: (String, String) = (row.try_get("algorithm")?, row.try_get("value")?);
            entry_ids.push((key, row.try_get::<i64, _>("id")?));
        }
        // The order every transaction locks entries in (byte order of algorithm, value;
        // sorted here, not by the database's collation), so that a withdrawal and a report
        // of the same fingerprints cannot deadlock.
        entry_ids.sort();
        let mut changes = Vec::new();
        for (_, id) in entry_ids {
            let Some(mut entry) = self.lock_entry(&mut tx, id, now).await? else {
                continue;
            };
            let still_reported = open_reports(&mut tx, id).await?;
            // A guard-listed fingerprint stays rejected whatever happens; any other
            // fingerprint that no open report names any more is withdrawn, even one an
            // analyst rejected, so that no later decision can list it.
            let guarded = entry.reason.as_deref() == Some("guard_list");
            if still_reported > 0 || guarded || entry.state == EntryState::Withdrawn {
                continue;
            }
            let was_listed = entry.state == EntryState::Listed;
            entry.state = EntryState::Withdrawn;
            entry.reason = Some("withdrawn_by_reporter".into());
            self.set_entry_state(&mut tx, &entry, now, false).await?;
            if was_listed {
                changes.push(PendingChange {
                    op: ChangeOp::Remove,
                    entry,
                });
            }
        }
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    // ---- the hash list ----

    /// Changes after `after`, at most `limit`, in order.
    pub async fn list_changes(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ListChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, op, entry_id, algorithm, value, quality, verified FROM list_changes \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let op: String = row.try_get("op")?;
                Ok(ListChange {
                    seq: row.try_get("seq")?,
                    op: if op == "remove" {
                        ChangeOp::Remove
                    } else {
                        ChangeOp::Add
                    },
                    id: row.try_get("entry_id")?,
                    algorithm: algorithm(&row.try_get::<String, _>("algorithm")?)?,
                    value: row.try_get("value")?,
                    quality: quality(row.try_get("quality")?),
                    verified: row.try_get::<i64, _>("verified")? != 0,
                })
            })
            .collect()
    }

    /// The current list: every entry in state `listed`, as (id, algorithm, value, verified).
    pub async fn listed_entries(&self) -> Result<Vec<(i64, Algorithm, String, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, algorithm, value, verified FROM entries WHERE state = 'listed' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    algorithm(&row.try_get::<String, _>("algorithm")?)?,
                    row.try_get("value")?,
                    row.try_get::<i64, _>("verified")? != 0,
                ))
            })
            .collect()
    }

    /// The last sequence number handed out.
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT last FROM sequences WHERE name = 'list_changes'")
                .fetch_one(&self.read)
                .await?,
        )
    }

    /// How many entries are in each state.
    pub async fn entry_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM entries GROUP BY state")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("state")?, row.try_get("n")?)))
            .collect()
    }

    // ---- partners and analysts ----

    /// Adds a partner or an analyst and returns their token, which is not stored.
    pub async fn add_principal(&self, kind: TokenKind, name: &str) -> Result<ApiToken, StoreError> {
        let token = ApiToken::generate(kind)?;
        let (table, column, action) = match kind {
            TokenKind::Partner => ("partners", "key_hash", "partner_added"),
            TokenKind::Analyst => ("analysts", "token_hash", "analyst_added"),
        };
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let inserted = sqlx::query(&format!(
            "INSERT INTO {table} (name, {column}, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING RETURNING id"
        ))
        .bind(name)
        .bind(token.digest())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            return Err(StoreError::Conflict(format!(
                "there is already a {} named {name:?}",
                &table[..table.len() - 1]
            )));
        }
        audit(
            &mut *tx,
            now,
            "operator",
            "command line",
            action,
            Some(name),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes a partner's key or an analyst's token; `NotFound` if there is no such name.
    /// Revoking twice is not an error.
    pub async fn revoke_principal(&self, kind: TokenKind, name: &str) -> Result<(), StoreError> {
        let (table, action) = principal_table(kind, "revoked");
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let found = sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2 RETURNING id"
        ))
        .bind(now)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!(
                "there is no {} named {name:?}",
                kind_name(kind)
            )));
        }
        audit(
            &mut *tx,
            now,
            "operator",
            "command line",
            &action,
            Some(name),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Partners or analysts, by name: (name, added at, revoked at), in Unix milliseconds.
    pub async fn principals(
        &self,
        kind: TokenKind,
    ) -> Result<Vec<(String, i64, Option<i64>)>, StoreError> {
        let (table, _) = principal_table(kind, "");
        let rows = sqlx::query(&format!(
            "SELECT name, created_at, revoked_at FROM {table} ORDER BY name"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("name")?,
                    row.try_get("created_at")?,
                    row.try_get("revoked_at")?,
                ))
            })
            .collect()
    }

    /// Who a bearer token belongs to, looked up by its digest in the table of its kind.
    pub async fn authenticate(&self, token: &ApiToken) -> Result<Option<Principal>, StoreError> {
        let sql = match token.kind() {
            TokenKind::Partner => {
                "SELECT id, name FROM partners WHERE key_hash = $1 AND revoked_at IS NULL"
            }
            TokenKind::Analyst => {
                "SELECT id, name FROM analysts WHERE token_hash = $1 AND revoked_at IS NULL"
            }
        };
        let row = sqlx::query(sql)
            .bind(token.digest())
            .fetch_optional(&self.read)
            .await?;
        row.map(|row| {
            Ok(Principal {
                kind: token.kind(),
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Records a partner's read of the list in the audit log.
    pub async fn audit_read(
        &self,
        principal: &Principal,
        action: &str,
        subject: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut conn = self.write.acquire().await?;
        audit(
            &mut *conn,
            now_ms(),
            kind_name(principal.kind),
            &principal.name,
            action,
            subject,
            detail,
        )
        .await
    }

    /// Adds a partner's outcomes. Unknown entry ids refuse the whole batch. When
    /// `suspend_after` distinct partners have reported an entry as a false positive since
    /// an analyst last decided on it, it is suspended.
    pub async fn record_feedback(
        &self,
        partner: &Principal,
        batch: &FeedbackBatch,
        suspend_after: i64,
    ) -> Result<FeedbackOutcome, StoreError> {
        retrying!(
            self.try_record_feedback(partner, batch, suspend_after)
                .await
        )
    }

    async fn try_record_feedback(
        &self,
        partner: &Principal,
        batch: &FeedbackBatch,
        suspend_after: i64,
    ) -> Result<FeedbackOutcome, StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        if let Some(batch_id) = &batch.batch_id {
            let fresh = sqlx::query(
                "INSERT INTO feedback_batches (partner_id, batch_id, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (partner_id, batch_id) DO NOTHING RETURNING partner_id",
            )
            .bind(partner.id)
            .bind(batch_id.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if fresh.is_none() {
                return Ok(FeedbackOutcome::AlreadyRecorded);
            }
        }
        // Only entries that have been in the feed can be named: partners know no others,
        // and the answer must not tell them which other ids exist. Locked in the order
        // every transaction uses, (algorithm, value), so that this cannot deadlock with a
        // report or a withdrawal.
        let mut keyed = Vec::with_capacity(batch.items.len());
        for item in &batch.items {
            let row = sqlx::query(
                "SELECT algorithm, value FROM entries e WHERE id = $1 \
                 AND EXISTS (SELECT 1 FROM list_changes c WHERE c.entry_id = e.id)",
            )
            .bind(item.id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Err(no_entry(item.id));
            };
            let key: (String, String) = (row.try_get("algorithm")?, row.try_get("value")?);
            keyed.push((key, item));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut changes = Vec::new();
        for (_, item) in keyed {
            let Some(mut entry) = self.lock_entry(&mut tx, item.id, now).await? else {
                return Err(no_entry(item.id));
            };
            // Read after the lock, so that an analyst's decision committed just before
            // is older than this report.
            let now = now_ms();
            sqlx::query(
                "INSERT INTO feedback (entry_id, partner_id, matched, removed, blocked_upload, \
                 false_positive, last_false_positive_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (entry_id, partner_id) DO UPDATE SET \
                 matched = feedback.matched + excluded.matched, \
                 removed = feedback.removed + excluded.removed, \
                 blocked_upload = feedback.blocked_upload + excluded.blocked_upload, \
                 false_positive = feedback.false_positive + excluded.false_positive, \
                 last_false_positive_at = CASE WHEN excluded.false_positive > 0 \
                 THEN excluded.last_false_positive_at ELSE feedback.last_false_positive_at END",
            )
            .bind(item.id)
            .bind(partner.id)
            .bind(i64::from(item.matched))
            .bind(i64::from(item.removed))
            .bind(i64::from(item.blocked_upload))
            .bind(i64::from(item.false_positive))
            .bind(if item.false_positive > 0 { now } else { 0 })
            .execute(&mut *tx)
            .await?;
            if item.false_positive == 0 || entry.state != EntryState::Listed {
                continue;
            }
            let partners: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM feedback WHERE entry_id = $1 AND false_positive > 0 \
                 AND last_false_positive_at >= $2",
            )
            .bind(item.id)
            .bind(entry.decided_at)
            .fetch_one(&mut *tx)
            .await?;
            if partners >= suspend_after {
                entry.state = EntryState::Suspended;
                entry.reason = Some("false_positive_reports".into());
                self.set_entry_state(&mut tx, &entry, now, false).await?;
                changes.push(PendingChange {
                    op: ChangeOp::Remove,
                    entry,
                });
            }
        }
        let detail = serde_json::json!({
            "batch_id": batch.batch_id,
            "entries": batch.items.len(),
            "suspended": changes.len(),
        })
        .to_string();
        audit(
            &mut *tx,
            now,
            "partner",
            &partner.name,
            "feedback",
            None,
            Some(&detail),
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(FeedbackOutcome::Recorded {
            suspended: changes.len(),
        })
    }

    // ---- analysts ----

    /// Entries in the given states (held and suspended by default), oldest first, after
    /// the id `after`.
    pub async fn queue(
        &self,
        states: &[EntryState],
        after: i64,
        limit: i64,
    ) -> Result<Vec<EntryView>, StoreError> {
        let mut entries = Vec::new();
        // One query per state keeps the SQL free of dynamic IN lists; the queue is small.
        for state in states {
            let rows = sqlx::query(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE state = $1 AND id > $2 \
                 ORDER BY id LIMIT $3"
            ))
            .bind(state.as_str())
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
            for row in &rows {
                entries.push(StoredEntry::from_row(row)?);
            }
        }
        entries.sort_by_key(|entry| entry.id);
        entries.truncate(usize::try_from(limit).unwrap_or(0));
        let mut views = Vec::with_capacity(entries.len());
        for entry in entries {
            views.push(self.entry_view(entry).await?);
        }
        Ok(views)
    }

    /// One entry with its provenance.
    pub async fn entry(&self, id: i64) -> Result<Option<EntryView>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        match row {
            Some(row) => Ok(Some(self.entry_view(StoredEntry::from_row(&row)?).await?)),
            None => Ok(None),
        }
    }

    async fn entry_view(&self, entry: StoredEntry) -> Result<EntryView, StoreError> {
        let case_ids: Vec<String> = sqlx::query_scalar(
            "SELECT case_id FROM case_hashes WHERE entry_id = $1 ORDER BY case_id",
        )
        .bind(entry.id)
        .fetch_all(&self.read)
        .await?;
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(matched), 0) AS BIGINT) AS matched, \
             CAST(COALESCE(SUM(removed), 0) AS BIGINT) AS removed, \
             CAST(COALESCE(SUM(blocked_upload), 0) AS BIGINT) AS blocked_upload, \
             CAST(COALESCE(SUM(CASE WHEN false_positive > 0 AND last_false_positive_at >= $2 \
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS fp_partners \
             FROM feedback WHERE entry_id = $1",
        )
        .bind(entry.id)
        .bind(entry.decided_at)
        .fetch_one(&self.read)
        .await?;
        Ok(EntryView {
            id: entry.id,
            algorithm: algorithm(&entry.algorithm)?,
            value: entry.value,
            quality: quality(entry.quality),
            state: entry.state,
            verified: entry.verified,
            reason: entry.reason,
            case_ids,
            false_positive_partners: row.try_get("fp_partners")?,
            outcomes: OutcomeCounts {
                matched: row.try_get("matched")?,
                removed: row.try_get("removed")?,
                blocked_upload: row.try_get("blocked_upload")?,
            },
        })
    }

    /// Applies an analyst's decision and logs it; returns the entry's new view.
    pub async fn decide(
        &self,
        analyst: &Principal,
        id: i64,
        decision: Decision,
        note: Option<&str>,
    ) -> Result<EntryView, StoreError> {
        retrying!(self.try_decide(analyst, id, decision, note).await)?;
        self.entry(id).await?.ok_or_else(|| no_entry(id))
    }

    async fn try_decide(
        &self,
        analyst: &Principal,
        id: i64,
        decision: Decision,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let Some(mut entry) = self.lock_entry(&mut tx, id, now).await? else {
            return Err(no_entry(id));
        };
        // After the lock: false-positive reports committed before it are older.
        let now = now_ms();
        let before = entry.state;
        let was_verified = entry.verified;
        let guarded = entry.reason.as_deref() == Some("guard_list");
        match decision {
            Decision::List | Decision::Reinstate => {
                if decision == Decision::Reinstate && before != EntryState::Suspended {
                    return Err(StoreError::Conflict(format!(
                        "only a suspended entry can be reinstated; this one is {}",
                        before.as_str()
                    )));
                }
                if before == EntryState::Withdrawn || open_reports(&mut tx, id).await? == 0 {
                    return Err(StoreError::Conflict(
                        "the reporter withdrew this fingerprint; it cannot be listed".into(),
                    ));
                }
                if guarded {
                    return Err(StoreError::Conflict(
                        "this fingerprint is on the guard list and may never be listed".into(),
                    ));
                }
                entry.state = EntryState::Listed;
                entry.verified = true;
                entry.reason = None;
            }
            Decision::Reject => {
                entry.state = EntryState::Rejected;
                if !guarded {
                    entry.reason = Some("analyst".into());
                }
            }
        }
        self.set_entry_state(&mut tx, &entry, now, true).await?;
        let mut changes = Vec::new();
        let newly_listed = before != EntryState::Listed || !was_verified;
        if entry.state == EntryState::Listed && newly_listed {
            changes.push(PendingChange {
                op: ChangeOp::Add,
                entry: entry.clone(),
            });
        } else if entry.state != EntryState::Listed && before == EntryState::Listed {
            changes.push(PendingChange {
                op: ChangeOp::Remove,
                entry: entry.clone(),
            });
        }
        let detail = serde_json::json!({
            "decision": decision,
            "from": before,
            "to": entry.state,
            "note": note,
        })
        .to_string();
        let subject = format!("entry {id}");
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.name,
            "decision",
            Some(&subject),
            Some(&detail),
        )
        .await?;
        append_changes(&mut tx, self.backend, &changes, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reported URLs after the id `after`, oldest first.
    pub async fn urls(&self, after: i64, limit: i64) -> Result<Vec<UrlView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, url, state, created_at FROM case_urls WHERE id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(UrlView {
                    id: row.try_get("id")?,
                    case_id: row.try_get("case_id")?,
                    url: row.try_get("url")?,
                    state: url_state(&row.try_get::<String, _>("state")?),
                    reported_at: row.try_get::<i64, _>("created_at")? / 1000,
                })
            })
            .collect()
    }

    /// A case as an analyst sees it (no secret needed; the caller logs the read).
    pub async fn case_for_analyst(
        &self,
        case_id: &CaseId,
    ) -> Result<Option<CaseStatus>, StoreError> {
        let row = sqlx::query("SELECT reporter, state, created_at FROM cases WHERE id = $1")
            .bind(case_id.as_str())
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        self.case_details(
            case_id,
            reporter(&row)?,
            row.try_get("state")?,
            row.try_get("created_at")?,
        )
        .await
        .map(Some)
    }

    /// The audit log after the id `after`.
    pub async fn audit_log(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor_kind, actor, action, subject, detail FROM audit_log \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor_kind: row.try_get("actor_kind")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}

/// The table of a kind of principal, and the audit action `<kind>_<verb>`.
fn principal_table(kind: TokenKind, verb: &str) -> (&'static str, String) {
    match kind {
        TokenKind::Partner => ("partners", format!("partner_{verb}")),
        TokenKind::Analyst => ("analysts", format!("analyst_{verb}")),
    }
}

fn no_entry(id: i64) -> StoreError {
    StoreError::NotFound(format!("there is no list entry with id {id}"))
}

fn reporter(row: &AnyRow) -> Result<Reporter, StoreError> {
    let stored: String = row.try_get("reporter")?;
    Reporter::from_stored(&stored)
        .ok_or_else(|| StoreError::Corrupt(format!("reporter {stored:?}")))
}

/// How many open reports name an entry.
async fn open_reports(
    tx: &mut Transaction<'static, Any>,
    entry_id: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
         WHERE ch.entry_id = $1 AND c.state = 'open'",
    )
    .bind(entry_id)
    .fetch_one(&mut **tx)
    .await?)
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Partner => "partner",
        TokenKind::Analyst => "analyst",
    }
}

fn url_state(stored: &str) -> ReportedState {
    if stored == "withdrawn" {
        ReportedState::Withdrawn
    } else {
        ReportedState::Pending
    }
}

/// Appends one line to the audit log.
async fn audit<'e, E>(
    executor: E,
    at: i64,
    actor_kind: &str,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor, action, subject, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(actor_kind)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
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
                // SQLite binds `$N` by looking its name up among all the statement's
                // parameters, quadratic in their number; plain `?` is bound by position.
                match backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => {
                        n += 1;
                        sql.push('$');
                        sql.push_str(&n.to_string());
                    }
                }
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

/// Numbers and writes list changes: the transaction's last statements, so the sequence
/// row stays locked for as short a time as possible and commits happen in `seq` order.
async fn append_changes(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    changes: &[PendingChange],
    now: i64,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    let last: i64 = sqlx::query_scalar(
        "UPDATE sequences SET last = last + $1 WHERE name = 'list_changes' RETURNING last",
    )
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    let rows: Vec<Vec<Param<'_>>> = (last - count + 1..)
        .zip(changes)
        .map(|(seq, change)| {
            let entry = &change.entry;
            vec![
                Param::Int(Some(seq)),
                Param::Text(change.op.as_str()),
                Param::Int(Some(entry.id)),
                Param::Text(&entry.algorithm),
                Param::Text(&entry.value),
                Param::Int(entry.quality),
                Param::Int(Some(i64::from(entry.verified))),
                Param::Int(Some(now)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        backend,
        "INSERT INTO list_changes (seq, op, entry_id, algorithm, value, quality, verified, at)",
        &rows,
    )
    .await?;
    Ok(())
}
