//! The analyst console's sessions and roles: a token exchanged for a session, looked up on
//! every request (so that revoking the analyst ends it at once), ended at sign-out, after
//! being idle, or at its absolute expiry.

use super::audit::audit;
use super::{Principal, Store, StoreError, now_ms};
use crate::secrets::{ApiToken, ConsoleSessionToken, TokenKind};
use serde::Serialize;

/// What an analyst may do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalystRole {
    /// Reviews entries and reported addresses, reads cases and the audit log.
    Analyst,
    /// Everything an analyst does, and manages partners and analysts.
    Admin,
}

impl AnalystRole {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            AnalystRole::Analyst => "analyst",
            AnalystRole::Admin => "admin",
        }
    }

    /// Reads a stored or typed role.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "analyst" => Some(AnalystRole::Analyst),
            "admin" => Some(AnalystRole::Admin),
            _ => None,
        }
    }
}

/// A signed-in analyst.
#[derive(Debug, Clone)]
pub struct ConsoleAnalyst {
    /// Who (for the audit log).
    pub principal: Principal,
    /// What they may do.
    pub role: AnalystRole,
}

/// How long sessions last, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Ended after this long without a request.
    pub idle_ms: i64,
    /// Ended this long after sign-in, however busy.
    pub absolute_ms: i64,
}

/// A session's last request is written at most this often, so that reading a page is not
/// a write each time; idle expiry is that much less exact.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(sqlx::FromRow)]
struct SessionRow {
    analyst_id: i64,
    name: String,
    role: String,
    last_seen_at: i64,
}

impl Store {
    /// Exchanges an analyst's token for a new console session; `None` when the token is
    /// not a live analyst's. The sign-in is in the audit log.
    pub async fn sign_in(
        &self,
        token: &ApiToken,
        limits: SessionLimits,
    ) -> Result<Option<(ConsoleSessionToken, ConsoleAnalyst)>, StoreError> {
        if token.kind() != TokenKind::Analyst {
            return Ok(None);
        }
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name, role FROM analysts WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token.digest())
        .fetch_optional(&self.read)
        .await?;
        let Some((id, name, role)) = row else {
            return Ok(None);
        };
        let role = stored_role(&role)?;
        let session = ConsoleSessionToken::generate()?;
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        // Sessions that have ended are swept as new ones start.
        sqlx::query("DELETE FROM console_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO console_sessions (token_hash, analyst_id, created_at, last_seen_at, \
             expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(session.digest())
        .bind(id)
        .bind(now)
        .bind(now.saturating_add(limits.absolute_ms))
        .execute(&mut *tx)
        .await?;
        audit(
            &mut *tx,
            now,
            "analyst",
            &name,
            "console_signed_in",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        let analyst = ConsoleAnalyst {
            principal: Principal {
                kind: TokenKind::Analyst,
                id,
                name,
            },
            role,
        };
        Ok(Some((session, analyst)))
    }

    /// The analyst a session belongs to, if it is live: not signed out, not idle too long,
    /// not past its expiry, and its analyst not revoked.
    pub async fn console_session(
        &self,
        session: &ConsoleSessionToken,
        limits: SessionLimits,
    ) -> Result<Option<ConsoleAnalyst>, StoreError> {
        let now = now_ms();
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.analyst_id, a.name, a.role, s.last_seen_at FROM console_sessions s \
             JOIN analysts a ON a.id = s.analyst_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 \
             AND a.revoked_at IS NULL",
        )
        .bind(session.digest())
        .bind(now)
        .bind(now.saturating_sub(limits.idle_ms))
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if now - row.last_seen_at >= TOUCH_EVERY_MS {
            sqlx::query("UPDATE console_sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(session.digest())
                .execute(&self.write)
                .await?;
        }
        Ok(Some(ConsoleAnalyst {
            principal: Principal {
                kind: TokenKind::Analyst,
                id: row.analyst_id,
                name: row.name,
            },
            role: stored_role(&row.role)?,
        }))
    }

    /// Ends a session (signing out twice is not an error).
    pub async fn sign_out(
        &self,
        session: &ConsoleSessionToken,
        analyst: &ConsoleAnalyst,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM console_sessions WHERE token_hash = $1")
            .bind(session.digest())
            .execute(&mut *tx)
            .await?;
        audit(
            &mut *tx,
            now,
            "analyst",
            &analyst.principal.name,
            "console_signed_out",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets an analyst's role; `NoSuchPrincipal` if there is no such name. `by` is who did
    /// it, for the audit log (`operator` from the command line, or an admin's name).
    pub async fn set_analyst_role(
        &self,
        name: &str,
        role: AnalystRole,
        by: (&str, &str),
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let found = sqlx::query("UPDATE analysts SET role = $1 WHERE name = $2 RETURNING id")
            .bind(role.as_str())
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NoSuchPrincipal {
                kind: TokenKind::Analyst,
                name: name.to_owned(),
            });
        }
        let (actor_kind, actor) = by;
        audit(
            &mut *tx,
            now,
            actor_kind,
            actor,
            "analyst_role_set",
            Some(name),
            Some(role.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Analysts with their roles: (name, role, added at, revoked at).
    pub async fn analysts(
        &self,
    ) -> Result<Vec<(String, AnalystRole, i64, Option<i64>)>, StoreError> {
        let rows: Vec<(String, String, i64, Option<i64>)> =
            sqlx::query_as("SELECT name, role, created_at, revoked_at FROM analysts ORDER BY name")
                .fetch_all(&self.read)
                .await?;
        rows.into_iter()
            .map(|(name, role, added, revoked)| Ok((name, stored_role(&role)?, added, revoked)))
            .collect()
    }
}

fn stored_role(text: &str) -> Result<AnalystRole, StoreError> {
    AnalystRole::parse(text).ok_or_else(|| StoreError::Corrupt(format!("analyst role {text:?}")))
}

/// Who reported an entry and what each partner said about it: what an analyst weighs
/// beside the entry itself.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EntryProvenance {
    /// Open cases that report it, by kind of reporter.
    pub reporters: crate::model::ReporterCounts,
    /// Each partner's outcomes for it, by partner name.
    pub partners: Vec<PartnerOutcomes>,
}

/// One partner's outcomes for one entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PartnerOutcomes {
    /// The partner's name.
    pub partner: String,
    /// Uploads that matched it.
    pub matched: i64,
    /// Matches removed.
    pub removed: i64,
    /// Uploads blocked.
    pub blocked_upload: i64,
    /// False-positive reports (votes) in all.
    pub false_positive: i64,
    /// When the last one came (Unix ms; 0 for never).
    pub last_false_positive_at: i64,
}

impl Store {
    /// [`EntryProvenance`] of the entry `id` (empty when there is no such entry).
    pub async fn entry_provenance(&self, id: i64) -> Result<EntryProvenance, StoreError> {
        let kinds: Vec<(String, i64)> = sqlx::query_as(
            "SELECT c.reporter, COUNT(*) FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
             WHERE ch.entry_id = $1 AND c.state = 'open' GROUP BY c.reporter",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        let mut reporters = crate::model::ReporterCounts::default();
        for (kind, count) in kinds {
            match kind.as_str() {
                "young_person" => reporters.young_person += count,
                _ => reporters.trusted_adult += count,
            }
        }
        let partners = sqlx::query_as::<_, PartnerOutcomes>(
            "SELECT p.name AS partner, f.matched, f.removed, f.blocked_upload, f.false_positive, \
             f.last_false_positive_at FROM feedback f JOIN partners p ON p.id = f.partner_id \
             WHERE f.entry_id = $1 ORDER BY p.name",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        Ok(EntryProvenance {
            reporters,
            partners,
        })
    }
}

/// An entry as the review queue lists it: what an analyst needs to pick it, gathered in
/// one query (a page of the queue is one round trip, not several per entry).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QueuedEntry {
    /// The entry's id.
    pub id: i64,
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: String,
    /// PDQ quality.
    pub quality: Option<i64>,
    /// `held` or `suspended`.
    pub state: String,
    /// Why.
    pub reason: Option<String>,
    /// A video's frames.
    pub frame_count: Option<i64>,
    /// Open cases from young people.
    pub young_person: i64,
    /// Open cases from trusted adults.
    pub trusted_adult: i64,
    /// Partners that reported a false positive since the last decision.
    pub false_positive_partners: i64,
}

impl Store {
    /// The review queue: entries in `states` that an open case reports, oldest first,
    /// after the id `after` (as [`Store::queue`], with provenance counts instead of the
    /// full views).
    pub async fn review_queue(
        &self,
        states: &[crate::model::EntryState],
        after: i64,
        limit: i64,
    ) -> Result<Vec<QueuedEntry>, StoreError> {
        let mut entries = Vec::new();
        for state in states {
            let rows = sqlx::query_as::<_, QueuedEntry>(
                "SELECT e.id, e.algorithm, e.quality, e.state, e.reason, \
                 (SELECT f.frame_count FROM entry_frames f WHERE f.entry_id = e.id) \
                 AS frame_count, \
                 (SELECT COUNT(*) FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
                 WHERE ch.entry_id = e.id AND c.state = 'open' AND c.reporter = 'young_person') \
                 AS young_person, \
                 (SELECT COUNT(*) FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
                 WHERE ch.entry_id = e.id AND c.state = 'open' AND c.reporter <> 'young_person') \
                 AS trusted_adult, \
                 (SELECT COUNT(*) FROM feedback f WHERE f.entry_id = e.id \
                 AND f.false_positive > 0 AND f.last_false_positive_at >= e.decided_at) \
                 AS false_positive_partners \
                 FROM entries e WHERE e.state = $1 AND e.id > $2 \
                 AND EXISTS (SELECT 1 FROM case_hashes ch JOIN cases c ON c.id = ch.case_id \
                 WHERE ch.entry_id = e.id AND c.state = 'open') \
                 ORDER BY e.id LIMIT $3",
            )
            .bind(state.as_str())
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
            entries.extend(rows);
        }
        entries.sort_by_key(|entry| entry.id);
        entries.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(entries)
    }
}
