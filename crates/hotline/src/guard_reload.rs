//! Keeping the guard list current while the hotline runs, and applying it to what is
//! already stored.
//!
//! At start, the whole guard list is applied to the stored entries: a fingerprint listed
//! before a guard-list entry was added leaves the list (see `Store::apply_guard_list`).
//! Then the guard files are read every `guard_list_reload_seconds` (30 by default). When
//! their contents changed and parse, the new list is put in force at once (new reports
//! are checked against it), the report writer is asked to finish what it queued before
//! (its later reports are checked against the new list when written), and what the new
//! list guards that the old one did not is applied to the stored entries. Contents that do
//! not parse, or files that cannot be read, leave the old list in force; the error is
//! logged once, counted (`takeback_guard_list_reload_failures_total`) and shown by
//! `takeback_guard_list_reload_failing` until the files are fixed. Applying a list that
//! fails (the database unavailable, say) is tried again at the next poll.
//!
//! Polling rather than a signal: it needs nothing from the operator's tooling, works the
//! same on every platform and for every process sharing a PostgreSQL database, and a
//! guard list is not urgent to the second.

use crate::guard::{CurrentGuardList, GuardDigest, GuardFiles, GuardList, GuardListError};
use crate::store::{GuardSweep, Store};
use crate::writer::ReportWriter;
use std::sync::Arc;
use std::time::Duration;

/// What the reload task needs.
#[derive(Debug)]
pub(crate) struct GuardReload {
    pub(crate) store: Store,
    pub(crate) writer: ReportWriter,
    pub(crate) current: CurrentGuardList,
    pub(crate) files: GuardFiles,
    /// The digest of the files' contents the list in force was read from.
    pub(crate) digest: GuardDigest,
    /// How often the files are read; `None`: only at start.
    pub(crate) every: Option<Duration>,
}

impl GuardReload {
    /// Applies the list in force to the stored entries, then follows the files.
    pub(crate) async fn run(mut self) {
        metrics::gauge!("takeback_guard_list_hashes").set(self.current.load().len() as f64);
        // What has been applied to the stored entries: nothing yet, so all of it first.
        let mut applied = Arc::new(GuardList::empty());
        applied = self.apply(applied).await;
        let Some(every) = self.every else {
            return;
        };
        let mut seen = self.digest;
        let mut last_error: Option<String> = None;
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match self.read(&mut seen).await {
                Ok(Some(list)) => {
                    let count = list.len();
                    self.current.replace(list);
                    self.digest = seen;
                    metrics::gauge!("takeback_guard_list_hashes").set(count as f64);
                    tracing::info!(guard_list_hashes = count, "guard list read again");
                    last_error = None;
                    metrics::gauge!("takeback_guard_list_reload_failing").set(0.0);
                }
                // Unchanged; and if these are the contents of the list in force (the
                // files were put back), whatever failed before is over.
                Ok(None) if seen == self.digest => {
                    if last_error.take().is_some() {
                        tracing::info!("the guard files are as they were; the list in force stays");
                        metrics::gauge!("takeback_guard_list_reload_failing").set(0.0);
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    // Once per distinct error, not at every poll while it lasts.
                    if last_error.as_deref() != Some(error.as_str()) {
                        tracing::error!(
                            %error,
                            "cannot use the changed guard list: the list read before stays in force"
                        );
                        metrics::counter!("takeback_guard_list_reload_failures_total").increment(1);
                        last_error = Some(error);
                    }
                    metrics::gauge!("takeback_guard_list_reload_failing").set(1.0);
                }
            }
            if !Arc::ptr_eq(&applied, &self.current.load()) {
                applied = self.apply(applied).await;
            }
        }
    }

    /// The files' new list when their contents differ from `seen` (which becomes theirs,
    /// so that contents that do not parse are not parsed again at every poll); `None` when
    /// unchanged.
    async fn read(&self, seen: &mut GuardDigest) -> Result<Option<GuardList>, String> {
        let files = self.files.clone();
        let last = *seen;
        let read = tokio::task::spawn_blocking(move || {
            let contents = files.read_contents()?;
            if contents.digest() == &last {
                return Ok(None);
            }
            Ok(Some((*contents.digest(), files.parse(&contents))))
        })
        .await
        .map_err(|error| error.to_string())?
        .map_err(|error: GuardListError| error.to_string())?;
        let Some((digest, parsed)) = read else {
            return Ok(None);
        };
        *seen = digest;
        parsed.map(Some).map_err(|error| error.to_string())
    }

    /// Applies what the list in force guards beyond `applied` to the stored entries;
    /// returns what is applied now (still `applied` if it failed, to try again).
    async fn apply(&self, applied: Arc<GuardList>) -> Arc<GuardList> {
        let current = self.current.load();
        let added = current.added_since(&applied);
        if added.is_empty() {
            return current;
        }
        // Every report checked against an older list is written before the scan.
        if self.writer.barrier().await.is_err() {
            return applied;
        }
        match self.store.apply_guard_list(&added).await {
            Ok(sweep) => {
                record(&sweep, added.len());
                current
            }
            Err(error) => {
                tracing::error!(
                    %error,
                    "cannot apply the guard list to the entries already stored; trying again at the next read"
                );
                metrics::counter!("takeback_guard_list_apply_failures_total").increment(1);
                applied
            }
        }
    }
}

/// Logs and counts what applying the guard list did.
fn record(sweep: &GuardSweep, guard_hashes: usize) {
    for (change, count) in [
        ("suspended", sweep.suspended),
        ("rejected", sweep.rejected),
        ("marked", sweep.marked),
    ] {
        if count > 0 {
            metrics::counter!("takeback_guard_list_applied_total", "change" => change)
                .increment(count);
        }
    }
    tracing::info!(
        guard_hashes,
        checked = sweep.checked,
        suspended = sweep.suspended,
        rejected = sweep.rejected,
        marked = sweep.marked,
        "guard list applied to the entries already stored"
    );
}
