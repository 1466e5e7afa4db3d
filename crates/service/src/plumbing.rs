//! What every request goes through on its way to a handler and back: the body limit, the
//! deadline, metrics and a log line, and the headers every answer carries.

use crate::error::ApiError;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use metrics::Label;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower::timeout::TimeoutLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy for answers that are not pages: load nothing, be framed nowhere.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The `Strict-Transport-Security` value: HTTPS only, for a year, on this host. Not its
/// subdomains: they may be other services, whose operators decide for themselves.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// When answers carry `Strict-Transport-Security` ([`STRICT_TRANSPORT_SECURITY`]), which
/// tells a browser to come back only over HTTPS. A server that does not terminate TLS
/// itself cannot see whether a request came over it: the operator says so, or a reverse
/// proxy trusted to say it does. (A browser ignores the header on a plain-HTTP answer.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrictTransport {
    /// Never: a server reached over plain HTTP, or behind a proxy that sets it itself.
    Never,
    /// On the answer to a request that the reverse proxy in front says came over HTTPS
    /// (`X-Forwarded-Proto: https`, the last value if several). Only for a server whose
    /// every request comes through such a proxy.
    WhenForwardedHttps,
    /// On every answer: every client reaches the server over HTTPS.
    Always,
}

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
    /// When answers carry `Strict-Transport-Security`.
    pub strict_transport: StrictTransport,
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
    /// The method, as [`method_label`] names it.
    pub method: &'static str,
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
    /// `Content-Security-Policy`, `Strict-Transport-Security`); metrics and the log line (so that they see every
    /// answer, a timeout's or a refusal's too); the deadline; the refusal of an announced
    /// oversized body.
    pub fn around<S>(&self, router: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        // Installed first, so that the handles `observe` keeps are the recorder's.
        crate::metrics::prometheus();
        // One stack, applied once: each `Router::layer` boxes every route again, and a
        // boxed route is cloned for every request, so layer by layer the plumbing cost an
        // allocation and a copy of the request's future per layer.
        let timeout = self.timeout.map(|timeout| {
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(timed_out))
                .layer(TimeoutLayer::new(timeout))
        });
        // Answers may carry case details or the list: no browser should guess their type,
        // and no link should tell another site where it came from. The pages set their
        // own policy; anything else (JSON, metrics) may load nothing.
        let browser_headers = self.browser_headers.then(|| {
            // Innermost last, so that the answer gets them in the documented order.
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
        });
        let strict_transport_always =
            (self.strict_transport == StrictTransport::Always).then(|| {
                SetResponseHeaderLayer::overriding(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
                )
            });
        let strict_transport_if_forwarded = (self.strict_transport
            == StrictTransport::WhenForwardedHttps)
            .then(|| middleware::from_fn(strict_transport_if_forwarded_https));
        router.layer(
            ServiceBuilder::new()
                .layer(DefaultBodyLimit::max(self.body_limit))
                .option_layer(strict_transport_always)
                .option_layer(strict_transport_if_forwarded)
                .option_layer(browser_headers)
                // No cache should keep an answer: it may carry case details, the list, or
                // a match.
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                ))
                .layer(middleware::from_fn_with_state(self.requests, observe))
                .option_layer(timeout)
                .layer(middleware::from_fn_with_state(
                    BodyLimit {
                        limit: self.body_limit,
                        too_large: self.too_large,
                    },
                    refuse_oversized,
                )),
        )
    }
}

/// Adds `Strict-Transport-Security` to the answer when the proxy says the request came
/// over HTTPS.
async fn strict_transport_if_forwarded_https(request: Request, next: Next) -> Response {
    // The proxy's word is the last value: one it appended after the client's own (as with
    // X-Forwarded-For), or the only one, if it replaces the client's.
    let https = request
        .headers()
        .get_all("x-forwarded-proto")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    response
}

/// The answer to a request past its deadline. Work still under way is dropped with it:
/// the hotline's report writer, for one, then leaves a queued report unstored.
async fn timed_out(_elapsed: tower::BoxError) -> ApiError {
    ApiError::timeout()
}

/// Counts and times each request, and has the server log it.
async fn observe(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    // The template is shared (`MatchedPath` holds it counted), so keeping it is no copy.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let served = Served {
        method,
        route: route.as_ref().map_or("unmatched", MatchedPath::as_str),
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
    };
    record(&log, &served);
    (log.log)(&served);
    response
}

/// The method as a metric label: one of the standard methods, or `other`. A client may
/// send any token as a method (`curl -X RANDOM123`); were each one a label, anyone could
/// grow the metrics without bound.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

fn record(log: &RequestLog, served: &Served<'_>) {
    REQUEST_METRICS.with_borrow_mut(|cache| {
        let metric = cache.handles(log, served);
        if let Some(durations) = &metric.durations {
            durations.record(served.elapsed.as_secs_f64());
        }
        metric.requests.increment(1);
    });
}

thread_local! {
    /// Each worker thread's handles to the request metrics it has recorded.
    static REQUEST_METRICS: RefCell<RequestMetrics> = RefCell::default();
}

/// Handles to the request metrics, by route, kept so that a request only looks its
/// handles up: naming a metric by its labels (`counter!(name, labels)`) builds its key,
/// with an allocation per label, and looks it up in the recorder's registry under a lock,
/// every time. Bounded: routes are templates, methods and statuses few.
#[derive(Default)]
struct RequestMetrics {
    by_route: FxHashMap<Box<str>, Vec<RouteMetrics>>,
}

/// One route's metrics for one server, method and status.
struct RouteMetrics {
    counter: &'static str,
    method: Option<&'static str>,
    status: u16,
    requests: metrics::Counter,
    durations: Option<metrics::Histogram>,
}

impl RequestMetrics {
    fn handles(&mut self, log: &RequestLog, served: &Served<'_>) -> &RouteMetrics {
        let method = log.by_method.then_some(served.method);
        if !self.by_route.contains_key(served.route) {
            self.by_route.insert(served.route.into(), Vec::new());
        }
        let metrics = self.by_route.get_mut(served.route).expect("inserted above");
        let known = metrics.iter().position(|m| {
            m.counter == log.counter && m.method == method && m.status == served.status
        });
        let at = known.unwrap_or_else(|| {
            let mut labels = Vec::with_capacity(3);
            if let Some(method) = method {
                labels.push(Label::new("method", method));
            }
            labels.push(Label::new("route", served.route.to_owned()));
            let durations = log
                .duration
                .map(|duration| metrics::histogram!(duration, labels.iter()));
            labels.push(Label::new("status", served.status.to_string()));
            metrics.push(RouteMetrics {
                counter: log.counter,
                method,
                status: served.status,
                requests: metrics::counter!(log.counter, labels.iter()),
                durations,
            });
            metrics.len() - 1
        });
        &metrics[at]
    }
}

/// The body limit and the answer for a body over it.
#[derive(Debug, Clone, Copy)]
struct BodyLimit {
    limit: usize,
    too_large: fn(usize) -> ApiError,
}

/// The most of an oversized body read (and thrown away) before the 413 is sent, and for
/// how long. A client that writes its whole body before reading the answer (most do)
/// would otherwise find the connection closed under it, and see a broken pipe instead of
/// the 413 that says what is wrong. The bounds keep a client from holding a connection
/// (or the server's time) with an endless body: past them, the connection is closed.
pub const DRAIN_MAX_BYTES: u64 = 4 * 1024 * 1024;
/// See [`DRAIN_MAX_BYTES`].
pub const DRAIN_MAX_TIME: Duration = Duration::from_secs(5);
/// How long draining waits for more of the body: a client that announced a body but waits
/// for the answer before sending it gets the 413 after this pause, not after
/// [`DRAIN_MAX_TIME`].
const DRAIN_IDLE: Duration = Duration::from_secs(1);

/// Refuses a body over the limit: one whose announced length is over it before any of it
/// reaches the handler, one without a length once it has passed the limit. Either way the
/// rest is drained, within [`DRAIN_MAX_BYTES`] and [`DRAIN_MAX_TIME`], so that the client
/// reads the 413.
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
    match announced {
        Some(length) if length > limit as u64 => {
            // A body longer than the drain bound would not be read to its end anyway.
            if length <= DRAIN_MAX_BYTES {
                drain(request.into_body(), 0).await;
            }
            too_large(limit).into_response()
        }
        Some(_) => next.run(request).await,
        None if HttpBody::is_end_stream(request.body()) => next.run(request).await,
        None => {
            // No announced length (a chunked body): read it here, up to the limit, so that
            // an oversized one can be drained; the handler reads it from memory.
            let (parts, body) = request.into_parts();
            match read_within(body, limit).await {
                Read::Whole(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Read::Over(rest, read) => {
                    drain(rest, read).await;
                    too_large(limit).into_response()
                }
                Read::Failed => too_large(limit).into_response(),
            }
        }
    }
}

/// A body read up to a limit.
enum Read {
    /// All of it, within the limit.
    Whole(Bytes),
    /// Over the limit: the rest of the body, and how many bytes were read.
    Over(Body, u64),
    /// The client's stream failed.
    Failed,
}

async fn read_within(mut body: Body, limit: usize) -> Read {
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Read::Failed;
        };
        if let Ok(data) = frame.into_data() {
            read.extend_from_slice(&data);
            if read.len() > limit {
                return Read::Over(body, read.len() as u64);
            }
        }
    }
    Read::Whole(Bytes::from(read))
}

/// Reads and drops what is left of `body` (of which `read` bytes are already read), within
/// the drain bounds.
async fn drain(mut body: Body, mut read: u64) {
    let reading = async {
        while read <= DRAIN_MAX_BYTES {
            match tokio::time::timeout(DRAIN_IDLE, body.frame()).await {
                Ok(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        read += data.len() as u64;
                    }
                }
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_MAX_TIME, reading).await;
}
