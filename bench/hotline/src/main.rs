//! Load generator for the hotline: many concurrent clients send reports (three fingerprints
//! of one picture and a URL, as the reporter page does) until a request count or a time
//! limit is reached, and it prints throughput and latency percentiles as JSON.
//!
//! Only 201 counts as accepted: the hotline answers 201 once the report is committed.

use anyhow::{Context, Result};
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
struct Args {
    /// The hotline's base URL, such as http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// Stop after this many requests.
    #[arg(long, default_value_t = 20_000)]
    requests: u64,
    /// ... or after this many seconds, whichever comes first.
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seed for the fingerprints, so runs against one database do not repeat them.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// A distinct, deterministic 64-hex-digit string per number.
fn hex64(mut state: u64) -> String {
    let mut out = String::with_capacity(64);
    for _ in 0..4 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    out
}

fn report(n: u64) -> Vec<u8> {
    let pdq = hex64(n.wrapping_mul(3));
    let sha = hex64(n.wrapping_mul(3) + 1);
    let md5 = &hex64(n.wrapping_mul(3) + 2)[..32];
    serde_json::to_vec(&serde_json::json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "pdq", "value": pdq, "quality": 90},
            {"algorithm": "md5", "value": md5},
            {"algorithm": "sha256", "value": sha},
        ],
        "urls": [format!("https://example.com/post/{n}")],
        "under_18": true,
        "consent_to_share": true,
    }))
    .unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.concurrency)
        .build_http();
    let uri: hyper::Uri = format!("{}/api/v1/reports", args.url.trim_end_matches('/'))
        .parse()
        .context("bad --url")?;
    let issued = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    let started = Instant::now();

    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, uri, issued) = (client.clone(), uri.clone(), issued.clone());
        let (limit, seed) = (args.requests, args.seed);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= limit || Instant::now() >= deadline {
                    break;
                }
                let body = report(seed.wrapping_mul(1 << 40).wrapping_add(n));
                let request = hyper::Request::post(uri.clone())
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body)));
                let Ok(request) = request else {
                    failures += 1;
                    continue;
                };
                let sent = Instant::now();
                match client.request(request).await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.into_body().collect().await;
                        if status == 201 {
                            latencies.push(sent.elapsed().as_secs_f64());
                        } else {
                            failures += 1;
                        }
                    }
                    Err(_) => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await?;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i] * 1e3
    };
    println!(
        "{}",
        serde_json::json!({
            "accepted": latencies.len(),
            "failed": failures,
            "seconds": elapsed,
            "reports_per_second": latencies.len() as f64 / elapsed,
            "p50_ms": percentile(0.50),
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
            "concurrency": args.concurrency,
        })
    );
    Ok(())
}
