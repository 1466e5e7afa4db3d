//! Reports: no login, only a case number and secret.

use super::error::{ApiError, HotlineError};
use super::extract::{JsonBody, Source, bearer};
use super::state::AppState;
use crate::guard::GuardList;
use crate::model::Algorithm;
use crate::model::{CaseStatus, NewReport, ReportReceipt};
use crate::report::{
    CheckedReport, HOLD_EXACT_HASH_LIMIT, HOLD_IMPLAUSIBLE_QUALITY, ReportLimits, check_report,
    pdq_quality_is_plausible,
};
use crate::secrets::{CaseId, CaseSecret};
use crate::store::{HashVerdict, PreparedReport};
use crate::throttle::SourceAddress;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;

/// Sends a report of fingerprints and URLs.
///
/// A video is one `vpdq` fingerprint holding its sampled frames (PDQ hash, quality and
/// timestamp each), with the file's `md5` and `sha256` as fingerprints beside it.
#[utoipa::path(
    post, path = "/api/v1/reports", tag = "reports",
    request_body = NewReport,
    responses(
        (status = 201, description = "Stored durably. Keep the case id and secret: the secret is never shown again.", body = ReportReceipt),
        (status = 400, description = "Not valid JSON", body = super::error::ErrorBody),
        (status = 413, description = "Body too large", body = super::error::ErrorBody),
        (status = 415, description = "Not JSON (pictures are never accepted)", body = super::error::ErrorBody),
        (status = 422, description = "A rule of the report is broken; the message says which and the code is stable: `confirmation_required`, `empty_report`, `too_many_hashes`, `too_many_urls`, `invalid_hash`, `invalid_quality`, `low_quality`, `invalid_url`, and for videos `invalid_video`, `too_many_videos`, `too_many_frames`, `invalid_timestamp` (and `invalid_hash`, `invalid_quality`, `low_quality` for their frames); `invalid_field` for an unknown or mistyped field", body = super::error::ErrorBody),
        (status = 429, description = "Too many reports from this source", body = super::error::ErrorBody),
        (status = 503, description = "Database unavailable or out of storage; nothing stored", body = super::error::ErrorBody),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    Source(source): Source,
    JsonBody(report): JsonBody<NewReport>,
) -> Result<(StatusCode, Json<ReportReceipt>), ApiError> {
    let reporter = report.reporter;
    let checked = checked_report(report, &state.limits)?;
    if !state.throttles.reports.allow(&source).await? {
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
    let verdicts = verdicts(&state, &guard, &source, &checked.hashes).await?;
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

/// A report checked against every rule of the API, or the answer that says which it breaks.
pub(super) fn checked_report(
    report: NewReport,
    limits: &ReportLimits,
) -> Result<CheckedReport, ApiError> {
    check_report(report, limits)
        .map_err(|invalid| ApiError::unprocessable(invalid.code(), invalid.to_string()))
}

/// What the defences make of each fingerprint. None of it refuses the report or shows in
/// its answer: a guarded or held fingerprint is the analysts' business, and the reporter
/// (or whoever holds the picture) must not learn from the answer that it was guarded.
///
/// A video is judged by its frames (any frame near the guard list guards it, any frame
/// of implausible quality holds it) and counted as one fingerprint: like a PDQ hash it
/// is not one of the source's exact fingerprints, and the service-wide flood brake counts
/// it as one new listing, as it is one entry.
async fn verdicts(
    state: &AppState,
    guard: &GuardList,
    source: &SourceAddress,
    hashes: &[crate::report::CheckedHash],
) -> Result<Vec<HashVerdict>, ApiError> {
    let exact = hashes
        .iter()
        .filter(|hash| {
            matches!(hash.algorithm, Algorithm::Md5 | Algorithm::Sha256) && !guard.guards(hash)
        })
        .count();
    // Counted whether or not the database already holds them: an upper bound on the new
    // ones, and known before the write.
    let mut exact_allowed = state
        .throttles
        .exact_hashes
        .take(source, u32::try_from(exact).unwrap_or(u32::MAX))
        .await?;
    Ok(hashes
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
                // A video is held when any frame it keeps claims a quality its hash cannot
                // have: one doubtful frame is enough to doubt the client.
                Algorithm::Vpdq => {
                    let plausible = hash.video.as_ref().is_some_and(|video| {
                        video
                            .frames
                            .iter()
                            .all(|frame| pdq_quality_is_plausible(&frame.hash))
                    });
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
        .collect())
}

/// The case number from the path; a path that is not even text is just an unknown case.
type CasePath = Result<Path<String>, axum::extract::rejection::PathRejection>;

/// A case number and secret presented to open a case, checked against the case number's
/// throttle but not yet against the database.
struct Presented {
    case_id: CaseId,
    secret: CaseSecret,
}

/// Takes the case number and secret of a request and checks them against the throttles.
///
/// A source past its failed look-ups (a whole school behind one address, say) may still
/// open a case with the right secret: only a wrong one is then refused, as 429. A case
/// number past its own limit is refused, as 429, before its secret is checked, which bounds
/// the guessing of one case from any number of sources. Unknown case numbers are counted
/// as known ones are, so the answers never tell them apart.
async fn presented_case(
    state: &AppState,
    source: &SourceAddress,
    case_id: CasePath,
    headers: &HeaderMap,
) -> Result<Presented, ApiError> {
    let Some(secret) = bearer(headers) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "secret_required",
            "Send the case secret as Authorization: Bearer <secret>.",
        ));
    };
    let throttles = &state.throttles;
    let Some(case_id) = case_id.ok().and_then(|Path(typed)| CaseId::parse(&typed)) else {
        // Not a case number at all: no case to count it against.
        let source_over = throttles.failed_lookups_by_source.record(source).await?;
        return Err(refused(source_over));
    };
    if throttles.failed_lookups_by_case.exhausted(&case_id).await? {
        metrics::counter!("takeback_case_lookups_throttled_total", "by" => "case").increment(1);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "There have been too many wrong attempts with this case number, so it is paused \
             for a while. Please wait an hour and try again.",
        ));
    }
    Ok(Presented {
        case_id,
        secret: CaseSecret::from_presented(secret),
    })
}

/// Counts a wrong case number or secret against the source and the case number, and says
/// so: not found, or 429 when the source had used up its failed look-ups before this one.
async fn failed(
    state: &AppState,
    source: &SourceAddress,
    presented: &Presented,
) -> Result<ApiError, ApiError> {
    let throttles = &state.throttles;
    let source_over = throttles.failed_lookups_by_source.record(source).await?;
    throttles
        .failed_lookups_by_case
        .record(&presented.case_id)
        .await?;
    Ok(refused(source_over))
}

/// The answer to a wrong case number or secret.
fn refused(source_over: bool) -> ApiError {
    if source_over {
        metrics::counter!("takeback_case_lookups_throttled_total", "by" => "source").increment(1);
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "There have been too many wrong case numbers or secrets from here. Please check \
             your case number and secret carefully: the right ones still work. Otherwise, \
             please wait an hour and try again.",
        )
    } else {
        ApiError::case_not_found()
    }
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
        (status = 429, description = "A wrong secret from a source with too many wrong attempts, or a case number with too many", body = super::error::ErrorBody),
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    Source(source): Source,
    case_id: CasePath,
    headers: HeaderMap,
) -> Result<Json<CaseStatus>, ApiError> {
    let presented = presented_case(&state, &source, case_id, &headers).await?;
    let digest = presented.secret.digest();
    match state.store.case_status(&presented.case_id, &digest).await? {
        Some(status) => Ok(Json(status)),
        None => Err(failed(&state, &source, &presented).await?),
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
        (status = 429, description = "A wrong secret from a source with too many wrong attempts, or a case number with too many", body = super::error::ErrorBody),
    )
)]
pub(super) async fn withdraw(
    State(state): State<AppState>,
    Source(source): Source,
    case_id: CasePath,
    headers: HeaderMap,
) -> Result<Json<CaseStatus>, ApiError> {
    let presented = presented_case(&state, &source, case_id, &headers).await?;
    let (case_id, digest) = (&presented.case_id, presented.secret.digest());
    if !state.store.withdraw_case(case_id, &digest).await? {
        return Err(failed(&state, &source, &presented).await?);
    }
    metrics::counter!("takeback_reports_withdrawn_total").increment(1);
    let status = state
        .store
        .case_status(case_id, &digest)
        .await?
        .ok_or_else(ApiError::case_not_found)?;
    Ok(Json(status))
}
