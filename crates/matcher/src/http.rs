//! The matcher's local HTTP API, for the platform's own services: match an image's or a
//! video's bytes, or hashes, confirm outcomes, and the health, readiness and metrics
//! endpoints.

use crate::config::SourceKind;
use crate::error::{MatchError, OutcomeError};
use crate::matcher::Matcher;
use crate::types::{ListedVideo, OutcomeReport, PdqQuery, QueryHashes};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Instant;
use takeback_fingerprint::{FingerprintError, VideoContainer};
use takeback_pdq::PdqHash;
use takeback_service::metrics::{MATCH_DURATION, prometheus};
use takeback_service::{ApiError, Plumbing, RequestLog, Served, StrictTransport};
use takeback_vpdq::VpdqFrame;
use takeback_wire::matching::{HashMatches, MatchQuery, OutcomeItem, OutcomeList};
use takeback_wire::{Md5Digest, Sha256Digest, VideoFrame};
use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
struct AppState {
    matcher: Matcher,
    /// Images hashed at once: one per core, so that a burst of large uploads queues
    /// rather than exhausting memory.
    hashing: Arc<Semaphore>,
}

/// The matcher's own error answers, beside [`ApiError`]'s general ones.
trait MatcherError {
    /// 400 `invalid_query`.
    fn invalid_query(message: impl Into<String>) -> Self;
    /// 503 `list_not_loaded`: a match cannot be ruled out yet.
    fn not_ready() -> Self;
}

impl MatcherError for ApiError {
    fn invalid_query(message: impl Into<String>) -> Self {
        Self::bad_request("invalid_query", message)
    }

    fn not_ready() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "list_not_loaded",
            "Not every hash list is loaded yet, so a match cannot be ruled out. Try again \
             shortly (GET /readyz says when).",
        )
    }
}

/// The matcher's API: `POST /v1/match`, `POST /v1/outcomes`, `GET /v1/status` (behind
/// the API token, when one is set), `GET /healthz`, `GET /readyz`, `GET /metrics` (behind
/// the metrics token, when one is set).
pub fn router(matcher: Matcher) -> Router {
    prometheus();
    let settings = matcher.settings();
    let largest = settings
        .limits
        .max_file_bytes
        .max(settings.video_limits.max_file_bytes);
    let plumbing = Plumbing {
        body_limit: usize::try_from(largest)
            .unwrap_or(usize::MAX)
            .max(1024 * 1024),
        too_large,
        requests: RequestLog {
            counter: "takeback_matcher_http_requests_total",
            duration: None,
            by_method: false,
            log: log_request,
        },
        timeout: None,
        // Only the platform's own services call the matcher, never a browser.
        browser_headers: false,
        strict_transport: StrictTransport::Never,
    };
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let state = AppState {
        matcher,
        hashing: Arc::new(Semaphore::new(cores)),
    };
    // The API asks for its token when one is set, before a body is read; the probes and
    // `/metrics` (with its own token) do not.
    let api = Router::new()
        .route("/v1/match", post(match_upload))
        .route("/v1/outcomes", post(outcomes))
        .route("/v1/status", get(status))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_api_token,
        ));
    let routes = Router::new()
        .merge(api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_page))
        .fallback(takeback_service::not_found)
        .method_not_allowed_fallback(takeback_service::method_not_allowed);
    plumbing.around(routes).with_state(state)
}

/// Refuses a request to the API without its token, when the operator set one.
async fn require_api_token(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(token) = &state.matcher.config().api_token
        && let Err(refused) = token.check(
            request.headers(),
            "This matcher's API needs its token as Authorization: Bearer <token> (the \
             token set with the matcher's --api-token or api_token).",
        )
    {
        return refused.into_response();
    }
    next.run(request).await
}

/// One log line per request: route, status, duration; not for every successful match,
/// which would flood the log. Never a body, a header or an address.
fn log_request(served: &Served<'_>) {
    if served.status >= 400 || served.route != "/v1/match" {
        tracing::info!(
            route = served.route,
            status = served.status,
            ms = served.ms(),
            "request"
        );
    }
}

/// 413, with the limit.
fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("The body is over the limit of {limit} bytes."),
    )
}

fn parse_pdq(text: &str, field: &str) -> Result<PdqHash, ApiError> {
    text.parse::<PdqHash>()
        .map_err(|e| ApiError::invalid_query(format!("{field}: {e} (a PDQ hash is 64 hex digits)")))
}

/// Most frames in one query by a video's frames: six hours at one a second, four times.
const MAX_QUERY_FRAMES: usize = 86_400;

/// A video's frames as a query sends them, each checked with its own message.
fn query_video(frames: &[VideoFrame]) -> Result<ListedVideo, ApiError> {
    if frames.is_empty() || frames.len() > MAX_QUERY_FRAMES {
        return Err(ApiError::invalid_query(format!(
            "frames: give from 1 to {MAX_QUERY_FRAMES} of a video's frames"
        )));
    }
    let mut video = ListedVideo::default();
    for (number, frame) in (0..).zip(frames) {
        let field = format!("frames[{number}]");
        let hash = parse_pdq(&frame.value, &format!("{field}.value"))?;
        if frame.quality > 100 {
            return Err(ApiError::invalid_query(format!(
                "{field}.quality runs from 0 to 100"
            )));
        }
        if !frame.timestamp.is_finite() || frame.timestamp < 0.0 {
            return Err(ApiError::invalid_query(format!(
                "{field}.timestamp: give the frame's time in seconds from the start"
            )));
        }
        video.frames.push(VpdqFrame {
            frame: number,
            hash,
            quality: frame.quality,
            timestamp: frame.timestamp,
        });
    }
    Ok(video)
}

/// The hashes of a query, each checked with its own message.
fn query_hashes(query: MatchQuery) -> Result<QueryHashes, ApiError> {
    let pdq = match (&query.pdq, &query.dihedral) {
        (None, None) => None,
        (Some(pdq), None) => Some(PdqQuery::One(parse_pdq(pdq, "pdq")?)),
        (pdq, Some(hashes)) => {
            let hashes: Vec<PdqHash> = hashes
                .iter()
                .enumerate()
                .map(|(i, h)| parse_pdq(h, &format!("dihedral[{i}]")))
                .collect::<Result<_, _>>()?;
            let hashes: [PdqHash; 8] = hashes.try_into().map_err(|_| {
                ApiError::invalid_query(
                    "dihedral: give all eight orientations' hashes, in the order `takeback \
                     hash --dihedral` prints them",
                )
            })?;
            if let Some(pdq) = pdq
                && parse_pdq(pdq, "pdq")? != hashes[0]
            {
                return Err(ApiError::invalid_query(
                    "pdq differs from dihedral[0], which is the picture as it is",
                ));
            }
            Some(PdqQuery::Dihedral(hashes))
        }
    };
    if query.quality.is_some_and(|q| q > 100) {
        return Err(ApiError::invalid_query("quality runs from 0 to 100"));
    }
    let md5 = match &query.md5 {
        Some(text) => Some(
            text.parse::<Md5Digest>()
                .map_err(|_| ApiError::invalid_query("md5: an MD5 is 32 hex digits"))?,
        ),
        None => None,
    };
    let sha256 = match &query.sha256 {
        Some(text) => Some(
            text.parse::<Sha256Digest>()
                .map_err(|_| ApiError::invalid_query("sha256: a SHA-256 is 64 hex digits"))?,
        ),
        None => None,
    };
    if pdq.is_none() && md5.is_none() && sha256.is_none() {
        return Err(ApiError::invalid_query(
            "give at least one of pdq, dihedral, frames, md5 and sha256 (or send the image \
             or video itself)",
        ));
    }
    Ok(QueryHashes {
        pdq,
        quality: query.quality,
        md5,
        sha256,
    })
}

/// What the body is, from its Content-Type.
enum BodyKind {
    Json,
    Image,
    Video,
    /// `application/octet-stream`: a video if it looks like one, else an image.
    Bytes,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" {
        Ok(BodyKind::Json)
    } else if essence.starts_with("image/") {
        Ok(BodyKind::Image)
    } else if essence.starts_with("video/") {
        Ok(BodyKind::Video)
    } else if essence == "application/octet-stream" {
        Ok(BodyKind::Bytes)
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the image's or video's bytes (Content-Type image/*, video/* or \
             application/octet-stream) or hashes as JSON (application/json).",
        ))
    }
}

/// `POST /v1/match`.
async fn match_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let kind = match body_kind(&headers)? {
        BodyKind::Bytes if VideoContainer::sniff(&body).is_some() => BodyKind::Video,
        BodyKind::Bytes => BodyKind::Image,
        kind => kind,
    };
    if !state.matcher.is_ready() {
        return Err(ApiError::not_ready());
    }
    let (label, matched, response) = match kind {
        BodyKind::Json => {
            let mut query: MatchQuery = serde_json::from_slice(&body)
                .map_err(|e| ApiError::invalid_query(format!("not a valid hash query: {e}")))?;
            match query.frames.take() {
                None => {
                    let query = query_hashes(query)?;
                    let matches = state.matcher.match_hashes(&query);
                    let matched = !matches.is_empty();
                    (
                        "hashes",
                        matched,
                        Json(HashMatches { matches }).into_response(),
                    )
                }
                Some(frames) => {
                    if query.pdq.is_some() || query.dihedral.is_some() || query.quality.is_some() {
                        return Err(ApiError::invalid_query(
                            "a query is of a picture or of a video: send a video's frames \
                             without pdq, dihedral or quality (each frame has its own)",
                        ));
                    }
                    let video = query_video(&frames)?;
                    let digests = if query.md5.is_some() || query.sha256.is_some() {
                        query_hashes(query)?
                    } else {
                        QueryHashes::default()
                    };
                    let matches = on_a_hashing_thread(
                        &state,
                        "Matching the video's frames failed unexpectedly.",
                        move |matcher| {
                            matcher.match_video_frames(&video, digests.md5, digests.sha256)
                        },
                    )
                    .await?;
                    let matched = !matches.is_empty();
                    (
                        "frames",
                        matched,
                        Json(HashMatches { matches }).into_response(),
                    )
                }
            }
        }
        BodyKind::Image | BodyKind::Bytes => {
            not_empty(&body, "image")?;
            // The bytes move into the hashing task and are dropped with it.
            let found = on_a_hashing_thread(
                &state,
                "Hashing the image failed unexpectedly.",
                move |matcher| matcher.match_image(&body),
            )
            .await?
            .map_err(refusal)?;
            (
                "image",
                !found.matches.is_empty(),
                Json(found).into_response(),
            )
        }
        BodyKind::Video => {
            not_empty(&body, "video")?;
            // The bytes move into the hashing task, are read by FFmpeg from memory, and
            // are dropped with it: never written to disk.
            let found = on_a_hashing_thread(
                &state,
                "Hashing the video failed unexpectedly.",
                move |matcher| matcher.match_video(&body),
            )
            .await?
            .map_err(refusal)?;
            (
                "video",
                !found.matches.is_empty(),
                Json(found).into_response(),
            )
        }
    };
    QueryMetrics::record(label, matched, started.elapsed().as_secs_f64());
    Ok(response)
}

/// The match metrics of one kind of query (`pdq`, `image`, …): handles kept per thread,
/// since naming a metric by its labels builds its key and looks it up under the
/// recorder's lock on every call.
struct QueryMetrics {
    kind: &'static str,
    queries: metrics::Counter,
    matched: metrics::Counter,
    seconds: metrics::Histogram,
}

thread_local! {
    static QUERY_METRICS: std::cell::RefCell<Vec<QueryMetrics>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl QueryMetrics {
    fn new(kind: &'static str) -> QueryMetrics {
        QueryMetrics {
            kind,
            queries: metrics::counter!("takeback_matcher_queries_total", "kind" => kind),
            matched: metrics::counter!("takeback_matcher_queries_matched_total", "kind" => kind),
            seconds: metrics::histogram!(MATCH_DURATION.name, "kind" => kind),
        }
    }

    fn record(kind: &'static str, matched: bool, seconds: f64) {
        QUERY_METRICS.with_borrow_mut(|known| {
            let at = known.iter().position(|m| m.kind == kind);
            let at = at.unwrap_or_else(|| {
                known.push(QueryMetrics::new(kind));
                known.len() - 1
            });
            let metrics = &known[at];
            metrics.queries.increment(1);
            if matched {
                metrics.matched.increment(1);
            }
            metrics.seconds.record(seconds);
        });
    }
}

/// 400 for an empty body, which should have been an image's or a video's bytes.
fn not_empty(body: &[u8], what: &str) -> Result<(), ApiError> {
    if body.is_empty() {
        return Err(ApiError::invalid_query(format!(
            "the body is empty: send the {what}'s bytes"
        )));
    }
    Ok(())
}

/// Runs `work` on a blocking thread once a hashing slot is free (one per core, so that a
/// burst of large uploads queues rather than exhausting memory); `failed` is the 500's
/// message should it panic.
async fn on_a_hashing_thread<T: Send + 'static>(
    state: &AppState,
    failed: &'static str,
    work: impl FnOnce(Matcher) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|_| ApiError::not_ready())?;
    let matcher = state.matcher.clone();
    tokio::task::spawn_blocking(move || work(matcher))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", failed))
}

/// Why an image or a video handed in cannot be matched, as an answer.
fn refusal(error: MatchError) -> ApiError {
    match error {
        MatchError::NotReady => ApiError::not_ready(),
        MatchError::Image(FingerprintError::FileTooLarge { max_bytes, .. }) => {
            too_large(usize::try_from(max_bytes).unwrap_or(usize::MAX))
        }
        MatchError::Image(FingerprintError::TooLargeToDecode { needed, budget }) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large_to_decode",
            format!(
                "Decoding this image would need {needed} bytes of memory, more than \
                     the matcher's decode budget of {budget} bytes (--decode-memory)."
            ),
        ),
        MatchError::Image(FingerprintError::DecodeBusy { .. }) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Too many images are being decoded at once: the decode memory stayed \
             taken. Try again shortly.",
        )
        .retry_after(5),
        MatchError::Image(
            error @ (FingerprintError::VideoTooLong { .. }
            | FingerprintError::TooManyFrames { .. }
            | FingerprintError::VideoFrameTooLarge { .. }),
        ) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "video_over_limits",
            format!("The video is over the matcher's limits: {error}."),
        ),
        MatchError::Image(
            error @ (FingerprintError::NotAVideo
            | FingerprintError::NoVideoStream
            | FingerprintError::Corrupt {
                format: "video", ..
            }),
        ) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_video",
            format!("The body is not a video that can be matched: {error}."),
        ),
        MatchError::Image(error) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_image",
            format!("The body is not an image that can be matched: {error}."),
        ),
    }
}

/// Most outcomes in one request.
const MAX_OUTCOMES: usize = 10_000;

async fn outcomes(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !matches!(body_kind(&headers)?, BodyKind::Json) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send outcomes as JSON (application/json).",
        ));
    }
    let invalid = |e: serde_json::Error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_outcome",
            format!(
                "not a valid outcome ({{\"hotline\", \"id\", \"outcome\": matched, removed, \
                 blocked_upload or false_positive, \"count\"}}, or {{\"outcomes\": [...]}}): {e}"
            ),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(invalid)?;
    let items = if value.get("outcomes").is_some() {
        serde_json::from_value::<OutcomeList>(value)
            .map_err(invalid)?
            .outcomes
    } else {
        vec![serde_json::from_value::<OutcomeItem>(value).map_err(invalid)?]
    };
    if items.is_empty() || items.len() > MAX_OUTCOMES {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_outcome",
            format!("Send from 1 to {MAX_OUTCOMES} outcomes at once."),
        ));
    }
    let hotlines: Vec<&str> = state
        .matcher
        .sources()
        .iter()
        .filter(|s| matches!(s.config.kind, SourceKind::Hotline { .. }))
        .map(|s| s.config.name.as_str())
        .collect();
    let mut reports = Vec::with_capacity(items.len());
    for item in items {
        let source = match (item.hotline, hotlines.as_slice()) {
            (Some(name), _) => name,
            (None, [only]) => (*only).to_owned(),
            (None, _) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_outcome",
                    "Name the hotline (a match's `hotline`): this matcher follows more than one.",
                ));
            }
        };
        reports.push(OutcomeReport {
            source,
            id: item.id,
            kind: item.outcome,
            count: item.count.unwrap_or(1),
        });
    }
    let matcher = state.matcher.clone();
    let recorded = reports.len();
    tokio::task::spawn_blocking(move || matcher.record_outcomes(&reports))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Recording the outcomes failed unexpectedly.",
            )
        })?
        .map_err(|error| match error {
            OutcomeError::UnknownSource(_) | OutcomeError::UnknownEntry { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_entry", error.to_string())
            }
            OutcomeError::NotAHotline(_) | OutcomeError::BadCount(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_outcome",
                error.to_string(),
            ),
            OutcomeError::State(_) | OutcomeError::Send { .. } => {
                tracing::error!(error = %error, "cannot record outcomes");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not_recorded",
                    "The outcomes could not be saved; nothing was recorded. Try again.",
                )
            }
        })?;
    Ok(Json(serde_json::json!({ "recorded": recorded })).into_response())
}

/// `GET /v1/status`: each list's size, age and last error.
async fn status(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "ready": state.matcher.is_ready(),
        "lists": state.matcher.status(),
    }))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// `GET /readyz`: 200 once every list is loaded.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.matcher.is_ready() {
        Json(serde_json::json!({"status": "ready"})).into_response()
    } else {
        let waiting: Vec<String> = state
            .matcher
            .status()
            .into_iter()
            .filter(|s| !s.loaded)
            .map(|s| s.name)
            .collect();
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "loading", "waiting_for": waiting})),
        )
            .into_response()
    }
}

/// `GET /metrics`: Prometheus text format. The lists' sizes and ages are read now.
async fn metrics_page(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &state.matcher.config().metrics_token
        && let Err(refused) = token.check(&headers)
    {
        return refused.into_response();
    }
    for list in state.matcher.status() {
        let name = list.name;
        metrics::gauge!("takeback_matcher_list_entries", "hotline" => name.clone())
            .set(list.entries as f64);
        metrics::gauge!("takeback_matcher_list_cursor", "hotline" => name.clone())
            .set(list.cursor as f64);
        metrics::gauge!("takeback_matcher_list_loaded", "hotline" => name.clone())
            .set(f64::from(u8::from(list.loaded)));
        // Never synced: as old as can be, so that an alert on age fires.
        metrics::gauge!("takeback_matcher_list_age_seconds", "hotline" => name)
            .set(list.age_seconds.unwrap_or(f64::INFINITY));
    }
    takeback_service::metrics::render()
}
