//! The benchmark's data: a list of hashes, queries that match it and queries that don't, and
//! the brute-force truth for every query; generated here once, written to files that both
//! this program and the FAISS side (`faiss_side.py`) read, so both see identical data.
//!
//! Three kinds of list:
//!
//! * **uniform**: independent random 256-bit hashes. Matching queries are list entries with
//!   1 to 16 random bits flipped; the others are fresh random hashes.
//! * **clustered**: [`CLUSTER_SEEDS`] random seeds; each entry is a random seed with 0 to 40
//!   random bits flipped, so every seed has hundreds (1M) or thousands (10M) of
//!   near-duplicates, many within distance 31 of each other, as real lists have. Queries as
//!   for uniform.
//! * **realistic**: PDQ hashes of edited crops of real photos (see `photos.rs`). Matching
//!   queries are other edits of the crop of a random list entry, kept only if within the
//!   distance of that entry (so each has at least one true match); the others are pictures
//!   of photos that are not in the list.
//!
//! Every item comes from its own seeded generator, so the data is identical on every run and
//! machine, and the 1M lists are the first million entries of the 10M lists.
//!
//! Files in a data folder (little-endian):
//!
//! | file | contents |
//! |---|---|
//! | `list.bin` | the list: 32 bytes per hash (`PdqHash::to_bytes`); the id of an entry is its row |
//! | `match.bin`, `unrelated.bin` | the queries, 32 bytes each |
//! | `truth-lims.bin` | u64 per query plus one: query `q`'s results are `lims[q]..lims[q+1]` (matching queries first, then unrelated) |
//! | `truth-rows.bin`, `truth-distances.bin` | u32 row and u8 distance of each result, by row |
//! | `meta.json` | what was generated and how; written last, so its presence means the folder is complete |

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;
use takeback_pdq::PdqHash;

use crate::photos::{Photo, Variant};
use crate::rng::{Rng, stream};

/// Bumped whenever generation changes, so that the driver regenerates cached data.
pub const GENERATOR_VERSION: u32 = 2;

/// Seeds of the clustered lists.
pub const CLUSTER_SEEDS: u64 = 4096;

/// Most bits flipped in a clustered entry, and in a matching query of the synthetic kinds.
const CLUSTER_MAX_FLIPS: u64 = 40;
const QUERY_MAX_FLIPS: u64 = 16;

/// A kind of list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Independent random hashes.
    Uniform,
    /// Near-duplicates of a few thousand random seeds.
    Clustered,
    /// PDQ hashes of edited crops of real photos.
    Realistic,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Uniform => "uniform",
            Kind::Clustered => "clustered",
            Kind::Realistic => "realistic",
        }
    }
}

/// A list and its queries.
#[derive(Debug)]
pub struct Dataset {
    pub list: Vec<PdqHash>,
    pub matching: Vec<PdqHash>,
    pub unrelated: Vec<PdqHash>,
    /// Facts about the generation, for meta.json.
    pub info: Value,
}

impl Dataset {
    /// Every query: the matching ones, then the unrelated ones (the truth's order).
    pub fn queries(&self) -> Vec<PdqHash> {
        [&self.matching[..], &self.unrelated[..]].concat()
    }
}

/// The photos of a realistic list: those the list is made of, and unrelated ones for the
/// queries that should not match.
#[derive(Debug)]
pub struct PhotoSet {
    pub listed: Vec<Photo>,
    pub unrelated: Vec<Photo>,
}

/// Generates a list of `size` entries of `kind`, and `queries` queries of each sort.
pub fn generate(
    kind: Kind,
    size: usize,
    queries: usize,
    max_distance: u32,
    photos: Option<&PhotoSet>,
) -> Result<Dataset> {
    let prefix = kind.name();
    let started = Instant::now();
    match kind {
        Kind::Uniform => {
            let list = par_collect(size, |i| Rng::new(stream("uniform/list"), i).hash());
            let (matching, unrelated) = flipped_and_random_queries(prefix, &list, queries);
            Ok(Dataset {
                list,
                matching,
                unrelated,
                info: json!({ "seconds": started.elapsed().as_secs_f64() }),
            })
        }
        Kind::Clustered => {
            let seeds: Vec<PdqHash> = (0..CLUSTER_SEEDS)
                .map(|s| Rng::new(stream("clustered/seed"), s).hash())
                .collect();
            let list = par_collect(size, |i| {
                let mut rng = Rng::new(stream("clustered/list"), i);
                let seed = seeds[rng.below(CLUSTER_SEEDS) as usize];
                let flips = rng.below(CLUSTER_MAX_FLIPS + 1) as u32;
                rng.flip_bits(seed, flips)
            });
            let (matching, unrelated) = flipped_and_random_queries(prefix, &list, queries);
            Ok(Dataset {
                list,
                matching,
                unrelated,
                info: json!({
                    "seconds": started.elapsed().as_secs_f64(),
                    "seeds": CLUSTER_SEEDS,
                    "max_flips": CLUSTER_MAX_FLIPS,
                }),
            })
        }
        Kind::Realistic => {
            let photos = photos.context("a realistic list needs --photo and --unrelated-photo")?;
            realistic(photos, size, queries, max_distance, started)
        }
    }
}

/// `f(0..n)`, computed in parallel, in order.
fn par_collect(n: usize, f: impl Fn(u64) -> PdqHash + Sync + Send) -> Vec<PdqHash> {
    (0..n as u64).into_par_iter().map(f).collect()
}

/// Matching queries: random entries with 1 to 16 bits flipped; unrelated: random hashes.
fn flipped_and_random_queries(
    prefix: &str,
    list: &[PdqHash],
    queries: usize,
) -> (Vec<PdqHash>, Vec<PdqHash>) {
    let match_stream = stream(&format!("{prefix}/match"));
    let matching = par_collect(queries, |j| {
        let mut rng = Rng::new(match_stream, j);
        let entry = list[rng.below(list.len() as u64) as usize];
        let flips = 1 + rng.below(QUERY_MAX_FLIPS) as u32;
        rng.flip_bits(entry, flips)
    });
    let unrelated_stream = stream(&format!("{prefix}/unrelated"));
    let unrelated = par_collect(queries, |j| Rng::new(unrelated_stream, j).hash());
    (matching, unrelated)
}

const REALISTIC_LIST: u64 = stream("realistic/list");

/// The variant that candidate `i` of the realistic list stream is made of.
fn listed_variant(photos: &PhotoSet, i: u64) -> Variant {
    let mut rng = Rng::new(REALISTIC_LIST, i);
    let photo = rng.below(photos.listed.len() as u64) as usize;
    Variant::random(&photos.listed, photo, &mut rng)
}

fn realistic(
    photos: &PhotoSet,
    size: usize,
    queries: usize,
    max_distance: u32,
    started: Instant,
) -> Result<Dataset> {
    // Candidates are numbered; those of quality below 50 are dropped, and the list is the
    // first `size` kept, in candidate order, whatever the number of threads.
    let mut list = Vec::with_capacity(size);
    let mut sources = Vec::with_capacity(size);
    let mut candidates = 0u64;
    const CHUNK: u64 = 1 << 16;
    while list.len() < size {
        let kept: Vec<(u64, PdqHash)> = (candidates..candidates + CHUNK)
            .into_par_iter()
            .filter_map(|i| {
                listed_variant(photos, i)
                    .hash(&photos.listed)
                    .map(|h| (i, h))
            })
            .collect();
        for (i, hash) in kept {
            if list.len() < size {
                list.push(hash);
                sources.push(i);
            }
        }
        candidates += CHUNK;
        if candidates.is_multiple_of(16 * CHUNK) {
            eprintln!(
                "  realistic: {} of {size} hashes ({:.0} s)",
                list.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let tried = sources.last().map_or(0, |&last| last + 1);
    let list_seconds = started.elapsed().as_secs_f64();

    // Matching queries: another edit of a random entry's picture, within the distance of it.
    let matching: Vec<(PdqHash, u32, u32)> = (0..queries as u64)
        .into_par_iter()
        .map(|j| {
            let mut rng = Rng::new(stream("realistic/match"), j);
            for attempt in 1.. {
                let row = rng.below(size as u64) as usize;
                let base = listed_variant(photos, sources[row]);
                let Some(hash) = base.similar(&mut rng).hash(&photos.listed) else {
                    continue;
                };
                let distance = hash.distance(&list[row]);
                if distance <= max_distance {
                    return (hash, distance, attempt);
                }
            }
            unreachable!("the loop only ends by returning")
        })
        .collect();
    let attempts: u32 = matching.iter().map(|m| m.2).sum();
    let mean_distance =
        matching.iter().map(|m| f64::from(m.1)).sum::<f64>() / matching.len().max(1) as f64;

    // Unrelated queries: pictures of photos that are not in the list.
    let unrelated = par_collect(queries, |j| {
        let mut rng = Rng::new(stream("realistic/unrelated"), j);
        loop {
            let photo = rng.below(photos.unrelated.len() as u64) as usize;
            if let Some(hash) =
                Variant::random(&photos.unrelated, photo, &mut rng).hash(&photos.unrelated)
            {
                return hash;
            }
        }
    });

    let mut per_photo = vec![0usize; photos.listed.len()];
    for &i in &sources {
        let mut rng = Rng::new(REALISTIC_LIST, i);
        per_photo[rng.below(photos.listed.len() as u64) as usize] += 1;
    }
    Ok(Dataset {
        list,
        matching: matching.iter().map(|m| m.0).collect(),
        unrelated,
        info: json!({
            "seconds": started.elapsed().as_secs_f64(),
            "list_seconds": list_seconds,
            "candidates_tried": tried,
            "kept_share": size as f64 / tried.max(1) as f64,
            "listed_photos": photos.listed.iter().zip(&per_photo).map(|(p, n)| json!({
                "name": p.name, "width": p.size().0, "height": p.size().1, "entries": n,
            })).collect::<Vec<_>>(),
            "unrelated_photos": photos.unrelated.iter().map(|p| &p.name).collect::<Vec<_>>(),
            "match_attempts_per_query": f64::from(attempts) / queries.max(1) as f64,
            "match_mean_distance_to_source": mean_distance,
        }),
    })
}

/// The results of every query, by brute force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    /// Query `q`'s results are `rows[lims[q]..lims[q + 1]]`.
    pub lims: Vec<u64>,
    pub rows: Vec<u32>,
    pub distances: Vec<u8>,
}

impl Truth {
    /// Query `q`'s results: (row, distance), by row.
    pub fn of(&self, q: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let range = self.lims[q] as usize..self.lims[q + 1] as usize;
        self.rows[range.clone()]
            .iter()
            .zip(&self.distances[range])
            .map(|(&r, &d)| (r, u32::from(d)))
    }

    /// How many results query `q` has.
    pub fn count(&self, q: usize) -> usize {
        (self.lims[q + 1] - self.lims[q]) as usize
    }
}

/// Every (query, row) within `max_distance`, by comparing every query with every row.
///
/// Deliberately the plainest code there is (it is the oracle), but blocked: each thread takes
/// a run of rows small enough to stay in cache and compares all queries with it, so that
/// ten million rows times a thousand queries take seconds, not minutes.
pub fn brute_force(list: &[PdqHash], queries: &[PdqHash], max_distance: u32) -> Truth {
    const BLOCK: usize = 4096;
    let words: Vec<[u64; 4]> = list.par_iter().map(|h| h.to_words()).collect();
    let query_words: Vec<[u64; 4]> = queries.iter().map(|h| h.to_words()).collect();
    let blocks: Vec<Vec<(u32, u32, u8)>> = words
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, block)| {
            let mut hits = Vec::new();
            for (q, query) in query_words.iter().enumerate() {
                for (k, row) in block.iter().enumerate() {
                    let distance = (row[0] ^ query[0]).count_ones()
                        + (row[1] ^ query[1]).count_ones()
                        + (row[2] ^ query[2]).count_ones()
                        + (row[3] ^ query[3]).count_ones();
                    if distance <= max_distance {
                        hits.push((q as u32, (b * BLOCK + k) as u32, distance as u8));
                    }
                }
            }
            hits
        })
        .collect();
    // Blocks are in row order, so a stable sort by query leaves each query's rows sorted.
    let mut hits: Vec<(u32, u32, u8)> = blocks.into_iter().flatten().collect();
    hits.sort_by_key(|h| h.0);
    let mut lims = vec![0u64; queries.len() + 1];
    for &(q, _, _) in &hits {
        lims[q as usize + 1] += 1;
    }
    for q in 0..queries.len() {
        lims[q + 1] += lims[q];
    }
    Truth {
        lims,
        rows: hits.iter().map(|h| h.1).collect(),
        distances: hits.iter().map(|h| h.2).collect(),
    }
}

/// How crowded the buckets of `bits`-bit substrings are for queries that look like the
/// data: the mean, over the substrings and over the entries, of the size of the entry's own
/// bucket, divided by the mean bucket size of uniform random hashes (`n / 2^bits`). 1.0 for
/// uniform data; 10 means a probe finds ten times the rows it would in uniform data.
///
/// `faiss_order` reads substrings as FAISS's multi-hash index does (16-bit substrings are
/// consecutive byte pairs); otherwise as contiguous bit ranges of the big-endian words, as
/// takeback-index cuts them.
pub fn bucket_skew(list: &[PdqHash], parts: &[(u32, u32)], faiss_order: bool) -> f64 {
    let n = list.len() as f64;
    let skews: Vec<f64> = parts
        .par_iter()
        .map(|&(start, bits)| {
            let mut counts = vec![0u32; 1 << bits];
            for hash in list {
                counts[substring(hash, start, bits, faiss_order) as usize] += 1;
            }
            let sum_squares: f64 = counts.iter().map(|&c| f64::from(c) * f64::from(c)).sum();
            (sum_squares / n) / (n / f64::from(1u32 << bits))
        })
        .collect();
    skews.iter().sum::<f64>() / skews.len() as f64
}

fn substring(hash: &PdqHash, start: u32, bits: u32, faiss_order: bool) -> u64 {
    if faiss_order {
        // Bit k of a FAISS code is bit k % 8 of byte k / 8.
        let bytes = hash.to_bytes();
        let mut value = 0u64;
        for k in 0..bits {
            let bit = start + k;
            value |= u64::from(bytes[(bit / 8) as usize] >> (bit % 8) & 1) << k;
        }
        value
    } else {
        let words = hash.to_words();
        let (word, shift) = ((start / 64) as usize, start % 64);
        let mut value = words[word] >> shift;
        if shift + bits > 64 {
            value |= words[word + 1] << (64 - shift);
        }
        value & ((1u64 << bits) - 1)
    }
}

/// takeback-index's parts: ⌊256 / bits⌋ contiguous ranges of `bits` bits.
pub fn index_parts(bits: u32) -> Vec<(u32, u32)> {
    (0..256 / bits).map(|i| (i * bits, bits)).collect()
}

pub fn write_hashes(path: &Path, hashes: &[PdqHash]) -> Result<()> {
    let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_bytes()).collect();
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub fn read_hashes(path: &Path) -> Result<Vec<PdqHash>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(
        bytes.len() % 32 == 0,
        "{} is not a whole number of hashes",
        path.display()
    );
    Ok(bytes
        .chunks_exact(32)
        .map(|c| PdqHash::from_bytes(c.try_into().expect("chunks of 32")))
        .collect())
}

pub fn write_truth(dir: &Path, truth: &Truth) -> Result<()> {
    let lims: Vec<u8> = truth.lims.iter().flat_map(|x| x.to_le_bytes()).collect();
    let rows: Vec<u8> = truth.rows.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(dir.join("truth-lims.bin"), lims)?;
    std::fs::write(dir.join("truth-rows.bin"), rows)?;
    std::fs::write(dir.join("truth-distances.bin"), &truth.distances)?;
    Ok(())
}

pub fn read_truth(dir: &Path) -> Result<Truth> {
    let lims = std::fs::read(dir.join("truth-lims.bin"))?;
    let rows = std::fs::read(dir.join("truth-rows.bin"))?;
    let distances = std::fs::read(dir.join("truth-distances.bin"))?;
    let truth = Truth {
        lims: lims
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("chunks of 8")))
            .collect(),
        rows: rows
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("chunks of 4")))
            .collect(),
        distances,
    };
    anyhow::ensure!(
        truth.lims.last().copied() == Some(truth.rows.len() as u64)
            && truth.rows.len() == truth.distances.len(),
        "the truth files in {} disagree",
        dir.display()
    );
    Ok(truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brute_force_finds_exactly_the_close_rows() {
        let mut rng = Rng::new(3, 4);
        let list: Vec<PdqHash> = (0..10_000).map(|_| rng.hash()).collect();
        let mut queries: Vec<PdqHash> = (0..20)
            .map(|i| rng.flip_bits(list[i * 37], i as u32))
            .collect();
        queries.push(rng.hash());
        let truth = brute_force(&list, &queries, 12);
        for (q, query) in queries.iter().enumerate() {
            let expected: Vec<(u32, u32)> = list
                .iter()
                .enumerate()
                .filter_map(|(r, h)| {
                    let d = h.distance(query);
                    (d <= 12).then_some((r as u32, d))
                })
                .collect();
            assert_eq!(truth.of(q).collect::<Vec<_>>(), expected, "query {q}");
        }
    }

    #[test]
    fn faiss_substrings_are_byte_pairs() {
        let mut bytes = [0u8; 32];
        bytes[4] = 0x34;
        bytes[5] = 0x12;
        let hash = PdqHash::from_bytes(bytes);
        assert_eq!(substring(&hash, 32, 16, true), 0x1234);
    }
}
