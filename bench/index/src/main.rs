//! `index-bench`: the Rust half of Takeback's hash-index benchmark. `bench/index/run` builds
//! it and `driver.py` calls it; `faiss_side.py` is the FAISS half.
//!
//! ```text
//! index-bench generate --kind KIND --size N --queries Q --out DIR [--photo F]... [--unrelated-photo F]...
//! index-bench measure --data DIR [--scan-queries S] [--batch-repeats R] ...   # prints JSON
//! index-bench floor [--bytes B] [--reads N] [--repeats R]                         # prints JSON
//! ```
//!
//! `generate` makes a list of `N` hashes of one kind with `Q` matching and `Q` unrelated
//! queries, finds every query's results by brute force, and writes it all to `DIR` (see
//! `data.rs` for the kinds and the files). Generating once and writing files is what lets
//! the FAISS side see exactly the same list and queries.
//!
//! `measure` reads a data folder and times `takeback_index::HashIndex` on it:
//!
//! * **build**: `HashIndex::from_entries` over the list, ids being row numbers (on the
//!   default rayon pool: all cores), and its `memory_bytes()` (and, as a cross-check, the
//!   growth of the process's resident memory over the build);
//! * **latency**: each query on its own on this thread (`query`, one thread), timed one by
//!   one, matching and unrelated queries separately, after a few untimed warm-up queries;
//! * **batch**: `query_batch` over matching and unrelated queries together, on a rayon pool
//!   of `--threads` threads (2), repeated;
//! * the same for the brute-force `query_by_scan` (the same index), on fewer queries;
//! * every answer is checked against the brute-force truth: results and distances must be
//!   exactly the truth's.
//!
//! * **reads**: for each query, the reads of memory it makes (`HashIndex::query_reads`).
//!
//! It prints every sample (microseconds, seconds) as JSON; the driver computes the statistics.
//!
//! `floor` measures how fast this machine answers random reads of memory (`floor.rs`).

mod data;
mod floor;
mod photos;
mod rng;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;
use takeback_index::{HashIndex, Match};
use takeback_pdq::PdqHash;

use data::{Kind, PhotoSet, Truth};
use photos::Photo;

#[derive(Debug, Parser)]
#[command(about = "Generates the hash-index benchmark's data and times takeback-index on it")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a list, its queries and their brute-force results into a folder.
    Generate {
        #[arg(long, value_enum)]
        kind: Kind,
        /// Entries in the list.
        #[arg(long)]
        size: usize,
        /// Matching queries, and as many unrelated ones.
        #[arg(long, default_value_t = 500)]
        queries: usize,
        /// The match distance (inclusive) for the truth and the realistic matching queries.
        #[arg(long, default_value_t = 31)]
        distance: u32,
        /// A photo the realistic list is made of (repeat; order matters).
        #[arg(long)]
        photo: Vec<PathBuf>,
        /// A photo for realistic queries that should not match (repeat).
        #[arg(long)]
        unrelated_photo: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Time takeback-index on a generated folder; print JSON.
    Measure {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 31)]
        distance: u32,
        /// Queries of each sort timed one by one on the index (default: all).
        #[arg(long)]
        queries: Option<usize>,
        /// Queries of each sort for the brute-force scan (one by one, and in the batch).
        #[arg(long, default_value_t = 100)]
        scan_queries: usize,
        /// Threads for the batch runs.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Timed batch runs on the index.
        #[arg(long, default_value_t = 3)]
        batch_repeats: usize,
        /// Timed batch runs of the scan.
        #[arg(long, default_value_t = 1)]
        scan_batch_repeats: usize,
        /// Untimed queries before timing, of each sort.
        #[arg(long, default_value_t = 20)]
        warmup: usize,
    },
    /// Time random reads of memory, one at a time and many in flight; print JSON.
    Floor {
        /// Bytes of the buffer read (default: about a 10M index's).
        #[arg(long, default_value_t = 1_200_000_000)]
        bytes: usize,
        /// Reads per timed run.
        #[arg(long, default_value_t = 4_000_000)]
        reads: usize,
        /// Timed runs of each kind.
        #[arg(long, default_value_t = 5)]
        repeats: usize,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Generate {
            kind,
            size,
            queries,
            distance,
            photo,
            unrelated_photo,
            out,
        } => generate(
            kind,
            size,
            queries,
            distance,
            &photo,
            &unrelated_photo,
            &out,
        ),
        Command::Measure {
            data,
            distance,
            queries,
            scan_queries,
            threads,
            batch_repeats,
            scan_batch_repeats,
            warmup,
        } => {
            let report = measure(
                &data,
                distance,
                queries,
                Runs {
                    scan_queries,
                    threads,
                    batch_repeats,
                    scan_batch_repeats,
                    warmup,
                },
            )?;
            println!("{report}");
            Ok(())
        }
        Command::Floor {
            bytes,
            reads,
            repeats,
        } => {
            println!("{}", floor::measure(bytes, reads, repeats));
            Ok(())
        }
    }
}

fn generate(
    kind: Kind,
    size: usize,
    queries: usize,
    distance: u32,
    photos: &[PathBuf],
    unrelated_photos: &[PathBuf],
    out: &Path,
) -> Result<()> {
    let photos = if kind == Kind::Realistic {
        let open = |paths: &[PathBuf]| -> Result<Vec<Photo>> {
            paths.iter().map(|p| Photo::open(p)).collect()
        };
        let set = PhotoSet {
            listed: open(photos)?,
            unrelated: open(unrelated_photos)?,
        };
        anyhow::ensure!(
            !set.listed.is_empty() && !set.unrelated.is_empty(),
            "a realistic list needs at least one --photo and one --unrelated-photo"
        );
        Some(set)
    } else {
        None
    };
    let started = Instant::now();
    let dataset = data::generate(kind, size, queries, distance, photos.as_ref())?;
    let generate_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let all = dataset.queries();
    let truth = data::brute_force(&dataset.list, &all, distance);
    let truth_seconds = started.elapsed().as_secs_f64();
    let counts: Vec<usize> = (0..all.len()).map(|q| truth.count(q)).collect();
    let (matching, unrelated) = counts.split_at(dataset.matching.len());
    anyhow::ensure!(
        kind == Kind::Realistic || matching.iter().all(|&c| c > 0),
        "a matching query of a synthetic list has no match"
    );

    // Substring statistics: FAISS's sixteen 16-bit substrings, and takeback-index's
    // ⌊256 / k⌋ parts of k = round(log2(size)) bits, at most 23 (crates/index/src/segment.rs).
    let our_bits = (size as f64).log2().round().clamp(12.0, 23.0) as u32;
    let our_parts = data::index_parts(our_bits);
    let faiss_parts: Vec<(u32, u32)> = (0..16).map(|i| (16 * i, 16)).collect();

    std::fs::create_dir_all(out)?;
    data::write_hashes(&out.join("list.bin"), &dataset.list)?;
    data::write_hashes(&out.join("match.bin"), &dataset.matching)?;
    data::write_hashes(&out.join("unrelated.bin"), &dataset.unrelated)?;
    data::write_truth(out, &truth)?;
    let meta = json!({
        "generator_version": data::GENERATOR_VERSION,
        "kind": kind.name(),
        "size": size,
        "queries": queries,
        "distance": distance,
        "generation": dataset.info,
        "generate_seconds": generate_seconds,
        "truth_seconds": truth_seconds,
        "results_per_query": {
            "match": summary(matching),
            "unrelated": summary(unrelated),
        },
        "bucket_skew": {
            "faiss_16bit": data::bucket_skew(&dataset.list, &faiss_parts, true),
            "takeback_parts_bits": our_bits,
            "takeback_parts": data::bucket_skew(&dataset.list, &our_parts, false),
        },
    });
    // Written last: its presence means the folder is complete.
    std::fs::write(out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
    println!("{meta}");
    Ok(())
}

/// Mean, median, max and the share that are non-zero of result counts.
fn summary(counts: &[usize]) -> Value {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let n = sorted.len().max(1);
    json!({
        "mean": sorted.iter().sum::<usize>() as f64 / n as f64,
        "median": sorted.get(sorted.len() / 2).copied().unwrap_or(0),
        "max": sorted.last().copied().unwrap_or(0),
        "nonzero_share": sorted.iter().filter(|&&c| c > 0).count() as f64 / n as f64,
    })
}

/// How many runs of what.
#[derive(Debug, Clone, Copy)]
struct Runs {
    scan_queries: usize,
    threads: usize,
    batch_repeats: usize,
    scan_batch_repeats: usize,
    warmup: usize,
}

fn measure(dir: &Path, distance: u32, queries: Option<usize>, runs: Runs) -> Result<Value> {
    let meta: Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json"))?)
        .context("reading meta.json")?;
    anyhow::ensure!(
        meta["distance"] == distance,
        "the truth in {} is for another distance",
        dir.display()
    );
    let list = data::read_hashes(&dir.join("list.bin"))?;
    let matching = data::read_hashes(&dir.join("match.bin"))?;
    let unrelated = data::read_hashes(&dir.join("unrelated.bin"))?;
    let truth = data::read_truth(dir)?;
    anyhow::ensure!(truth.lims.len() == matching.len() + unrelated.len() + 1);
    let set = QuerySet {
        matching: &matching,
        unrelated: &unrelated,
        truth: &truth,
    };

    let rss_before = rss_bytes();
    let started = Instant::now();
    let index = HashIndex::from_entries(
        list.iter()
            .enumerate()
            .map(|(row, &hash)| (hash, row as u64)),
    );
    let build_seconds = started.elapsed().as_secs_f64();
    let rss_after = rss_bytes();
    anyhow::ensure!(index.len() == list.len());
    let memory = index.memory_bytes();
    drop(list);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(runs.threads)
        .build()?;
    let n = queries.unwrap_or(matching.len().max(unrelated.len()));
    eprintln!("  takeback-index: built in {build_seconds:.2} s; timing {n} + {n} queries");
    let ours = run_system(
        &set,
        n,
        n,
        runs.batch_repeats,
        runs.warmup,
        |q| index.query(q, distance),
        |qs| pool.install(|| index.query_batch(qs, distance)),
    );
    eprintln!(
        "  takeback-index scan: timing {0} + {0} queries",
        runs.scan_queries
    );
    let scan = run_system(
        &set,
        runs.scan_queries,
        runs.scan_queries,
        runs.scan_batch_repeats,
        runs.warmup.min(3),
        |q| index.query_by_scan(q, distance),
        |qs| {
            pool.install(|| {
                qs.par_iter()
                    .map(|q| index.query_by_scan(q, distance))
                    .collect()
            })
        },
    );
    eprintln!("  takeback-index dihedral: timing {n} + {n} queries of eight hashes");
    let (dihedral, dihedral_check) = time_dihedral(&set, n, runs.warmup, |eight| {
        index
            .query_dihedral(eight, distance)
            .into_iter()
            .map(|m| (m.id as u32, m.distance))
            .collect()
    });
    let mut reads = serde_json::Map::new();
    for (name, queries) in [("match", &matching), ("unrelated", &unrelated)] {
        let counted: Vec<Value> = queries
            .iter()
            .take(n)
            .map(|q| {
                let r = index.query_reads(q, distance);
                json!({
                    "buckets": r.buckets,
                    "slot_lines": r.slot_lines,
                    "spilled_buckets": r.spilled_buckets,
                    "candidates": r.candidates,
                    "distinct_candidates": r.distinct_candidates,
                    "scanned_rows": r.scanned_rows,
                })
            })
            .collect();
        reads.insert(name.into(), Value::Array(counted));
    }
    let mut takeback = ours;
    takeback.insert("reads".into(), Value::Object(reads));
    takeback.insert("dihedral_latency_us".into(), dihedral);
    takeback.insert("dihedral_check".into(), dihedral_check.to_json());
    takeback.insert("build_s".into(), json!(build_seconds));
    takeback.insert("memory_bytes".into(), json!(memory));
    takeback.insert(
        "rss_growth_bytes".into(),
        json!(rss_after.saturating_sub(rss_before)),
    );
    Ok(json!({
        "program": "index-bench",
        "entries": index.len(),
        "segments": index.segment_count(),
        "threads": runs.threads,
        "systems": { "takeback": takeback, "takeback_scan": scan },
    }))
}

/// The queries and their truth.
struct QuerySet<'a> {
    matching: &'a [PdqHash],
    unrelated: &'a [PdqHash],
    truth: &'a Truth,
}

/// Times one way of answering queries: the first `n_match` matching and `n_unrelated`
/// unrelated queries one by one, then all of them as a batch, checking every answer.
fn run_system(
    set: &QuerySet,
    n_match: usize,
    n_unrelated: usize,
    batch_repeats: usize,
    warmup: usize,
    query: impl Fn(&PdqHash) -> Vec<Match>,
    batch: impl Fn(&[PdqHash]) -> Vec<Vec<Match>>,
) -> serde_json::Map<String, Value> {
    let n_match = n_match.min(set.matching.len());
    let n_unrelated = n_unrelated.min(set.unrelated.len());
    let mut check = Check::default();
    // (query, its number in the truth)
    let matching: Vec<(PdqHash, usize)> = set.matching[..n_match]
        .iter()
        .enumerate()
        .map(|(j, &q)| (q, j))
        .collect();
    let unrelated: Vec<(PdqHash, usize)> = set.unrelated[..n_unrelated]
        .iter()
        .enumerate()
        .map(|(j, &q)| (q, set.matching.len() + j))
        .collect();

    let mut latency = serde_json::Map::new();
    for (name, queries) in [("match", &matching), ("unrelated", &unrelated)] {
        for (q, _) in queries.iter().take(warmup) {
            black_box(query(q));
        }
        let mut samples = Vec::with_capacity(queries.len());
        for &(q, t) in queries {
            let started = Instant::now();
            let results = black_box(query(&q));
            samples.push(started.elapsed().as_secs_f64() * 1e6);
            check.add(set.truth, t, &results);
        }
        latency.insert(name.into(), json!(samples));
    }

    let all: Vec<(PdqHash, usize)> = matching.iter().chain(&unrelated).copied().collect();
    let hashes: Vec<PdqHash> = all.iter().map(|&(q, _)| q).collect();
    let mut seconds = Vec::new();
    for repeat in 0..batch_repeats {
        let started = Instant::now();
        let results = black_box(batch(&hashes));
        seconds.push(started.elapsed().as_secs_f64());
        if repeat == 0 {
            for (&(_, t), results) in all.iter().zip(&results) {
                check.add(set.truth, t, results);
            }
        }
    }
    let mut out = serde_json::Map::new();
    out.insert("latency_us".into(), Value::Object(latency));
    out.insert(
        "batch".into(),
        json!({ "queries": hashes.len(), "seconds": seconds }),
    );
    out.insert("check".into(), check.to_json());
    out
}

/// Times `query_dihedral` one call at a time, as a matcher searching a picture's eight
/// orientations calls it: query `t` with seven other queries of the set standing in for its
/// other orientations (the cost does not depend on how the eight are related), checked
/// against the union of the eight's truths, each row at its smallest distance.
fn time_dihedral(
    set: &QuerySet,
    n: usize,
    warmup: usize,
    query: impl Fn(&[PdqHash; 8]) -> Vec<(u32, u32)>,
) -> (Value, Check) {
    let all: Vec<PdqHash> = set.matching.iter().chain(set.unrelated).copied().collect();
    let eight = |t: usize| -> [usize; 8] { std::array::from_fn(|j| (t + j * 61) % all.len()) };
    let mut check = Check::default();
    let mut latency = serde_json::Map::new();
    for (name, first, count) in [
        ("match", 0, n.min(set.matching.len())),
        ("unrelated", set.matching.len(), n.min(set.unrelated.len())),
    ] {
        let members: Vec<[usize; 8]> = (first..first + count).map(eight).collect();
        let hashes: Vec<[PdqHash; 8]> = members.iter().map(|m| m.map(|t| all[t])).collect();
        for h in hashes.iter().take(warmup) {
            black_box(query(h));
        }
        let mut samples = Vec::with_capacity(count);
        for (h, m) in hashes.iter().zip(&members) {
            let started = Instant::now();
            let results = black_box(query(h));
            samples.push(started.elapsed().as_secs_f64() * 1e6);
            let mut expected: Vec<(u32, u32)> = m.iter().flat_map(|&t| set.truth.of(t)).collect();
            expected.sort_unstable();
            expected.dedup_by_key(|e| e.0);
            check.compare(&results, expected);
        }
        latency.insert(name.into(), json!(samples));
    }
    (Value::Object(latency), check)
}

/// Answers compared with the truth.
#[derive(Debug, Default)]
struct Check {
    answers: usize,
    expected: usize,
    found: usize,
    false_positives: usize,
    /// Answers that are not exactly the truth (results or distances).
    inexact: usize,
}

impl Check {
    fn add(&mut self, truth: &Truth, q: usize, results: &[Match]) {
        let got: Vec<(u32, u32)> = results.iter().map(|m| (m.id as u32, m.distance)).collect();
        self.compare(&got, truth.of(q).collect());
    }

    /// `got` as (row, distance), against `expected` sorted by row.
    fn compare(&mut self, got: &[(u32, u32)], expected: Vec<(u32, u32)>) {
        let mut got = got.to_vec();
        got.sort_unstable();
        let (mut i, mut j, mut found) = (0, 0, 0);
        while i < got.len() && j < expected.len() {
            match got[i].0.cmp(&expected[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    found += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        self.answers += 1;
        self.expected += expected.len();
        self.found += found;
        self.false_positives += got.len() - found;
        self.inexact += usize::from(got != expected);
    }

    fn to_json(&self) -> Value {
        json!({
            "answers": self.answers,
            "expected": self.expected,
            "found": self.found,
            "false_positives": self.false_positives,
            "inexact_answers": self.inexact,
        })
    }
}

/// The process's resident memory, from /proc (0 where there is none).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}
