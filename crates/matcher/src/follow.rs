//! Following a hotline's list: fetch the feed page by page from the cursor held, check that
//! each page is what the hotline signed (`trust`), write it to the journal, then apply it;
//! on failure keep the last good list and retry with backoff. A page that continues another
//! history than the one held (a hotline restored from a backup) fetches the whole list
//! again.

use crate::client::{ClientError, Fetched};
use crate::config::{MatcherConfig, SourceKind, SyncSettings};
use crate::error::StateError;
use crate::list::SourceList;
use crate::source::{Source, Stop};
use crate::state::ListFiles;
use crate::trust::{Trust, TrustError, Verdict};
use std::path::Path;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime};
use takeback_wire::ChangeOp;
use takeback_wire::chain::{ChainHead, Checkpoint};

/// Why a sync stopped short.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error(transparent)]
    Hotline(#[from] ClientError),
    #[error("cannot save the list: {0}")]
    State(#[from] StateError),
    #[error("stopping")]
    Stopped,
    /// A page is not what the hotline signed; the list held is kept.
    #[error("a page of the list was refused, and the list held is kept: {0}")]
    Refused(String),
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

impl From<TrustError> for SyncError {
    fn from(error: TrustError) -> Self {
        match error {
            TrustError::Hotline(error) => SyncError::Hotline(error),
            TrustError::Refused(reason) => SyncError::Refused(reason),
        }
    }
}

/// What a stretch of following ended with.
enum Followed {
    /// The hotline has nothing newer.
    UpToDate,
    /// The list held cannot be followed on: the hotline's feed is behind it or has another
    /// history. The whole list is fetched again.
    Refetch,
}

/// A whole list fetched fresh, not yet in use.
struct FreshList {
    list: SourceList,
    /// The feed position it is at, and the chain's head there.
    cursor: i64,
    head: ChainHead,
    /// The hotline's checkpoint it agrees with.
    checkpoint: Option<Checkpoint>,
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
    trust: Trust,
}

impl Follower {
    pub(crate) fn new(source: Arc<Source>, config: &MatcherConfig, stop: Arc<Stop>) -> Self {
        let files = source
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let key = match &source.config.kind {
            SourceKind::Hotline { public_key, .. } => public_key.as_deref().cloned(),
            SourceKind::File { .. } => None,
        };
        Follower {
            source,
            files,
            sync: config.sync,
            stop,
            trust: Trust::new(key, config.sync.max_checkpoint_age),
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
                    if let SyncError::Refused(reason) = &error {
                        tracing::error!(
                            hotline = name,
                            reason,
                            "a page of the list is not what the hotline signed: refused"
                        );
                        metrics::counter!("takeback_matcher_pages_refused_total", "hotline" => name.clone())
                            .increment(1);
                        self.source.health().pages_refused += 1;
                    }
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

    /// Fetches and applies pages until the hotline has nothing newer; first loads the whole
    /// list from the hotline's snapshot when there is none yet, or fetches it again when
    /// the one held cannot be followed on.
    fn sync_once(&mut self) -> Result<(), SyncError> {
        let (refetch, head_known, first) = {
            let health = self.source.health();
            (
                health.refetch,
                health.head.is_some(),
                !health.loaded && health.cursor == 0,
            )
        };
        if refetch {
            tracing::warn!(
                hotline = self.source.config.name,
                "the saved list was written by a matcher that kept no videos, and may lack \
                 them; fetching the whole list again, once (the list held answers meanwhile)"
            );
            self.refetch_all()?;
        } else if !head_known {
            tracing::warn!(
                hotline = self.source.config.name,
                "the saved list does not say where the feed's chain stood (saved by an older \
                 matcher, or cut short by a crash); fetching the whole list again to check it \
                 from the start (the list held answers meanwhile)"
            );
            self.refetch_all()?;
        } else if first && let Some(fresh) = self.snapshot_list()? {
            // Without a snapshot, the feed is followed from the start, page by page, each
            // page journaled: a restart goes on from the last one.
            self.install(fresh)?;
        }
        match self.follow()? {
            Followed::UpToDate => Ok(()),
            Followed::Refetch => {
                self.refetch_all()?;
                match self.follow()? {
                    Followed::UpToDate => Ok(()),
                    Followed::Refetch => Err(ClientError::Garbage(
                        "the hotline's list changed its history again while it was fetched".into(),
                    )
                    .into()),
                }
            }
        }
    }

    /// Follows the feed from the position held until the hotline has nothing newer, or
    /// until it says the list held cannot be followed on.
    fn follow(&mut self) -> Result<Followed, SyncError> {
        let Some(client) = self.source.client.as_ref() else {
            return Err(ClientError::Garbage("a list file has no hotline to follow".into()).into());
        };
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
                return Ok(Followed::UpToDate);
            }
            pages += 1;
            let (cursor, head) = {
                let health = self.source.health();
                (health.cursor, health.head.unwrap_or(ChainHead::GENESIS))
            };
            let page = match client.fetch_page(cursor, self.sync.page_size, head)? {
                Fetched::Page(page) => page,
                Fetched::CursorAhead => {
                    tracing::warn!(
                        hotline = name,
                        cursor,
                        "the hotline's list ends before the position held; fetching the whole \
                         list again"
                    );
                    return Ok(Followed::Refetch);
                }
            };
            match self.trust.judge(&page, client)? {
                Verdict::Vouched(checkpoint) => {
                    if checkpoint.is_some() {
                        self.source.health().checkpoint = checkpoint;
                    }
                }
                Verdict::HeadDiffers => {
                    // Another history, or this page altered on the way: the hotline's
                    // word on where the chain stood at the position held tells which.
                    if cursor > 0 && self.trust.signed_head_at(client, cursor)? != Some(head) {
                        tracing::warn!(
                            hotline = name,
                            cursor,
                            "the hotline's list has another history than the one held (restored \
                             from a backup?); fetching the whole list again"
                        );
                        metrics::counter!("takeback_matcher_divergences_total", "hotline" => name.clone())
                            .increment(1);
                        return Ok(Followed::Refetch);
                    }
                    return Err(SyncError::Refused(format!(
                        "changes {} to {} do not lead to the chain head the hotline signed after \
                         them: the page was altered on the way",
                        cursor + 1,
                        page.next
                    )));
                }
            }
            if page.changes.is_empty() {
                break;
            }
            // Durable first, then visible: a crash between the two replays the journal.
            files.append(&page.changes, page.head)?;
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
            let mut health = self.source.health();
            health.cursor = page.next;
            health.head = Some(page.head);
            drop(health);
            metrics::counter!("takeback_matcher_list_changes_total", "hotline" => name.clone())
                .increment(changes.len() as u64);
        }
        let list = self.source.list.load();
        let (cursor, head, loaded) = {
            let health = self.source.health();
            (health.cursor, health.head, health.loaded)
        };
        // The first complete list is saved whole, so that a restart knows it was complete;
        // afterwards the journal is folded in when it grows to half the list.
        if !loaded || files.journal_records() > 100_000.max(list.len() as u64 / 2) {
            list.compact();
            files.write_snapshot(&list, cursor, head.unwrap_or(ChainHead::GENESIS))?;
        }
        let mut health = self.source.health();
        if !health.loaded {
            tracing::info!(hotline = name, entries = list.len(), "list loaded");
        }
        health.loaded = true;
        health.synced_at = Some(SystemTime::now());
        Ok(Followed::UpToDate)
    }

    /// Fetches the whole list into a fresh index while the old one goes on answering (from
    /// the hotline's snapshot, else page by page, checking every page from the chain's
    /// start), then swaps it in and saves it: when the hotline's list is behind the cursor
    /// held or has another history (restored from a backup, say), and once after files that
    /// do not say where the chain stood or that come from a matcher that kept no videos.
    fn refetch_all(&mut self) -> Result<(), SyncError> {
        let fresh = match self.snapshot_list()? {
            Some(fresh) => fresh,
            None => self.page_whole_list()?,
        };
        self.install(fresh)
    }

    /// The whole list from the hotline's signed snapshot; `None` when it offers none, or
    /// when the one it sent cannot be used (said in the log): the feed is paged instead.
    fn snapshot_list(&mut self) -> Result<Option<FreshList>, SyncError> {
        if !self.sync.use_snapshot {
            return Ok(None);
        }
        let name = &self.source.config.name;
        let Some(client) = self.source.client.as_ref() else {
            return Err(ClientError::Garbage("a list file has no hotline to follow".into()).into());
        };
        let started = Instant::now();
        let read = match client.fetch_snapshot(crate::wire::read_snapshot) {
            Ok(Some(read)) => read,
            Ok(None) => {
                tracing::info!(
                    hotline = name,
                    "the hotline offers no snapshot; following its feed from the start"
                );
                return Ok(None);
            }
            Err(error) => {
                tracing::warn!(hotline = name, %error, "the hotline's snapshot could not be fetched; following its feed from the start instead");
                return Ok(None);
            }
        };
        if self.stop.is_stopped() {
            return Err(SyncError::Stopped);
        }
        let checked = read
            .map_err(TrustError::Refused)
            .and_then(|(entries, signed)| {
                self.trust.check_snapshot(&signed, client)?;
                Ok((entries, signed))
            });
        let (entries, signed) = match checked {
            Ok(checked) => checked,
            Err(error) => {
                let error = SyncError::from(error);
                tracing::warn!(hotline = name, %error, "the hotline's snapshot is refused; following its feed from the start instead");
                if matches!(error, SyncError::Refused(_)) {
                    metrics::counter!("takeback_matcher_pages_refused_total", "hotline" => name.clone())
                        .increment(1);
                    self.source.health().pages_refused += 1;
                }
                return Ok(None);
            }
        };
        let read_seconds = started.elapsed().as_secs_f64();
        let list = entries.finish();
        let header = &signed.header;
        // The split shows where a slow start goes (bench/matcher/ready.py reads it).
        tracing::info!(
            hotline = name,
            entries = list.len(),
            position = header.seq,
            seconds = started.elapsed().as_secs_f64(),
            read_seconds,
            index_seconds = started.elapsed().as_secs_f64() - read_seconds,
            "read the hotline's snapshot of its whole list"
        );
        Ok(Some(FreshList {
            cursor: header.seq,
            head: header.head,
            checkpoint: Some(Checkpoint {
                seq: header.seq,
                head: header.head,
                size: header.size,
                time: header.time,
                key_id: header.key_id.clone(),
                signature: signed.signature_base64(),
            }),
            list,
        }))
    }

    /// The whole list, page by page from the start of the feed, each page checked.
    fn page_whole_list(&mut self) -> Result<FreshList, SyncError> {
        let Some(client) = self.source.client.as_ref() else {
            return Err(ClientError::Garbage("a list file has no hotline to follow".into()).into());
        };
        let fresh = SourceList::default();
        let mut at = 0;
        let mut head = ChainHead::GENESIS;
        let mut vouched = None;
        let mut pages: u32 = 0;
        loop {
            if self.stop.is_stopped() {
                return Err(SyncError::Stopped);
            }
            if pages >= self.sync.max_pages_per_sync {
                return Err(SyncError::TooManyPages(self.sync.max_pages_per_sync));
            }
            pages += 1;
            let page = match client.fetch_page(at, self.sync.page_size, head)? {
                Fetched::Page(page) => page,
                Fetched::CursorAhead => {
                    return Err(ClientError::Garbage(
                        "the hotline said the start of its list is ahead of it".into(),
                    )
                    .into());
                }
            };
            match self.trust.judge(&page, client)? {
                Verdict::Vouched(checkpoint) => vouched = checkpoint.or(vouched),
                Verdict::HeadDiffers => {
                    return Err(SyncError::Refused(format!(
                        "fetching the whole list again, changes {} to {} do not lead to the \
                         chain head the hotline signed after them: the page was altered on the \
                         way",
                        at + 1,
                        page.next
                    )));
                }
            }
            if page.changes.is_empty() {
                break;
            }
            let changes: Vec<_> = page.changes.into_iter().map(|(_, change)| change).collect();
            fresh.apply(&changes);
            at = page.next;
            head = page.head;
        }
        Ok(FreshList {
            list: fresh,
            cursor: at,
            head,
            checkpoint: vouched,
        })
    }

    /// Swaps a whole list fetched fresh in for the one held, unless it is much shorter,
    /// and saves it.
    fn install(&mut self, fresh: FreshList) -> Result<(), SyncError> {
        let name = &self.source.config.name;
        let FreshList {
            list: fresh,
            cursor: at,
            head,
            checkpoint: vouched,
        } = fresh;
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
        let writing = Instant::now();
        if let Some(files) = self.files.as_mut() {
            files.write_snapshot(&fresh, at, head)?;
        }
        let write_seconds = writing.elapsed().as_secs_f64();
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
        health.head = Some(head);
        health.checkpoint = vouched;
        health.loaded = true;
        health.refetch = false;
        health.synced_at = Some(SystemTime::now());
        tracing::info!(
            hotline = name,
            entries = self.source.list.load().len(),
            cursor = at,
            write_seconds,
            "the whole list was fetched and is in use"
        );
        Ok(())
    }
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
