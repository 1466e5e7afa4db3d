//! The index against a brute-force model: random sequences of bulk loads, inserts,
//! removals, compactions and queries, on uniformly random and on clustered hashes (a few
//! seeds and many near-duplicates of each, as real lists have). Every query must return
//! exactly the model's answer.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use takeback_index::{HashIndex, Match};
use takeback_pdq::{Dihedral, PdqHash};
use takeback_testimages::SplitMix64;

/// Deterministic data from a seed, so that a shrunk failure replays exactly.
struct Rng(SplitMix64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.below(n as usize) as u64
    }

    fn hash(&mut self) -> PdqHash {
        PdqHash::from_words([self.next(), self.next(), self.next(), self.next()])
    }

    /// `hash` with `flips` random bits flipped (some may flip back).
    fn near(&mut self, hash: PdqHash, flips: u32) -> PdqHash {
        let mut words = hash.to_words();
        for _ in 0..flips {
            let bit = self.below(256) as usize;
            words[bit / 64] ^= 1 << (bit % 64);
        }
        PdqHash::from_words(words)
    }
}

/// Where the hashes come from.
#[derive(Debug, Clone, Copy)]
enum Data {
    Uniform,
    /// Near-duplicates (0 to 40 bits away) of this many seeds.
    Clustered(u64),
}

struct Source {
    rng: Rng,
    seeds: Vec<PdqHash>,
}

impl Source {
    fn new(data: Data, seed: u64) -> Source {
        let mut rng = Rng(SplitMix64(seed));
        let seeds = match data {
            Data::Uniform => Vec::new(),
            Data::Clustered(n) => (0..n).map(|_| rng.hash()).collect(),
        };
        Source { rng, seeds }
    }

    fn hash(&mut self) -> PdqHash {
        if self.seeds.is_empty() {
            self.rng.hash()
        } else {
            let seed = self.seeds[self.rng.below(self.seeds.len() as u64) as usize];
            let flips = self.rng.below(41) as u32;
            self.rng.near(seed, flips)
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Add this many entries in one call.
    Extend(usize),
    /// Add one entry.
    Insert,
    /// Remove the id of the entry at this fraction of the model (or an unknown id).
    Remove(prop::sample::Index),
    Compact,
    /// Query near an entry (`Some`), or a fresh hash, at this distance.
    Query(Option<prop::sample::Index>, u32, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let distance = prop_oneof![
        Just(0u32),
        Just(1),
        Just(8),
        Just(16),
        Just(31),
        Just(32),
        Just(47),
        Just(63),
        Just(64),
        Just(100),
        Just(256),
        0u32..300,
    ];
    prop_oneof![
        2 => (1usize..20_000).prop_map(Op::Extend),
        4 => Just(Op::Insert),
        3 => any::<prop::sample::Index>().prop_map(Op::Remove),
        1 => Just(Op::Compact),
        8 => (proptest::option::of(any::<prop::sample::Index>()), 0u32..40, distance)
            .prop_map(|(near, flips, d)| Op::Query(near, flips, d)),
    ]
}

fn data() -> impl Strategy<Value = Data> {
    prop_oneof![Just(Data::Uniform), (1u64..30).prop_map(Data::Clustered)]
}

fn model_query(model: &[(PdqHash, u64)], query: &PdqHash, max_distance: u32) -> Vec<Match> {
    let mut matches: Vec<Match> = model
        .iter()
        .map(|&(hash, id)| Match {
            id,
            hash,
            distance: hash.distance(query),
        })
        .filter(|m| m.distance <= max_distance)
        .collect();
    matches.sort_unstable_by_key(|m| (m.distance, m.id, m.hash));
    matches
}

fn run(data: Data, seed: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut source = Source::new(data, seed);
    let index = HashIndex::new();
    let mut model: Vec<(PdqHash, u64)> = Vec::new();
    let mut next_id = 0u64;
    let mut new_entry = |source: &mut Source| {
        next_id += 1;
        // A few ids repeat, which remove must handle.
        let id = if next_id.is_multiple_of(97) {
            next_id - 1
        } else {
            next_id
        };
        (source.hash(), id)
    };
    for op in ops {
        match op {
            Op::Extend(n) => {
                let entries: Vec<_> = (0..*n).map(|_| new_entry(&mut source)).collect();
                index.extend(entries.iter().copied());
                model.extend(entries);
            }
            Op::Insert => {
                let (hash, id) = new_entry(&mut source);
                index.insert(hash, id);
                model.push((hash, id));
            }
            Op::Remove(at) => {
                let id = if model.is_empty() {
                    u64::MAX
                } else {
                    model[at.index(model.len())].1
                };
                let expected = model.iter().filter(|e| e.1 == id).count();
                model.retain(|e| e.1 != id);
                prop_assert_eq!(index.remove(id), expected);
            }
            Op::Compact => index.compact(),
            Op::Query(near, flips, max_distance) => {
                let query = match near {
                    Some(at) if !model.is_empty() => {
                        let base = model[at.index(model.len())].0;
                        source.rng.near(base, *flips)
                    }
                    _ => source.hash(),
                };
                let expected = model_query(&model, &query, *max_distance);
                let actual = index.query(&query, *max_distance);
                prop_assert_eq!(
                    actual.len(),
                    expected.len(),
                    "query at distance {} over {} entries in {} segments",
                    max_distance,
                    model.len(),
                    index.segment_count()
                );
                prop_assert_eq!(actual, expected);
            }
        }
        prop_assert_eq!(index.len(), model.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_query_equals_brute_force(
        data in data(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        run(data, seed, &ops)?;
    }

    #[test]
    fn dihedral_queries_equal_brute_force_over_all_eight(
        data in data(), seed in any::<u64>(), count in 0usize..30_000, max_distance in 0u32..70,
    ) {
        let mut source = Source::new(data, seed);
        let entries: Vec<(PdqHash, u64)> = (0..count as u64).map(|id| (source.hash(), id)).collect();
        let index = HashIndex::from_entries(entries.iter().copied());
        let base = match entries.first() { Some(e) => e.0, None => source.hash() };
        let variants: [PdqHash; 8] = std::array::from_fn(|i| source.rng.near(base, 6 * i as u32));
        let actual = index.query_dihedral(&variants, max_distance);
        let mut expected: Vec<(u32, u64, PdqHash, u8)> = entries
            .iter()
            .filter_map(|&(hash, id)| {
                let (variant, distance) = variants
                    .iter()
                    .enumerate()
                    .map(|(v, q)| (v, hash.distance(q)))
                    .min_by_key(|&(v, d)| (d, v))?;
                (distance <= max_distance).then_some((distance, id, hash, variant as u8))
            })
            .collect();
        expected.sort_unstable();
        let actual: Vec<(u32, u64, PdqHash, u8)> =
            actual.iter().map(|m| (m.distance, m.id, m.hash, m.variant as u8)).collect();
        prop_assert_eq!(actual, expected);
    }

    #[test]
    fn batches_equal_brute_force_query_by_query(
        data in data(), seed in any::<u64>(), count in 0usize..30_000, queries in 0usize..20,
        max_distance in 0u32..70,
    ) {
        // Searched a few at a time together: each query's answer must still be its own.
        let mut source = Source::new(data, seed);
        let entries: Vec<(PdqHash, u64)> = (0..count as u64).map(|id| (source.hash(), id)).collect();
        let index = HashIndex::from_entries(entries.iter().copied());
        let queries: Vec<PdqHash> = (0..queries)
            .map(|q| match entries.get(q * 7 % count.max(1)) {
                Some(&(hash, _)) if q % 2 == 0 => source.rng.near(hash, q as u32),
                _ => source.hash(),
            })
            .collect();
        let batch = index.query_batch(&queries, max_distance);
        prop_assert_eq!(batch.len(), queries.len());
        for (query, result) in queries.iter().zip(batch) {
            prop_assert_eq!(result, model_query(&entries, query, max_distance));
        }
    }
}

#[test]
fn large_clustered_list_at_the_usual_distances() {
    // Big enough for the widest tables this machine's tests can afford.
    let mut source = Source::new(Data::Clustered(200), 7);
    let entries: Vec<(PdqHash, u64)> = (0..300_000).map(|id| (source.hash(), id)).collect();
    let index = HashIndex::from_entries(entries.iter().copied());
    for d in [0, 10, 31, 45, 63] {
        for _ in 0..5 {
            let query = source.hash();
            assert_eq!(
                index.query(&query, d),
                model_query(&entries, &query, d),
                "d={d}"
            );
        }
    }
    let queries: Vec<PdqHash> = (0..20).map(|_| source.hash()).collect();
    let batch = index.query_batch(&queries, 31);
    for (query, result) in queries.iter().zip(batch) {
        assert_eq!(result, model_query(&entries, query, 31));
    }
}

#[test]
fn a_query_finds_its_own_dihedral_variant() {
    let mut rng = Rng(SplitMix64(3));
    let hashes: [PdqHash; 8] = std::array::from_fn(|_| rng.hash());
    let index = HashIndex::from_entries([(hashes[5], 42)]);
    let found = index.query_dihedral(&hashes, 0);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id, found[0].variant), (42, Dihedral::FlipY));
}

/// The counted reads account for every match: each is among the rows found in the buckets
/// visited, and the counts hold together (lines of slots at most the buckets, and so on).
#[test]
fn counted_reads_cover_every_match() {
    let mut source = Source::new(Data::Clustered(40), 7);
    let entries: Vec<(PdqHash, u64)> = (0..30_000).map(|id| (source.hash(), id)).collect();
    let index = HashIndex::from_entries(entries.iter().copied());
    for (hash, _) in entries.iter().step_by(997) {
        let reads = index.query_reads(hash, 31);
        let matches = index.query(hash, 31);
        assert!(reads.distinct_candidates >= matches.len(), "{reads:?}");
        assert!(reads.candidates >= reads.distinct_candidates);
        assert!(reads.slot_lines <= reads.buckets && reads.spilled_buckets <= reads.buckets);
        assert!(
            reads.buckets > 0 && reads.scanned_rows < entries.len(),
            "{reads:?}"
        );
    }
    // A list too small for tables is scanned, every row.
    let small = HashIndex::from_entries(entries[..100].iter().copied());
    let reads = small.query_reads(&entries[0].0, 31);
    assert_eq!((reads.scanned_rows, reads.buckets), (100, 0));
}
