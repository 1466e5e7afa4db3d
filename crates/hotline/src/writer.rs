//! Group commit for reports.
//!
//! Each acknowledged report must be on disk, and a disk flush costs about as much for a
//! hundred reports as for one. So request handlers hand their reports to one writer task
//! per process, which commits whatever has queued up in a single transaction and then
//! answers them all. Under light load a batch is one report and nothing waits; under heavy
//! load the flushes are shared.
//!
//! The writer also checks each report against the guard list in force when it writes it,
//! not only when the request was checked: a report checked against the list before the
//! guard files changed is written after the change is applied to the stored entries
//! (see [`ReportWriter::barrier`]), and must not list what the new list guards.

use crate::guard::{CurrentGuardList, GuardList};
use crate::store::{HashVerdict, ListingRules, PreparedReport, Store, StoreError, WriteSummary};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most reports in one transaction.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<(), StoreError>>;

/// What the writer task is asked to do, in order.
enum Job {
    /// Write a report, checked against this guard list, and answer when it is committed.
    Report(PreparedReport, Arc<GuardList>, Reply),
    /// Answer once every report queued before this is written.
    Barrier(oneshot::Sender<()>),
}

/// A handle to the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct ReportWriter {
    queue: mpsc::Sender<Job>,
}

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The database refused or is unavailable.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The writer has stopped (the server is shutting down).
    #[error("the server is shutting down")]
    Stopped,
}

impl ReportWriter {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Store, rules: ListingRules, guard: CurrentGuardList) -> Self {
        let (queue, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, rules, guard, receiver));
        ReportWriter { queue }
    }

    /// Writes one report, whose verdicts were made with `checked_against`; returns once
    /// it is committed.
    pub async fn write(
        &self,
        report: PreparedReport,
        checked_against: Arc<GuardList>,
    ) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job::Report(report, checked_against, reply))
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer
            .await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::from)
    }

    /// Returns once every report queued before the call has been written (or refused).
    /// After a new guard list is put in force, every report written later is checked
    /// against it; so once this returns, a scan of the stored entries sees every report
    /// that was checked against the old one.
    pub async fn barrier(&self) -> Result<(), WriteError> {
        let (done, passed) = oneshot::channel();
        self.queue
            .send(Job::Barrier(done))
            .await
            .map_err(|_| WriteError::Stopped)?;
        passed.await.map_err(|_| WriteError::Stopped)
    }
}

async fn run(
    store: Store,
    rules: ListingRules,
    guard: CurrentGuardList,
    mut receiver: mpsc::Receiver<Job>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let mut batch = Vec::with_capacity(jobs.len());
        for job in jobs.drain(..) {
            match job {
                Job::Report(report, checked, reply) => batch.push((report, checked, reply)),
                Job::Barrier(done) => {
                    write_batch(&store, rules, &guard, std::mem::take(&mut batch)).await;
                    let _ = done.send(());
                }
            }
        }
        write_batch(&store, rules, &guard, batch).await;
    }
}

/// Writes reports in one transaction and answers each.
async fn write_batch(
    store: &Store,
    rules: ListingRules,
    guard: &CurrentGuardList,
    mut batch: Vec<(PreparedReport, Arc<GuardList>, Reply)>,
) {
    // A request that has gone (the client left, or the request timed out) must not be
    // stored: its reporter never saw the secret, so could never withdraw it.
    batch.retain(|(_, _, reply)| !reply.is_closed());
    if batch.is_empty() {
        return;
    }
    let guard = guard.load();
    let mut reports = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    for (mut report, checked, reply) in batch {
        // Only a report checked against an older list needs checking again.
        if !Arc::ptr_eq(&checked, &guard) {
            for (hash, verdict) in report.report.hashes.iter().zip(&mut report.verdicts) {
                if *verdict != HashVerdict::Guarded && guard.guards(hash) {
                    *verdict = HashVerdict::Guarded;
                }
            }
        }
        reports.push(report);
        replies.push(reply);
    }
    match store.insert_reports(&reports, rules).await {
        Ok(summary) => {
            record(summary);
            for reply in replies {
                let _ = reply.send(Ok(()));
            }
        }
        // The database is down or full: every report in the batch fails alike, and
        // writing them one by one would only fail again.
        Err(error) if error.is_outage() => {
            for reply in replies {
                let _ = reply.send(Err(error.again()));
            }
        }
        // One bad report must not sink the others: write each alone.
        Err(_) if reports.len() > 1 => {
            for (report, reply) in reports.into_iter().zip(replies) {
                let result = store
                    .insert_reports(std::slice::from_ref(&report), rules)
                    .await
                    .map(record);
                let _ = reply.send(result);
            }
        }
        Err(error) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}

/// Tells the operator about the service-wide brake: `takeback_flood_brake_engaged` is 1
/// while this hour's new listings have reached the limit (an alert should fire on it), and
/// `takeback_flood_brake_held_total` counts the entries held because of it.
fn record(summary: WriteSummary) {
    metrics::gauge!("takeback_flood_brake_engaged").set(if summary.brake_engaged {
        1.0
    } else {
        0.0
    });
    if summary.held_by_brake > 0 {
        metrics::counter!("takeback_flood_brake_held_total").increment(summary.held_by_brake);
        tracing::warn!(
            held = summary.held_by_brake,
            "the service-wide limit on new listings per hour is reached: new entries are \
             held for an analyst"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Algorithm, Reporter};
    use crate::report::{CheckedHash, CheckedReport};
    use crate::secrets::{CaseId, CaseSecret};
    use crate::store::ListingPolicy;
    use takeback_pdq::PdqHash;

    fn report(hash: &PdqHash) -> PreparedReport {
        PreparedReport {
            case_id: CaseId::generate().unwrap(),
            secret_digest: CaseSecret::generate().unwrap().digest(),
            report: CheckedReport {
                reporter: Reporter::YoungPerson,
                hashes: vec![CheckedHash::single(Algorithm::Pdq, hash.to_hex(), Some(90))],
                urls: vec![],
            },
            verdicts: vec![HashVerdict::Clear],
        }
    }

    #[tokio::test]
    async fn a_report_checked_against_an_older_guard_list_is_checked_again_when_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(dir.path().join("writer.db").to_str().unwrap(), 2)
            .await
            .unwrap();
        let guarded = PdqHash::from_bytes([0x5a; 32]);
        let free = PdqHash::from_bytes([0x3c; 32]);
        let current = CurrentGuardList::new(GuardList::from_pdq([guarded], 0));
        let rules = ListingRules {
            policy: ListingPolicy::PublishUnverified,
            new_listings_per_hour: 0,
        };
        let writer = ReportWriter::start(store.clone(), rules, current.clone());
        // Checked while the guard list was still empty, written once it is not.
        let older = Arc::new(GuardList::empty());
        writer.write(report(&guarded), older.clone()).await.unwrap();
        writer.write(report(&free), older).await.unwrap();
        writer.barrier().await.unwrap();
        let listed: Vec<String> = store
            .listed_entries()
            .await
            .unwrap()
            .into_iter()
            .map(|(_, _, value, _)| value)
            .collect();
        assert_eq!(listed, [free.to_hex()]);
    }
}
