//! Following a hotline's list: fetch the feed page by page from the cursor held, write
//! each page to the journal, then apply it; on failure keep the last good list and retry
//! with backoff.

use crate::client::{ClientError, Fetched};
use crate::config::{MatcherConfig, SyncSettings};
use crate::error::StateError;
use crate::list::SourceList;
use crate::source::{Source, Stop};
use crate::state::ListFiles;
use std::path::Path;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, SystemTime};
use takeback_wire::ChangeOp;

/// Why a sync stopped short.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error(transparent)]
    Hotline(#[from] ClientError),
    #[error("cannot save the list: {0}")]
    State(#[from] StateError),
    #[error("stopping")]
    Stopped,
    /// A whole list fetched again is much shorter than the one held; it is not used.
    #[error(
        "the hotline's whole list has {offered} entries, {held} are held: more than \
         max_shrink_percent = {max_percent} shorter, so the list held is kept (set \
         max_shrink_percent = 100 to accept it)"
    )]
    ListShrank {
        held: usize,
        offered: usize,
        max_percent: u8,
    },
    /// A whole-list refetch needed more pages than one sync may fetch.
    #[error(
        "the hotline's whole list needs more than max_pages_per_sync = {0} pages; the list held is kept"
    )]
    TooManyPages(u32),
}

/// When the saved list was last written: how old it is after a restart.
pub(crate) fn last_saved(dir: &Path) -> Option<SystemTime> {
    ["list.journal", "list.snapshot"]
        .iter()
        .filter_map(|name| std::fs::metadata(dir.join(name)).ok()?.modified().ok())
        .max()
}

/// Follows one hotline on its own thread.
#[derive(Debug)]
pub(crate) struct Follower {
    source: Arc<Source>,
    files: Option<ListFiles>,
    sync: SyncSettings,
    stop: Arc<Stop>,
}

impl Follower {
    pub(crate) fn new(source: Arc<Source>, config: &MatcherConfig, stop: Arc<Stop>) -> Self {
        let files = source
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        Follower {
            source,
            files,
            sync: config.sync,
            stop,
        }
    }

    pub(crate) fn run(mut self) {
        let name = self.source.config.name.clone();
        let mut failures: u32 = 0;
        loop {
            let delay = match self.sync_once() {
                Ok(()) => {
                    failures = 0;
                    self.source.health().last_error = None;
                    self.sync.interval
                }
                Err(SyncError::Stopped) => return,
                Err(error) => {
                    failures = failures.saturating_add(1);
                    let delay = backoff(&self.sync, failures);
                    tracing::warn!(
                        hotline = name,
                        error = %error,
                        retry_in_seconds = delay.as_secs_f64(),
                        "sync failed; matching goes on with the last good list"
                    );
                    metrics::counter!("takeback_matcher_sync_failures_total", "hotline" => name.clone())
                        .increment(1);
                    self.source.health().last_error = Some(error.to_string());
                    delay
                }
            };
            if self.stop.wait(delay) {
                return;
            }
        }
    }

    /// Fetches and applies pages until the hotline has nothing newer.
    fn sync_once(&mut self) -> Result<(), SyncError> {
        if self.source.health().refetch {
            tracing::warn!(
                hotline = self.source.config.name,
                "the saved list was written by a matcher that kept no videos, and may lack \
                 them; fetching the whole list again, once (the list held answers meanwhile)"
            );
            return self.refetch_all();
        }
        let Some(files) = self.files.as_mut() else {
            return Err(ClientError::Garbage("the list's files are not open".into()).into());
        };
        let name = &self.source.config.name;
        let mut pages: u32 = 0;
        loop {
            if self.stop.is_stopped() {
                return Err(SyncError::Stopped);
            }
            if pages >= self.sync.max_pages_per_sync {
                // The rest waits for the next sync: a feed that never ends cannot hold the
                // follower here. What was fetched is in the journal already; until the first
                // list is complete, the matcher stays unready.
                tracing::warn!(
                    hotline = name,
                    pages,
                    "the sync stopped at max_pages_per_sync; it goes on at the next one"
                );
                return Ok(());
            }
            pages += 1;
            let cursor = self.source.health().cursor;
            let page = match fetch(&self.source, &self.sync, cursor)? {
                Fetched::Page(page) => page,
                Fetched::CursorAhead => {
                    tracing::warn!(
                        hotline = name,
                        cursor,
                        "the hotline's list ends before the position held; fetching the whole \
                         list again"
                    );
                    return self.refetch_all();
                }
            };
            if page.changes.is_empty() {
                break;
            }
            // Durable first, then visible: a crash between the two replays the journal.
            files.append(&page.changes)?;
            let list = self.source.list.load();
            let changes: Vec<_> = page.changes.into_iter().map(|(_, change)| change).collect();
            // Retired before they go, so that an outcome for one is never refused.
            self.source.health().retired.extend(
                changes
                    .iter()
                    .filter(|c| c.op == ChangeOp::Remove)
                    .map(|c| c.entry.id),
            );
            list.apply(&changes);
            self.source.health().cursor = page.next;
            metrics::counter!("takeback_matcher_list_changes_total", "hotline" => name.clone())
                .increment(changes.len() as u64);
        }
        let list = self.source.list.load();
        let cursor = self.source.health().cursor;
        let loaded = self.source.health().loaded;
        // The first complete list is saved whole, so that a restart knows it was complete;
        // afterwards the journal is folded in when it grows to half the list.
        if !loaded || files.journal_records() > 100_000.max(list.len() as u64 / 2) {
            list.compact();
            files.write_snapshot(&list, cursor)?;
        }
        let mut health = self.source.health();
        if !health.loaded {
            tracing::info!(hotline = name, entries = list.len(), "list loaded");
        }
        health.loaded = true;
        health.synced_at = Some(SystemTime::now());
        Ok(())
    }

    /// Fetches the whole list into a fresh index while the old one goes on answering, then
    /// swaps it in and saves it: when the hotline's list is behind the cursor held
    /// (restored from a backup, say), and once after files from a matcher that kept no
    /// videos.
    fn refetch_all(&mut self) -> Result<(), SyncError> {
        let name = &self.source.config.name;
        let fresh = SourceList::default();
        let mut at = 0;
        let mut pages: u32 = 0;
        loop {
            if self.stop.is_stopped() {
                return Err(SyncError::Stopped);
            }
            if pages >= self.sync.max_pages_per_sync {
                return Err(SyncError::TooManyPages(self.sync.max_pages_per_sync));
            }
            pages += 1;
            let page = match fetch(&self.source, &self.sync, at)? {
                Fetched::Page(page) => page,
                Fetched::CursorAhead => {
                    return Err(ClientError::Garbage(
                        "the hotline said the start of its list is ahead of it".into(),
                    )
                    .into());
                }
            };
            if page.changes.is_empty() {
                break;
            }
            let changes: Vec<_> = page.changes.into_iter().map(|(_, change)| change).collect();
            fresh.apply(&changes);
            at = page.next;
        }
        fresh.compact();
        let held = self.source.list.load().len();
        let max_percent = self.sync.max_shrink_percent;
        // Kept if the new list is at least (100 - max_percent)% of the list held.
        if (fresh.len() as u128) * 100 < (held as u128) * u128::from(100 - max_percent.min(100)) {
            let refused = SyncError::ListShrank {
                held,
                offered: fresh.len(),
                max_percent,
            };
            tracing::error!(hotline = name, error = %refused, "a much shorter list was refused");
            metrics::counter!("takeback_matcher_list_shrink_refused_total", "hotline" => name.clone())
                .increment(1);
            return Err(refused);
        }
        if let Some(files) = self.files.as_mut() {
            files.write_snapshot(&fresh, at)?;
        }
        // Outcomes may still come in for entries that were on the old list.
        let old_ids: Vec<i64> = self
            .source
            .list
            .load()
            .entries()
            .iter()
            .map(|e| e.id)
            .filter(|&id| !fresh.contains(id))
            .collect();
        self.source.health().retired.extend(old_ids);
        self.source.list.store(Arc::new(fresh));
        let mut health = self.source.health();
        health.cursor = at;
        health.loaded = true;
        health.refetch = false;
        health.synced_at = Some(SystemTime::now());
        tracing::info!(
            hotline = name,
            entries = self.source.list.load().len(),
            cursor = at,
            "the whole list was fetched again"
        );
        Ok(())
    }
}

/// The page after `after` from the source's hotline.
fn fetch(source: &Source, sync: &SyncSettings, after: i64) -> Result<Fetched, SyncError> {
    let Some(client) = &source.client else {
        return Err(ClientError::Garbage("a list file has no hotline to follow".into()).into());
    };
    Ok(client.fetch_page(after, sync.page_size)?)
}

/// The wait after `failures` failures in a row: doubling from a quarter of the interval
/// (at least a second), capped, with up to a quarter more at random so that many matchers
/// do not retry in step.
fn backoff(sync: &SyncSettings, failures: u32) -> Duration {
    let base = (sync.interval / 4).max(Duration::from_secs(1));
    let doubled = base.saturating_mul(1 << failures.saturating_sub(1).min(16));
    let capped = doubled.min(sync.max_backoff.max(base));
    let mut random = [0u8; 2];
    let jitter = if getrandom::fill(&mut random).is_ok() {
        f64::from(u16::from_le_bytes(random)) / f64::from(u16::MAX) / 4.0
    } else {
        0.0
    };
    capped.mul_f64(1.0 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let sync = SyncSettings {
            interval: Duration::from_secs(60),
            max_backoff: Duration::from_secs(300),
            ..SyncSettings::default()
        };
        let waits: Vec<u64> = (1..=6).map(|n| backoff(&sync, n).as_secs()).collect();
        for (wait, low) in waits.iter().zip([15, 30, 60, 120, 240, 300]) {
            assert!((low..=low + low / 4 + 1).contains(wait), "{waits:?}");
        }
    }
}
