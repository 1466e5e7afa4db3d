//! The takedown worker: the background task of `takeback serve` that finds whom to notify,
//! delivers the notices in the outbox, and checks noticed addresses again.
//!
//! Everything it does goes through the database, so several servers on one PostgreSQL
//! database share the work (leases) and a server that restarts carries on where it
//! stopped. It wakes every second, or at once when an analyst or a host asks for
//! something.

use super::contacts::{Contact, Contacts, ContactsError};
use super::fetch::{FetchLimits, Fetcher, GoneReason, Recheck};
use super::notice::{DeliveryError, NoticeBody, NoticeSender};
use super::rdap::{Rdap, RdapError};
use super::settings::TakedownSettings;
use crate::model::TakedownState;
use crate::secrets::{NoticeId, RemovalToken};
use crate::store::{
    CheckFinding, DueRecheck, ItemToNotify, LeasedNotice, NewNotice, RecheckRules, Store,
    StoreError,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// How many notices, or re-checks, one pass takes at most.
const BATCH: i64 = 64;
/// How long before an RDAP look-up that failed is tried again.
const RDAP_RETRY: Duration = Duration::from_secs(300);
/// How often the worker looks for work when nothing wakes it.
const TICK: Duration = Duration::from_secs(1);

/// Why the takedown worker cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TakedownError {
    /// The contacts file is unusable.
    #[error(transparent)]
    Contacts(#[from] ContactsError),
    /// The SMTP or webhook settings are unusable.
    #[error("[takedown]: {0}")]
    Delivery(#[from] DeliveryError),
    /// The re-check client could not be built.
    #[error("[takedown]: cannot build the re-check client: {0}")]
    Fetch(String),
}

/// The contacts file as last read, read again when it changes.
#[derive(Debug)]
struct ContactsFile {
    path: Option<PathBuf>,
    modified: Option<SystemTime>,
    contacts: Arc<Contacts>,
}

impl ContactsFile {
    fn open(path: Option<PathBuf>) -> Result<Self, ContactsError> {
        let (contacts, modified) = match &path {
            Some(path) => (Contacts::read(path)?, modified(path)),
            None => (Contacts::default(), None),
        };
        Ok(ContactsFile {
            path,
            modified,
            contacts: Arc::new(contacts),
        })
    }

    /// The contacts, read again if the file changed; a file that became unusable is
    /// reported and the last good contacts kept.
    fn current(&mut self) -> Arc<Contacts> {
        if let Some(path) = &self.path {
            let now = modified(path);
            if now != self.modified {
                self.modified = now;
                match Contacts::read(path) {
                    Ok(contacts) => {
                        tracing::info!(contacts = contacts.len(), "contacts file read again");
                        self.contacts = Arc::new(contacts);
                    }
                    Err(error) => {
                        tracing::error!(%error, "contacts file unusable: the last good one stays in use");
                    }
                }
            }
        }
        self.contacts.clone()
    }
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

/// The takedown worker, shared with the API (which asks it for re-checks and wakes it).
#[derive(Debug)]
pub struct TakedownWorker {
    store: Store,
    settings: TakedownSettings,
    hotline_name: String,
    public_url: String,
    contacts: Mutex<ContactsFile>,
    sender: NoticeSender,
    fetcher: Fetcher,
    /// Abuse contacts from RDAP, unless `rdap_bootstrap_url` is empty.
    rdap: Option<Rdap>,
    wake: Notify,
}

impl TakedownWorker {
    /// A worker with the `[takedown]` settings; `hotline_name` signs the notices and
    /// `public_url` (when the settings give none) is where hosts reach the hotline.
    pub fn new(
        store: Store,
        settings: TakedownSettings,
        hotline_name: &str,
        public_url: String,
    ) -> Result<Self, TakedownError> {
        let contacts = ContactsFile::open(settings.contacts_file.clone())?;
        let unworded: Vec<&str> = contacts
            .contacts
            .languages()
            .into_iter()
            .filter(|language| settings.own_wording(Some(language)).is_none())
            .collect();
        if !unworded.is_empty() {
            tracing::warn!(
                languages = unworded.join(", "),
                "takedown: contacts name languages that [takedown.notice_wordings] has no \
                 words for: their notices carry notice_wording"
            );
        }
        let sender = NoticeSender::new(&settings)?;
        let fetcher = Fetcher::new(FetchLimits {
            allow_private_targets: settings.allow_private_targets,
            ..FetchLimits::default()
        })
        .map_err(|error| TakedownError::Fetch(error.to_string()))?;
        let public_url = settings.public_url.clone().unwrap_or(public_url);
        let rdap = match settings.rdap_bootstrap_url.trim() {
            "" => None,
            url => Some(
                Rdap::new(url, settings.send_timeout)
                    .map_err(|error| TakedownError::Fetch(error.to_string()))?,
            ),
        };
        Ok(TakedownWorker {
            store,
            settings,
            hotline_name: hotline_name.to_owned(),
            public_url,
            contacts: Mutex::new(contacts),
            sender,
            fetcher,
            rdap,
            wake: Notify::new(),
        })
    }

    /// Asks the worker to look for work now (an assessment, a confirmation).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Works until the task is aborted. Errors (a database outage) are logged and the
    /// pass tried again at the next tick.
    pub async fn run(self: Arc<Self>) {
        loop {
            let mut busy = false;
            match self.notify_pass().await {
                Ok(count) => busy |= count > 0,
                Err(error) => tracing::warn!(%error, "takedown: finding whom to notify failed"),
            }
            match self.deliver_pass().await {
                Ok(count) => busy |= count as i64 == BATCH,
                Err(error) => tracing::warn!(%error, "takedown: delivering notices failed"),
            }
            match self.recheck_pass().await {
                Ok(count) => busy |= count as i64 == BATCH,
                Err(error) => tracing::warn!(%error, "takedown: re-checks failed"),
            }
            if !busy {
                let _ = tokio::time::timeout(TICK, self.wake.notified()).await;
            }
        }
    }

    fn contacts(&self) -> Arc<Contacts> {
        match self.contacts.lock() {
            Ok(mut file) => file.current(),
            Err(poisoned) => poisoned.into_inner().current(),
        }
    }

    /// Queues a notice for each item that wants one: to the contacts file's contact for
    /// its host, else to the abuse contact RDAP names; with neither, it is `no_contact`.
    /// An RDAP server that cannot be reached is asked again later.
    async fn notify_pass(&self) -> Result<usize, StoreError> {
        let items = self.store.items_to_notify(BATCH).await?;
        let contacts = self.contacts();
        for item in &items {
            if let Some(contact) = contacts.for_host(&item.host) {
                self.queue(item, contact, contacts.language_for_host(&item.host))
                    .await?;
                continue;
            }
            let Some(rdap) = &self.rdap else {
                tracing::info!(item = item.id, host = %item.host, "takedown: no contact for the host");
                self.store.no_contact(item.id, "contacts file").await?;
                continue;
            };
            match rdap.abuse_contact(&item.host).await {
                Ok(Some(email)) if email.parse::<lettre::Address>().is_ok() => {
                    self.queue(item, &Contact::Email(email), None).await?;
                }
                Ok(_) => {
                    tracing::info!(item = item.id, host = %item.host, "takedown: no contact for the host, nor an abuse contact in RDAP");
                    self.store
                        .no_contact(item.id, "contacts file and RDAP")
                        .await?;
                }
                Err(error @ RdapError::Resolve { .. }) => {
                    tracing::info!(item = item.id, %error, "takedown: no contact: the host does not resolve");
                    self.store
                        .no_contact(item.id, "contacts file; the host does not resolve")
                        .await?;
                }
                Err(error) => {
                    tracing::warn!(item = item.id, %error, "takedown: RDAP look-up failed: trying again later");
                    self.store.defer_notice(item.id, RDAP_RETRY).await?;
                }
            }
        }
        Ok(items.len())
    }

    async fn queue(
        &self,
        item: &ItemToNotify,
        contact: &Contact,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        let (Ok(id), Ok(token)) = (NoticeId::generate(), RemovalToken::generate()) else {
            return Err(StoreError::Corrupt(
                "the system's random generator failed".into(),
            ));
        };
        let body = NoticeBody::new(
            id.as_str(),
            &self.hotline_name,
            &item.url,
            item.first_reported_at,
            &self.settings,
            language,
            &self.public_url,
            token.expose(),
        );
        let payload = serde_json::to_string(&body)
            .map_err(|error| StoreError::Corrupt(format!("notice body: {error}")))?;
        let notice = NewNotice {
            id: id.as_str().to_owned(),
            channel: contact.channel(),
            target: contact.target().to_owned(),
            payload,
            confirm_token_hash: token.digest(),
        };
        if self.store.queue_notice(item.id, &notice).await? {
            tracing::info!(item = item.id, notice = %notice.id, channel = notice.channel, "takedown: notice queued");
        }
        Ok(())
    }

    /// Delivers the notices due, several at once.
    async fn deliver_pass(&self) -> Result<usize, StoreError> {
        let leased = self
            .store
            .lease_notices(self.settings.notice_lease(), BATCH)
            .await?;
        let count = leased.len();
        if count == 0 {
            return Ok(0);
        }
        let contacts = self.contacts();
        let mut deliveries = JoinSet::new();
        for notice in leased {
            let sender = self.sender.clone();
            let contacts = contacts.clone();
            deliveries.spawn(async move {
                let delivered = sender
                    .deliver(
                        &notice.id,
                        &notice.channel,
                        &notice.target,
                        notice.payload.as_deref(),
                        &contacts,
                    )
                    .await;
                (notice, delivered)
            });
        }
        while let Some(joined) = deliveries.join_next().await {
            let Ok((notice, delivered)) = joined else {
                continue;
            };
            self.record_delivery(&notice, delivered).await?;
        }
        Ok(count)
    }

    async fn record_delivery(
        &self,
        notice: &LeasedNotice,
        delivered: Result<(), DeliveryError>,
    ) -> Result<(), StoreError> {
        match delivered {
            Ok(()) => {
                tracing::info!(notice = %notice.id, item = notice.item_id, channel = %notice.channel, "takedown: notice delivered");
                metrics::counter!("takeback_takedown_notices_sent_total", "channel" => notice.channel.clone())
                    .increment(1);
                self.store
                    .notice_delivered(&notice.id, self.settings.first_recheck_after)
                    .await
            }
            Err(error) => {
                let wait = retry_after(notice.attempts);
                tracing::warn!(notice = %notice.id, attempts = notice.attempts, %error, retry_in = ?wait, "takedown: notice not delivered");
                metrics::counter!("takeback_takedown_notice_failures_total", "channel" => notice.channel.clone())
                    .increment(1);
                self.store
                    .notice_failed(&notice.id, &error.to_string(), wait)
                    .await
            }
        }
    }

    /// Checks the addresses due, several at once.
    async fn recheck_pass(&self) -> Result<usize, StoreError> {
        let lease = self.settings.notice_lease().max(Duration::from_secs(60));
        let auto = self.settings.auto_notice_on_match;
        if auto {
            self.store.schedule_first_looks().await?;
        }
        let due = self.store.lease_rechecks(lease, BATCH, auto).await?;
        let count = due.len();
        let mut checks = JoinSet::new();
        for item in due {
            let fetcher = self.fetcher.clone();
            checks.spawn(async move {
                let found = fetcher.check(&item.url, &item.reported).await;
                (item, found)
            });
        }
        while let Some(joined) = checks.join_next().await {
            let Ok((item, found)) = joined else {
                continue;
            };
            self.record_recheck(&item, &found, None).await?;
        }
        Ok(count)
    }

    async fn record_recheck(
        &self,
        item: &DueRecheck,
        found: &Recheck,
        by: Option<&str>,
    ) -> Result<TakedownState, StoreError> {
        let (finding, summary) = finding(found);
        let times = RecheckRules {
            auto_notice_on_match: self.settings.auto_notice_on_match,
            recheck_every: self.settings.recheck_every,
            renotice_after: self.settings.renotice_after,
            escalate_after: self.settings.escalate_after,
        };
        metrics::counter!("takeback_takedown_rechecks_total", "found" => finding_label(finding))
            .increment(1);
        let state = self
            .store
            .record_recheck(item.id, finding, &summary, times, by)
            .await?;
        tracing::info!(item = item.id, found = %summary, state = state.as_str(), "takedown: re-checked");
        Ok(state)
    }

    /// Checks one item now, for an analyst; none if there is no such item.
    pub async fn recheck_now(
        &self,
        id: i64,
        analyst: &str,
    ) -> Result<Option<TakedownState>, StoreError> {
        let Some(item) = self.store.recheck_now(id).await? else {
            return Ok(None);
        };
        let found = self.fetcher.check(&item.url, &item.reported).await;
        let state = self.record_recheck(&item, &found, Some(analyst)).await?;
        // A re-check may want another notice.
        self.wake();
        Ok(Some(state))
    }
}

/// The wait before delivering a notice again: 5 s, doubling, at most an hour.
fn retry_after(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::from_secs(5u64.saturating_mul(1 << doublings)).min(Duration::from_secs(3600))
}

/// What the store keeps of a fetch.
fn finding(found: &Recheck) -> (CheckFinding, String) {
    match found {
        Recheck::Gone(GoneReason::Status(status)) => {
            (CheckFinding::Gone, format!("gone: answered {status}"))
        }
        Recheck::Gone(GoneReason::NoSuchHost) => (CheckFinding::Gone, "gone: no such host".into()),
        Recheck::Up {
            status,
            content_matches,
        } => {
            let content = match content_matches {
                Some(true) => ", content matches the report",
                Some(false) => ", content does not match the report",
                None => "",
            };
            (
                CheckFinding::Up {
                    content_matches: *content_matches,
                },
                format!("up: answered {status}{content}"),
            )
        }
        Recheck::Refused => (CheckFinding::Refused, "connection refused".into()),
        Recheck::Inconclusive(why) => (CheckFinding::Unknown, format!("unknown: {why}")),
        Recheck::Blocked(why) => (CheckFinding::Unknown, format!("not fetched: {why}")),
    }
}

fn finding_label(finding: CheckFinding) -> &'static str {
    match finding {
        CheckFinding::Gone => "gone",
        CheckFinding::Up { .. } => "up",
        CheckFinding::Refused => "refused",
        CheckFinding::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_back_off_to_an_hour() {
        assert_eq!(retry_after(1), Duration::from_secs(5));
        assert_eq!(retry_after(2), Duration::from_secs(10));
        assert_eq!(retry_after(4), Duration::from_secs(40));
        assert_eq!(retry_after(12), Duration::from_secs(3600));
        assert_eq!(retry_after(i64::MAX), Duration::from_secs(3600));
        assert_eq!(retry_after(0), Duration::from_secs(5));
    }
}
