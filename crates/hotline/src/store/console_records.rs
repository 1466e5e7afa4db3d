//! The console's records pages (issue 18): cases, one case with its entries, reported
//! addresses and history, and the audit log filtered. Nothing here reads a case's secret.

use super::audit::AuditRow;
use super::{Store, StoreError};
use crate::model::AuditRecord;
use serde::Serialize;

/// One case in the console's list of recent cases.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseSummary {
    /// The case reference.
    pub id: String,
    /// `open` or `withdrawn`.
    pub state: String,
    /// `young_person` or `trusted_adult`.
    pub reporter: String,
    /// When it was reported (Unix ms).
    pub created_at: i64,
    /// When it was withdrawn (Unix ms), if it was.
    pub withdrawn_at: Option<i64>,
    /// Fingerprints it reported.
    pub entries: i64,
    /// Web addresses it reported.
    pub addresses: i64,
}

/// Where the list of cases goes on from: the last case shown.
#[derive(Debug, Clone)]
pub struct CaseCursor {
    /// Its report time (Unix ms).
    pub created_at: i64,
    /// Its reference, to order cases reported in the same millisecond.
    pub id: String,
}

/// One fingerprint a case reported, with its entry's state.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseEntry {
    /// The entry.
    pub id: i64,
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: String,
    /// The entry's state.
    pub state: String,
}

/// One web address a case reported: its takedown item, as the addresses pages show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseAddress {
    /// The takedown item's id (`/console/addresses/{id}`).
    pub id: i64,
    /// The item's host, to tell addresses apart without showing the whole address.
    pub host: String,
    /// The item's takedown state (`reported`, `notice_sent`, `removed`, …).
    pub state: String,
    /// Whether this case still asks for it: `open` or `withdrawn`.
    pub link_state: String,
    /// When this case reported it (Unix ms, to the hour).
    pub linked_at: i64,
}

/// Which audit lines to show; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// The actor's name, exactly.
    pub actor: Option<String>,
    /// The action, exactly.
    pub action: Option<String>,
    /// The subject, exactly (a case reference, or `entry 12`).
    pub subject: Option<String>,
    /// From this time (Unix ms), inclusive.
    pub from: Option<i64>,
    /// Before this time (Unix ms).
    pub to: Option<i64>,
}

const CASE_COLUMNS: &str = "SELECT c.id, c.state, c.reporter, c.created_at, c.withdrawn_at, \
     CAST((SELECT COUNT(*) FROM case_hashes h WHERE h.case_id = c.id) AS BIGINT) AS entries, \
     CAST((SELECT COUNT(*) FROM takedown_links l WHERE l.case_id = c.id) AS BIGINT) AS addresses FROM cases c";

impl Store {
    /// Cases newest first, after `cursor` (keyset, so a deep page costs what the first does).
    pub async fn recent_cases(
        &self,
        cursor: Option<&CaseCursor>,
        limit: i64,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let rows =
            match cursor {
                None => {
                    sqlx::query_as::<_, CaseSummary>(&format!(
                        "{CASE_COLUMNS} ORDER BY c.created_at DESC, c.id DESC LIMIT $1"
                    ))
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?
                }
                Some(cursor) => sqlx::query_as::<_, CaseSummary>(&format!(
                    "{CASE_COLUMNS} WHERE c.created_at < $1 OR (c.created_at = $1 AND c.id < $2) \
                     ORDER BY c.created_at DESC, c.id DESC LIMIT $3"
                ))
                .bind(cursor.created_at)
                .bind(&cursor.id)
                .bind(limit)
                .fetch_all(&self.read)
                .await?,
            };
        Ok(rows)
    }

    /// One case's summary; `None` when there is no such case.
    pub async fn case_summary(&self, case_id: &str) -> Result<Option<CaseSummary>, StoreError> {
        Ok(
            sqlx::query_as::<_, CaseSummary>(&format!("{CASE_COLUMNS} WHERE c.id = $1"))
                .bind(case_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The entries a case reported, by id.
    pub async fn case_entries(&self, case_id: &str) -> Result<Vec<CaseEntry>, StoreError> {
        Ok(sqlx::query_as::<_, CaseEntry>(
            "SELECT e.id, e.algorithm, e.state FROM case_hashes h JOIN entries e \
             ON e.id = h.entry_id WHERE h.case_id = $1 ORDER BY e.id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The web addresses a case reported (its takedown links), by item id.
    pub async fn case_addresses(&self, case_id: &str) -> Result<Vec<CaseAddress>, StoreError> {
        Ok(sqlx::query_as::<_, CaseAddress>(
            "SELECT i.id, i.host, i.state, l.state AS link_state, l.linked_at \
             FROM takedown_links l JOIN takedown_items i ON i.id = l.item_id \
             WHERE l.case_id = $1 ORDER BY i.id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Audit lines matching `filter`, newest first, before the id `before`.
    pub async fn audit_lines(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        // Built from fixed pieces only; every value is bound.
        let mut sql = String::from(
            "SELECT id, at, actor_kind, actor, action, subject, detail, count FROM audit_log \
             WHERE 1 = 1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.actor.is_some() {
            sql.push_str(&format!(" AND actor = ${}", next()));
        }
        if filter.action.is_some() {
            sql.push_str(&format!(" AND action = ${}", next()));
        }
        if filter.subject.is_some() {
            sql.push_str(&format!(" AND subject = ${}", next()));
        }
        if filter.from.is_some() {
            sql.push_str(&format!(" AND at >= ${}", next()));
        }
        if filter.to.is_some() {
            sql.push_str(&format!(" AND at < ${}", next()));
        }
        if before.is_some() {
            sql.push_str(&format!(" AND id < ${}", next()));
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", next()));
        let mut query = sqlx::query_as::<_, AuditRow>(&sql);
        for text in [&filter.actor, &filter.action, &filter.subject]
            .into_iter()
            .flatten()
        {
            query = query.bind(text.clone());
        }
        for number in [filter.from, filter.to, before].into_iter().flatten() {
            query = query.bind(number);
        }
        let rows = query.bind(limit).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }
}
