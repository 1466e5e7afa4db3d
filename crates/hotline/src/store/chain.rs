//! The feed's hash chain and the keys that sign its checkpoints (issue 19; the chain's rule
//! is `takeback_wire::chain`).
//!
//! Each `list_changes` row keeps its link (`chain`, the head after it) and the list's size
//! after it (`size`); the `sequences` row keeps both for the last change, and moves them on
//! under the lock it already holds to hand out sequence numbers, so links are made in
//! `seq` order even with several processes on one PostgreSQL.

use super::audit::audit;
use super::{Backend, Store, StoreError, now_ms, push_placeholder};
use crate::model::{ChangeOp, ListChange};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use takeback_wire::chain::{ChainHead, Checkpoint, FeedPublicKey, FeedSigningKey, PublishedKey};

/// Changes chained per statement batch when old changes are chained at start-up.
const BACKFILL_BATCH: i64 = 10_000;

/// The chain's state after the last change: its head and the list's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainState {
    /// The last change's sequence number (0: none).
    pub seq: i64,
    /// The head after it.
    pub head: ChainHead,
    /// Entries on the list after it.
    pub size: i64,
}

fn stored_head(text: &str) -> Result<ChainHead, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("feed chain head {text:?}")))
}

/// Takes the sequence row's lock (as every writer of the feed does) and reads the chain's
/// state after the last change; `None` before the chain was started.
pub(super) async fn lock_chain(
    tx: &mut Transaction<'static, Any>,
) -> Result<(i64, Option<(ChainHead, i64)>), StoreError> {
    let (last, head, size): (i64, Option<String>, Option<i64>) = sqlx::query_as(
        "UPDATE sequences SET last = last WHERE name = 'list_changes' RETURNING last, head, size",
    )
    .fetch_one(&mut **tx)
    .await?;
    let state = match (head, size) {
        (Some(head), Some(size)) => Some((stored_head(&head)?, size)),
        _ => None,
    };
    Ok((last, state))
}

/// What each change does to the list's size: +1 for an entry that comes onto it, -1 for one
/// that goes, 0 for an `add` that replaces an entry already on it (a change of `verified`)
/// or a `remove` of one not on it. `listed` says which entries were on the list before; it
/// is updated as the changes go.
pub(super) fn size_delta(listed: &mut HashMap<i64, bool>, op: ChangeOp, entry_id: i64) -> i64 {
    let was = listed
        .insert(entry_id, op == ChangeOp::Add)
        .unwrap_or(false);
    match (op, was) {
        (ChangeOp::Add, false) => 1,
        (ChangeOp::Remove, true) => -1,
        _ => 0,
    }
}

/// Whether each of `entry_ids` is on the list now, by its last change in the feed: one
/// query for them all (a report's batch holds up to a few hundred).
pub(super) async fn listed_now(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    entry_ids: &[i64],
) -> Result<HashMap<i64, bool>, StoreError> {
    let mut listed: HashMap<i64, bool> = entry_ids.iter().map(|&id| (id, false)).collect();
    let ids: Vec<i64> = listed.keys().copied().collect();
    for chunk in ids.chunks(500) {
        let mut sql = String::from(
            "SELECT entry_id, op FROM list_changes WHERE seq IN \
             (SELECT MAX(seq) FROM list_changes WHERE entry_id IN (",
        );
        for n in 1..=chunk.len() {
            if n > 1 {
                sql.push_str(", ");
            }
            push_placeholder(&mut sql, backend, n);
        }
        sql.push_str(") GROUP BY entry_id)");
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        for (id, op) in query.fetch_all(&mut **tx).await? {
            listed.insert(id, op == "add");
        }
    }
    Ok(listed)
}

/// Moves the sequence row on to change `last`, its head and size (under the lock
/// [`lock_chain`] took).
pub(super) async fn store_chain(
    tx: &mut Transaction<'static, Any>,
    last: i64,
    head: &ChainHead,
    size: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sequences SET last = $1, head = $2, size = $3 WHERE name = 'list_changes'")
        .bind(last)
        .bind(head.to_string())
        .bind(size)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Chains the changes that have no link yet: those written before the chain existed
    /// (migration 0017), or put in by hand. In one transaction holding the sequence row's
    /// lock, from the last linked change on; nothing to do when every change is linked (an
    /// indexed look). Run when the store opens.
    pub(super) async fn chain_feed(&self) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let (last, state) = lock_chain(&mut tx).await?;
        let first_unchained: Option<i64> =
            sqlx::query_scalar("SELECT MIN(seq) FROM list_changes WHERE chain IS NULL")
                .fetch_one(&mut *tx)
                .await?;
        let Some(first) = first_unchained else {
            if state.is_none() {
                // A new database (or one whose feed is empty): the chain starts here.
                store_chain(&mut tx, last, &ChainHead::GENESIS, 0).await?;
            }
            tx.commit().await?;
            return Ok(());
        };
        let (mut head, mut size) = if first <= 1 {
            (ChainHead::GENESIS, 0)
        } else {
            let before: (Option<String>, Option<i64>) =
                sqlx::query_as("SELECT chain, size FROM list_changes WHERE seq = $1")
                    .bind(first - 1)
                    .fetch_one(&mut *tx)
                    .await?;
            match before {
                (Some(head), Some(size)) => (stored_head(&head)?, size),
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "feed change {} has no chain link",
                        first - 1
                    )));
                }
            }
        };
        // Which entries are on the list as the walk starts: by their changes before it.
        let mut listed: HashMap<i64, bool> = HashMap::new();
        if first > 1 {
            let before: Vec<(i64, String)> = sqlx::query_as(
                "SELECT entry_id, op FROM list_changes WHERE seq IN \
                 (SELECT MAX(seq) FROM list_changes WHERE seq < $1 GROUP BY entry_id)",
            )
            .bind(first)
            .fetch_all(&mut *tx)
            .await?;
            listed.extend(before.into_iter().map(|(id, op)| (id, op == "add")));
        }
        let mut after = first - 1;
        let mut chained = 0_u64;
        loop {
            let changes = self.unchained_changes(&mut tx, after).await?;
            let Some(end) = changes.last().map(|change| change.seq) else {
                break;
            };
            for change in &changes {
                head = head.extend(change);
                size += size_delta(&mut listed, change.op, change.id);
                sqlx::query("UPDATE list_changes SET chain = $1, size = $2 WHERE seq = $3")
                    .bind(head.to_string())
                    .bind(size)
                    .bind(change.seq)
                    .execute(&mut *tx)
                    .await?;
                chained += 1;
            }
            after = end;
        }
        store_chain(&mut tx, last.max(after), &head, size).await?;
        tx.commit().await?;
        tracing::info!(changes = chained, head = %head, "chained the feed's changes that had no link");
        Ok(())
    }

    async fn unchained_changes(
        &self,
        tx: &mut Transaction<'static, Any>,
        after: i64,
    ) -> Result<Vec<ListChange>, StoreError> {
        let rows: Vec<super::feed::ChangeRow> = sqlx::query_as(
            "SELECT seq, op, entry_id, algorithm, value, quality, verified, \
             CAST(NULL AS BIGINT) AS frame_count FROM list_changes WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(BACKFILL_BATCH)
        .fetch_all(&mut **tx)
        .await?;
        rows.into_iter()
            .map(super::feed::ChangeRow::into_change)
            .collect()
    }

    /// The chain's state after change `seq` (0: before the first), or `None` if there is
    /// no such change.
    pub async fn chain_at(&self, seq: i64) -> Result<Option<ChainState>, StoreError> {
        if seq == 0 {
            return Ok(Some(ChainState {
                seq,
                head: ChainHead::GENESIS,
                size: 0,
            }));
        }
        let row: Option<(Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT chain, size FROM list_changes WHERE seq = $1")
                .bind(seq)
                .fetch_optional(&self.read)
                .await?;
        match row {
            None => Ok(None),
            Some((Some(head), Some(size))) => Ok(Some(ChainState {
                seq,
                head: stored_head(&head)?,
                size,
            })),
            Some(_) => Err(StoreError::Corrupt(format!(
                "feed change {seq} has no chain link"
            ))),
        }
    }

    /// The key that signs checkpoints: the newest unretired one, made (and stored) on first
    /// use.
    pub async fn signing_key(&self) -> Result<FeedSigningKey, StoreError> {
        let newest: Option<String> = sqlx::query_scalar(
            "SELECT seed FROM signing_keys WHERE retired_at IS NULL \
             ORDER BY created_at DESC, public_key LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?;
        if let Some(seed) = newest {
            return self.stored_or_in_file(&seed).await;
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        let key = FeedSigningKey::from_seed(seed);
        // Two processes starting together may both make one: the first stored wins, and
        // both then sign with it.
        sqlx::query(
            "INSERT INTO signing_keys (public_key, seed, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (public_key) DO NOTHING",
        )
        .bind(key.public_key().to_string())
        .bind(BASE64.encode(seed))
        .bind(now_ms())
        .execute(&self.write)
        .await?;
        let first: String = sqlx::query_scalar(
            "SELECT seed FROM signing_keys WHERE retired_at IS NULL \
             ORDER BY created_at, public_key LIMIT 1",
        )
        .fetch_one(&self.write)
        .await?;
        let key = self.stored_or_in_file(&first).await?;
        tracing::info!(public_key = %key.public_key(), "made the key that signs the feed's checkpoints");
        Ok(key)
    }

    /// The signing key from its stored seed; [`StoreError::SigningKeyInFile`] when the seed
    /// is kept in a file instead (stored empty).
    async fn stored_or_in_file(&self, seed: &str) -> Result<FeedSigningKey, StoreError> {
        if !seed.is_empty() {
            return stored_key(seed);
        }
        let public: String = sqlx::query_scalar(
            "SELECT public_key FROM signing_keys WHERE retired_at IS NULL \
             ORDER BY created_at DESC, public_key LIMIT 1",
        )
        .fetch_one(&self.read)
        .await?;
        Err(StoreError::SigningKeyInFile(public))
    }

    /// Signs with `key`, whose secret is kept in a file (`signing_key_file`) and never
    /// stored: its public half is published (`GET /api/v1/keys`). A key met for the first
    /// time takes over from the one signing until now, which announces it (endorses it)
    /// when its secret is at hand (kept in the database), and retires; the audit log says
    /// so. A retired key is refused. `by` is who did it, for the audit log.
    pub async fn adopt_signing_key(
        &self,
        key: &FeedSigningKey,
        by: (&str, &str),
    ) -> Result<(), StoreError> {
        let public = key.public_key().to_string();
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let known: Option<Option<i64>> =
            sqlx::query_scalar("SELECT retired_at FROM signing_keys WHERE public_key = $1")
                .bind(&public)
                .fetch_optional(&mut *tx)
                .await?;
        match known {
            Some(None) => return Ok(()),
            Some(Some(_)) => return Err(StoreError::RetiredSigningKey(public)),
            None => {}
        }
        let signing: Option<(String, String)> = sqlx::query_as(
            "SELECT public_key, seed FROM signing_keys WHERE retired_at IS NULL \
             ORDER BY created_at DESC, public_key LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let mut endorsement = None;
        if let Some((old_public, old_seed)) = &signing {
            sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE public_key = $2")
                .bind(now)
                .bind(old_public)
                .execute(&mut *tx)
                .await?;
            if !old_seed.is_empty() {
                let old = stored_key(old_seed)?;
                endorsement = Some((old_public.clone(), old.endorse(&key.public_key(), now)));
            }
        }
        let inserted = sqlx::query(
            "INSERT INTO signing_keys (public_key, seed, created_at, endorsed_by, endorsement) \
             VALUES ($1, '', $2, $3, $4) ON CONFLICT (public_key) DO NOTHING",
        )
        .bind(&public)
        .bind(now)
        .bind(endorsement.as_ref().map(|(by, _)| by.as_str()))
        .bind(
            endorsement
                .as_ref()
                .map(|(_, signature)| signature.as_str()),
        )
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // Another server given the same file adopted it first: nothing more to do.
            return Ok(());
        }
        let detail = match (&signing, &endorsement) {
            (Some((old, _)), Some(_)) => format!("{public} (from a file) took over from {old}"),
            (Some((old, _)), None) => format!(
                "{public} (from a file) took over from {old}, whose secret is not at hand to \
                 announce it: partners must be given the new key"
            ),
            (None, _) => format!("{public} (from a file) signs the feed"),
        };
        audit(
            &mut *tx,
            now,
            by.0,
            by.1,
            "signing_key_configured",
            None,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        if signing.is_some() && endorsement.is_none() {
            tracing::warn!(
                public_key = %public,
                "the new signing key could not be announced by the old one, whose secret was in \
                 a file: give partners the new public key"
            );
        }
        Ok(())
    }

    /// The public keys checkpoints are and were signed with, newest first, each with the
    /// endorsement of the key it took over from.
    pub async fn signing_keys(&self) -> Result<Vec<PublishedKey>, StoreError> {
        let rows = sqlx::query_as::<_, SigningKeyRow>(
            "SELECT public_key, created_at, retired_at, endorsed_by, endorsement \
             FROM signing_keys ORDER BY created_at DESC, public_key",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| PublishedKey {
                algorithm: "ed25519".to_owned(),
                public_key: row.public_key,
                created_at: row.created_at,
                retired_at: row.retired_at,
                endorsed_by: row.endorsed_by,
                endorsement: row.endorsement,
            })
            .collect())
    }

    /// Makes a new signing key, announced by the one signing now (which it retires), and
    /// returns both public halves (old, new). A running `takeback serve` signs with the new
    /// key from its next start; partners who trust the old key trust the new one through
    /// the announcement (`GET /api/v1/keys`). `by` is who did it, for the audit log.
    pub async fn rotate_signing_key(
        &self,
        by: (&str, &str),
    ) -> Result<(FeedPublicKey, FeedPublicKey), StoreError> {
        let old = self.signing_key().await?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        let new = FeedSigningKey::from_seed(seed);
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        // Only the key that is still signing can hand over: two rotations at once cannot
        // both retire it.
        let retired = sqlx::query(
            "UPDATE signing_keys SET retired_at = $1 \
             WHERE public_key = $2 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(old.public_key().to_string())
        .execute(&mut *tx)
        .await?;
        if retired.rows_affected() != 1 {
            return Err(StoreError::RotationRace);
        }
        sqlx::query(
            "INSERT INTO signing_keys (public_key, seed, created_at, endorsed_by, endorsement) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new.public_key().to_string())
        .bind(BASE64.encode(seed))
        .bind(now)
        .bind(old.public_key().to_string())
        .bind(old.endorse(&new.public_key(), now))
        .execute(&mut *tx)
        .await?;
        let detail = format!("{} took over from {}", new.public_key(), old.public_key());
        audit(
            &mut *tx,
            now,
            by.0,
            by.1,
            "signing_key_rotated",
            None,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok((old.public_key(), new.public_key()))
    }

    /// A checkpoint after change `seq`, signed now with `key`; `None` if there is no such
    /// change.
    pub async fn checkpoint(
        &self,
        key: &FeedSigningKey,
        seq: i64,
    ) -> Result<Option<Checkpoint>, StoreError> {
        Ok(self
            .chain_at(seq)
            .await?
            .map(|state| key.sign(state.seq, state.head, state.size, now_ms())))
    }
}

/// A `signing_keys` row, without its secret.
#[derive(sqlx::FromRow)]
struct SigningKeyRow {
    public_key: String,
    created_at: i64,
    retired_at: Option<i64>,
    endorsed_by: Option<String>,
    endorsement: Option<String>,
}

fn stored_key(seed: &str) -> Result<FeedSigningKey, StoreError> {
    let bytes = BASE64
        .decode(seed)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| StoreError::Corrupt("a signing key's seed".to_owned()))?;
    Ok(FeedSigningKey::from_seed(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_counts_entries_coming_on_and_going_off() {
        let mut listed = HashMap::from([(1, true), (2, false)]);
        // 1 is listed: a re-add (verified changed) leaves the size; its removal takes one.
        assert_eq!(size_delta(&mut listed, ChangeOp::Add, 1), 0);
        assert_eq!(size_delta(&mut listed, ChangeOp::Remove, 1), -1);
        assert_eq!(size_delta(&mut listed, ChangeOp::Remove, 1), 0);
        // 2 and a new 3 come on.
        assert_eq!(size_delta(&mut listed, ChangeOp::Add, 2), 1);
        assert_eq!(size_delta(&mut listed, ChangeOp::Add, 3), 1);
        assert_eq!(size_delta(&mut listed, ChangeOp::Add, 3), 0);
    }
}
