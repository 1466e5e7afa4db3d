//! The audit log: who did what, appended in the transaction that does it.

use super::{Principal, Store, StoreError, now_ms};
use crate::model::AuditRecord;
use sqlx::{Any, Executor};

/// An `audit_log` row.
#[derive(Debug, sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_kind: String,
    actor: String,
    action: String,
    subject: Option<String>,
    detail: Option<String>,
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
        }
    }
}

impl Store {
    /// Records a partner's read of the list in the audit log.
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

    /// The audit log after the id `after`.
    pub async fn audit_log(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor_kind, actor, action, subject, detail FROM audit_log \
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
