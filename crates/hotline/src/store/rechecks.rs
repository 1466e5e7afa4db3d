//! Re-checks of noticed addresses: which are due, and what each one found.

use super::audit::audit;
use super::notices::{UNDER_NOTICE, millis};
use super::takedown::{state, subject};
use super::{Backend, Store, StoreError, now_ms};
use crate::model::TakedownState;
use std::time::Duration;
use takeback_wire::{Algorithm, ListedHash};

/// Connections refused this many checks in a row: the site is gone.
pub const REFUSED_IN_A_ROW_IS_GONE: i64 = 3;

/// An address due to be fetched again, with the fingerprints of the cases that reported it.
#[derive(Debug, Clone)]
pub struct DueRecheck {
    /// The item.
    pub id: i64,
    /// Its normalised address.
    pub url: String,
    /// The fingerprints of its open cases, to compare with what it serves.
    pub reported: Vec<ListedHash>,
}

/// What a fetch of the address found, as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFinding {
    /// Gone: a 404, 410 or 451, or no such host.
    Gone,
    /// Still served; whether it matched the cases' fingerprints, if it was a picture.
    Up {
        /// `Some(true)` when it matched, `Some(false)` when it was a picture that did
        /// not, none when it was not a picture.
        content_matches: Option<bool>,
    },
    /// The connection was refused: a few in a row count as gone.
    Refused,
    /// Nothing certain (a timeout, a server error, an address not fetched): try later.
    Unknown,
}

/// When checks happen and what they may do, from `[takedown]`.
#[derive(Debug, Clone, Copy)]
pub struct RecheckRules {
    /// A `reported` item whose address serves the cases' own picture becomes actionable
    /// without an analyst, and its notice goes.
    pub auto_notice_on_match: bool,
    /// Between checks of an address still up.
    pub recheck_every: Duration,
    /// Still up this long after the last notice: another.
    pub renotice_after: Duration,
    /// Still up this long after the first: escalated.
    pub escalate_after: Duration,
}

impl Store {
    /// Takes up to `limit` items due to be checked again, for `lease` (their next check is
    /// moved on by it, so that another process does not fetch them meanwhile).
    /// With `reported_too`, items not yet assessed that are due a first look (see
    /// [`Store::schedule_first_looks`]) are taken too.
    pub async fn lease_rechecks(
        &self,
        lease: Duration,
        limit: i64,
        reported_too: bool,
    ) -> Result<Vec<DueRecheck>, StoreError> {
        let now = now_ms();
        let skip_locked = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let states = if reported_too {
            "('reported', 'actionable', 'notice_sent', 'still_up', 'escalated')"
        } else {
            UNDER_NOTICE
        };
        let due = format!("state IN {states} AND next_recheck_at <= $2");
        let items: Vec<(i64, String)> = sqlx::query_as(&format!(
            "UPDATE takedown_items SET next_recheck_at = $1 \
             WHERE id IN (SELECT id FROM takedown_items WHERE {due} \
                          ORDER BY next_recheck_at, id LIMIT $3 {skip_locked}) AND {due} \
             RETURNING id, url"
        ))
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        let mut due = Vec::with_capacity(items.len());
        for (id, url) in items {
            due.push(DueRecheck {
                id,
                url,
                reported: self.reported_fingerprints(id).await?,
            });
        }
        Ok(due)
    }

    /// Schedules one look, now, at every `reported` item never fetched: for
    /// `auto_notice_on_match`.
    pub async fn schedule_first_looks(&self) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE takedown_items SET next_recheck_at = $1 WHERE state = 'reported' \
             AND next_recheck_at IS NULL AND last_checked_at IS NULL",
        )
        .bind(now_ms())
        .execute(&self.write)
        .await?
        .rows_affected())
    }

    /// The item to check now at an analyst's request, or none if there is no such item.
    pub async fn recheck_now(&self, id: i64) -> Result<Option<DueRecheck>, StoreError> {
        let url: Option<String> =
            sqlx::query_scalar("SELECT url FROM takedown_items WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        match url {
            Some(url) => Ok(Some(DueRecheck {
                id,
                url,
                reported: self.reported_fingerprints(id).await?,
            })),
            None => Ok(None),
        }
    }

    /// The fingerprints of the open cases that report an item: their pictures' and files'
    /// (a video's frames are not compared with what an address serves: its file's MD5 and
    /// SHA-256 are).
    async fn reported_fingerprints(&self, item: i64) -> Result<Vec<ListedHash>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT e.algorithm, e.value FROM takedown_links l \
             JOIN case_hashes ch ON ch.case_id = l.case_id \
             JOIN entries e ON e.id = ch.entry_id \
             WHERE l.item_id = $1 AND l.state = 'open'",
        )
        .bind(item)
        .fetch_all(&self.read)
        .await?;
        let mut fingerprints = Vec::with_capacity(rows.len());
        for (algorithm, value) in rows {
            let algorithm: Algorithm = algorithm
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("algorithm {algorithm:?}")))?;
            if algorithm.is_video() {
                continue;
            }
            fingerprints.push(
                ListedHash::parse(algorithm, &value)
                    .map_err(|_| StoreError::Corrupt(format!("{algorithm} value {value:?}")))?,
            );
        }
        Ok(fingerprints)
    }

    /// Records what a check of an item found, with what it causes in the same
    /// transaction: `removed`, `still_up`, `escalated`, another notice wanted, the next
    /// check. `summary` says what was found in a few words (never anything of the
    /// content). `by` names the analyst who asked for it, if one did. Returns the state.
    pub async fn record_recheck(
        &self,
        id: i64,
        finding: CheckFinding,
        summary: &str,
        times: RecheckRules,
        by: Option<&str>,
    ) -> Result<TakedownState, StoreError> {
        retrying!(
            self.try_record_recheck(id, finding, summary, times, by)
                .await
        )
    }

    async fn try_record_recheck(
        &self,
        id: i64,
        finding: CheckFinding,
        summary: &str,
        times: RecheckRules,
        by: Option<&str>,
    ) -> Result<TakedownState, StoreError> {
        let mut tx = self.write.begin().await?;
        let now = now_ms();
        type Row = (String, Option<i64>, Option<i64>, i64, Option<i64>);
        let row: Option<Row> = sqlx::query_as(
            "UPDATE takedown_items SET last_checked_at = $1, last_check = $2 WHERE id = $3 \
             RETURNING state, first_notice_at, last_notice_at, refused_in_a_row, \
             notice_wanted_at",
        )
        .bind(now)
        .bind(summary)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (stored, first_notice, last_notice, refused, wanted) =
            row.ok_or(StoreError::NoSuchTakedownItem(id))?;
        let before = state(&stored)?;
        let noticed = matches!(
            before,
            TakedownState::NoticeSent | TakedownState::StillUp | TakedownState::Escalated
        );
        let refused = if finding == CheckFinding::Refused {
            refused + 1
        } else {
            0
        };
        let gone = finding == CheckFinding::Gone
            || (finding == CheckFinding::Refused && refused >= REFUSED_IN_A_ROW_IS_GONE);
        let content_matches = match finding {
            CheckFinding::Up { content_matches } => content_matches.map(i64::from),
            _ => None,
        };
        // Whether the item still waits for the host, and for how long.
        let waiting = noticed && !gone;
        let since_first = first_notice.map_or(0, |at| now - at);
        let since_last = last_notice.map_or(0, |at| now - at);
        let mut to = before;
        if gone
            && !matches!(
                before,
                TakedownState::Removed | TakedownState::Withdrawn | TakedownState::NotActionable
            )
        {
            to = TakedownState::Removed;
        } else if waiting {
            if matches!(finding, CheckFinding::Up { .. }) && before == TakedownState::NoticeSent {
                to = TakedownState::StillUp;
            }
            if since_first >= millis(times.escalate_after) {
                to = TakedownState::Escalated;
            }
        }
        // The reporters' own picture at the address: no analyst is needed to ask for it
        // to come down.
        let auto = times.auto_notice_on_match
            && before == TakedownState::Reported
            && finding
                == (CheckFinding::Up {
                    content_matches: Some(true),
                });
        if auto {
            to = TakedownState::Actionable;
        }
        let renotice =
            auto || (waiting && wanted.is_none() && since_last >= millis(times.renotice_after));
        let next = if to == TakedownState::Removed || !noticed {
            None
        } else if finding == CheckFinding::Refused {
            // Refusals are looked at again sooner: a few in a row decide.
            Some(now.saturating_add(millis(times.recheck_every.min(Duration::from_secs(900)))))
        } else {
            Some(now.saturating_add(millis(times.recheck_every)))
        };
        sqlx::query(
            "UPDATE takedown_items SET refused_in_a_row = $1, \
             content_matches = CASE WHEN $2 = 1 THEN $3 ELSE content_matches END, \
             next_recheck_at = $4, \
             notice_wanted_at = CASE WHEN $5 = 1 THEN $6 ELSE notice_wanted_at END \
             WHERE id = $7",
        )
        .bind(refused)
        .bind(i64::from(matches!(finding, CheckFinding::Up { .. })))
        .bind(content_matches)
        .bind(next)
        .bind(i64::from(renotice))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if matches!(finding, CheckFinding::Up { .. }) {
            sqlx::query("UPDATE takedown_items SET still_up_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if to != before {
            let column = match to {
                TakedownState::Removed => "removed_at",
                TakedownState::Escalated => "escalated_at",
                TakedownState::Actionable => "assessed_at",
                _ => "still_up_at",
            };
            sqlx::query(&format!(
                "UPDATE takedown_items SET state = $1, state_changed_at = $2, {column} = $2, \
                 notice_wanted_at = CASE WHEN $1 = 'removed' THEN NULL \
                                    ELSE notice_wanted_at END WHERE id = $3"
            ))
            .bind(to.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if to != before || renotice || by.is_some() {
            let detail = serde_json::json!({
                "from": before, "to": to, "found": summary, "notice_again": renotice && !auto,
                "content_matches_report": auto,
            })
            .to_string();
            let (kind, actor) = match by {
                Some(analyst) => ("analyst", analyst),
                None => ("system", "takedown"),
            };
            audit(
                &mut *tx,
                now,
                kind,
                actor,
                "takedown_recheck",
                Some(&subject(id)),
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(to)
    }
}
