//! What the matcher holds for each list it follows: the list in memory, how it stands,
//! its files until the follower takes them, and the client of its hotline; and the stop
//! signal the background threads wait on.

use crate::client::HotlineClient;
use crate::config::SourceConfig;
use crate::list::SourceList;
use crate::state::ListFiles;
use arc_swap::ArcSwap;
use std::collections::HashSet;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};
use takeback_wire::chain::{ChainHead, Checkpoint};

/// One list the matcher holds, and how it stands.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) config: SourceConfig,
    pub(crate) list: ArcSwap<SourceList>,
    pub(crate) health: Mutex<Health>,
    /// The list's files, until its follower takes them.
    pub(crate) files: Mutex<Option<ListFiles>>,
    /// The hotline's partner API (none for a list file), for the follower and the
    /// outbox's sender alike.
    pub(crate) client: Option<HotlineClient>,
}

#[derive(Debug, Default)]
pub(crate) struct Health {
    pub(crate) loaded: bool,
    pub(crate) cursor: i64,
    /// The feed's chain head at `cursor`; `None` when the saved files could not say it
    /// (the next sync fetches the whole list again, to check it from the start).
    pub(crate) head: Option<ChainHead>,
    /// The hotline's last checkpoint the list held was found to agree with.
    pub(crate) checkpoint: Option<Checkpoint>,
    /// Pages refused since start-up as not what the hotline signed.
    pub(crate) pages_refused: u64,
    /// The saved list came from a matcher that kept no videos: the whole list is fetched
    /// again at the next sync (until that succeeds), while the one held answers.
    pub(crate) refetch: bool,
    pub(crate) synced_at: Option<SystemTime>,
    pub(crate) last_error: Option<String>,
    /// Ids taken off the list since start-up, so that outcomes for them are still taken.
    pub(crate) retired: HashSet<i64>,
}

impl Source {
    pub(crate) fn health(&self) -> MutexGuard<'_, Health> {
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

    pub(crate) fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }
}
