//! The API's JSON bodies read and checked as the handlers do, without a server or a
//! database: for the fuzz targets in `crates/fuzzing`. Each function is the handler's
//! own steps (the JSON extractor's parsing, then the checks that need no database), so
//! that a body fuzzed here is one the server would read the same way.

use super::error::ApiError;
use super::extract::parse_json;
use crate::model::{DecisionRequest, FeedbackBatch, NewReport};
use crate::report::{CheckedReport, ReportLimits};

/// A report (`POST /api/v1/reports`) as far as it is checked before it is stored.
pub fn report(body: &[u8], limits: &ReportLimits) -> Result<CheckedReport, ApiError> {
    super::reports::checked_report(parse_json::<NewReport>(body)?, limits)
}

/// A partner's feedback batch (`POST /api/v1/feedback`) before it is counted.
pub fn feedback(body: &[u8]) -> Result<FeedbackBatch, ApiError> {
    let batch = parse_json::<FeedbackBatch>(body)?;
    super::partners::check_feedback(&batch)?;
    Ok(batch)
}

/// An analyst's decision (`POST /api/v1/analyst/entries/{id}/decision`) before it is
/// applied.
pub fn decision(body: &[u8]) -> Result<DecisionRequest, ApiError> {
    let request = parse_json::<DecisionRequest>(body)?;
    super::analysts::check_decision(&request)?;
    Ok(request)
}
