//! Partners and analysts: adding, revoking, listing, and recognising their tokens.

use super::audit::audit;
use super::{AnalystRole, Principal, Store, StoreError, now_ms};
use crate::secrets::{ApiToken, TokenKind};

/// Who changes partners and analysts from the command line, as the audit log names them
/// (an admin in the console is named as themselves).
pub const COMMAND_LINE: (&str, &str) = ("operator", "command line");

impl Store {
    /// Adds a partner or an analyst and returns their token, which is not stored.
    pub async fn add_principal(&self, kind: TokenKind, name: &str) -> Result<ApiToken, StoreError> {
        self.add_principal_in_role(kind, name, AnalystRole::Analyst, COMMAND_LINE)
            .await
    }

    /// Adds a partner or an analyst (in `role`; a partner has none) and returns their
    /// token, which is not stored. `by` is who did it, for the audit log: (actor kind, name).
    pub async fn add_principal_in_role(
        &self,
        kind: TokenKind,
        name: &str,
        role: AnalystRole,
        by: (&str, &str),
    ) -> Result<ApiToken, StoreError> {
        let token = ApiToken::generate(kind)?;
        let (sql, action) = match kind {
            TokenKind::Partner => (
                "INSERT INTO partners (name, key_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING RETURNING id",
                "partner_added",
            ),
            TokenKind::Analyst => (
                "INSERT INTO analysts (name, token_hash, created_at, role) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id",
                "analyst_added",
            ),
        };
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let mut insert = sqlx::query(sql).bind(name).bind(token.digest()).bind(now);
        if kind == TokenKind::Analyst {
            insert = insert.bind(role.as_str());
        }
        let inserted = insert.fetch_optional(&mut *tx).await?;
        if inserted.is_none() {
            return Err(StoreError::NameTaken {
                kind,
                name: name.to_owned(),
            });
        }
        let detail = (kind == TokenKind::Analyst).then(|| role.as_str());
        audit(&mut *tx, now, by.0, by.1, action, Some(name), detail).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes a partner's key or an analyst's token; `NoSuchPrincipal` if there is no such
    /// name. Revoking twice is not an error. `by` is who did it, for the audit log.
    pub async fn revoke_principal(
        &self,
        kind: TokenKind,
        name: &str,
        by: (&str, &str),
    ) -> Result<(), StoreError> {
        let (table, action) = principal_table(kind, "revoked");
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let found = sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2 RETURNING id"
        ))
        .bind(now)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NoSuchPrincipal {
                kind,
                name: name.to_owned(),
            });
        }
        audit(&mut *tx, now, by.0, by.1, &action, Some(name), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Partners or analysts, by name: (name, added at, revoked at), in Unix milliseconds.
    pub async fn principals(
        &self,
        kind: TokenKind,
    ) -> Result<Vec<(String, i64, Option<i64>)>, StoreError> {
        let (table, _) = principal_table(kind, "");
        Ok(sqlx::query_as(&format!(
            "SELECT name, created_at, revoked_at FROM {table} ORDER BY name"
        ))
        .fetch_all(&self.read)
        .await?)
    }

    /// Who a bearer token belongs to, looked up by its digest in the table of its kind.
    pub async fn authenticate(&self, token: &ApiToken) -> Result<Option<Principal>, StoreError> {
        let sql = match token.kind() {
            TokenKind::Partner => {
                "SELECT id, name FROM partners WHERE key_hash = $1 AND revoked_at IS NULL"
            }
            TokenKind::Analyst => {
                "SELECT id, name FROM analysts WHERE token_hash = $1 AND revoked_at IS NULL"
            }
        };
        let row: Option<(i64, String)> = sqlx::query_as(sql)
            .bind(token.digest())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|(id, name)| Principal {
            kind: token.kind(),
            id,
            name,
        }))
    }
}

/// The table of a kind of principal, and the audit action `<kind>_<verb>`.
fn principal_table(kind: TokenKind, verb: &str) -> (&'static str, String) {
    match kind {
        TokenKind::Partner => ("partners", format!("partner_{verb}")),
        TokenKind::Analyst => ("analysts", format!("analyst_{verb}")),
    }
}
