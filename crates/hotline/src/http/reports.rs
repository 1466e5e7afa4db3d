//! Reports: no login, only a case number and secret.

use super::error::{ApiError, HotlineError};
use super::extract::{JsonBody, Source, bearer};
use super::state::AppState;
use crate::guard::GuardList;
use crate::model::Algorithm;
use crate::model::{CaseStatus, NewReport, ReportReceipt};
use crate::report::{
    HOLD_EXACT_HASH_LIMIT, HOLD_IMPLAUSIBLE_QUALITY, check_report, pdq_quality_is_plausible,
};
use crate::secrets::{CaseId, CaseSecret};
use crate::store::{HashVerdict, PreparedReport};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;

/// Sends a report of fingerprints and URLs.
#[utoipa::path(
    post, path = "/api/v1/reports", tag = "reports",
    request_body = NewReport,
    responses(
        (status = 201, description = "Stored durably. Keep the case id and secret: the secret is never shown again.", body = ReportReceipt),
        (status = 400, description = "Not valid JSON", body = super::error::ErrorBody),
        (status = 413, description = "Body too large", body = super::error::ErrorBody),
        (status = 415, description = "Not JSON (pictures are never accepted)", body = super::error::ErrorBody),
        (status = 422, description = "A rule of the report is broken; the message says which", body = super::error::ErrorBody),
        (status = 429, description = "Too many reports from this source", body = super::error::ErrorBody),
        (status = 503, description = "Database unavailable; nothing stored", body = super::error::ErrorBody),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    Source(source): Source,
    JsonBody(report): JsonBody<NewReport>,
) -> Result<(StatusCode, Json<ReportReceipt>), ApiError> {
    let reporter = report.reporter;
    let checked = check_report(report, &state.limits)
        .map_err(|invalid| ApiError::unprocessable(invalid.code(), invalid.to_string()))?;
    if !state.report_throttle.allow(source) {
        metrics::counter!("takeback_reports_throttled_total").increment(1);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_reports",
            "A lot of reports have come from here in a short time, so we have paused new ones \
             for a while. Please try again later. If you need help now, contact one of the \
             support services listed on this page.",
        ));
    }
    let guard = state.guard.load();
    let verdicts = verdicts(&state, &guard, source, &checked.hashes);
    let case_id = CaseId::generate().map_err(|e| ApiError::unavailable(&e))?;
    let secret = CaseSecret::generate().map_err(|e| ApiError::unavailable(&e))?;
    state
        .writer
        .write(
            PreparedReport {
                case_id: case_id.clone(),
                secret_digest: secret.digest(),
                report: checked,
                verdicts,
            },
            guard,
        )
        .await?;
    metrics::counter!("takeback_reports_accepted_total", "reporter" => reporter.as_str())
        .increment(1);
    Ok((
        StatusCode::CREATED,
        Json(ReportReceipt {
            case_id: case_id.to_string(),
            case_secret: secret.expose().to_owned(),
        }),
    ))
}

/// What the defences make of each fingerprint. None of it refuses the report or shows in
/// its answer: a guarded or held fingerprint is the analysts' business, and the reporter
/// (or whoever holds the picture) must not learn from the answer that it was guarded.
fn verdicts(
    state: &AppState,
    guard: &GuardList,
    source: crate::throttle::SourceKey,
    hashes: &[crate::report::CheckedHash],
) -> Vec<HashVerdict> {
    let exact = hashes
        .iter()
        .filter(|hash| hash.algorithm != Algorithm::Pdq && !guard.guards(hash))
        .count();
    // Counted whether or not the database already holds them: an upper bound on the new
    // ones, and known before the write.
    let mut exact_allowed = state
        .exact_throttle
        .take(source, u32::try_from(exact).unwrap_or(u32::MAX));
    hashes
        .iter()
        .map(|hash| {
            if guard.guards(hash) {
                return HashVerdict::Guarded;
            }
            match hash.algorithm {
                Algorithm::Pdq => {
                    let plausible = hash
                        .value
                        .parse::<takeback_pdq::PdqHash>()
                        .is_ok_and(|pdq| pdq_quality_is_plausible(&pdq));
                    if plausible {
                        HashVerdict::Clear
                    } else {
                        HashVerdict::Hold(HOLD_IMPLAUSIBLE_QUALITY)
                    }
                }
                Algorithm::Md5 | Algorithm::Sha256 => {
                    if exact_allowed > 0 {
                        exact_allowed -= 1;
                        HashVerdict::Clear
                    } else {
                        metrics::counter!("takeback_exact_hashes_held_total").increment(1);
                        HashVerdict::Hold(HOLD_EXACT_HASH_LIMIT)
                    }
                }
            }
        })
        .collect()
}

/// The case number from the path and the secret from the header, checked against the
/// guessing throttle. Any failure looks the same to the caller.
/// The case number from the path; a path that is not even text is just an unknown case.
type CasePath = Result<Path<String>, axum::extract::rejection::PathRejection>;

fn presented_case(
    state: &AppState,
    source: crate::throttle::SourceKey,
    case_id: CasePath,
    headers: &HeaderMap,
) -> Result<(CaseId, CaseSecret), ApiError> {
    if state.lookup_throttle.exhausted(source) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "There have been too many wrong case numbers or secrets from here. Please wait an \
             hour and try again.",
        ));
    }
    let Some(secret) = bearer(headers) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "secret_required",
            "Send the case secret as Authorization: Bearer <secret>.",
        ));
    };
    let Some(case_id) = case_id.ok().and_then(|Path(typed)| CaseId::parse(&typed)) else {
        state.lookup_throttle.record(source);
        return Err(ApiError::case_not_found());
    };
    Ok((case_id, CaseSecret::from_presented(secret)))
}

/// Shows a case to its reporter: only what follows from this case's own report.
///
/// Outcomes are counted from when this case reported each fingerprint, and a fingerprint
/// the hotline will not list for reasons from before this report (another case's
/// rejection, the guard list) shows as `pending`, as a fresh report does, so that nobody
/// can learn from a report of their own whether the picture was reported before.
#[utoipa::path(
    get, path = "/api/v1/reports/{case_id}", tag = "reports",
    params(("case_id" = String, Path, description = "The case number")),
    security(("case_secret" = [])),
    responses(
        (status = 200, body = CaseStatus),
        (status = 401, description = "No secret given", body = super::error::ErrorBody),
        (status = 404, description = "Unknown case or wrong secret (the same answer)", body = super::error::ErrorBody),
        (status = 429, description = "Too many wrong attempts", body = super::error::ErrorBody),
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    Source(source): Source,
    case_id: CasePath,
    headers: HeaderMap,
) -> Result<Json<CaseStatus>, ApiError> {
    let (case_id, secret) = presented_case(&state, source, case_id, &headers)?;
    match state.store.case_status(&case_id, &secret.digest()).await? {
        Some(status) => Ok(Json(status)),
        None => {
            state.lookup_throttle.record(source);
            Err(ApiError::case_not_found())
        }
    }
}

/// Withdraws a case: its fingerprints leave the list (unless someone else reported the
/// same picture) and its URLs are no longer acted on.
#[utoipa::path(
    delete, path = "/api/v1/reports/{case_id}", tag = "reports",
    params(("case_id" = String, Path, description = "The case number")),
    security(("case_secret" = [])),
    responses(
        (status = 200, description = "Withdrawn (also when it already was)", body = CaseStatus),
        (status = 401, description = "No secret given", body = super::error::ErrorBody),
        (status = 404, description = "Unknown case or wrong secret (the same answer)", body = super::error::ErrorBody),
        (status = 429, description = "Too many wrong attempts", body = super::error::ErrorBody),
    )
)]
pub(super) async fn withdraw(
    State(state): State<AppState>,
    Source(source): Source,
    case_id: CasePath,
    headers: HeaderMap,
) -> Result<Json<CaseStatus>, ApiError> {
    let (case_id, secret) = presented_case(&state, source, case_id, &headers)?;
    let digest = secret.digest();
    if !state.store.withdraw_case(&case_id, &digest).await? {
        state.lookup_throttle.record(source);
        return Err(ApiError::case_not_found());
    }
    metrics::counter!("takeback_reports_withdrawn_total").increment(1);
    let status = state
        .store
        .case_status(&case_id, &digest)
        .await?
        .ok_or_else(ApiError::case_not_found)?;
    Ok(Json(status))
}
