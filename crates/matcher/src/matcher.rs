//! The [`Matcher`]: opens the state directory and the lists, starts and stops the
//! background threads (a follower per hotline, the outbox's sender), answers queries and
//! records outcomes.

use crate::client::HotlineClient;
use crate::config::{MatcherConfig, SourceKind};
use crate::error::{MatchError, MatcherError, OutcomeError, StateError};
use crate::follow;
use crate::list::{self, SourceList};
use crate::outbox::Outbox;
use crate::outcomes::Sender;
use crate::source::{Health, Source, Stop};
use crate::state;
use crate::types::{
    CheckpointStatus, ImageMatches, ListEntry, ListMatch, ListedHash, ListedVideo, MAX_COUNT,
    MatchSettings, Md5Digest, OutcomeKind, OutcomeReport, PdqQuery, QueryHashes, Sha256Digest,
    SourceStatus, VideoMatches,
};
use arc_swap::ArcSwap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use takeback_fingerprint::{DecodeBudget, Options, VideoOptions, fingerprint_bytes};
use takeback_index::{ListFile, ListFileError};

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
    /// Memory shared by the images being decoded at once.
    decode_budget: Arc<DecodeBudget>,
    /// The outbox and its sender.
    outcomes: Arc<Sender>,
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
            let (list, health, files, client) = match &source.kind {
                SourceKind::Hotline { url, key, .. } => {
                    // Before opening, which may rewrite the journal.
                    let saved_at = follow::last_saved(&source.state_dir(state_dir));
                    let (files, loaded) =
                        state::ListFiles::open(&source.state_dir(state_dir), &source.origin())?;
                    let health = Health {
                        loaded: loaded.complete,
                        cursor: loaded.cursor,
                        head: loaded.head,
                        refetch: loaded.refetch,
                        synced_at: saved_at.filter(|_| loaded.complete),
                        ..Health::default()
                    };
                    let client = HotlineClient::new(url, key.expose(), &config.sync);
                    (loaded.list, health, Some(files), Some(client))
                }
                SourceKind::File { path, verified } => {
                    let list = load_list_file(path, *verified)?;
                    let health = Health {
                        loaded: true,
                        synced_at: Some(SystemTime::now()),
                        ..Health::default()
                    };
                    (list, health, None, None)
                }
            };
            sources.push(Arc::new(Source {
                config: source.clone(),
                list: ArcSwap::from_pointee(list),
                health: Mutex::new(health),
                files: Mutex::new(files),
                client,
            }));
        }
        let outbox = Outbox::open(&state_dir.join("outcomes"))?;
        let stop = Arc::new(Stop::default());
        let outcomes = Sender::new(
            outbox,
            sources.clone(),
            config.sync.feedback_interval,
            Arc::clone(&stop),
        );
        let decode_budget = Arc::new(
            DecodeBudget::new(config.matching.decode_memory)
                .waiting_at_most(config.matching.decode_wait),
        );
        Ok(Matcher {
            inner: Arc::new(Inner {
                config,
                sources,
                decode_budget,
                outcomes: Arc::new(outcomes),
                stop,
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
            for warning in source.config.warnings() {
                tracing::warn!(hotline = source.config.name, "{warning}");
            }
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
        let sender = Arc::clone(&self.inner.outcomes);
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
                    checkpoint: health
                        .checkpoint
                        .as_ref()
                        .map(|checkpoint| CheckpointStatus {
                            seq: checkpoint.seq,
                            head: checkpoint.head.to_string(),
                            size: checkpoint.size,
                            signed_at: checkpoint.time,
                            key: checkpoint.key_id.clone(),
                            signature_checked: matches!(
                                source.config.kind,
                                SourceKind::Hotline {
                                    public_key: Some(_),
                                    ..
                                }
                            ),
                        }),
                    pages_refused: health.pages_refused,
                    warning: Some(source.config.warnings().join("; ")).filter(|w| !w.is_empty()),
                }
            })
            .collect()
    }

    /// The whole configuration.
    pub fn config(&self) -> &MatcherConfig {
        &self.inner.config
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
                settings.quality_floor,
                &mut matches,
            );
        }
        matches
    }

    /// Looks a video up on every list by its frames, with the vPDQ rule
    /// ([`MatchSettings::video_rule`]), and by the file's MD5 and SHA-256 when given:
    /// exact matches first, then listed videos, the most alike first.
    pub fn match_video_frames(
        &self,
        video: &ListedVideo,
        md5: Option<Md5Digest>,
        sha256: Option<Sha256Digest>,
    ) -> Vec<ListMatch> {
        let settings = self.settings();
        let rule = settings.video_rule();
        let exact = QueryHashes {
            md5,
            sha256,
            ..QueryHashes::default()
        };
        let mut matches = Vec::new();
        for source in &self.inner.sources {
            let list = source.list.load();
            list.find(&source.config.name, &exact, 0, 0, &mut matches);
        }
        for source in &self.inner.sources {
            let list = source.list.load();
            list.find_video(&source.config.name, video, &rule, &mut matches);
        }
        matches
    }

    /// Hashes a video held in memory (keeping none of it, and writing none of it to
    /// disk: FFmpeg reads it from memory; Linux only) and looks it up by its frames and
    /// digests.
    pub fn match_video(&self, bytes: &[u8]) -> Result<VideoMatches, MatchError> {
        if !self.is_ready() {
            return Err(MatchError::NotReady);
        }
        let settings = self.settings();
        let print = takeback_fingerprint::fingerprint_video_bytes(
            bytes,
            &VideoOptions {
                seconds_per_hash: settings.seconds_per_hash,
                limits: settings.video_limits,
                // One video per core at a time, each decoded on its own thread.
                decoder_threads: 1,
                ..VideoOptions::default()
            },
        )?;
        let frames_searched = print
            .fingerprint
            .distinct_hashes(settings.quality_floor)
            .len();
        Ok(VideoMatches {
            matches: self.match_video_frames(
                &print.fingerprint,
                Some(print.digests.md5),
                Some(print.digests.sha256),
            ),
            frames: print.fingerprint.frames.len(),
            frames_searched,
        })
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
                budget: Some(Arc::clone(&self.inner.decode_budget)),
            },
        )?;
        let pdq_searched = print.pdq.quality >= settings.quality_floor;
        let query = QueryHashes {
            pdq: Some(match print.dihedral {
                Some(hashes) => PdqQuery::Dihedral(hashes),
                None => PdqQuery::One(print.pdq.hash),
            }),
            quality: Some(print.pdq.quality),
            md5: Some(print.digests.md5),
            sha256: Some(print.digests.sha256),
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
        self.record_outcomes(&[OutcomeReport {
            source: source.to_owned(),
            id,
            kind,
            count,
        }])
    }

    /// [`Matcher::record_outcome`] for several at once, all or none.
    pub fn record_outcomes(&self, reports: &[OutcomeReport]) -> Result<(), OutcomeError> {
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
            if report.count == 0 || report.count > MAX_COUNT {
                return Err(OutcomeError::BadCount(report.count));
            }
            with_origins.push((report.clone(), source.config.origin()));
        }
        Ok(self.inner.outcomes.outbox().record(&with_origins)?)
    }

    /// Sends the outcomes recorded so far now, rather than at the next interval; returns
    /// how many entries' counts were acknowledged.
    pub fn flush_outcomes(&self) -> Result<usize, OutcomeError> {
        self.inner.outcomes.flush()
    }

    pub(crate) fn source(&self, name: &str) -> Option<&Arc<Source>> {
        self.inner.sources.iter().find(|s| s.config.name == name)
    }

    pub(crate) fn sources(&self) -> &[Arc<Source>] {
        &self.inner.sources
    }
}

/// A list file: a text hash list (`hash` or `hash,id` per line) or a saved index.
fn load_list_file(path: &Path, verified: bool) -> Result<SourceList, MatcherError> {
    let fail = |message: String| MatcherError::ListFile {
        path: path.display().to_string(),
        message,
    };
    let entries = ListFile::read(path)
        .map_err(|error| {
            fail(match error {
                ListFileError::Read { source, .. } => source.to_string(),
                ListFileError::Index(error) => error.to_string(),
                ListFileError::Text { source, .. } => source.to_string(),
            })
        })?
        .into_entries();
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
            video: None,
        });
    }
    Ok(SourceList::from_entries(listed))
}
