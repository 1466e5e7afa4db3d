//! The plumbing as a server sees it: routers wrapped in it, asked through `oneshot`.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use http_body_util::{BodyExt, Full};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use takeback_service::metrics::{HTTP_REQUEST_DURATION, MATCH_DURATION, prometheus};
use takeback_service::{
    ApiError, Plumbing, RequestLog, STRICT_TRANSPORT_SECURITY, Served, StrictTransport,
};
use tower::ServiceExt;

/// Log lines written by [`log`], for the tests to read.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn log(served: &Served<'_>) {
    if let Ok(mut logged) = LOGGED.lock() {
        logged.push(format!(
            "{} {} {}",
            served.method, served.route, served.status
        ));
    }
}

fn logged(line: &str) -> bool {
    LOGGED
        .lock()
        .map(|logged| logged.iter().any(|entry| entry == line))
        .unwrap_or(false)
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("over {limit} bytes"),
    )
}

fn plumbing(counter: &'static str) -> Plumbing {
    Plumbing {
        body_limit: 16,
        too_large,
        requests: RequestLog {
            counter,
            duration: None,
            by_method: false,
            log,
        },
        timeout: None,
        browser_headers: false,
        strict_transport: StrictTransport::Never,
    }
}

fn routes() -> Router {
    Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/echo", post(|body: Bytes| async move { body }))
        .route("/cases/{case}", get(|| async { "case" }))
        .route(
            "/cached",
            get(|| async { ([(header::CACHE_CONTROL, "max-age=60")], "cached") }),
        )
        .route(
            "/page",
            get(|| async {
                (
                    [(header::CONTENT_SECURITY_POLICY, "default-src 'self'")],
                    "page",
                )
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            "/secret",
            get(|| async {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Give a token.")
            }),
        )
        .fallback(takeback_service::not_found)
        .method_not_allowed_fallback(takeback_service::method_not_allowed)
}

async fn call(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response: Response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    (status, headers, body)
}

fn get_request(path: &str) -> Request<Body> {
    Request::get(path)
        .body(Body::empty())
        .expect("a valid request")
}

#[tokio::test]
async fn an_unknown_address_gets_the_json_not_found() {
    let router = plumbing("fallback_requests_total").around(routes());
    let (status, headers, body) = call(&router, get_request("/nowhere")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        body,
        r#"{"error":{"code":"not_found","message":"There is nothing at this address."}}"#
    );
}

#[tokio::test]
async fn a_wrong_method_gets_the_json_method_not_allowed() {
    let router = plumbing("fallback_requests_total").around(routes());
    let request = Request::post("/ok")
        .body(Body::empty())
        .expect("a valid request");
    let (status, _, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        body,
        r#"{"error":{"code":"method_not_allowed","message":"This address does not accept that method."}}"#
    );
}

#[tokio::test]
async fn only_a_401_names_the_bearer_scheme() {
    let router = plumbing("auth_requests_total").around(routes());
    let (status, headers, body) = call(&router, get_request("/secret")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(
        body,
        r#"{"error":{"code":"unauthorized","message":"Give a token."}}"#
    );
    let (_, headers, _) = call(&router, get_request("/nowhere")).await;
    assert!(!headers.contains_key(header::WWW_AUTHENTICATE));
}

#[tokio::test]
async fn an_announced_body_past_the_drain_bound_is_refused_without_reading_it() {
    let router = plumbing("limit_requests_total").around(routes());
    let read = Arc::new(AtomicBool::new(false));
    let touched = Arc::clone(&read);
    let body = watched_body(move || touched.store(true, Ordering::SeqCst));
    let request = Request::post("/echo")
        .header(
            header::CONTENT_LENGTH,
            (takeback_service::DRAIN_MAX_BYTES + 1).to_string(),
        )
        .body(body)
        .expect("a valid request");
    let (status, _, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        body,
        r#"{"error":{"code":"too_large","message":"over 16 bytes"}}"#
    );
    assert!(!read.load(Ordering::SeqCst), "the body was read");
}

#[tokio::test]
async fn a_body_within_the_limit_reaches_the_handler_and_an_unannounced_one_is_cut_off() {
    let router = plumbing("limit_requests_total").around(routes());
    let request = Request::post("/echo")
        .body(Body::from("sixteen bytes ok"))
        .expect("a valid request");
    let (status, _, body) = call(&router, request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "sixteen bytes ok")
    );
    // No Content-Length: the extractor stops at the limit.
    let request = Request::post("/echo")
        .body(watched_body(|| ()))
        .expect("a valid request");
    let (status, _, _) = call(&router, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn every_answer_is_no_store_and_browser_headers_are_set_only_when_asked() {
    let router = plumbing("headers_requests_total").around(routes());
    for path in ["/ok", "/cached", "/nowhere"] {
        let (_, headers, _) = call(&router, get_request(path)).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert!(
            !headers.contains_key(header::X_CONTENT_TYPE_OPTIONS),
            "{path}"
        );
        assert!(!headers.contains_key(header::REFERRER_POLICY), "{path}");
        assert!(
            !headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{path}"
        );
    }
    let browsed = Plumbing {
        browser_headers: true,
        ..plumbing("headers_requests_total")
    }
    .around(routes());
    for path in ["/ok", "/cached", "/nowhere", "/page"] {
        let (_, headers, _) = call(&browsed, get_request(path)).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
    let (_, headers, _) = call(&browsed, get_request("/ok")).await;
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        takeback_service::DEFAULT_CONTENT_SECURITY_POLICY
    );
    // A handler's own policy (the pages') is kept.
    let (_, headers, _) = call(&browsed, get_request("/page")).await;
    assert_eq!(
        headers
            .get_all(header::CONTENT_SECURITY_POLICY)
            .iter()
            .collect::<Vec<_>>(),
        [HeaderValue::from_static("default-src 'self'")]
    );
}

#[tokio::test]
async fn the_plumbing_headers_come_in_their_documented_order() {
    let router = Plumbing {
        browser_headers: true,
        strict_transport: StrictTransport::Always,
        ..plumbing("order_requests_total")
    }
    .around(routes());
    let (_, headers, _) = call(&router, get_request("/ok")).await;
    let ours = [
        header::CACHE_CONTROL,
        header::X_CONTENT_TYPE_OPTIONS,
        header::REFERRER_POLICY,
        header::CONTENT_SECURITY_POLICY,
        header::STRICT_TRANSPORT_SECURITY,
    ];
    let order: Vec<_> = headers.keys().filter(|name| ours.contains(name)).collect();
    assert_eq!(order, ours.iter().collect::<Vec<_>>());
}

/// A GET with these `X-Forwarded-Proto` headers; the answer's `Strict-Transport-Security`.
async fn strict_transport(router: &Router, path: &str, forwarded: &[&str]) -> Option<String> {
    let mut request = get_request(path);
    for proto in forwarded {
        request.headers_mut().append(
            "x-forwarded-proto",
            HeaderValue::from_str(proto).expect("a valid header"),
        );
    }
    let (_, headers, _) = call(router, request).await;
    let values: Vec<_> = headers
        .get_all(header::STRICT_TRANSPORT_SECURITY)
        .iter()
        .map(|value| value.to_str().expect("text").to_owned())
        .collect();
    assert!(values.len() <= 1, "{values:?}");
    values.into_iter().next()
}

#[tokio::test]
async fn strict_transport_security_only_where_the_request_came_over_https() {
    let hsts = Some(STRICT_TRANSPORT_SECURITY.to_owned());
    let never = plumbing("hsts_never_requests_total").around(routes());
    for forwarded in [&[][..], &["https"]] {
        assert_eq!(strict_transport(&never, "/ok", forwarded).await, None);
    }
    let always = Plumbing {
        strict_transport: StrictTransport::Always,
        ..plumbing("hsts_always_requests_total")
    }
    .around(routes());
    for path in ["/ok", "/nowhere", "/page"] {
        assert_eq!(strict_transport(&always, path, &[]).await, hsts, "{path}");
    }
    let forwarded = Plumbing {
        strict_transport: StrictTransport::WhenForwardedHttps,
        ..plumbing("hsts_forwarded_requests_total")
    }
    .around(routes());
    for (headers, expected) in [
        (&[][..], None),
        (&["http"], None),
        (&["https"], hsts.clone()),
        (&["HTTPS"], hsts.clone()),
        // The proxy's word is the last one.
        (&["http, https"], hsts.clone()),
        (&["https, http"], None),
        (&["https", "http"], None),
        (&["http", " https "], hsts.clone()),
        (&["ws"], None),
    ] {
        for path in ["/ok", "/nowhere"] {
            assert_eq!(
                strict_transport(&forwarded, path, headers).await,
                expected,
                "{path} {headers:?}"
            );
        }
    }
    // A refused body's answer carries it too.
    let request = Request::post("/echo")
        .header("x-forwarded-proto", "https")
        .header(header::CONTENT_LENGTH, "100")
        .body(Body::from(vec![b'x'; 100]))
        .expect("a valid request");
    let (status, headers, _) = call(&forwarded, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        headers[header::STRICT_TRANSPORT_SECURITY],
        STRICT_TRANSPORT_SECURITY
    );
}

#[tokio::test]
async fn a_request_past_its_deadline_gets_a_json_503_that_is_counted_and_logged() {
    // The recorder first: a count recorded before it is installed is lost.
    prometheus();
    let router = Plumbing {
        timeout: Some(Duration::from_millis(50)),
        browser_headers: true,
        ..plumbing("timeout_requests_total")
    }
    .around(routes());
    let (status, headers, body) = call(&router, get_request("/slow")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        r#"{"error":{"code":"timeout","message":"The service took too long to answer. Please try again in a few minutes."}}"#
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(logged("GET /slow 503"));
    assert!(
        prometheus()
            .render()
            .contains(r#"timeout_requests_total{route="/slow",status="503"} 1"#)
    );
    // Within the deadline, nothing changes.
    let (status, _, body) = call(&router, get_request("/ok")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn requests_are_counted_timed_and_logged_by_route_template_never_by_path() {
    let router = Plumbing {
        requests: RequestLog {
            counter: "observed_requests_total",
            duration: Some(HTTP_REQUEST_DURATION.name),
            by_method: true,
            log,
        },
        ..plumbing("unused")
    }
    .around(routes());
    prometheus();
    // Two cases, one template: one count (its handle kept from the first, so the second
    // must reach the same series).
    call(&router, get_request("/cases/TB-SECRET-CASE")).await;
    call(&router, get_request("/cases/TB-SECRET-OTHER")).await;
    call(&router, get_request("/nowhere/TB-SECRET-PATH")).await;
    assert!(logged("GET /cases/{case} 200"));
    assert!(logged("GET unmatched 404"));
    let rendered = prometheus().render();
    for expected in [
        r#"observed_requests_total{method="GET",route="/cases/{case}",status="200"} 2"#,
        r#"observed_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"takeback_http_request_duration_seconds_bucket{method="GET",route="/cases/{case}",le="0.0005"}"#,
        r#"takeback_http_request_duration_seconds_count{method="GET",route="/cases/{case}"} 2"#,
    ] {
        assert!(rendered.contains(expected), "{expected} in\n{rendered}");
    }
    assert!(!rendered.contains("SECRET"));
    let logged_all = LOGGED.lock().map(|l| l.join("\n")).unwrap_or_default();
    assert!(!logged_all.contains("SECRET"), "{logged_all}");
}

#[tokio::test]
async fn an_unknown_method_is_counted_as_other_and_adds_no_label() {
    let router = Plumbing {
        requests: RequestLog {
            counter: "method_requests_total",
            duration: Some(HTTP_REQUEST_DURATION.name),
            by_method: true,
            log,
        },
        ..plumbing("unused")
    }
    .around(routes());
    prometheus();
    for method in ["RANDOM123", "RANDOM456"] {
        let request = Request::builder()
            .method(method)
            .uri("/ok")
            .body(Body::empty())
            .expect("a valid request");
        let (status, _, _) = call(&router, request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    }
    let rendered = prometheus().render();
    assert!(!rendered.contains("RANDOM"), "{rendered}");
    assert!(
        rendered.contains(r#"method_requests_total{method="other",route="/ok",status="405"} 2"#),
        "{rendered}"
    );
}

/// A client that writes its whole oversized body before reading (most do) reads the 413,
/// not a broken pipe: over real TCP, as hyper closes a connection whose body is unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_writes_an_oversized_body_before_reading_gets_the_413() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limit = 256 * 1024;
    let router = Plumbing {
        body_limit: limit,
        ..plumbing("drain_requests_total")
    }
    .around(routes());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    for (announce, factor) in [(true, 2), (true, 4), (false, 3)] {
        let body = vec![b'x'; limit * factor];
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connected");
        let head = if announce {
            format!(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
        } else {
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned()
        };
        stream.write_all(head.as_bytes()).await.expect("head sent");
        if announce {
            stream.write_all(&body).await.expect("the whole body sent");
        } else {
            for chunk in body.chunks(16 * 1024) {
                let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                stream.write_all(&framed).await.expect("a chunk sent");
            }
            stream.write_all(b"0\r\n\r\n").await.expect("the end sent");
        }
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(2).any(|w| w == b"}}") {
                    break;
                }
            }
        })
        .await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "announced {announce}, x{factor}: {answer}"
        );
        assert!(
            answer.contains(r#"{"error":{"code":"too_large","#),
            "{answer}"
        );
    }
}

#[test]
fn each_histogram_keeps_its_own_buckets_in_the_one_recorder() {
    prometheus();
    metrics::histogram!(HTTP_REQUEST_DURATION.name, "route" => "/buckets").record(0.001);
    metrics::histogram!(MATCH_DURATION.name, "kind" => "buckets").record(0.001);
    let rendered = prometheus().render();
    assert!(
        rendered
            .contains(r#"takeback_http_request_duration_seconds_bucket{route="/buckets",le="5"}"#)
    );
    assert!(!rendered.contains(
        r#"takeback_http_request_duration_seconds_bucket{route="/buckets",le="0.0001"}"#
    ));
    assert!(
        rendered.contains(
            r#"takeback_matcher_match_duration_seconds_bucket{kind="buckets",le="0.0001"}"#
        )
    );
    assert!(
        !rendered
            .contains(r#"takeback_matcher_match_duration_seconds_bucket{kind="buckets",le="5"}"#)
    );
}

#[test]
fn the_metrics_page_is_prometheus_text() {
    let response = takeback_service::metrics::render();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/plain; version=0.0.4"
    );
}

/// A body of 64 bytes that calls `on_read` when it is first read.
fn watched_body(on_read: impl Fn() + Send + Sync + 'static) -> Body {
    Body::new(
        Full::new(Bytes::from(vec![b'x'; 64])).map_frame(move |frame| {
            on_read();
            frame
        }),
    )
}
