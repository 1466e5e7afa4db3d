//! The audit log: who did what, appended in the transaction that does it.

use super::{Principal, Store, StoreError, now_ms};
use crate::model::AuditRecord;
use sqlx::{Any, Executor, Row};

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

    /// Adds a partner's outcomes. Unknown entry ids refuse the whole batch. When

    /// The audit log after the id `after`.
    pub async fn audit_log(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor_kind, actor, action, subject, detail FROM audit_log \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor_kind: row.try_get("actor_kind")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
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
