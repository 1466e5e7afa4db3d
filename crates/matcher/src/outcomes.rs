//! Outcomes back to the hotlines: the outbox's sender seals what is pending and sends
//! every sealed batch to its hotline, every feedback interval or when asked, until the
//! hotline acknowledges it. What is on disk, and why every crash is safe, is the
//! outbox's part (`outbox.rs`).

use crate::error::OutcomeError;
use crate::outbox::{Outbox, SealedBatch};
use crate::source::{Source, Stop};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use takeback_wire::FeedbackBatch;
use takeback_wire::error::code::UNKNOWN_ENTRY;

/// Sends the outbox's outcomes to their hotlines.
#[derive(Debug)]
pub(crate) struct Sender {
    outbox: Outbox,
    sources: Vec<Arc<Source>>,
    interval: Duration,
    stop: Arc<Stop>,
}

impl Sender {
    /// Sends what `outbox` holds to the hotlines of `sources`, every `interval` once
    /// [`Sender::run`] runs, until `stop`.
    pub(crate) fn new(
        outbox: Outbox,
        sources: Vec<Arc<Source>>,
        interval: Duration,
        stop: Arc<Stop>,
    ) -> Self {
        Sender {
            outbox,
            sources,
            interval,
            stop,
        }
    }

    /// The outcomes on disk.
    pub(crate) fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Sends outcomes every feedback interval, until stopped; a failure doubles the wait,
    /// up to sixteen intervals.
    pub(crate) fn run(&self) {
        let mut failures = 0u32;
        loop {
            let wait = self.interval.saturating_mul(1 << failures.min(4));
            if self.stop.wait(wait) {
                return;
            }
            match self.flush() {
                Ok(_) => failures = 0,
                Err(error) => {
                    failures += 1;
                    tracing::warn!(error = %error, "outcomes not sent; they are kept and retried");
                }
            }
        }
    }

    /// Seals what is pending and sends every sealed batch; returns how many entries' counts
    /// the hotlines acknowledged. Batches that fail stay for the next time.
    pub(crate) fn flush(&self) -> Result<usize, OutcomeError> {
        let outbox = &self.outbox;
        let _sending = outbox.sending();
        outbox.seal()?;
        let mut acknowledged = 0;
        let mut first_error = None;
        for generation in outbox.sealed_generations()? {
            let mut sealed = match outbox.sealed_to_send(generation) {
                Ok(Some(sealed)) => sealed,
                Ok(None) => continue,
                Err(error) => {
                    first_error.get_or_insert(error.into());
                    continue;
                }
            };
            // Parts of a split batch are sent at once, within this flush, before the
            // batches after it; only what is still unacknowledged is kept.
            let mut queue: VecDeque<SealedBatch> = std::mem::take(&mut sealed.batches).into();
            let mut still = Vec::new();
            while let Some(batch) = queue.pop_front() {
                match self.send(&batch) {
                    Ok(Sent::Acknowledged) => acknowledged += batch.batch.items.len(),
                    Ok(Sent::Split(parts)) => {
                        for part in parts.into_iter().rev() {
                            queue.push_front(part);
                        }
                    }
                    Ok(Sent::Dropped) => {}
                    Err(error) => {
                        still.push(batch);
                        first_error.get_or_insert(error);
                    }
                }
            }
            sealed.batches = still;
            outbox.keep_unsent(generation, &sealed)?;
        }
        if acknowledged > 0 {
            metrics::counter!("takeback_matcher_outcomes_sent_total")
                .increment(acknowledged as u64);
        }
        match first_error {
            Some(error) if acknowledged == 0 => Err(error),
            Some(error) => {
                tracing::warn!(error = %error, "some outcomes were not sent; they will be retried");
                Ok(acknowledged)
            }
            None => Ok(acknowledged),
        }
    }

    fn send(&self, sealed: &SealedBatch) -> Result<Sent, OutcomeError> {
        let failed = |reason: String| OutcomeError::Send {
            hotline: sealed.hotline.clone(),
            reason,
        };
        let Some(source) = self
            .sources
            .iter()
            .find(|s| s.config.name == sealed.hotline)
        else {
            tracing::error!(
                hotline = sealed.hotline,
                entries = sealed.batch.items.len(),
                "outcomes for a hotline no longer configured are dropped"
            );
            return Ok(Sent::Dropped);
        };
        let Some(client) = &source.client else {
            return Ok(Sent::Dropped);
        };
        if source.config.origin() != sealed.origin {
            tracing::error!(
                hotline = sealed.hotline,
                entries = sealed.batch.items.len(),
                "outcomes recorded for the hotline's previous address are dropped: its entry ids \
                 mean nothing at the new one"
            );
            return Ok(Sent::Dropped);
        }
        let answer = client
            .post_feedback(&sealed.batch)
            .map_err(|e| failed(e.to_string()))?;
        let status = answer.status;
        // Only the hotline's own "no such entry" splits or drops a batch; any other 404 (a
        // wrong address, a gateway) is retried.
        let unknown_entry = status == 404 && answer.code.as_deref() == Some(UNKNOWN_ENTRY);
        match status {
            200..=299 => Ok(Sent::Acknowledged),
            404 if unknown_entry && sealed.batch.items.len() > 1 => Ok(Sent::Split(
                sealed
                    .batch
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| SealedBatch {
                        hotline: sealed.hotline.clone(),
                        origin: sealed.origin.clone(),
                        batch: FeedbackBatch {
                            // Derived, so that a retry of the same part is still counted once.
                            batch_id: sealed.batch.batch_id.as_ref().map(|id| format!("{id}.{i}")),
                            items: vec![*item],
                        },
                    })
                    .collect(),
            )),
            // Too large for this hotline (its body limit is below the batch size): halve
            // it until it fits.
            413 if sealed.batch.items.len() > 1 => {
                let half = sealed.batch.items.len().div_ceil(2);
                Ok(Sent::Split(
                    sealed
                        .batch
                        .items
                        .chunks(half)
                        .enumerate()
                        .map(|(i, items)| SealedBatch {
                            hotline: sealed.hotline.clone(),
                            origin: sealed.origin.clone(),
                            batch: FeedbackBatch {
                                // Derived, as above.
                                batch_id: sealed
                                    .batch
                                    .batch_id
                                    .as_ref()
                                    .map(|id| format!("{id}.h{i}")),
                                items: items.to_vec(),
                            },
                        })
                        .collect(),
                ))
            }
            413 => {
                tracing::error!(
                    hotline = sealed.hotline,
                    id = sealed.batch.items.first().map(|item| item.id),
                    "the hotline refuses even one entry's outcomes as too large; they are dropped"
                );
                metrics::counter!("takeback_matcher_outcomes_dropped_total", "reason" => "too_large")
                    .increment(1);
                Ok(Sent::Dropped)
            }
            404 if unknown_entry => {
                tracing::error!(
                    hotline = sealed.hotline,
                    id = sealed.batch.items.first().map(|item| item.id),
                    "the hotline knows no such entry; its outcomes are dropped"
                );
                Ok(Sent::Dropped)
            }
            422 => {
                tracing::error!(
                    hotline = sealed.hotline,
                    status,
                    code = answer.code,
                    entries = sealed.batch.items.len(),
                    "the hotline refused outcomes; they are dropped"
                );
                Ok(Sent::Dropped)
            }
            _ => Err(failed(format!(
                "it answered {status}{}",
                answer
                    .code
                    .as_deref()
                    .map(|code| format!(" ({code})"))
                    .unwrap_or_default()
            ))),
        }
    }
}

enum Sent {
    Acknowledged,
    /// Refused for an unknown entry (these one-entry batches replace it), or as too large
    /// (its two halves replace it).
    Split(Vec<SealedBatch>),
    /// Refused for good; logged.
    Dropped,
}
