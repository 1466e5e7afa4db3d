//! The Prometheus recorder: installed once per process and shared by every server in it.
//!
//! A global recorder can be installed only once, and its histograms' buckets are fixed
//! when it is built. So the buckets of every histogram a Takeback server records are
//! listed here, in [`HISTOGRAMS`], rather than by each server: a process that runs both
//! servers (a test, or a program embedding them) still renders each histogram with its
//! own buckets, whichever server started first.

use crate::error::ApiError;
use crate::token::BearerToken;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher as MetricName, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// A histogram a server records, and the upper bounds of its buckets, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Histogram {
    /// The metric's name, as recorded and rendered.
    pub name: &'static str,
    /// Bucket upper bounds, ascending.
    pub buckets: &'static [f64],
}

/// The hotline's request durations, labelled by method and route: from half a millisecond
/// (a cached read) to five seconds (a report waiting for a slow database).
pub const HTTP_REQUEST_DURATION: Histogram = Histogram {
    name: "takeback_http_request_duration_seconds",
    buckets: &[
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
    ],
};

/// The matcher's match durations, labelled by kind (hashes or image): a hash lookup takes
/// a tenth of a millisecond, hashing a large image a second or two.
pub const MATCH_DURATION: Histogram = Histogram {
    name: "takeback_matcher_match_duration_seconds",
    buckets: &[
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    ],
};

/// Every histogram Takeback's servers record. One missing here is rendered as a summary.
pub const HISTOGRAMS: &[Histogram] = &[HTTP_REQUEST_DURATION, MATCH_DURATION];

/// The process's Prometheus recorder, installed on first use.
///
/// Call it before serving, so that metrics recorded before the first scrape are kept.
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Fails only for an empty list of buckets, which the tests rule out.
        let builder = HISTOGRAMS
            .iter()
            .try_fold(PrometheusBuilder::new(), |builder, histogram| {
                builder.set_buckets_for_metric(
                    MetricName::Full(histogram.name.to_owned()),
                    histogram.buckets,
                )
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // An embedding program may have installed its own recorder; then its metrics are
        // the ones that count and ours renders empty.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `GET /metrics`: every metric in Prometheus' text format.
pub fn render() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        prometheus().render(),
    )
        .into_response()
}

/// The bearer token `/metrics` asks for, when the operator sets one (`--metrics-token`):
/// a [`BearerToken`], kept as its digest and compared in constant time.
#[derive(Clone)]
pub struct MetricsToken(BearerToken);

impl MetricsToken {
    /// The token `secret`; none for an empty one (then `/metrics` would be open, which an
    /// empty setting must not mean by accident: callers refuse it).
    pub fn new(secret: &str) -> Option<Self> {
        BearerToken::new(secret).map(MetricsToken)
    }

    /// Whether `presented` is the token, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        self.0.matches(presented)
    }

    /// Checks a request's `Authorization: Bearer …` header: a 401 `unauthorized` without
    /// the token.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        self.0.check(
            headers,
            "The metrics need the metrics token as Authorization: Bearer <token>.",
        )
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

/// `GET /metrics` behind an optional token: the metrics, or a 401 without the token.
pub fn render_for(token: Option<&MetricsToken>, headers: &HeaderMap) -> Response {
    match token.map(|token| token.check(headers)) {
        Some(Err(refused)) => refused.into_response(),
        _ => render(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metrics_token_matches_only_itself_and_hides_in_debug() {
        let token = MetricsToken::new("s3cret-scrape").expect("a token");
        assert!(token.matches("s3cret-scrape"));
        assert!(!token.matches("s3cret-scrapf"));
        assert!(!token.matches(""));
        assert!(MetricsToken::new("  ").is_none());
        assert_eq!(format!("{token:?}"), "MetricsToken(***)");
        let mut headers = HeaderMap::new();
        assert!(token.check(&headers).is_err());
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("Bearer s3cret-scrape"),
        );
        assert!(token.check(&headers).is_ok());
    }

    #[test]
    fn every_histogram_has_ascending_buckets_and_its_own_name() {
        for (i, histogram) in HISTOGRAMS.iter().enumerate() {
            assert!(!histogram.buckets.is_empty(), "{}", histogram.name);
            assert!(
                histogram.buckets.windows(2).all(|pair| pair[0] < pair[1]),
                "{}",
                histogram.name
            );
            assert!(
                HISTOGRAMS[..i]
                    .iter()
                    .all(|other| other.name != histogram.name),
                "{} twice",
                histogram.name
            );
        }
    }
}
