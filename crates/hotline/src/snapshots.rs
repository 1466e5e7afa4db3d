//! Sending snapshots of the whole list (`GET /api/v1/hashlist/snapshot`), and the copy of
//! the latest one's entries kept for the next partners.
//!
//! Reading ten million listed entries out of the database takes the hotline seconds of a
//! core. A snapshot's entries are the same for every partner who asks at the same feed
//! position, and the signature covers them through their digest beside the header's fields
//! (`takeback_wire::snapshot`), so the entries read for one partner are kept in an unnamed
//! temporary file and sent again, under a fresh header and signature, to the partners who
//! ask while the list has not changed or within `snapshot_reuse_seconds`. A partner given
//! an older position follows the feed from it, as after any snapshot. The copy holds
//! hashes only, as the database does; it is gone when the process ends.

use crate::store::{Store, StoreError, now_ms};
use std::fs::File;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use takeback_wire::chain::{ChainHead, FeedSigningKey};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// Snapshots read from the database at once; more get the kept copy, or wait for a
/// 503's `Retry-After` when there is none.
const MAX_SNAPSHOTS_AT_ONCE: usize = 2;
/// Bytes of a kept copy read and sent at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// Where a snapshot's body comes from.
pub(crate) type SnapshotBody = mpsc::Receiver<Result<Vec<u8>, std::io::Error>>;

/// The snapshots being sent, and the latest kept copy.
#[derive(Debug)]
pub(crate) struct Snapshots {
    /// How long a copy is sent again after the list has changed (zero: never kept).
    reuse_for: Duration,
    kept: Mutex<Option<Arc<KeptEntries>>>,
    /// One copy is made at a time; a reader meanwhile gets the older copy.
    making: Arc<tokio::sync::Mutex<()>>,
    /// Each snapshot read from the database holds a read transaction and a core; sending
    /// a copy costs little and is not counted.
    sending: Arc<Semaphore>,
}

/// The entries of a snapshot at feed position `seq`.
#[derive(Debug)]
struct KeptEntries {
    seq: i64,
    head: ChainHead,
    size: i64,
    entries_digest: [u8; 32],
    /// The entries' bytes, unnamed: deleted when the last reader closes it.
    file: File,
    length: u64,
    made: Instant,
}

/// Why no snapshot could be started.
#[derive(Debug)]
pub(crate) enum SnapshotRefused {
    /// Too many being sent.
    Busy,
    /// The database could not be asked where the list stands.
    Store(StoreError),
}

impl Snapshots {
    /// Keeps each copy for `reuse_for` after the list changes (zero: none kept).
    pub(crate) fn new(reuse_for: Duration) -> Self {
        Snapshots {
            reuse_for,
            kept: Mutex::new(None),
            making: Arc::default(),
            sending: Arc::new(Semaphore::new(MAX_SNAPSHOTS_AT_ONCE)),
        }
    }

    /// Starts sending a snapshot to `partner`: the kept copy when it is still good (or
    /// a newer one is being made, or too many are being read), else the list read from
    /// the database, kept for the next ones. The body ends in an error if sending fails
    /// part-way: the partner sees a cut-off snapshot, whose trailer it cannot check, and
    /// uses none of it.
    pub(crate) async fn send(
        self: &Arc<Self>,
        store: &Store,
        key: Arc<FeedSigningKey>,
        partner: String,
    ) -> Result<SnapshotBody, SnapshotRefused> {
        let (sender, receiver) = mpsc::channel(4);
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(copy) = &kept {
            let good = copy.made.elapsed() < self.reuse_for
                || store.last_seq().await.map_err(SnapshotRefused::Store)? == copy.seq;
            let newer_being_made = self.making.try_lock().is_err();
            if good || newer_being_made {
                let copy = Arc::clone(copy);
                tokio::task::spawn_blocking(move || copy.send(&key, &sender, &partner));
                return Ok(receiver);
            }
        }
        let Ok(permit) = Arc::clone(&self.sending).try_acquire_owned() else {
            let copy = kept.ok_or(SnapshotRefused::Busy)?;
            tokio::task::spawn_blocking(move || copy.send(&key, &sender, &partner));
            return Ok(receiver);
        };
        let making = if self.reuse_for.is_zero() {
            None
        } else {
            Arc::clone(&self.making).try_lock_owned().ok()
        };
        let store = store.clone();
        let this = Arc::clone(self);
        tokio::spawn(async move {
            this.read_from_database(store, key, sender, permit, making, partner)
                .await;
        });
        Ok(receiver)
    }

    /// Sends the list as the database holds it, and keeps its entries if `making`.
    async fn read_from_database(
        &self,
        store: Store,
        key: Arc<FeedSigningKey>,
        sender: mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
        _permit: OwnedSemaphorePermit,
        making: Option<tokio::sync::OwnedMutexGuard<()>>,
        partner: String,
    ) {
        let started = Instant::now();
        let mut file = match making.as_ref().map(|_| tempfile::tempfile()) {
            Some(Ok(file)) => Some(file),
            Some(Err(error)) => {
                tracing::warn!(%error, "cannot make a file to keep a copy of the snapshot in");
                None
            }
            None => None,
        };
        match store.write_snapshot(&key, &sender, file.as_mut()).await {
            Ok(Some(written)) => {
                metrics::counter!("takeback_hashlist_snapshots_served_total").increment(1);
                tracing::info!(
                    partner,
                    seconds = started.elapsed().as_secs_f64(),
                    entries = written.header.size,
                    from = "database",
                    "sent a snapshot of the list"
                );
                if let Some(file) = file.filter(|_| written.kept) {
                    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
                    let copy = KeptEntries {
                        seq: written.header.seq,
                        head: written.header.head,
                        size: written.header.size,
                        entries_digest: written.entries_digest,
                        file,
                        length,
                        made: Instant::now(),
                    };
                    *self.kept.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some(Arc::new(copy));
                }
            }
            Ok(None) => {
                tracing::info!(partner, "a partner went away during a snapshot of the list");
            }
            Err(error) => {
                tracing::error!(partner, %error, "a snapshot of the list failed");
                let _ = sender
                    .send(Err(std::io::Error::other(error.to_string())))
                    .await;
            }
        }
        drop(making);
    }
}

impl KeptEntries {
    /// Sends the copy under a header and signature made now (on a blocking thread: it
    /// reads the file).
    fn send(
        &self,
        key: &FeedSigningKey,
        sender: &mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
        partner: &str,
    ) {
        use std::os::unix::fs::FileExt;
        use takeback_wire::snapshot::{SnapshotHeader, sign_entries};
        let started = Instant::now();
        let header = SnapshotHeader {
            seq: self.seq,
            head: self.head,
            size: self.size,
            time: now_ms(),
            key_id: key.public_key().to_string(),
        };
        if sender.blocking_send(Ok(header.encode())).is_err() {
            return;
        }
        let mut at = 0u64;
        while at < self.length {
            let mut chunk = vec![0u8; CHUNK_BYTES.min((self.length - at) as usize)];
            if let Err(error) = self.file.read_exact_at(&mut chunk, at) {
                tracing::error!(partner, %error, "cannot read the kept copy of the snapshot");
                let _ = sender.blocking_send(Err(error));
                return;
            }
            at += chunk.len() as u64;
            if sender.blocking_send(Ok(chunk)).is_err() {
                tracing::info!(partner, "a partner went away during a snapshot of the list");
                return;
            }
        }
        let trailer = sign_entries(&header, &self.entries_digest, key).to_vec();
        if sender.blocking_send(Ok(trailer)).is_ok() {
            metrics::counter!("takeback_hashlist_snapshots_served_total").increment(1);
            tracing::info!(
                partner,
                seconds = started.elapsed().as_secs_f64(),
                entries = self.size,
                position = self.seq,
                from = "copy",
                "sent a snapshot of the list"
            );
        }
    }
}
