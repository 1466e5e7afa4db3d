//! Rough timing: `cargo run --release -p takeback-index --example probe -- N`.
use std::time::Instant;
use takeback_index::HashIndex;
use takeback_pdq::PdqHash;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut state = 1u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let entries: Vec<(PdqHash, u64)> = (0..n as u64)
        .map(|id| (PdqHash::from_words([next(), next(), next(), next()]), id))
        .collect();
    let t = Instant::now();
    let index = HashIndex::from_entries(entries.iter().copied());
    println!(
        "build {n}: {:.2} s, {:.1} bytes/entry",
        t.elapsed().as_secs_f64(),
        index.memory_bytes() as f64 / n as f64
    );
    let queries: Vec<PdqHash> = (0..200)
        .map(|_| PdqHash::from_words([next(), next(), next(), next()]))
        .collect();
    if std::env::var_os("ONLY31").is_some() {
        let t = Instant::now();
        for _ in 0..20 {
            for q in &queries {
                std::hint::black_box(index.query(q, 31));
            }
        }
        println!(
            "4000 queries: {:.1} us each",
            t.elapsed().as_secs_f64() * 1e6 / 4000.0
        );
        return;
    }
    for d in [0u32, 8, 16, 31, 48, 63] {
        let mut times: Vec<f64> = queries
            .iter()
            .map(|q| {
                let t = Instant::now();
                std::hint::black_box(index.query(q, d));
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "d={d}: median {:.1} us, p99 {:.1} us",
            times[100], times[198]
        );
    }
    let mut times: Vec<f64> = queries
        .iter()
        .take(20)
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(index.query_by_scan(q, 31));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("scan: median {:.1} us", times[10]);
}
