//! Re-checks against servers on 127.0.0.1: an axum site for statuses, redirects and
//! content, and a raw socket for bodies that never end or drip.

use super::*;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::middleware::{Next, from_fn};
use axum::routing::get;
use std::net::Ipv4Addr;
use std::sync::Mutex;
use takeback_testimages::{Channels, Pattern, Spec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A picture with plenty of detail, as a PNG file.
fn picture(pattern: Pattern, seed: u64) -> Vec<u8> {
    Spec::new(pattern, 240, 180, Channels::Rgb, seed)
        .generate()
        .encode(image::ImageFormat::Png)
}

fn fingerprint(bytes: &[u8]) -> takeback_fingerprint::Fingerprint {
    fingerprint_bytes(bytes, &Options::default()).expect("a test picture")
}

/// A test site, and the paths it was asked for.
struct Site {
    port: u16,
    png: Vec<u8>,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

const CLIP: &[u8] = b"\x00\x00\x00\x18ftypmp42 not really a video, but served as one";

async fn site() -> Site {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let png = picture(Pattern::Shapes, 3);
    let hits = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&hits);
    let served = Bytes::from(png.clone());
    let as_bytes = served.clone();
    let redirect = |status: u16, location: String| {
        let status = StatusCode::from_u16(status).unwrap();
        (status, [(LOCATION, location)])
    };
    let app = Router::new()
        .route(
            "/picture.png",
            get(move || async move { ([(CONTENT_TYPE, "image/png")], served) }),
        )
        .route(
            "/download",
            get(move || async move { ([(CONTENT_TYPE, "application/octet-stream")], as_bytes) }),
        )
        .route(
            "/clip.mp4",
            get(|| async { ([(CONTENT_TYPE, "video/mp4")], CLIP) }),
        )
        .route(
            "/page.html",
            get(|| async { ([(CONTENT_TYPE, "text/html; charset=utf-8")], "<p>hello</p>") }),
        )
        .route(
            "/status/{code}",
            get(|Path(code): Path<u16>| async move { StatusCode::from_u16(code).unwrap() }),
        )
        // Each status a redirect can have, down to the picture.
        .route(
            "/hop/{n}",
            get(move |Path(n): Path<usize>| async move {
                let status = [301, 302, 303, 307, 308][n % 5];
                let next = if n == 0 { "/picture.png".to_owned() } else { format!("/hop/{}", n - 1) };
                redirect(status, next)
            }),
        )
        .route("/loop", get(move || async move { redirect(302, "/loop".to_owned()) }))
        .route(
            "/to-internal",
            get(move || async move { redirect(302, format!("http://127.0.0.1:{port}/secret")) }),
        )
        .route(
            "/to-mapped",
            get(move || async move { redirect(301, format!("http://[::ffff:7f00:1]:{port}/secret")) }),
        )
        .route(
            "/to-localhost",
            get(move || async move { redirect(307, format!("http://localhost:{port}/secret")) }),
        )
        .route(
            "/to-ftp",
            get(move || async move { redirect(302, "ftp://public.test/picture.png".to_owned()) }),
        )
        .route("/no-location", get(|| async { StatusCode::FOUND }))
        .route("/secret", get(|| async { "internal" }))
        .layer(from_fn(move |request: Request, next: Next| {
            let record = Arc::clone(&record);
            async move {
                record.lock().unwrap().push(request.uri().path().to_owned());
                next.run(request).await
            }
        }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Site { port, png, hits }
}

/// A fetcher that may connect to the test servers.
fn open(limits: FetchLimits) -> Fetcher {
    Fetcher::new(FetchLimits {
        allow_private_targets: true,
        ..limits
    })
    .unwrap()
}

fn limits() -> FetchLimits {
    FetchLimits {
        total_timeout: Duration::from_secs(10),
        ..FetchLimits::default()
    }
}

/// DNS for the tests: `public.test` stands for a public host and is served from 127.0.0.1.
fn test_dns(name: &str) -> Result<Vec<IpAddr>, ResolveFailure> {
    match name {
        "public.test" => Ok(vec![Ipv4Addr::LOCALHOST.into()]),
        "localhost" => address::keep_public(vec![Ipv4Addr::LOCALHOST.into()], false),
        "flaky.test" => Err(ResolveFailure::LookupFailed(
            "Temporary failure in name resolution".into(),
        )),
        _ => Err(ResolveFailure::NoSuchName),
    }
}

fn guarded_with_test_dns() -> Fetcher {
    Fetcher::with_lookup(limits(), Lookup::Fixed(test_dns)).unwrap()
}

#[tokio::test]
async fn a_served_picture_matches_its_pdq_md5_or_sha256_and_not_another_picture() {
    let site = site().await;
    let fetcher = open(limits());
    let print = fingerprint(&site.png);
    let other = fingerprint(&picture(Pattern::Smooth, 9)).pdq.hash;
    assert!(other.distance(&print.pdq.hash) > CONTENT_MATCH_DISTANCE);
    let url = site.url("/picture.png");
    for (reported, matches) in [
        (ListedHash::Pdq(print.pdq.hash), true),
        (ListedHash::Md5(print.digests.md5), true),
        (ListedHash::Sha256(print.digests.sha256), true),
        (ListedHash::Pdq(other), false),
    ] {
        assert_eq!(
            fetcher.check(&url, &[reported]).await,
            Recheck::Up {
                status: 200,
                content_matches: Some(matches)
            },
            "{reported:?}"
        );
    }
    // Nothing to compare with: the body is not fingerprinted.
    assert_eq!(
        fetcher.check(&url, &[]).await,
        Recheck::Up {
            status: 200,
            content_matches: None
        }
    );
}

#[tokio::test]
async fn a_picture_served_under_another_type_is_recognised_by_its_first_bytes() {
    let site = site().await;
    let reported = [ListedHash::Pdq(fingerprint(&site.png).pdq.hash)];
    assert_eq!(
        open(limits())
            .check(&site.url("/download"), &reported)
            .await,
        Recheck::Up {
            status: 200,
            content_matches: Some(true)
        }
    );
}

#[tokio::test]
async fn a_video_is_compared_by_its_digests() {
    let site = site().await;
    let fetcher = open(limits());
    let url = site.url("/clip.mp4");
    let same = [ListedHash::Sha256(digest_bytes(CLIP).sha256)];
    let other = [ListedHash::Md5(digest_bytes(b"another clip").md5)];
    assert_eq!(
        fetcher.check(&url, &same).await,
        Recheck::Up {
            status: 200,
            content_matches: Some(true)
        }
    );
    assert_eq!(
        fetcher.check(&url, &other).await,
        Recheck::Up {
            status: 200,
            content_matches: Some(false)
        }
    );
}

#[tokio::test]
async fn a_page_that_is_not_a_picture_is_up_with_content_unknown() {
    let site = site().await;
    let reported = [ListedHash::Pdq(fingerprint(&site.png).pdq.hash)];
    assert_eq!(
        open(limits())
            .check(&site.url("/page.html"), &reported)
            .await,
        Recheck::Up {
            status: 200,
            content_matches: None
        }
    );
}

#[tokio::test]
async fn not_found_gone_and_unavailable_for_legal_reasons_are_removals() {
    let site = site().await;
    let fetcher = open(limits());
    for code in [404, 410, 451] {
        let url = site.url(&format!("/status/{code}"));
        assert_eq!(
            fetcher.check(&url, &[]).await,
            Recheck::Gone(GoneReason::Status(code))
        );
    }
    for code in [403, 429, 500, 503] {
        let url = site.url(&format!("/status/{code}"));
        assert_eq!(
            fetcher.check(&url, &[]).await,
            Recheck::Inconclusive(format!("status {code}"))
        );
    }
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let site = site().await;
    let reported = [ListedHash::Pdq(fingerprint(&site.png).pdq.hash)];
    // /hop/4 is five redirects from the picture.
    let url = site.url("/hop/4");
    assert_eq!(
        open(limits()).check(&url, &reported).await,
        Recheck::Up {
            status: 200,
            content_matches: Some(true)
        }
    );
    let fewer = open(FetchLimits {
        max_redirects: 4,
        ..limits()
    });
    assert_eq!(
        fewer.check(&url, &reported).await,
        Recheck::Inconclusive("more than 4 redirects".into())
    );
    assert_eq!(
        open(limits()).check(&site.url("/loop"), &[]).await,
        Recheck::Inconclusive("more than 5 redirects".into())
    );
    assert_eq!(
        open(limits()).check(&site.url("/no-location"), &[]).await,
        Recheck::Inconclusive("status 302 without a usable Location".into())
    );
}

#[tokio::test]
async fn internal_addresses_are_blocked_before_any_request_in_every_spelling() {
    let site = site().await;
    let fetcher = Fetcher::new(limits()).unwrap();
    // The URL parser reads every spelling of an IPv4 address as the address.
    for spelling in [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0177.0.0.1/",
    ] {
        let url = Url::parse(spelling).unwrap();
        assert_eq!(
            url.host(),
            Some(Host::Ipv4(Ipv4Addr::LOCALHOST)),
            "{spelling}"
        );
    }
    let port = site.port;
    let literal = "the reported address is an internal address";
    // A name is checked on what it resolves to, by the resolver that connects.
    let name = "the reported host resolves only to internal addresses";
    for (host, reason) in [
        ("127.0.0.1", literal),
        ("2130706433", literal),
        ("0x7f.1", literal),
        ("127.1", literal),
        ("127.0.0.1.", literal),
        ("[::1]", literal),
        ("[::ffff:127.0.0.1]", literal),
        ("[::ffff:7f00:1]", literal),
        ("localhost", name),
        ("LocalHost", name),
    ] {
        for scheme in ["http", "https"] {
            let url = format!("{scheme}://{host}:{port}/picture.png");
            let outcome = fetcher.check(&url, &[]).await;
            assert_eq!(outcome, Recheck::Blocked(reason.into()), "{url}");
        }
    }
    assert_eq!(site.hits(), Vec::<String>::new());
}

#[tokio::test]
async fn a_redirect_to_an_internal_address_is_blocked_and_never_requested() {
    let site = site().await;
    let fetcher = guarded_with_test_dns();
    let url = |path: &str| format!("http://public.test:{}{path}", site.port);
    // The stand-in public host is reachable.
    assert_eq!(
        fetcher.check(&url("/page.html"), &[]).await,
        Recheck::Up {
            status: 200,
            content_matches: None
        }
    );
    for (path, reason) in [
        ("/to-internal", "redirect 1 leads to an internal address"),
        ("/to-mapped", "redirect 1 leads to an internal address"),
        (
            "/to-localhost",
            "redirect 1 leads to a host that resolves only to internal addresses",
        ),
        (
            "/to-ftp",
            "redirect 1 leads to an address that is not http or https",
        ),
    ] {
        assert_eq!(
            fetcher.check(&url(path), &[]).await,
            Recheck::Blocked(reason.into()),
            "{path}"
        );
    }
    let hits = site.hits();
    assert!(!hits.iter().any(|path| path == "/secret"), "{hits:?}");
    assert_eq!(hits.len(), 5);
}

#[tokio::test]
async fn only_web_addresses_are_fetched() {
    let fetcher = Fetcher::new(limits()).unwrap();
    for url in [
        "ftp://public.test/a.png",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
        "not an address",
    ] {
        let outcome = fetcher.check(url, &[]).await;
        assert!(matches!(outcome, Recheck::Blocked(_)), "{url}: {outcome:?}");
    }
}

#[tokio::test]
async fn a_missing_name_is_gone_and_a_failed_lookup_is_inconclusive() {
    let fetcher = guarded_with_test_dns();
    assert_eq!(
        fetcher.check("https://gone.test/picture.png", &[]).await,
        Recheck::Gone(GoneReason::NoSuchHost)
    );
    assert_eq!(
        fetcher.check("https://flaky.test/picture.png", &[]).await,
        Recheck::Inconclusive("name lookup failed: Temporary failure in name resolution".into())
    );
}

#[tokio::test]
async fn a_name_under_the_invalid_domain_is_never_up() {
    // The system's resolver: NXDOMAIN where DNS answers; offline, a failed lookup (which
    // must not count as a removal) is the right answer too.
    let outcome = Fetcher::new(limits())
        .unwrap()
        .check("http://takeback.invalid/", &[])
        .await;
    let lookup_failed = matches!(&outcome, Recheck::Inconclusive(reason) if reason.starts_with("name lookup failed"));
    assert!(
        outcome == Recheck::Gone(GoneReason::NoSuchHost) || lookup_failed,
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/picture.png");
    assert_eq!(open(limits()).check(&url, &[]).await, Recheck::Refused);
}

/// What the raw server sends after its headers.
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Zeros until the client goes.
    Endless,
    /// One byte every 50 ms.
    Drip,
    /// A Content-Length of 10 GB, and nothing.
    DeclaredHuge,
}

/// A server that answers every request with a 200 "image/png" and then `raw`.
async fn raw_server(raw: Raw) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let length = match raw {
                    Raw::DeclaredHuge => "Content-Length: 10000000000\r\n",
                    Raw::Endless | Raw::Drip => "",
                };
                let headers = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n{length}Connection: close\r\n\r\n"
                );
                if socket.write_all(headers.as_bytes()).await.is_err() {
                    return;
                }
                match raw {
                    Raw::Endless => while socket.write_all(&[0u8; 16 * 1024]).await.is_ok() {},
                    Raw::Drip => loop {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        if socket.write_all(b"x").await.is_err() {
                            break;
                        }
                    },
                    Raw::DeclaredHuge => {}
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_not_read_further() {
    let reported = [ListedHash::Md5(digest_bytes(b"").md5)];
    let small = open(FetchLimits {
        max_bytes: 64 * 1024,
        ..limits()
    });
    for raw in [Raw::Endless, Raw::DeclaredHuge] {
        let url = format!("http://127.0.0.1:{}/big.png", raw_server(raw).await);
        assert_eq!(
            small.check(&url, &reported).await,
            Recheck::Up {
                status: 200,
                content_matches: None
            },
            "{raw:?}"
        );
    }
}

#[tokio::test]
async fn a_body_that_drips_is_cut_off_by_the_total_timeout() {
    let url = format!("http://127.0.0.1:{}/slow.png", raw_server(Raw::Drip).await);
    let reported = [ListedHash::Md5(digest_bytes(b"").md5)];
    let impatient = open(FetchLimits {
        total_timeout: Duration::from_millis(600),
        ..limits()
    });
    let started = std::time::Instant::now();
    assert_eq!(
        impatient.check(&url, &reported).await,
        Recheck::Inconclusive("no complete answer within 600ms".into())
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}
