//! An immutable run of entries, searched by multi-index hashing or by a scan, with a bitset
//! of removed rows that can be set while queries run.
//!
//! # Multi-index hashing
//!
//! `m` disjoint contiguous ranges of `k` bits of the hash are its parts. For each part a
//! table lists the rows by the value of that part (see [`Table`]). If a hash is within distance `D` of the query, its part
//! distances add up to at most `D`, so for any thresholds `t_i` with `Σ (t_i + 1) > D`, at
//! least one part `i` is within `t_i` (the generalised pigeonhole principle). A query
//! therefore probes, in each part, every value within `t_i` of the query's part, and
//! checks the full distance of the rows found there. Choosing the `t_i` is the
//! [`Plan`]'s job; a part with `t_i = -1` is not probed at all.
//!
//! A row can sit in the probed buckets of several parts (near-duplicates share most of
//! them), so the rows found are deduplicated once checked.

use crate::memory::{large_vec, prefetch};
use crate::plan::Plan;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A 256-bit hash as four words. Bit `b` is bit `b % 64` of word `b / 64`; the order is
/// this crate's own and only has to be the same everywhere in it.
///
/// Aligned to its size so that a row's hash, read at random by every probe, is one cache
/// line, never two: the allocator aligns large buffers to 16 bytes only, which left every
/// other hash straddling a line boundary, two misses where one was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, align(32))]
pub(crate) struct Words(pub(crate) [u64; 4]);

impl std::ops::Deref for Words {
    type Target = [u64; 4];

    fn deref(&self) -> &[u64; 4] {
        &self.0
    }
}

/// The Hamming distance between two hashes.
#[inline(always)]
pub(crate) fn distance(a: &Words, b: &Words) -> u32 {
    (a[0] ^ b[0]).count_ones()
        + (a[1] ^ b[1]).count_ones()
        + (a[2] ^ b[2]).count_ones()
        + (a[3] ^ b[3]).count_ones()
}

/// A contiguous range of bits of the hash, used as a table key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) start: u32,
    pub(crate) bits: u32,
}

impl Part {
    /// The value of these bits of `hash`.
    #[inline(always)]
    pub(crate) fn key(self, hash: &Words) -> u32 {
        let word = (self.start / 64) as usize;
        let shift = self.start % 64;
        let mut value = hash[word] >> shift;
        if shift + self.bits > 64 {
            value |= hash[word + 1] << (64 - shift);
        }
        (value & ((1u64 << self.bits) - 1)) as u32
    }
}

/// One multi-index table: for each value of its part, the rows with that value.
///
/// Buckets are tiny (one or two rows on average), so the common case is served by one
/// read: `slots[value]` is [`EMPTY`], the one row itself, or [`SPILLED`] with the position
/// in `spill` of the bucket's row count followed by its rows. A layout with offsets into a
/// separate row array would cost the same memory and one more random read per bucket.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) part: Part,
    /// `2^bits` slots, sixteen to a cache line.
    slots: Vec<SlotLine>,
    spill: Vec<u32>,
}

/// Sixteen slots in one 64-byte cache line, aligned to it: the buckets whose keys differ
/// only in their lowest four bits, which the probe's cost model counts as one read. Left
/// to the allocator's 16-byte alignment such a group straddled two lines.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct SlotLine([u32; SLOTS_PER_LINE]);

/// Slots in a [`SlotLine`]; a key's low `log2` of this many bits picks the slot in it.
const SLOTS_PER_LINE: usize = 16;

/// A slot with no rows.
const EMPTY: u32 = u32::MAX;
/// Set in a slot whose rows are in `spill`.
const SPILLED: u32 = 1 << 31;
/// While a table is built: the slot of a bucket whose one row is yet to be placed.
const ONE_TO_COME: u32 = u32::MAX - 1;

impl Table {
    fn build(part: Part, hashes: &[Words]) -> Table {
        // Both passes over the rows are random accesses to arrays far larger than the
        // caches, one cache miss each; looking `AHEAD` rows ahead and asking for their
        // buckets meanwhile keeps many misses in flight instead of one.
        const AHEAD: usize = 16;
        let buckets = 1usize << part.bits;
        let key_at = |row: usize| hashes.get(row).map(|hash| part.key(hash) as usize);
        // Rows per bucket; then, for a spilled bucket, where its next row goes in `spill`.
        let mut counts = large_vec(buckets);
        counts.resize(buckets, 0u32);
        for (row, hash) in hashes.iter().enumerate() {
            if let Some(ahead) = key_at(row + AHEAD) {
                prefetch(&counts[ahead]);
            }
            counts[part.key(hash) as usize] += 1;
        }
        // Lay out the spilled buckets: count, then rows.
        let spill_len: usize = counts
            .iter()
            .filter(|&&count| count >= 2)
            .map(|&count| 1 + count as usize)
            .sum();
        assert!(
            spill_len < (ONE_TO_COME & !SPILLED) as usize,
            "spill area fits in 31 bits"
        );
        let mut spill = large_vec(spill_len);
        spill.resize(spill_len, 0u32);
        // Parts have at least 12 bits, so the buckets fill whole lines.
        debug_assert_eq!(buckets % SLOTS_PER_LINE, 0);
        let mut slots = large_vec(buckets / SLOTS_PER_LINE);
        let mut at = 0usize;
        for counts in counts.chunks_exact_mut(SLOTS_PER_LINE) {
            let mut line = SlotLine([EMPTY; SLOTS_PER_LINE]);
            for (slot, count) in line.0.iter_mut().zip(counts) {
                *slot = match *count {
                    0 => EMPTY,
                    1 => ONE_TO_COME,
                    rows => {
                        spill[at] = rows;
                        let slot = SPILLED | at as u32;
                        *count = at as u32 + 1;
                        at += 1 + rows as usize;
                        slot
                    }
                };
            }
            slots.push(line);
        }
        for (row, hash) in hashes.iter().enumerate() {
            if let Some(ahead) = key_at(row + AHEAD) {
                prefetch(&slots[ahead / SLOTS_PER_LINE]);
                prefetch(&counts[ahead]);
            }
            let key = part.key(hash) as usize;
            let slot = &mut slots[key / SLOTS_PER_LINE].0[key % SLOTS_PER_LINE];
            if *slot == ONE_TO_COME {
                *slot = row as u32;
            } else {
                let next = &mut counts[key];
                spill[*next as usize] = row as u32;
                *next += 1;
            }
        }
        Table { part, slots, spill }
    }

    /// The slot of the bucket of `key`.
    #[inline(always)]
    fn slot(&self, key: u32) -> &u32 {
        let key = key as usize;
        &self.slots[key / SLOTS_PER_LINE].0[key % SLOTS_PER_LINE]
    }

    /// The rows of a spilled bucket.
    #[inline(always)]
    fn spilled(&self, position: u32) -> &[u32] {
        let position = position as usize;
        let count = self.spill[position] as usize;
        &self.spill[position + 1..position + 1 + count]
    }

    fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<SlotLine>() + self.spill.capacity() * 4
    }
}

/// Segments smaller than this are only ever scanned: tables would cost more memory than
/// they save time.
pub(crate) const MIN_INDEXED_ROWS: usize = 8 * 1024;

/// An immutable run of entries (apart from its removal bits).
#[derive(Debug)]
pub(crate) struct Segment {
    hashes: Vec<Words>,
    ids: Vec<u64>,
    /// One bit per row: set once the row is removed.
    removed: Vec<AtomicU64>,
    removed_count: AtomicUsize,
    tables: Vec<Table>,
    /// The plan for each distance 0..=256, chosen on first use.
    plans: Vec<OnceLock<Plan>>,
}

/// A row within distance of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Which of the queries searched together (its position in their slice).
    pub(crate) query: u32,
    pub(crate) row: u32,
    pub(crate) distance: u32,
}

impl Segment {
    /// A segment of these entries, with tables if it is large enough to profit from them.
    pub(crate) fn new(hashes: Vec<Words>, ids: Vec<u64>) -> Segment {
        let tables = match table_parts(hashes.len()) {
            Some(parts) => {
                use rayon::prelude::*;
                parts
                    .into_par_iter()
                    .map(|part| Table::build(part, &hashes))
                    .collect()
            }
            None => Vec::new(),
        };
        Self::with_tables(hashes, ids, tables)
    }

    /// A segment that is only scanned (for small, often rebuilt runs).
    pub(crate) fn unindexed(hashes: Vec<Words>, ids: Vec<u64>) -> Segment {
        Self::with_tables(hashes, ids, Vec::new())
    }

    fn with_tables(hashes: Vec<Words>, ids: Vec<u64>, tables: Vec<Table>) -> Segment {
        assert_eq!(hashes.len(), ids.len());
        // Rows are numbered in 31 bits (see `Table`).
        assert!(
            hashes.len() < (SPILLED - 1) as usize,
            "a segment holds fewer than 2^31 - 1 rows"
        );
        let words = hashes.len().div_ceil(64);
        Segment {
            hashes,
            ids,
            removed: (0..words).map(|_| AtomicU64::new(0)).collect(),
            removed_count: AtomicUsize::new(0),
            tables,
            plans: (0..=256).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Rows, removed ones included.
    pub(crate) fn rows(&self) -> usize {
        self.hashes.len()
    }

    /// Rows not removed.
    pub(crate) fn live(&self) -> usize {
        self.rows() - self.removed_count.load(Ordering::Relaxed)
    }

    pub(crate) fn is_indexed(&self) -> bool {
        !self.tables.is_empty()
    }

    pub(crate) fn hash(&self, row: u32) -> &Words {
        &self.hashes[row as usize]
    }

    pub(crate) fn id(&self, row: u32) -> u64 {
        self.ids[row as usize]
    }

    #[inline(always)]
    pub(crate) fn is_removed(&self, row: u32) -> bool {
        let row = row as usize;
        self.removed[row / 64].load(Ordering::Acquire) >> (row % 64) & 1 == 1
    }

    /// Marks every live row with an id in `ids` removed; returns how many.
    pub(crate) fn remove_where(&self, ids: impl Fn(u64) -> bool) -> usize {
        let mut count = 0;
        for (row, &id) in self.ids.iter().enumerate() {
            if ids(id) {
                let bit = 1u64 << (row % 64);
                let before = self.removed[row / 64].fetch_or(bit, Ordering::AcqRel);
                if before & bit == 0 {
                    count += 1;
                }
            }
        }
        self.removed_count.fetch_add(count, Ordering::Relaxed);
        count
    }

    /// The live entries, in row order.
    pub(crate) fn live_entries(&self) -> impl Iterator<Item = (Words, u64)> + '_ {
        (0..self.rows() as u32)
            .filter(|&row| !self.is_removed(row))
            .map(|row| (self.hashes[row as usize], self.ids[row as usize]))
    }

    /// Bytes of heap memory held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.hashes.capacity() * 32
            + self.ids.capacity() * 8
            + self.removed.capacity() * 8
            + self.tables.iter().map(Table::heap_bytes).sum::<usize>()
    }

    /// The plan for a query at `max_distance`: chosen from the tables' parts and the
    /// rows (an unindexed segment is always scanned).
    fn plan(&self, max_distance: u32) -> Plan {
        if !self.is_indexed() {
            return Plan::Scan;
        }
        let part_bits: Vec<u32> = self.tables.iter().map(|t| t.part.bits).collect();
        Plan::choose(&part_bits, self.rows(), max_distance)
    }

    /// Appends every live row within `max_distance` of each of `queries` to `hits`, each
    /// (query, row) once. Searching several queries together (the eight orientations of a
    /// picture, say) costs less than searching them one by one: a scan reads each row once
    /// for all of them, and probing pauses once per stage rather than once per query.
    pub(crate) fn query(&self, queries: &[Words], max_distance: u32, hits: &mut Vec<Hit>) {
        // Every hash is within 256 of every other.
        let max_distance = max_distance.min(256);
        let plan = self.plans[max_distance as usize].get_or_init(|| self.plan(max_distance));
        match plan {
            Plan::Scan => self.scan(queries, max_distance, hits),
            Plan::Probe(thresholds) => self.probe(queries, max_distance, thresholds, hits),
        }
    }

    /// Every row, checked against every query.
    pub(crate) fn scan(&self, queries: &[Words], max_distance: u32, hits: &mut Vec<Hit>) {
        for (row, hash) in self.hashes.iter().enumerate() {
            for (query, words) in queries.iter().enumerate() {
                let d = distance(hash, words);
                if d <= max_distance && !self.is_removed(row as u32) {
                    hits.push(Hit {
                        query: query as u32,
                        row: row as u32,
                        distance: d,
                    });
                }
            }
        }
    }

    /// Multi-index probing with part thresholds `thresholds` (see the module docs).
    ///
    /// A query is some 6,000 random reads of memory at 10 million rows, and nearly all of
    /// its time is waiting for them. So the work is done in stages over all probes of all
    /// queries at once (slots, then the rows of larger buckets, then candidate hashes), each
    /// stage a stream of independent reads with the ones `LOOKAHEAD` ahead prefetched: the
    /// processor keeps many misses in flight, where probe by probe it would wait on a chain
    /// of dependent misses in turn. Nothing in a stage's loop branches on what it read.
    fn probe(&self, queries: &[Words], max_distance: u32, thresholds: &[i32], hits: &mut Vec<Hit>) {
        debug_assert!(self.tables.len() < 256 && queries.len() < 1 << 24);
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                keys,
                spilled,
                candidates,
                seen,
            } = scratch;
            // The buckets to visit: (query << 8 | table, key).
            keys.clear();
            for (q, query) in queries.iter().enumerate() {
                for (i, table) in self.tables.iter().enumerate() {
                    let Ok(radius) = u32::try_from(thresholds[i]) else {
                        continue;
                    };
                    let key = table.part.key(query);
                    let tag = (q as u32) << 8 | i as u32;
                    for_each_mask(table.part.bits, radius, |mask| keys.push((tag, key ^ mask)));
                }
            }
            // Their slots: most hold nothing or the bucket's one row. Written without
            // branches: a slot's kind is random, and a mispredicted branch for every other
            // slot costs more than the stores.
            candidates.clear();
            candidates.resize(keys.len(), (0, 0));
            spilled.clear();
            spilled.resize(keys.len(), (0, 0));
            let (mut ones, mut larger) = (0, 0);
            for (k, &(tag, key)) in keys.iter().enumerate() {
                if let Some(&(ahead, ahead_key)) = keys.get(k + LOOKAHEAD) {
                    prefetch(self.tables[(ahead & 0xff) as usize].slot(ahead_key));
                }
                let slot = *self.tables[(tag & 0xff) as usize].slot(key);
                let one = slot & SPILLED == 0;
                candidates[ones] = (tag >> 8, slot);
                ones += usize::from(one);
                spilled[larger] = (tag, slot & !SPILLED);
                larger += usize::from(!one & (slot != EMPTY));
            }
            candidates.truncate(ones);
            spilled.truncate(larger);
            // The rows of larger buckets.
            for (k, &(tag, position)) in spilled.iter().enumerate() {
                if let Some(&(ahead, ahead_position)) = spilled.get(k + LOOKAHEAD) {
                    prefetch(&self.tables[(ahead & 0xff) as usize].spill[ahead_position as usize]);
                }
                let rows = self.tables[(tag & 0xff) as usize].spilled(position);
                candidates.extend(rows.iter().map(|&row| (tag >> 8, row)));
            }
            // A row found in several buckets (near-duplicates share most parts) need be read
            // only once. Where buckets are crowded (clusters of near-duplicates), repeats are
            // many and a set in cache saves reads; where they are not, repeats are rare and
            // the set over every row found would cost more than it saves, so repeats are read
            // again, from cache, and only the few hits go through the set.
            let crowded = candidates.len() > CROWDED * keys.len();
            if crowded {
                dedup(candidates, |&pair| pair, queries.len(), self.rows(), seen);
            }
            // Their distances.
            let first = hits.len();
            for (k, &(query, row)) in candidates.iter().enumerate() {
                if let Some(&(_, ahead)) = candidates.get(k + LOOKAHEAD) {
                    prefetch(&self.hashes[ahead as usize]);
                }
                let d = distance(&self.hashes[row as usize], &queries[query as usize]);
                if d <= max_distance && !self.is_removed(row) {
                    hits.push(Hit {
                        query,
                        row,
                        distance: d,
                    });
                }
            }
            if !crowded {
                let mut found = hits.split_off(first);
                let pair = |hit: &Hit| (hit.query, hit.row);
                dedup(&mut found, pair, queries.len(), self.rows(), seen);
                hits.append(&mut found);
            }
        });
    }
}

impl Segment {
    /// The reads of memory that [`Segment::query`] makes for `query` alone, counted
    /// rather than timed: what a query's time is made of (see [`QueryReads`]).
    pub(crate) fn reads(&self, query: &Words, max_distance: u32) -> QueryReads {
        let max_distance = max_distance.min(256);
        let plan = self.plans[max_distance as usize].get_or_init(|| self.plan(max_distance));
        let Plan::Probe(thresholds) = plan else {
            return QueryReads {
                scanned_rows: self.rows(),
                ..QueryReads::default()
            };
        };
        let mut reads = QueryReads::default();
        let mut lines = HashSet::new();
        let mut rows: HashSet<u32> = HashSet::new();
        for (i, table) in self.tables.iter().enumerate() {
            let Ok(radius) = u32::try_from(thresholds[i]) else {
                continue;
            };
            let key = table.part.key(query);
            for_each_mask(table.part.bits, radius, |mask| {
                let bucket = key ^ mask;
                let slot = table.slot(bucket);
                reads.buckets += 1;
                // Sixteen four-byte slots share a 64-byte line.
                lines.insert((i, bucket as usize / SLOTS_PER_LINE));
                if *slot == EMPTY {
                    return;
                }
                let found = if *slot & SPILLED == 0 {
                    std::slice::from_ref(slot)
                } else {
                    reads.spilled_buckets += 1;
                    table.spilled(*slot & !SPILLED)
                };
                reads.candidates += found.len();
                rows.extend(found);
            });
        }
        reads.slot_lines = lines.len();
        reads.distinct_candidates = rows.len();
        reads
    }
}

/// The reads of memory one query makes, by kind, counted by [`crate::HashIndex::query_reads`].
///
/// Nearly all of a query's time is waiting for reads of memory that miss the caches, one
/// 64-byte line each: a slot line, a spilled bucket and a candidate's hash each cost one
/// (a bucket's slot shares its line with fifteen others, so `slot_lines` counts lines,
/// not buckets). Times the time one such read takes when many are in flight, that is a
/// floor under the query's time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryReads {
    /// Buckets visited.
    pub buckets: usize,
    /// Distinct 64-byte lines of slots read.
    pub slot_lines: usize,
    /// Buckets of two rows or more, whose rows are read from the spill area.
    pub spilled_buckets: usize,
    /// Rows found in the buckets, a row found in several counted each time.
    pub candidates: usize,
    /// Distinct rows found: the hashes read, where repeats are taken out first.
    pub distinct_candidates: usize,
    /// Rows of segments scanned in order instead (small ones): read at memory bandwidth.
    pub scanned_rows: usize,
}

impl std::ops::AddAssign for QueryReads {
    fn add_assign(&mut self, other: QueryReads) {
        self.buckets += other.buckets;
        self.slot_lines += other.slot_lines;
        self.spilled_buckets += other.spilled_buckets;
        self.candidates += other.candidates;
        self.distinct_candidates += other.distinct_candidates;
        self.scanned_rows += other.scanned_rows;
    }
}

/// How many reads ahead to prefetch: enough to cover a memory latency.
const LOOKAHEAD: usize = 16;

/// Per-thread buffers for [`Segment::probe`], kept between queries.
#[derive(Default)]
struct Scratch {
    /// (query << 8 | table, key) of each bucket to visit.
    keys: Vec<(u32, u32)>,
    /// (query << 8 | table, position in its spill area) of each bucket of two rows or more.
    spilled: Vec<(u32, u32)>,
    /// (query, row) of each row found.
    candidates: Vec<(u32, u32)>,
    /// The set of (query, row) met, for [`dedup`].
    seen: Seen,
}

/// Rows found per bucket visited above which a probe removes repeated rows before reading
/// their hashes. A uniform list has about 1.2, a list of clusters of near-duplicates many more.
const CROWDED: usize = 2;

/// Open-addressing sets of (query, row) pairs, for [`dedup`]: packed into 32 bits when the
/// numbers of queries and rows allow it (nearly always), which halves the set and keeps more
/// of it near the core, else into 64.
#[derive(Default)]
struct Seen {
    narrow: Vec<u32>,
    wide: Vec<u64>,
}

/// Removes the items of `found` whose (query, row) repeats an earlier one's, keeping the
/// first of each in order. `queries` and `rows` bound the pairs; `seen` is scratch.
fn dedup<T>(
    found: &mut Vec<T>,
    pair: impl Fn(&T) -> (u32, u32),
    queries: usize,
    rows: usize,
    seen: &mut Seen,
) {
    let row_bits = usize::BITS - rows.leading_zeros();
    let query_bits = usize::BITS - queries.saturating_sub(1).leading_zeros();
    // Under 32 bits in all, so no pair packs to u32::MAX, the free mark.
    if row_bits + query_bits < u32::BITS {
        let key = |item: &T| {
            let (query, row) = pair(item);
            query << row_bits | row
        };
        retain_first(found, key, &mut seen.narrow);
    } else {
        let key = |item: &T| {
            let (query, row) = pair(item);
            u64::from(query) << 32 | u64::from(row)
        };
        retain_first(found, key, &mut seen.wide);
    }
}

/// A key of a [`Seen`] set.
trait SeenKey: Copy + Eq {
    /// The mark of a free place, never a key.
    const FREE: Self;
    /// Fibonacci hashing: the top bits of the product spread consecutive rows.
    fn spread(self) -> u64;
}

impl SeenKey for u32 {
    const FREE: u32 = u32::MAX;
    fn spread(self) -> u64 {
        u64::from(self).spread()
    }
}

impl SeenKey for u64 {
    const FREE: u64 = u64::MAX;
    fn spread(self) -> u64 {
        self.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

/// Keeps the first item of each key, in order, with `seen` as the set of keys met.
fn retain_first<T, K: SeenKey>(found: &mut Vec<T>, key: impl Fn(&T) -> K, seen: &mut Vec<K>) {
    let capacity = (found.len() * 2).next_power_of_two().max(64);
    seen.clear();
    seen.resize(capacity, K::FREE);
    let shift = 64 - capacity.trailing_zeros();
    found.retain(|item| {
        let key = key(item);
        let mut slot = (key.spread() >> shift) as usize;
        loop {
            let held = seen[slot];
            if held == K::FREE {
                seen[slot] = key;
                return true;
            }
            if held == key {
                return false;
            }
            slot = (slot + 1) & (capacity - 1);
        }
    });
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The parts to build tables for, for a segment of `rows` rows; `None` if it should only
/// be scanned.
///
/// Parts of `k ≈ log2(rows)` bits put one or two rows in an average bucket. Each table
/// costs `4 × 2^k` bytes of offsets plus 4 bytes a row, and a query's work is about
/// `2 × probes + candidates` random reads; tabulating that for the radii a distance of 31
/// needs shows a shallow optimum at `k ≈ log2(rows)`, up to 23 bits: beyond that there are
/// too few tables (ten of 24 bits) and some must be probed at radius 3. At 10 million rows
/// that is 11 tables of 23 bits, about 120 bytes a row in all. `⌊256 / k⌋` parts of `k`
/// bits leave up to `k - 1` bits in no table, which is fine: part distances add up to at
/// most the full distance whether or not every bit is in a part.
pub(crate) fn table_parts(rows: usize) -> Option<Vec<Part>> {
    if rows < MIN_INDEXED_ROWS {
        return None;
    }
    let bits = (rows as f64).log2().round().clamp(12.0, 23.0) as u32;
    Some(
        (0..256 / bits)
            .map(|i| Part {
                start: i * bits,
                bits,
            })
            .collect(),
    )
}

/// Calls `f` with every `bits`-bit mask of at most `radius` set bits.
#[inline(always)]
pub(crate) fn for_each_mask(bits: u32, radius: u32, mut f: impl FnMut(u32)) {
    f(0);
    // One and two ones, the radii distance 31 needs, by plain loops: Gosper's hack below
    // divides once per mask, which costs more than the rest of a probe's bookkeeping.
    if radius >= 1 {
        for i in 0..bits {
            f(1 << i);
        }
    }
    if radius >= 2 {
        for i in 1..bits {
            for j in 0..i {
                f(1 << i | 1 << j);
            }
        }
    }
    let limit = 1u64 << bits;
    for ones in 3..=radius.min(bits) {
        // Gosper's hack: the next larger number with the same number of ones.
        let mut mask = (1u64 << ones) - 1;
        while mask < limit {
            f(mask as u32);
            let lowest = mask & mask.wrapping_neg();
            let ripple = mask + lowest;
            mask = (((ripple ^ mask) >> 2) / lowest) | ripple;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::mask_count;

    proptest::proptest! {
        #[test]
        fn dedup_keeps_the_first_of_each_in_order(
            found in proptest::collection::vec((0u32..3, 0u32..50), 0..300),
            // Rows and queries small (pairs in 32 bits) and large (in 64).
            wide in proptest::bool::ANY,
        ) {
            let mut expected = Vec::new();
            for &pair in &found {
                if !expected.contains(&pair) {
                    expected.push(pair);
                }
            }
            let (queries, rows) = if wide { (3, 1 << 31) } else { (3, 50) };
            let mut actual = found.clone();
            dedup(&mut actual, |&pair| pair, queries, rows, &mut Seen::default());
            proptest::prop_assert_eq!(actual, expected);
        }
    }

    #[test]
    fn dedup_packs_the_largest_pairs_apart() {
        // The last query and row of a segment just under 2^29 rows with 4 queries: 31 bits.
        let rows = (1 << 29) - 1;
        let mut found = vec![
            (3, rows as u32 - 1),
            (3, rows as u32 - 2),
            (3, rows as u32 - 1),
        ];
        let mut seen = Seen::default();
        dedup(&mut found, |&pair| pair, 4, rows, &mut seen);
        assert_eq!(found, [(3, rows as u32 - 1), (3, rows as u32 - 2)]);
        assert!(seen.wide.is_empty(), "packed in 32 bits");
    }

    #[test]
    fn a_hash_and_a_line_of_slots_each_sit_in_one_cache_line() {
        // The probe's reads are counted as one cache miss each; that holds only if no
        // hash or group of sixteen slots can straddle two 64-byte lines.
        assert_eq!(std::mem::size_of::<Words>(), 32);
        assert_eq!(std::mem::align_of::<Words>(), 32);
        assert_eq!(std::mem::size_of::<SlotLine>(), 64);
        assert_eq!(std::mem::align_of::<SlotLine>(), 64);
        let hashes: Vec<Words> = (0..MIN_INDEXED_ROWS as u64)
            .map(|i| Words([i.wrapping_mul(0x9e37_79b9_7f4a_7c15), i, !i, i << 7]))
            .collect();
        let segment = Segment::new(hashes, (0..MIN_INDEXED_ROWS as u64).collect());
        assert_eq!(segment.hashes.as_ptr() as usize % 32, 0);
        for table in &segment.tables {
            assert_eq!(table.slots.as_ptr() as usize % 64, 0);
        }
    }

    #[test]
    fn masks_are_every_combination_once() {
        for bits in [1, 4, 12, 21] {
            for radius in 0..=3 {
                let mut seen = std::collections::HashSet::new();
                for_each_mask(bits, radius, |m| {
                    assert!(m.count_ones() <= radius && u64::from(m) < 1u64 << bits);
                    assert!(seen.insert(m));
                });
                assert_eq!(
                    seen.len() as f64,
                    mask_count(bits, radius),
                    "{bits} {radius}"
                );
            }
        }
    }

    #[test]
    fn parts_are_disjoint_and_keys_read_them() {
        for rows in [MIN_INDEXED_ROWS, 100_000, 1 << 20, 10_000_000, 1 << 30] {
            let parts = table_parts(rows).unwrap();
            let mut end = 0;
            for part in &parts {
                assert!(part.start >= end && part.bits <= 23, "{rows}: {part:?}");
                end = part.start + part.bits;
            }
            assert!(end <= 256 && end > 256 - 23, "{rows}: {parts:?}");
            let mut hash = Words::default();
            for part in &parts {
                // Set exactly the part's lowest and highest bit.
                for b in [part.start, part.start + part.bits - 1] {
                    hash.0[(b / 64) as usize] |= 1 << (b % 64);
                }
                let key = part.key(&hash);
                assert_eq!(key, 1 | (1 << (part.bits - 1)), "{part:?}");
                hash = Words::default();
            }
        }
    }
}
