//! Load generator for match-by-hash servers (`takeback matcher` and the HMA-style reference):
//! a closed loop of N concurrent HTTP/1.1 connections, each sending one `POST /v1/match` at a
//! time, kept alive when the server allows it and reopened when the server closes it (as
//! gunicorn's sync workers do after every response). After a warm-up it measures for a fixed
//! time and prints one JSON object: requests per second, latency percentiles, and checks of
//! every answer against the query file.
//!
//! The query file has one query a line, `EXPECTED_ID<TAB>HEX[,HEX...]`: one PDQ hash, or eight
//! (the dihedral orientations). `--mode single` sends `{"pdq": HEX}` (the first hash);
//! `--mode dihedral` sends `{"pdq": HEX, "dihedral": [8 HEX]}`. EXPECTED_ID is the list id the
//! answer must contain, or 0 for a query that must match nothing. Queries are taken in turn from
//! the file by all connections together, wrapping around.
//!
//! A request counts when it was started after the warm-up and answered before the end; its
//! latency runs from just before it is written (or before the connection is opened, when one
//! has to be) to the end of the response body.

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

#[derive(Debug, Parser)]
struct Args {
    /// The server's base URL: http://127.0.0.1:PORT (loopback, plain HTTP).
    #[arg(long)]
    url: String,
    /// The query file (see above).
    #[arg(long)]
    queries: String,
    /// One hash a request, or the eight orientations.
    #[arg(long, value_enum, default_value_t = Mode::Single)]
    mode: Mode,
    /// Connections, each with one request in flight.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 3.0)]
    warmup: f64,
    /// Seconds measured.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Stop after this many requests in all, whatever the time.
    #[arg(long, default_value_t = 5_000_000)]
    max_requests: usize,
    /// Threads of the load generator's runtime (it shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Where in the query file to start (so that repeated runs send different queries).
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Single,
    Dihedral,
}

struct Query {
    body: Bytes,
    expected: u64,
}

struct Shared {
    addr: SocketAddr,
    authority: String,
    queries: Vec<Query>,
    next: AtomicUsize,
    max_requests: usize,
    measure_from: Instant,
    end: Instant,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<f64>,
    non_200: u64,
    errors: u64,
    with_matches: u64,
    matches: u64,
    expected: u64,
    found: u64,
    missed: u64,
    unexpected: u64,
    unparsable: u64,
    connections: u64,
    warmup_requests: u64,
    first_error: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.non_200 += other.non_200;
        self.errors += other.errors;
        self.with_matches += other.with_matches;
        self.matches += other.matches;
        self.expected += other.expected;
        self.found += other.found;
        self.missed += other.missed;
        self.unexpected += other.unexpected;
        self.unparsable += other.unparsable;
        self.connections += other.connections;
        self.warmup_requests += other.warmup_requests;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(what);
        }
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn read_queries(path: &str, mode: Mode) -> Result<Vec<Query>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut queries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (expected, hashes) = line
            .split_once('\t')
            .with_context(|| format!("{path}:{}: expected `ID<TAB>HASHES`", number + 1))?;
        let expected: u64 = expected
            .parse()
            .with_context(|| format!("{path}:{}: bad id", number + 1))?;
        let hashes: Vec<&str> = hashes.split(',').collect();
        if !hashes.iter().all(|h| is_hex64(h)) {
            bail!("{path}:{}: a hash is not 64 hex digits", number + 1);
        }
        let body = match mode {
            Mode::Single => serde_json::json!({ "pdq": hashes[0] }),
            Mode::Dihedral => {
                if hashes.len() != 8 {
                    bail!(
                        "{path}:{}: --mode dihedral needs eight hashes a line",
                        number + 1
                    );
                }
                serde_json::json!({ "pdq": hashes[0], "dihedral": hashes })
            }
        };
        queries.push(Query {
            body: Bytes::from(serde_json::to_vec(&body)?),
            expected,
        });
    }
    if queries.is_empty() {
        bail!("{path} holds no queries");
    }
    Ok(queries)
}

/// Checks one answer against its query's expectation.
fn check(tally: &mut Tally, body: &[u8], expected: u64) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        tally.unparsable += 1;
        return;
    };
    let Some(matches) = value.get("matches").and_then(|m| m.as_array()) else {
        tally.unparsable += 1;
        return;
    };
    tally.matches += matches.len() as u64;
    if !matches.is_empty() {
        tally.with_matches += 1;
    }
    if expected == 0 {
        if !matches.is_empty() {
            tally.unexpected += 1;
        }
    } else {
        tally.expected += 1;
        if matches
            .iter()
            .any(|m| m.get("id").and_then(|i| i.as_u64()) == Some(expected))
        {
            tally.found += 1;
        } else {
            tally.missed += 1;
        }
    }
}

async fn connect(shared: &Shared) -> Result<http1::SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(shared.addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// One connection's closed loop.
async fn client(shared: Arc<Shared>) -> Tally {
    let mut tally = Tally::default();
    let mut sender: Option<http1::SendRequest<Full<Bytes>>> = None;
    loop {
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        if n >= shared.max_requests || Instant::now() >= shared.end {
            break;
        }
        let query = &shared.queries[n % shared.queries.len()];
        let started = Instant::now();
        let measured = started >= shared.measure_from;
        // Reuse the connection if the server kept it open; otherwise open another.
        if let Some(s) = sender.as_mut()
            && s.ready().await.is_err()
        {
            sender = None;
        }
        if sender.is_none() {
            match connect(&shared).await {
                Ok(s) => {
                    sender = Some(s);
                    tally.connections += 1;
                }
                Err(e) => {
                    tally.error(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let request = hyper::Request::post("/v1/match")
            .header(hyper::header::HOST, shared.authority.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(query.body.clone()));
        let Ok(request) = request else {
            tally.error("could not build a request".into());
            continue;
        };
        let response = match s.send_request(request).await {
            Ok(response) => response,
            Err(e) => {
                sender = None;
                if measured && Instant::now() < shared.end {
                    tally.error(format!("request: {e}"));
                }
                continue;
            }
        };
        let status = response.status().as_u16();
        let closing = response
            .headers()
            .get(hyper::header::CONNECTION)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        let body = match response.into_body().collect().await {
            Ok(body) => body.to_bytes(),
            Err(e) => {
                sender = None;
                if measured {
                    tally.error(format!("response body: {e}"));
                }
                continue;
            }
        };
        if closing {
            sender = None;
        }
        let finished = Instant::now();
        if !measured {
            tally.warmup_requests += 1;
            continue;
        }
        if finished > shared.end {
            break;
        }
        tally
            .latencies
            .push(finished.duration_since(started).as_secs_f64());
        if status == 200 {
            check(&mut tally, &body, query.expected);
        } else {
            tally.non_200 += 1;
            if tally.first_error.is_none() {
                tally.first_error = Some(format!(
                    "status {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
        }
    }
    tally
}

fn main() -> Result<()> {
    let args = Args::parse();
    let authority = args
        .url
        .trim_end_matches('/')
        .strip_prefix("http://")
        .context("--url must be http://HOST:PORT")?
        .to_string();
    let addr: SocketAddr = authority
        .parse()
        .context("--url must name an IP address and port")?;
    if !addr.ip().is_loopback() {
        bail!("this load generator only targets loopback addresses");
    }
    let mut queries = read_queries(&args.queries, args.mode)?;
    let offset = args.offset % queries.len();
    queries.rotate_left(offset);
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()?
    };
    let query_count = queries.len();
    let started = Instant::now();
    let measure_from = started + Duration::from_secs_f64(args.warmup);
    let shared = Arc::new(Shared {
        addr,
        authority,
        queries,
        next: AtomicUsize::new(0),
        max_requests: args.max_requests,
        measure_from,
        end: measure_from + Duration::from_secs_f64(args.seconds),
    });
    let tally = runtime.block_on(async {
        let tasks: Vec<_> = (0..args.concurrency)
            .map(|_| tokio::spawn(client(shared.clone())))
            .collect();
        let mut tally = Tally::default();
        for task in tasks {
            match task.await {
                Ok(t) => tally.merge(t),
                Err(e) => tally.error(format!("client task: {e}")),
            }
        }
        tally
    });
    // The measured window: up to the end, or to the last answer if --max-requests came first.
    let window = (Instant::now().min(shared.end))
        .saturating_duration_since(measure_from)
        .as_secs_f64();
    let mut latencies = tally.latencies;
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| -> Option<f64> {
        if latencies.is_empty() {
            return None;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        Some(latencies[i] * 1e3)
    };
    let requests = latencies.len();
    let ok = requests as u64 - tally.non_200;
    println!(
        "{}",
        serde_json::json!({
            "mode": match args.mode { Mode::Single => "single", Mode::Dihedral => "dihedral" },
            "concurrency": args.concurrency,
            "threads": args.threads,
            "warmup_s": args.warmup,
            "seconds": window,
            "requests": requests,
            "requests_per_second": if window > 0.0 { requests as f64 / window } else { 0.0 },
            "ok_per_second": if window > 0.0 { ok as f64 / window } else { 0.0 },
            "p50_ms": percentile(0.50),
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
            "mean_ms": if requests > 0 { latencies.iter().sum::<f64>() / requests as f64 * 1e3 } else { 0.0 },
            "non_200": tally.non_200,
            "errors": tally.errors,
            "first_error": tally.first_error,
            "responses_with_matches": tally.with_matches,
            "matches": tally.matches,
            "expected_matches": tally.expected,
            "found": tally.found,
            "missed": tally.missed,
            "unexpected": tally.unexpected,
            "unparsable": tally.unparsable,
            "connections_opened": tally.connections,
            "warmup_requests": tally.warmup_requests,
            "queries_in_file": query_count,
        })
    );
    Ok(())
}
