//! Reported addresses stored before takedown items existed: `case_urls`, one row per case
//! and address, moved into items and links (`takedown.rs`) when the server starts.
//! Migration 0009 cannot do it in SQL: an address must be normalised by the same code as
//! a new report's.

use super::audit::audit;
use super::{HOUR_MS, Store, StoreError, now_ms, redact_url};
use crate::takedown::{NormalUrl, TakedownState, normalise};
use std::collections::BTreeMap;

/// A `case_urls` row, as hotlines before takedown items stored reported addresses.
#[derive(Debug, sqlx::FromRow)]
struct LegacyUrlRow {
    id: i64,
    case_id: String,
    url: String,
    state: String,
    created_at: i64,
}

impl Store {
    /// Moves the addresses that reports stored before takedown items existed (`case_urls`,
    /// one row per case and address) into items and links, then empties `case_urls`. Run
    /// at start; once done it finds nothing to do. Safe when two processes run it at once
    /// on one PostgreSQL database: the second finds the items and links made.
    pub(super) async fn move_case_urls(&self) -> Result<(), StoreError> {
        retrying!(self.try_move_case_urls().await)
    }

    async fn try_move_case_urls(&self) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let rows = sqlx::query_as::<_, LegacyUrlRow>(
            "SELECT id, case_id, url, state, created_at FROM case_urls ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last_id) = rows.last().map(|row| row.id) else {
            return Ok(());
        };
        let mut by_address: BTreeMap<NormalUrl, Vec<&LegacyUrlRow>> = BTreeMap::new();
        for row in &rows {
            by_address
                .entry(legacy_normal(&row.url))
                .or_default()
                .push(row);
        }
        for (normal, reports) in &by_address {
            // Times were stored to the hour already.
            let first = reports.iter().map(|r| r.created_at).min().unwrap_or(0);
            let last = reports.iter().map(|r| r.created_at).max().unwrap_or(0);
            let open = reports.iter().any(|r| r.state != "withdrawn");
            let to = if open {
                TakedownState::Reported
            } else {
                TakedownState::Withdrawn
            };
            sqlx::query(
                "INSERT INTO takedown_items (url, host, state, first_reported_at, \
                 last_reported_at, state_changed_at) VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (url) DO NOTHING",
            )
            .bind(&normal.url)
            .bind(&normal.host)
            .bind(to.as_str())
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM takedown_items WHERE url = $1")
                .bind(&normal.url)
                .fetch_one(&mut *tx)
                .await?;
            for report in reports {
                let link_state = if report.state == "withdrawn" {
                    "withdrawn"
                } else {
                    "open"
                };
                sqlx::query(
                    "INSERT INTO takedown_links (case_id, item_id, reported_url, state, \
                     linked_at, withdrawn_at) VALUES ($1, $2, $3, $4, $5, \
                     (SELECT withdrawn_at FROM cases WHERE id = $1 AND $4 = 'withdrawn')) \
                     ON CONFLICT (case_id, item_id) DO NOTHING",
                )
                .bind(&report.case_id)
                .bind(id)
                .bind(&report.url)
                .bind(link_state)
                .bind(report.created_at)
                .execute(&mut *tx)
                .await?;
            }
        }
        // A withdrawn item's time of withdrawal: its last link's.
        sqlx::query(
            "UPDATE takedown_items SET withdrawn_at = (SELECT MAX(l.withdrawn_at) \
             FROM takedown_links l WHERE l.item_id = takedown_items.id) \
             WHERE state = 'withdrawn' AND withdrawn_at IS NULL",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM case_urls WHERE id <= $1")
            .bind(last_id)
            .execute(&mut *tx)
            .await?;
        let detail =
            serde_json::json!({"addresses": rows.len(), "items": by_address.len()}).to_string();
        audit(
            &mut *tx,
            now_ms() / HOUR_MS * HOUR_MS,
            "operator",
            "migration",
            "takedown_items_migrated",
            None,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An address stored before reports were normalised: normalised now, or, if the `url`
/// crate refuses it (the old checks were looser), kept as it was so that it is not lost.
fn legacy_normal(text: &str) -> NormalUrl {
    normalise(text).unwrap_or_else(|_| {
        let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        NormalUrl {
            url: redact_url(text.trim()),
            host: host.to_ascii_lowercase(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_addresses_are_normalised_or_kept() {
        assert_eq!(
            legacy_normal("HTTPS://Example.com:443/a#b").url,
            "https://example.com/a"
        );
        let odd = legacy_normal("https://exa%mple.com/a");
        assert_eq!(odd.url, "https://exa%mple.com/a");
        assert_eq!(odd.host, "exa%mple.com");
    }
}
