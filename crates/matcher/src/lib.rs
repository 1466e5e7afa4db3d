//! The matcher: what a platform runs to find and block pictures on Takeback hotlines'
//! hash lists.
//!
//! A [`Matcher`] follows one or more hotlines' lists (`GET /api/v1/hashlist` with the
//! platform's partner key), keeps them in memory in a `takeback-index` index and on disk
//! (a snapshot and a journal, so a restart resumes rather than downloads the list again),
//! answers "is this listed?" for image bytes or hashes, and sends the platform's outcomes
//! back as counts (`POST /api/v1/feedback`), batched and retried until acknowledged.
//! [`router`] serves it all over HTTP, as `takeback matcher` does.
//!
//! Images are hashed in memory and dropped: nothing here stores or logs image bytes, and
//! nothing sent to a hotline names a user or carries content.
//!
//! Embedding it in a Rust service:
//!
//! ```no_run
//! use takeback_matcher::{Matcher, MatcherConfig, OutcomeKind, PartnerKey, SourceConfig};
//!
//! # fn upload(bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let config = MatcherConfig::new(
//!     "/var/lib/takeback-matcher".into(),
//!     vec![SourceConfig::hotline(
//!         "hotline",
//!         "https://hotline.example.org",
//!         PartnerKey::new("tbp_…".into()),
//!     )],
//! );
//! let matcher = Matcher::open(config)?;
//! matcher.start(); // follows the lists and sends outcomes, on background threads
//!
//! // For each upload (until `matcher.is_ready()`, every list may not be loaded yet):
//! let found = matcher.match_image(bytes)?;
//! for m in &found.matches {
//!     if m.verified {
//!         // An analyst confirmed the listed picture: block, and say so.
//!         matcher.record_outcome(&m.source, m.id, OutcomeKind::BlockedUpload, 1)?;
//!     } else {
//!         // Self-reported: send the upload to human review instead of acting blindly.
//!     }
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod config;
mod follow;
mod http;
mod list;
mod outcomes;
mod state;
mod wire;

pub use config::{ConfigError, MatcherConfig, PartnerKey, SourceConfig, SourceKind, SyncSettings};
pub use http::router;
pub use outcomes::{OutcomeError, OutcomeKind};
pub use state::StateError;

use arc_swap::ArcSwap;
use list::SourceList;
use outcomes::Outbox;
use serde::Serialize;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use takeback_fingerprint::{DecodeLimits, FingerprintError, Options, fingerprint_bytes};
use takeback_index::HashIndex;
use takeback_pdq::{Dihedral, PdqHash};

/// A fingerprint on a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListedHash {
    /// A PDQ hash: near copies match.
    Pdq(PdqHash),
    /// MD5 of a file's bytes: only the same file matches.
    Md5([u8; 16]),
    /// SHA-256 of a file's bytes: only the same file matches.
    Sha256([u8; 32]),
}

impl ListedHash {
    /// `pdq`, `md5` or `sha256`, as the hotline names them.
    pub fn algorithm(&self) -> &'static str {
        match self {
            ListedHash::Pdq(_) => "pdq",
            ListedHash::Md5(_) => "md5",
            ListedHash::Sha256(_) => "sha256",
        }
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        match self {
            ListedHash::Pdq(hash) => hash.to_hex(),
            ListedHash::Md5(bytes) => hex(bytes),
            ListedHash::Sha256(bytes) => hex(bytes),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses exactly `N` bytes of hex (either case).
pub(crate) fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// An entry of a hotline's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The hotline's id for it; outcomes name it.
    pub id: i64,
    /// Its fingerprint.
    pub hash: ListedHash,
    /// Checked by an analyst (`true`) or self-reported (`false`).
    pub verified: bool,
}

/// Add (or replace) or remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Remove,
}

/// One change to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListChange {
    pub(crate) op: Op,
    pub(crate) entry: ListEntry,
}

/// The PDQ side of a query: the hash, or the hashes of all eight orientations (in the
/// order of [`Dihedral::ALL`], as `takeback hash --dihedral` prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a query lives on the stack for one lookup
pub enum PdqQuery {
    /// One hash.
    One(PdqHash),
    /// All eight orientations; the first is the picture as it is.
    Dihedral([PdqHash; 8]),
}

/// Hashes to look up. Any may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryHashes {
    /// PDQ.
    pub pdq: Option<PdqQuery>,
    /// PDQ's quality, when known: below the quality floor PDQ is not searched.
    pub quality: Option<u8>,
    /// MD5 of the file.
    pub md5: Option<[u8; 16]>,
    /// SHA-256 of the file.
    pub sha256: Option<[u8; 32]>,
}

/// An entry that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMatch {
    /// The list it is on (the hotline's name in the configuration).
    #[serde(rename = "hotline")]
    pub source: String,
    /// The entry's id on that list.
    pub id: i64,
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: &'static str,
    /// The listed fingerprint, hex.
    pub hash: String,
    /// Hamming distance for PDQ (0 to the maximum distance); 0 for MD5 and SHA-256.
    pub distance: u32,
    /// Checked by an analyst (`true`), or self-reported (`false`): send those to human
    /// review rather than acting on them blindly.
    pub verified: bool,
    /// Which turn or mirror of the query matched (`rot90`, `flipx`, …); absent when the
    /// query as it is matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<&'static str>,
}

impl ListMatch {
    pub(crate) fn new(
        source: &str,
        id: i64,
        hash: ListedHash,
        verified: bool,
        distance: u32,
        variant: Option<Dihedral>,
    ) -> Self {
        ListMatch {
            source: source.to_owned(),
            id,
            algorithm: hash.algorithm(),
            hash: hash.to_hex(),
            distance,
            verified,
            variant: variant.map(Dihedral::name),
        }
    }
}

/// What an image was found to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageMatches {
    /// The entries it matched: exact matches first, then by distance.
    pub matches: Vec<ListMatch>,
    /// The image's PDQ hash (as it is, not turned).
    pub pdq: String,
    /// PDQ's quality, 0 to 100.
    pub quality: u8,
    /// Whether PDQ was searched: not when the quality is under the floor (a picture with
    /// too little detail matches unrelated ones), when only MD5 and SHA-256 count.
    pub pdq_searched: bool,
}

/// How queries are answered.
#[derive(Debug, Clone, Copy)]
pub struct MatchSettings {
    /// Largest PDQ distance that counts as a match (0-256). Default 31, as PDQ's authors
    /// suggest.
    pub max_distance: u32,
    /// Lowest PDQ quality searched (0-100); default 50.
    pub quality_floor: u8,
    /// Also match images turned and mirrored (all eight orientations). Default on.
    pub dihedral: bool,
    /// Limits for decoding images handed in.
    pub limits: DecodeLimits,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            max_distance: 31,
            quality_floor: takeback_pdq::RECOMMENDED_MIN_QUALITY,
            dihedral: true,
            limits: DecodeLimits {
                max_file_bytes: 64 * 1024 * 1024,
                ..DecodeLimits::default()
            },
        }
    }
}

/// Why a matcher could not start.
#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    /// The state directory is in use by another matcher.
    #[error("{0} is in use by another matcher (one state directory per matcher)")]
    StateInUse(String),
    /// The saved state could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A list file could not be read.
    #[error("{path}: {message}")]
    ListFile {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Why an image could not be matched.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// Not every list is loaded yet: "no match" would not be true.
    #[error("not every hash list is loaded yet")]
    NotReady,
    /// The bytes are not an image that can be hashed.
    #[error(transparent)]
    Image(#[from] FingerprintError),
}

/// How one followed list stands.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    /// Its name.
    pub name: String,
    /// Entries held.
    pub entries: usize,
    /// Whether a complete list is loaded (queries wait for this).
    pub loaded: bool,
    /// The feed position held.
    pub cursor: i64,
    /// Seconds since the list was last known to be up to date with its hotline.
    pub age_seconds: Option<f64>,
    /// The last sync's error, if it failed.
    pub last_error: Option<String>,
}

/// One list the matcher holds, and how it stands.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) config: SourceConfig,
    pub(crate) list: ArcSwap<SourceList>,
    pub(crate) health: Mutex<Health>,
    /// The list's files, until its follower takes them.
    pub(crate) files: Mutex<Option<state::ListFiles>>,
}

#[derive(Debug, Default)]
pub(crate) struct Health {
    pub(crate) loaded: bool,
    pub(crate) cursor: i64,
    pub(crate) synced_at: Option<SystemTime>,
    pub(crate) last_error: Option<String>,
    /// Ids taken off the list since start-up, so that outcomes for them are still taken.
    pub(crate) retired: std::collections::HashSet<i64>,
}

impl Source {
    pub(crate) fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A stop signal the background threads wait on.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    /// Waits up to `timeout`; `true` if stopping.
    pub(crate) fn wait(&self, timeout: Duration) -> bool {
        let stopped = self.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (stopped, _) = self
            .wake
            .wait_timeout_while(stopped, timeout, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *stopped
    }

    pub(crate) fn is_stopped(&self) -> bool {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }
}

/// Follows hotlines' lists and matches against them. Cheap to clone: clones share one
/// matcher.
#[derive(Debug, Clone)]
pub struct Matcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: MatcherConfig,
    sources: Vec<Arc<Source>>,
    outbox: Outbox,
    stop: Arc<Stop>,
    started: AtomicBool,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// Held for the matcher's life: one matcher per state directory.
    _lock: File,
}

impl Matcher {
    /// Opens the state directory (creating it), loads the lists saved there and the
    /// list files named in the configuration, and recovers unsent outcomes. Nothing is
    /// fetched until [`Matcher::start`].
    pub fn open(config: MatcherConfig) -> Result<Matcher, MatcherError> {
        config.validate()?;
        let state_dir = &config.state_dir;
        std::fs::create_dir_all(state_dir).map_err(|source| StateError::Io {
            path: state_dir.clone(),
            source,
        })?;
        let lock_path = state_dir.join("lock");
        let lock = File::create(&lock_path).map_err(|source| StateError::Io {
            path: lock_path.clone(),
            source,
        })?;
        if lock.try_lock().is_err() {
            return Err(MatcherError::StateInUse(state_dir.display().to_string()));
        }
        let mut sources = Vec::new();
        for source in &config.sources {
            let (list, health, files) = match &source.kind {
                SourceKind::Hotline { .. } => {
                    // Before opening, which may rewrite the journal.
                    let saved_at = follow::last_saved(&source.state_dir(state_dir));
                    let (files, loaded) =
                        state::ListFiles::open(&source.state_dir(state_dir), &source.origin())?;
                    let health = Health {
                        loaded: loaded.complete,
                        cursor: loaded.cursor,
                        synced_at: saved_at.filter(|_| loaded.complete),
                        ..Health::default()
                    };
                    (loaded.list, health, Some(files))
                }
                SourceKind::File { path, verified } => {
                    let list = load_list_file(path, *verified)?;
                    let health = Health {
                        loaded: true,
                        synced_at: Some(SystemTime::now()),
                        ..Health::default()
                    };
                    (list, health, None)
                }
            };
            sources.push(Arc::new(Source {
                config: source.clone(),
                list: ArcSwap::from_pointee(list),
                health: Mutex::new(health),
                files: Mutex::new(files),
            }));
        }
        let outbox = Outbox::open(&state_dir.join("outcomes"))?;
        Ok(Matcher {
            inner: Arc::new(Inner {
                config,
                sources,
                outbox,
                stop: Arc::new(Stop::default()),
                started: AtomicBool::new(false),
                threads: Mutex::new(Vec::new()),
                _lock: lock,
            }),
        })
    }

    /// Starts following the hotlines and sending outcomes, on background threads. Calling
    /// it again does nothing.
    pub fn start(&self) {
        if self.inner.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut threads = self
            .inner
            .threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for source in &self.inner.sources {
            if let SourceKind::Hotline { .. } = source.config.kind {
                let follower = follow::Follower::new(
                    Arc::clone(source),
                    &self.inner.config,
                    Arc::clone(&self.inner.stop),
                );
                let name = format!("follow-{}", source.config.name);
                if let Ok(handle) = std::thread::Builder::new()
                    .name(name)
                    .spawn(move || follower.run())
                {
                    threads.push(handle);
                }
            }
        }
        let sender = outcomes::Sender::new(self.clone());
        if let Ok(handle) = std::thread::Builder::new()
            .name("outcomes".into())
            .spawn(move || sender.run())
        {
            threads.push(handle);
        }
    }

    /// Stops the background threads, waiting up to five seconds for them: a thread in
    /// the middle of a request to a hotline is left to finish it on its own (whatever it
    /// has not written to disk is fetched or sent again at the next start).
    pub fn stop(&self) {
        self.inner.stop.stop();
        let threads = std::mem::take(
            &mut *self
                .inner
                .threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        for thread in threads {
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }

    /// Whether every list is loaded, so that "no match" means no match.
    pub fn is_ready(&self) -> bool {
        self.inner.sources.iter().all(|s| s.health().loaded)
    }

    /// How each list stands.
    pub fn status(&self) -> Vec<SourceStatus> {
        self.inner
            .sources
            .iter()
            .map(|source| {
                let entries = source.list.load().len();
                let health = source.health();
                SourceStatus {
                    name: source.config.name.clone(),
                    entries,
                    loaded: health.loaded,
                    cursor: health.cursor,
                    age_seconds: health
                        .synced_at
                        .and_then(|at| at.elapsed().ok())
                        .map(|age| age.as_secs_f64()),
                    last_error: health.last_error.clone(),
                }
            })
            .collect()
    }

    /// The settings queries are answered with.
    pub fn settings(&self) -> &MatchSettings {
        &self.inner.config.matching
    }

    /// Looks hashes up on every list: exact matches first, then PDQ matches closest first.
    /// With dihedral matching off, only the first of eight PDQ hashes is searched; under
    /// the quality floor, none.
    pub fn match_hashes(&self, query: &QueryHashes) -> Vec<ListMatch> {
        let settings = self.settings();
        let mut query = *query;
        if query.quality.is_some_and(|q| q < settings.quality_floor) {
            query.pdq = None;
        }
        if !settings.dihedral
            && let Some(PdqQuery::Dihedral(hashes)) = query.pdq
        {
            query.pdq = Some(PdqQuery::One(hashes[0]));
        }
        let mut matches = Vec::new();
        for source in &self.inner.sources {
            source.list.load().find(
                &source.config.name,
                &query,
                settings.max_distance,
                &mut matches,
            );
        }
        matches
    }

    /// Hashes an image held in memory (keeping none of it) and looks it up: PDQ (in every
    /// orientation, unless dihedral matching is off), MD5 and SHA-256.
    pub fn match_image(&self, bytes: &[u8]) -> Result<ImageMatches, MatchError> {
        if !self.is_ready() {
            return Err(MatchError::NotReady);
        }
        let settings = self.settings();
        let print = fingerprint_bytes(
            bytes,
            &Options {
                limits: settings.limits,
                dihedral: settings.dihedral,
            },
        )?;
        let pdq_searched = print.pdq.quality >= settings.quality_floor;
        let query = QueryHashes {
            pdq: Some(match print.dihedral {
                Some(hashes) => PdqQuery::Dihedral(hashes),
                None => PdqQuery::One(print.pdq.hash),
            }),
            quality: Some(print.pdq.quality),
            md5: Some(print.digests.md5.0),
            sha256: Some(print.digests.sha256.0),
        };
        Ok(ImageMatches {
            matches: self.match_hashes(&query),
            pdq: print.pdq.hash.to_hex(),
            quality: print.pdq.quality,
            pdq_searched,
        })
    }

    /// Records what the platform did about a match, to be sent to the list's hotline as a
    /// count: durable when this returns. `removed` and `blocked_upload` also count as a
    /// copy found (`matched`).
    pub fn record_outcome(
        &self,
        source: &str,
        id: i64,
        kind: OutcomeKind,
        count: u32,
    ) -> Result<(), OutcomeError> {
        self.record_outcomes(&[outcomes::OutcomeReport {
            source: source.to_owned(),
            id,
            kind,
            count,
        }])
    }

    /// [`Matcher::record_outcome`] for several at once, all or none.
    pub fn record_outcomes(&self, reports: &[outcomes::OutcomeReport]) -> Result<(), OutcomeError> {
        let mut with_origins = Vec::with_capacity(reports.len());
        for report in reports {
            let Some(source) = self.source(&report.source) else {
                return Err(OutcomeError::UnknownSource(report.source.clone()));
            };
            if !matches!(source.config.kind, SourceKind::Hotline { .. }) {
                return Err(OutcomeError::NotAHotline(report.source.clone()));
            }
            if !(source.list.load().contains(report.id)
                || source.health().retired.contains(&report.id))
            {
                return Err(OutcomeError::UnknownEntry {
                    hotline: report.source.clone(),
                    id: report.id,
                });
            }
            if report.count == 0 || report.count > outcomes::MAX_COUNT {
                return Err(OutcomeError::BadCount(report.count));
            }
            with_origins.push((report.clone(), source.config.origin()));
        }
        self.inner.outbox.record(&with_origins)
    }

    /// Sends the outcomes recorded so far now, rather than at the next interval; returns
    /// how many entries' counts were acknowledged.
    pub fn flush_outcomes(&self) -> Result<usize, OutcomeError> {
        outcomes::flush(self)
    }

    pub(crate) fn source(&self, name: &str) -> Option<&Arc<Source>> {
        self.inner.sources.iter().find(|s| s.config.name == name)
    }

    pub(crate) fn sources(&self) -> &[Arc<Source>] {
        &self.inner.sources
    }

    pub(crate) fn outbox(&self) -> &Outbox {
        &self.inner.outbox
    }

    pub(crate) fn config(&self) -> &MatcherConfig {
        &self.inner.config
    }

    pub(crate) fn stop_signal(&self) -> &Stop {
        &self.inner.stop
    }
}

/// A list file: a text hash list (`hash` or `hash,id` per line) or a saved index.
fn load_list_file(path: &Path, verified: bool) -> Result<SourceList, MatcherError> {
    let fail = |message: String| MatcherError::ListFile {
        path: path.display().to_string(),
        message,
    };
    let mut head = [0u8; 16];
    let head_len = {
        use std::io::Read;
        let mut file = File::open(path).map_err(|e| fail(e.to_string()))?;
        file.read(&mut head).map_err(|e| fail(e.to_string()))?
    };
    let entries: Vec<(PdqHash, u64)> = if takeback_index::is_index_file(&head[..head_len]) {
        HashIndex::load(path)
            .map_err(|e| fail(e.to_string()))?
            .entries()
    } else {
        let file = File::open(path).map_err(|e| fail(e.to_string()))?;
        takeback_index::read_hash_list(std::io::BufReader::new(file))
            .map_err(|e| fail(e.to_string()))?
    };
    let mut listed = Vec::with_capacity(entries.len());
    for (hash, id) in entries {
        let id = i64::try_from(id)
            .ok()
            .filter(|id| (1..=list::MAX_ENTRY_ID).contains(id))
            .ok_or_else(|| {
                fail(format!(
                    "entry id {id} is outside 1 to {}",
                    list::MAX_ENTRY_ID
                ))
            })?;
        listed.push(ListEntry {
            id,
            hash: ListedHash::Pdq(hash),
            verified,
        });
    }
    Ok(SourceList::from_entries(listed))
}

pub use outcomes::OutcomeReport;

/// One list's memory and files without the network, for the property tests in `tests/`.
#[doc(hidden)]
pub mod testing {
    use super::{ListChange, ListEntry, ListMatch, Op, QueryHashes, StateError};
    use crate::list::SourceList;
    use crate::state::ListFiles;
    use std::path::Path;

    /// A change as the feed gives it.
    #[derive(Debug, Clone)]
    pub struct FeedChange {
        /// Remove (`true`) or add/replace.
        pub remove: bool,
        /// The entry.
        pub entry: ListEntry,
    }

    /// A list kept as the follower keeps it: journal first, then memory.
    #[derive(Debug)]
    pub struct FollowedList {
        list: SourceList,
        files: ListFiles,
        cursor: i64,
    }

    impl FollowedList {
        /// Opens the list saved in `dir`.
        pub fn open(dir: &Path) -> Result<Self, StateError> {
            let (files, loaded) = ListFiles::open(dir, "test")?;
            Ok(FollowedList {
                list: loaded.list,
                files,
                cursor: loaded.cursor,
            })
        }

        /// Applies the next page of the feed.
        pub fn apply_page(&mut self, changes: &[FeedChange]) -> Result<(), StateError> {
            let numbered: Vec<(i64, ListChange)> = changes
                .iter()
                .enumerate()
                .map(|(i, change)| {
                    let op = if change.remove { Op::Remove } else { Op::Add };
                    let change = ListChange {
                        op,
                        entry: change.entry.clone(),
                    };
                    (self.cursor + 1 + i as i64, change)
                })
                .collect();
            self.files.append(&numbered)?;
            let changes: Vec<ListChange> = numbered.into_iter().map(|(_, c)| c).collect();
            self.list.apply(&changes);
            self.cursor += changes.len() as i64;
            Ok(())
        }

        /// Saves the whole list and starts a new journal.
        pub fn snapshot(&mut self) -> Result<(), StateError> {
            self.files.write_snapshot(&self.list, self.cursor)
        }

        /// Every entry.
        pub fn entries(&self) -> Vec<ListEntry> {
            self.list.entries()
        }

        /// The matches for a query.
        pub fn find(&self, query: &QueryHashes, max_distance: u32) -> Vec<ListMatch> {
            let mut found = Vec::new();
            self.list.find("test", query, max_distance, &mut found);
            found
        }

        /// The feed position held.
        pub fn cursor(&self) -> i64 {
            self.cursor
        }
    }
}
