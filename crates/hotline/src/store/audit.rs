//! The audit log: who did what, appended in the transaction that does it.

use super::{HOUR_MS, Principal, Store, StoreError, now_ms};
use crate::model::AuditRecord;
use sqlx::{Any, Executor};

/// An `audit_log` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct AuditRow {
    id: i64,
    at: i64,
    actor_kind: String,
    actor: String,
    action: String,
    subject: Option<String>,
    detail: Option<String>,
    count: i64,
}

impl From<AuditRow> for AuditRecord {
    fn from(row: AuditRow) -> Self {
        AuditRecord {
            id: row.id,
            at: row.at,
            actor_kind: row.actor_kind,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            detail: row.detail,
            count: row.count,
        }
    }
}

impl Store {
    /// Records a read by a partner or an analyst in the audit log, as a row of its own.
    pub async fn audit_read(
        &self,
        principal: &Principal,
        action: &str,
        subject: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut conn = self.write.acquire().await?;
        audit(
            &mut *conn,
            now_ms(),
            principal.kind.as_str(),
            &principal.name,
            action,
            subject,
            detail,
        )
        .await
    }

    /// Counts a partner's read of the feed: one row per partner per hour, its time the
    /// start of the hour and its count the reads. No cursor and no exact time, which
    /// would date each new entry, and so its case, to within the partner's poll interval.
    pub async fn count_feed_read(&self, principal: &Principal) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_kind, actor, action, count) \
             VALUES ($1, $2, $3, 'hashlist_reads', 1) \
             ON CONFLICT (actor_kind, actor, action, at) WHERE action = 'hashlist_reads' \
             DO UPDATE SET count = audit_log.count + 1",
        )
        .bind(now_ms() / HOUR_MS * HOUR_MS)
        .bind(principal.kind.as_str())
        .bind(&principal.name)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The audit log after the id `after`.
    pub async fn audit_log(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor_kind, actor, action, subject, detail, count FROM audit_log \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }
}

/// Appends one line to the audit log.
pub(super) async fn audit<'e, E>(
    executor: E,
    at: i64,
    actor_kind: &str,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor, action, subject, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(actor_kind)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
}
