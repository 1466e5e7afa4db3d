//! Whether a page of the feed is the hotline's (issue 19): its changes must lead from the
//! chain head held to the head in the checkpoint the hotline signed after them, under the
//! hotline's public key or a key that key announced (a rotation).
//!
//! A page whose checkpoint is the hotline's but whose changes lead elsewhere was either
//! altered on the way or continues another history than the one held (a hotline restored
//! from a backup and written to since). [`Trust::signed_head_at`] tells the two apart: the
//! head the hotline signs at the position held is the held head in the first case, another
//! in the second.

use crate::client::{ClientError, Fetched, HotlineClient};
use crate::wire::CheckedPage;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use takeback_wire::chain::{ChainHead, Checkpoint, FeedPublicKey};
use takeback_wire::snapshot::SignedSnapshot;

/// Why a page, or the hotline's word about a position, cannot be taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TrustError {
    #[error(transparent)]
    Hotline(#[from] ClientError),
    /// The page is not what the hotline signed.
    #[error("{0}")]
    Refused(String),
}

/// What a page's checkpoint says of it.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Its changes lead to the head its checkpoint names, which the hotline signed (when a
    /// key is configured). `None`: a hotline that does not sign, and no key configured; or
    /// an empty list, before any change.
    Vouched(Option<Checkpoint>),
    /// The checkpoint is the hotline's, but the changes do not lead to its head from the
    /// head held.
    HeadDiffers,
}

/// The keys a follower takes checkpoints from: the one configured, then each one announced
/// by a key already trusted, as the hotline rotates them.
#[derive(Debug)]
pub(crate) struct Trust {
    keys: Vec<FeedPublicKey>,
    /// Oldest a checkpoint may be when it arrives.
    max_age: Duration,
}

impl Trust {
    /// Trusts `key` (none: signatures are not checked, the chain still is), and no
    /// checkpoint signed more than `max_age` before it arrives.
    pub(crate) fn new(key: Option<FeedPublicKey>, max_age: Duration) -> Self {
        Trust {
            keys: key.into_iter().collect(),
            max_age,
        }
    }

    /// Whether checkpoints' signatures are checked.
    pub(crate) fn checks_signatures(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Judges a page read from the head held.
    pub(crate) fn judge(
        &mut self,
        page: &CheckedPage,
        client: &HotlineClient,
    ) -> Result<Verdict, TrustError> {
        let Some(checkpoint) = &page.checkpoint else {
            // Before the first change there is nothing to sign.
            if self.checks_signatures() && page.next > 0 {
                return Err(TrustError::Refused(format!(
                    "the page up to change {} carries no signed checkpoint, and the hotline's \
                     public key is configured",
                    page.next
                )));
            }
            return Ok(Verdict::Vouched(None));
        };
        self.check_signature(checkpoint, client)?;
        if checkpoint.seq != page.next {
            return Err(TrustError::Refused(format!(
                "the page ends at change {} but its checkpoint covers change {}",
                page.next, checkpoint.seq
            )));
        }
        // The hotline signs each answer as it sends it.
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        let age_ms = now_ms.saturating_sub(u128::try_from(checkpoint.time).unwrap_or(0));
        if age_ms > self.max_age.as_millis() {
            return Err(TrustError::Refused(format!(
                "the page's checkpoint was signed {:.1} s ago, longer than \
                 max_checkpoint_age_seconds = {}: an old answer served again (or the \
                 hotline's clock is far off)",
                age_ms as f64 / 1000.0,
                self.max_age.as_secs_f64()
            )));
        }
        if checkpoint.head != page.head {
            return Ok(Verdict::HeadDiffers);
        }
        Ok(Verdict::Vouched(Some(checkpoint.clone())))
    }

    /// The chain head the hotline signs at change `seq` (≥ 1), or `None` if its list ends
    /// before it.
    pub(crate) fn signed_head_at(
        &mut self,
        client: &HotlineClient,
        seq: i64,
    ) -> Result<Option<ChainHead>, TrustError> {
        // The page of the one change at `seq` carries the checkpoint after it; the head it
        // leads to from here is not needed, only the signed one.
        let page = match client.fetch_page(seq - 1, Some(1), ChainHead::GENESIS)? {
            Fetched::Page(page) => page,
            Fetched::CursorAhead => return Ok(None),
        };
        if page.next != seq {
            return Ok(None);
        }
        let checkpoint = page.checkpoint.as_ref().ok_or_else(|| {
            TrustError::Refused(format!(
                "the hotline gave no checkpoint at change {seq}, where the list held stands"
            ))
        })?;
        self.check_signature(checkpoint, client)?;
        if checkpoint.seq != seq {
            return Err(TrustError::Refused(format!(
                "asked where the chain stood at change {seq}, the hotline's checkpoint covers \
                 change {}",
                checkpoint.seq
            )));
        }
        Ok(Some(checkpoint.head))
    }

    /// Checks a snapshot's trailer under a trusted key (nothing without one).
    pub(crate) fn check_snapshot(
        &mut self,
        snapshot: &SignedSnapshot,
        client: &HotlineClient,
    ) -> Result<(), TrustError> {
        if !self.checks_signatures() {
            return Ok(());
        }
        let key = self.trusted_key(&snapshot.header.key_id, "snapshot", client)?;
        snapshot
            .verify(key)
            .map_err(|error| TrustError::Refused(format!("the snapshot: {error}")))
    }

    /// Checks the checkpoint's signature under a trusted key, learning the hotline's newer
    /// keys first if it names one not trusted yet.
    fn check_signature(
        &mut self,
        checkpoint: &Checkpoint,
        client: &HotlineClient,
    ) -> Result<(), TrustError> {
        if !self.checks_signatures() {
            return Ok(());
        }
        let key = self.trusted_key(&checkpoint.key_id, "checkpoint", client)?;
        checkpoint.verify(key).map_err(|error| {
            TrustError::Refused(format!("checkpoint at change {}: {error}", checkpoint.seq))
        })
    }

    /// The trusted key with this id, learning the hotline's newer keys first if it is not
    /// trusted yet; refused if it is still not. `what` names what it signed.
    fn trusted_key(
        &mut self,
        id: &str,
        what: &str,
        client: &HotlineClient,
    ) -> Result<&FeedPublicKey, TrustError> {
        if self.key(id).is_none() {
            self.learn(client)?;
        }
        let configured = self.keys[0].to_string();
        self.key(id).ok_or_else(|| {
            TrustError::Refused(format!(
                "the {what} is signed with key {id}, which is neither the hotline's public key \
                 configured here ({configured}) nor one announced by it"
            ))
        })
    }

    fn key(&self, id: &str) -> Option<&FeedPublicKey> {
        self.keys.iter().find(|key| key.to_string() == id)
    }

    /// Trusts every key of the hotline's that a trusted key announced, and those they
    /// announced in turn.
    fn learn(&mut self, client: &HotlineClient) -> Result<(), TrustError> {
        let published = client.fetch_keys()?;
        loop {
            let before = self.keys.len();
            for key in &published.keys {
                if self.key(&key.public_key).is_some() {
                    continue;
                }
                let Some(by) = key.endorsed_by.as_deref().and_then(|by| self.key(by)) else {
                    continue;
                };
                match key.endorsed(by) {
                    Ok(new) => {
                        tracing::info!(
                            new_key = %new,
                            announced_by = %by,
                            "the hotline signs with a new key, announced by one trusted: it is \
                             trusted from now on"
                        );
                        self.keys.push(new);
                    }
                    Err(error) => tracing::warn!(
                        key = key.public_key,
                        %error,
                        "the hotline lists a key whose announcement does not verify: not trusted"
                    ),
                }
            }
            if self.keys.len() == before {
                return Ok(());
            }
        }
    }
}
