//! Group commit for reports.
//!
//! Each acknowledged report must be on disk, and a disk flush costs about as much for a
//! hundred reports as for one. So request handlers hand their reports to one writer task
//! per process, which commits whatever has queued up in a single transaction and then
//! answers them all. Under light load a batch is one report and nothing waits; under heavy
//! load the flushes are shared.

use crate::store::{ListingRules, PreparedReport, Store, StoreError, WriteSummary};
use tokio::sync::{mpsc, oneshot};

/// Most reports in one transaction.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<(), StoreError>>;

/// A handle to the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct ReportWriter {
    queue: mpsc::Sender<(PreparedReport, Reply)>,
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
    pub fn start(store: Store, rules: ListingRules) -> Self {
        let (queue, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, rules, receiver));
        ReportWriter { queue }
    }

    /// Writes one report; returns once it is committed.
    pub async fn write(&self, report: PreparedReport) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((report, reply))
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer
            .await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::from)
    }
}

async fn run(
    store: Store,
    rules: ListingRules,
    mut receiver: mpsc::Receiver<(PreparedReport, Reply)>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // A request that has gone (the client left, or the request timed out) must not be
        // stored: its reporter never saw the secret, so could never withdraw it.
        batch.retain(|(_, reply): &(PreparedReport, Reply)| !reply.is_closed());
        if batch.is_empty() {
            continue;
        }
        let (reports, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        match store.insert_reports(&reports, rules).await {
            Ok(summary) => {
                record(summary);
                for reply in replies {
                    let _ = reply.send(Ok(()));
                }
            }
            Err(StoreError::Unavailable(error)) => {
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Unavailable(clone_error(&error))));
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

/// `sqlx::Error` is not `Clone`; each waiting request gets an equivalent error.
fn clone_error(error: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(error.to_string()))
}
