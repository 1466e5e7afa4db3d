//! What every request goes through on its way to a handler and back: the body limit, the
//! deadline, metrics and a log line, and the headers every answer carries.

use crate::error::ApiError;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use metrics::Label;
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower::timeout::TimeoutLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy for answers that are not pages: load nothing, be framed nowhere.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// A server's plumbing: everything around its handlers. [`Plumbing::around`] wraps a
/// router in it.
#[derive(Debug, Clone)]
pub struct Plumbing {
    /// The largest request body, in bytes. A body that announces a larger length is
    /// refused before any of it is read; one without a length is cut off at the limit
    /// as it arrives.
    pub body_limit: usize,
    /// The 413 answer for a body over `body_limit` (which it is given).
    pub too_large: fn(usize) -> ApiError,
    /// How requests are counted, timed and logged.
    pub requests: RequestLog,
    /// How long a request may take before it is abandoned with a 503 `timeout`
    /// ([`ApiError::timeout`]); none for no deadline.
    pub timeout: Option<Duration>,
    /// Whether answers also tell a browser not to guess their type, not to tell another
    /// site where a link came from, and (unless a handler set its own policy) to load
    /// nothing: for a server that browsers reach. Every answer is `Cache-Control:
    /// no-store` either way.
    pub browser_headers: bool,
}

/// How a server counts, times and logs its requests.
#[derive(Debug, Clone, Copy)]
pub struct RequestLog {
    /// The counter of requests, labelled (`method`,) `route` and `status`.
    pub counter: &'static str,
    /// The histogram of request durations in seconds, labelled (`method` and) `route`,
    /// if any; its buckets are in [`crate::metrics::HISTOGRAMS`].
    pub duration: Option<&'static str>,
    /// Whether the metrics carry a `method` label.
    pub by_method: bool,
    /// Writes a request's log line, or none. It lives in the server, so that the line
    /// keeps the server's target (and a log filter on it keeps working).
    pub log: fn(&Served<'_>),
}

/// An answered request, as metrics and logs may see it: never its path (which may hold a
/// case number), a header, its body or the client's address.
#[derive(Debug, Clone, Copy)]
pub struct Served<'a> {
    /// The method.
    pub method: &'a str,
    /// The route's template (`/api/v1/reports/{case_id}`), or `unmatched`.
    pub route: &'a str,
    /// The answer's status.
    pub status: u16,
    /// From the request's arrival to its answer.
    pub elapsed: Duration,
}

impl Served<'_> {
    /// The duration in milliseconds, as logged.
    pub fn ms(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e3
    }
}

impl Plumbing {
    /// Wraps `router` in the plumbing. Call it after every route and fallback is added:
    /// it covers only those already there.
    ///
    /// Outermost first: the body limit for extractors; the headers (added to the answer
    /// in the order `Cache-Control`, `X-Content-Type-Options`, `Referrer-Policy`,
    /// `Content-Security-Policy`); metrics and the log line (so that they see every
    /// answer, a timeout's or a refusal's too); the deadline; the refusal of an announced
    /// oversized body.
    pub fn around<S>(&self, router: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let mut router = router.layer(middleware::from_fn_with_state(
            BodyLimit {
                limit: self.body_limit,
                too_large: self.too_large,
            },
            refuse_oversized,
        ));
        if let Some(timeout) = self.timeout {
            router = router.layer(
                ServiceBuilder::new()
                    .layer(HandleErrorLayer::new(timed_out))
                    .layer(TimeoutLayer::new(timeout)),
            );
        }
        router = router
            .layer(middleware::from_fn_with_state(self.requests, observe))
            // No cache should keep an answer: it may carry case details, the list, or a
            // match.
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ));
        if self.browser_headers {
            // Answers may carry case details or the list: no browser should guess their
            // type, and no link should tell another site where it came from. The pages
            // set their own policy; anything else (JSON, metrics) may load nothing.
            router = router
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
                ));
        }
        router.layer(DefaultBodyLimit::max(self.body_limit))
    }
}

/// The answer to a request past its deadline. Work still under way is dropped with it:
/// the hotline's report writer, for one, then leaves a queued report unstored.
async fn timed_out(_elapsed: tower::BoxError) -> ApiError {
    ApiError::timeout()
}

/// Counts and times each request, and has the server log it.
async fn observe(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    let served = Served {
        method: &method,
        route: &route,
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
    };
    record(&log, &served);
    (log.log)(&served);
    response
}

fn record(log: &RequestLog, served: &Served<'_>) {
    let mut labels = Vec::with_capacity(3);
    if log.by_method {
        labels.push(Label::new("method", served.method.to_owned()));
    }
    labels.push(Label::new("route", served.route.to_owned()));
    if let Some(duration) = log.duration {
        metrics::histogram!(duration, labels.iter()).record(served.elapsed.as_secs_f64());
    }
    labels.push(Label::new("status", served.status.to_string()));
    metrics::counter!(log.counter, labels.iter()).increment(1);
}

/// The body limit and the answer for a body over it.
#[derive(Debug, Clone, Copy)]
struct BodyLimit {
    limit: usize,
    too_large: fn(usize) -> ApiError,
}

/// Refuses a body whose announced length is over the limit before reading any of it.
async fn refuse_oversized(
    State(BodyLimit { limit, too_large }): State<BodyLimit>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return too_large(limit).into_response();
    }
    next.run(request).await
}
