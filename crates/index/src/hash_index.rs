//! The index itself: segments behind an atomically swapped snapshot, inserts into a
//! scanned tail, log-structured merges, removal by id, and queries over all segments.

use crate::memory;
use crate::segment::{Hit, QueryReads, Segment, Words};
use arc_swap::ArcSwap;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use takeback_pdq::{Dihedral, PdqHash};

/// Rows in the scanned tail before it is merged into an indexed segment.
const TAIL_ROWS: usize = 4096;

/// An entry within distance of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    /// The caller's id of the entry.
    pub id: u64,
    /// The entry's hash.
    pub hash: PdqHash,
    /// Its Hamming distance from the query.
    pub distance: u32,
}

/// An entry within distance of one of the eight orientations of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DihedralMatch {
    /// The caller's id of the entry.
    pub id: u64,
    /// The entry's hash.
    pub hash: PdqHash,
    /// Its distance from the closest orientation of the query.
    pub distance: u32,
    /// That orientation: the entry is (close to) the query's picture turned this way.
    pub variant: Dihedral,
}

/// A set of PDQ hashes with ids, searchable by Hamming distance; safe to share between
/// threads (wrap it in an `Arc`), with queries running during inserts and removals.
#[derive(Debug, Default)]
pub struct HashIndex {
    snapshot: ArcSwap<Snapshot>,
    /// Serialises writers; readers never take it.
    writer: Mutex<()>,
}

#[derive(Debug, Default)]
struct Snapshot {
    segments: Vec<Arc<Segment>>,
}

fn words(hash: &PdqHash) -> Words {
    Words(hash.to_words())
}

impl HashIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of these entries, built in one go (faster than inserting them one by one).
    pub fn from_entries(entries: impl IntoIterator<Item = (PdqHash, u64)>) -> Self {
        let index = Self::new();
        index.extend(entries);
        index
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.snapshot.load().segments.iter().map(|s| s.live()).sum()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds an entry. Ids need not be unique: [`HashIndex::remove`] removes every entry
    /// with the id.
    pub fn insert(&self, hash: PdqHash, id: u64) {
        self.extend([(hash, id)]);
    }

    /// Adds entries. Many at once are indexed in one go.
    pub fn extend(&self, entries: impl IntoIterator<Item = (PdqHash, u64)>) {
        let entries = entries.into_iter();
        let expected = entries.size_hint().0;
        let (mut hashes, mut ids) = (memory::large_vec(expected), memory::large_vec(expected));
        for (hash, id) in entries {
            hashes.push(words(&hash));
            ids.push(id);
        }
        if hashes.is_empty() {
            return;
        }
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut segments = self.snapshot.load().segments.clone();
        if hashes.len() >= TAIL_ROWS {
            segments.push(Arc::new(Segment::new(hashes, ids)));
        } else {
            // Copy the tail (at most TAIL_ROWS rows) with the new entries appended.
            let (mut tail_hashes, mut tail_ids) = match segments.last() {
                Some(last) if !last.is_indexed() && last.rows() < TAIL_ROWS => {
                    let entries: (Vec<Words>, Vec<u64>) = last.live_entries().unzip();
                    segments.pop();
                    entries
                }
                _ => (Vec::new(), Vec::new()),
            };
            tail_hashes.extend(hashes);
            tail_ids.extend(ids);
            segments.push(Arc::new(Segment::unindexed(tail_hashes, tail_ids)));
        }
        merge_similar(&mut segments);
        self.snapshot.store(Arc::new(Snapshot { segments }));
    }

    /// Removes every entry with this id; returns how many there were.
    pub fn remove(&self, id: u64) -> usize {
        self.remove_where(|candidate| candidate == id)
    }

    /// Removes every entry whose id is in `ids`, in one pass over the index; returns how
    /// many there were.
    pub fn remove_many(&self, ids: &[u64]) -> usize {
        let ids: HashSet<u64> = ids.iter().copied().collect();
        self.remove_where(|candidate| ids.contains(&candidate))
    }

    fn remove_where(&self, matches: impl Fn(u64) -> bool + Sync) -> usize {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let snapshot = self.snapshot.load();
        let removed = snapshot
            .segments
            .par_iter()
            .map(|segment| segment.remove_where(&matches))
            .sum();
        // Rebuild segments that are mostly holes.
        let mostly_holes = |s: &Segment| s.rows() >= TAIL_ROWS && s.live() < s.rows() / 2;
        if snapshot.segments.iter().any(|s| mostly_holes(s)) {
            let segments = snapshot
                .segments
                .iter()
                .map(|s| {
                    if mostly_holes(s) {
                        Arc::new(rebuild([s]))
                    } else {
                        Arc::clone(s)
                    }
                })
                .collect();
            self.snapshot.store(Arc::new(Snapshot { segments }));
        }
        removed
    }

    /// Merges everything into one segment: the fastest layout for queries, worth it after a
    /// bulk load or many changes.
    pub fn compact(&self) {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let snapshot = self.snapshot.load();
        if snapshot.segments.len() <= 1 {
            return;
        }
        let merged = rebuild(snapshot.segments.iter());
        self.snapshot.store(Arc::new(Snapshot {
            segments: vec![Arc::new(merged)],
        }));
    }

    /// Every entry within `max_distance` of `hash`, closest first (then by id).
    pub fn query(&self, hash: &PdqHash, max_distance: u32) -> Vec<Match> {
        let mut matches = self.query_many(&[words(hash)], max_distance, Segment::query);
        matches.pop().unwrap_or_default()
    }

    /// For each of `queries`, the matches `search` finds in every segment, closest first
    /// (then by id).
    fn query_many(
        &self,
        queries: &[Words],
        max_distance: u32,
        search: impl Fn(&Segment, &[Words], u32, &mut Vec<Hit>),
    ) -> Vec<Vec<Match>> {
        let snapshot = self.snapshot.load();
        let mut hits = Vec::new();
        let mut matches = vec![Vec::new(); queries.len()];
        for segment in &snapshot.segments {
            hits.clear();
            search(segment, queries, max_distance, &mut hits);
            for hit in &hits {
                matches[hit.query as usize].push(to_match(segment, hit));
            }
        }
        for found in &mut matches {
            found.sort_unstable_by_key(|m| (m.distance, m.id, m.hash));
        }
        matches
    }

    /// Every entry within `max_distance` of any of the eight orientations of a picture
    /// (`takeback_pdq::DihedralPdq::hashes`), each once, with the closest orientation (the
    /// first in [`Dihedral::ALL`] order among equally close ones); closest first.
    ///
    /// The eight are searched together, as one batch of probes, which saves each query's
    /// set-up and the stages' start-up; their reads of memory are their own, so this costs
    /// some six to eight single queries.
    pub fn query_dihedral(&self, hashes: &[PdqHash; 8], max_distance: u32) -> Vec<DihedralMatch> {
        let queries = hashes.map(|hash| words(&hash));
        let snapshot = self.snapshot.load();
        let mut hits = Vec::new();
        let mut matches = Vec::new();
        for segment in &snapshot.segments {
            hits.clear();
            segment.query(&queries, max_distance, &mut hits);
            // Each row once, from its closest orientation.
            hits.sort_unstable_by_key(|hit| (hit.row, hit.distance, hit.query));
            hits.dedup_by_key(|hit| hit.row);
            matches.extend(hits.iter().map(|hit| DihedralMatch {
                id: segment.id(hit.row),
                hash: PdqHash::from_words(segment.hash(hit.row).0),
                distance: hit.distance,
                variant: Dihedral::ALL[hit.query as usize],
            }));
        }
        matches.sort_unstable_by_key(|m| (m.distance, m.id, m.hash, m.variant as u8));
        matches
    }

    /// [`HashIndex::query`] for many hashes, spread over all cores; results in the same
    /// order as the queries. Each core searches a few queries at a time together, as
    /// [`HashIndex::query_dihedral`] does the eight orientations.
    pub fn query_batch(&self, hashes: &[PdqHash], max_distance: u32) -> Vec<Vec<Match>> {
        const TOGETHER: usize = 8;
        hashes
            .par_chunks(TOGETHER)
            .flat_map_iter(|chunk| {
                let queries: Vec<Words> = chunk.iter().map(words).collect();
                self.query_many(&queries, max_distance, Segment::query)
            })
            .collect()
    }

    /// How many reads of memory [`HashIndex::query`] makes for `hash`, by kind, summed over
    /// the segments: for benchmarks and capacity planning (a query's time is nearly all
    /// these reads), not for matching. Counting costs more than the query itself.
    pub fn query_reads(&self, hash: &PdqHash, max_distance: u32) -> QueryReads {
        let mut reads = QueryReads::default();
        for segment in &self.snapshot.load().segments {
            reads += segment.reads(&words(hash), max_distance);
        }
        reads
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> Vec<(PdqHash, u64)> {
        let snapshot = self.snapshot.load();
        snapshot
            .segments
            .iter()
            .flat_map(|s| {
                s.live_entries()
                    .map(|(h, id)| (PdqHash::from_words(h.0), id))
            })
            .collect()
    }

    /// Bytes of memory the index holds (hashes, ids, tables and removal bits).
    pub fn memory_bytes(&self) -> usize {
        self.snapshot
            .load()
            .segments
            .iter()
            .map(|s| s.heap_bytes())
            .sum()
    }

    /// A brute-force scan: the oracle the tests compare with, and the baseline the
    /// benchmark measures against.
    pub fn query_by_scan(&self, hash: &PdqHash, max_distance: u32) -> Vec<Match> {
        let mut matches = self.query_many(&[words(hash)], max_distance.min(256), Segment::scan);
        matches.pop().unwrap_or_default()
    }

    /// The number of segments (for tests and diagnostics).
    pub fn segment_count(&self) -> usize {
        self.snapshot.load().segments.len()
    }
}

fn to_match(segment: &Segment, hit: &Hit) -> Match {
    Match {
        id: segment.id(hit.row),
        hash: PdqHash::from_words(segment.hash(hit.row).0),
        distance: hit.distance,
    }
}

/// One segment of the live entries of `segments`.
fn rebuild<'a>(segments: impl IntoIterator<Item = &'a Arc<Segment>> + Clone) -> Segment {
    let live: usize = segments.clone().into_iter().map(|s| s.live()).sum();
    let (mut hashes, mut ids) = (memory::large_vec(live), memory::large_vec(live));
    for (hash, id) in segments.into_iter().flat_map(|s| s.live_entries()) {
        hashes.push(hash);
        ids.push(id);
    }
    if hashes.len() < TAIL_ROWS {
        Segment::unindexed(hashes, ids)
    } else {
        Segment::new(hashes, ids)
    }
}

/// Merges the newest segments while the newest is at least half the size of the one
/// before it, so that sizes grow geometrically from newest to oldest. A tail that is not
/// yet full is left alone.
fn merge_similar(segments: &mut Vec<Arc<Segment>>) {
    while segments.len() >= 2 {
        let last = &segments[segments.len() - 1];
        let before = &segments[segments.len() - 2];
        let tail_filling = !last.is_indexed() && last.rows() < TAIL_ROWS;
        if tail_filling || last.live() * 2 < before.live() {
            break;
        }
        let merged = rebuild(&segments[segments.len() - 2..]);
        segments.truncate(segments.len() - 2);
        segments.push(Arc::new(merged));
    }
}
