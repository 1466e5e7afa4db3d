//! The audit log, filtered by who, what, on what and when, newest first; and the same rows
//! as CSV. Reading and exporting the log are themselves in the log.

use super::error::ConsoleError;
use super::render::page;
use super::session::SignedIn;
use crate::http::AppState;
use crate::model::AuditRecord;
use crate::store::AuditFilter;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The most lines one page shows.
const AUDIT_PAGE: i64 = 100;

/// The most lines one export holds.
const EXPORT_LINES: i64 = 100_000;

const DAY_MS: i64 = 86_400_000;

/// The filter form's fields, as typed; empty means any.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    /// `YYYY-MM-DD`, from the start of that day (UTC).
    #[serde(default)]
    from: String,
    /// `YYYY-MM-DD`, to the end of that day (UTC).
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

/// A day `YYYY-MM-DD` as Unix ms at its start (UTC).
fn day_start(typed: &str, field: &str) -> Result<Option<i64>, ConsoleError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let bad = || ConsoleError::bad_form(format!("{field} is a date like 2026-12-06."));
    if typed.len() != 10 {
        return Err(bad());
    }
    let time = humantime::parse_rfc3339(&format!("{typed}T00:00:00Z")).map_err(|_| bad())?;
    let ms = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| bad())?
        .as_millis();
    i64::try_from(ms).map(Some).map_err(|_| bad())
}

fn nonempty(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|text| !text.is_empty())
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, ConsoleError> {
        let from = day_start(&self.from, "From")?;
        let to = day_start(&self.to, "To")?.map(|start| start.saturating_add(DAY_MS));
        if let (Some(from), Some(to)) = (from, to)
            && from >= to
        {
            return Err(ConsoleError::bad_form(
                "From is a day after To: swap them, or leave one empty.",
            ));
        }
        Ok(AuditFilter {
            actor: nonempty(&self.actor),
            action: nonempty(&self.action),
            subject: nonempty(&self.subject),
            from,
            to,
        })
    }

    /// The filter as an address's query, for the next page and the export link.
    fn as_query(&self) -> String {
        serde_urlencoded::to_string([
            ("actor", self.actor.trim()),
            ("action", self.action.trim()),
            ("subject", self.subject.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
        ])
        .unwrap_or_default()
    }
}

type Typed = Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>;

/// The lines the address's filter picks (at most `limit`), after recording in the log
/// itself that `signed_in` read them (`action`: a page read or an export).
async fn read_audited(
    state: &AppState,
    signed_in: &SignedIn,
    query: Typed,
    limit: i64,
    action: &str,
) -> Result<(AuditQuery, Vec<AuditRecord>), ConsoleError> {
    let Query(query) = query.map_err(|_| {
        ConsoleError::bad_form("The audit log's address has a value that cannot be read.")
    })?;
    let filter = query.filter()?;
    let lines = state
        .store
        .audit_lines(&filter, query.before, limit)
        .await?;
    let detail = serde_json::json!({"filter": query.as_query(), "returned": lines.len()});
    state
        .store
        .audit_read(
            signed_in.principal(),
            action,
            None,
            Some(&detail.to_string()),
        )
        .await?;
    Ok((query, lines))
}

#[derive(Serialize)]
struct AuditPage {
    title: &'static str,
    section: &'static str,
    filter: AuditQuery,
    query: String,
    lines: Vec<AuditRecord>,
    next_before: Option<i64>,
}

/// `GET /console/audit`.
pub(super) async fn audit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    query: Typed,
) -> Result<Response, ConsoleError> {
    let (query, lines) = read_audited(&state, &signed_in, query, AUDIT_PAGE, "audit_read").await?;
    let next_before = (lines.len() == AUDIT_PAGE as usize)
        .then(|| lines.last().map(|line| line.id))
        .flatten();
    Ok(page(
        StatusCode::OK,
        "audit.html",
        Some(&signed_in),
        &AuditPage {
            title: "Audit log",
            section: "audit",
            query: query.as_query(),
            filter: query,
            lines,
            next_before,
        },
    ))
}

/// `GET /console/audit.csv`: the filtered lines, newest first, as a file.
pub(super) async fn audit_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    query: Typed,
) -> Result<Response, ConsoleError> {
    let (_, lines) =
        read_audited(&state, &signed_in, query, EXPORT_LINES, "audit_exported").await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |error: csv::Error| {
        tracing::error!(%error, "the audit export could not be written");
        ConsoleError::from(crate::store::StoreError::Corrupt("audit export".to_owned()))
    };
    writer
        .write_record([
            "id",
            "at",
            "actor_kind",
            "actor",
            "action",
            "subject",
            "detail",
            "count",
        ])
        .map_err(failed)?;
    for line in &lines {
        writer
            .write_record([
                line.id.to_string(),
                at_text(line.at),
                line.actor_kind.clone(),
                line.actor.clone(),
                line.action.clone(),
                line.subject.clone().unwrap_or_default(),
                line.detail.clone().unwrap_or_default(),
                line.count.to_string(),
            ])
            .map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| failed(error.into_error().into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"takeback-audit.csv\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// Unix ms as RFC 3339 (UTC), for a spreadsheet.
fn at_text(ms: i64) -> String {
    u64::try_from(ms)
        .map(|ms| {
            humantime::format_rfc3339_millis(
                std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms),
            )
            .to_string()
        })
        .unwrap_or_default()
}
