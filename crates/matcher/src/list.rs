//! One source's list in memory: PDQ entries in a `takeback-index` index, MD5 and SHA-256
//! entries in hash maps, videos with their distinct frame hashes in a second index, all
//! keyed by the hotline's entry id.

use crate::types::{ListChange, ListEntry, ListMatch, ListedHash, PdqQuery, QueryHashes};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError, RwLock};
use takeback_index::HashIndex;
use takeback_pdq::{Dihedral, PdqHash};
use takeback_vpdq::{MatchRule, VideoFingerprint};
use takeback_wire::matching::VideoMatch;
use takeback_wire::{Algorithm, ChangeOp, Md5Digest, Sha256Digest};

/// A match of entry `id` of list `source`.
fn found(
    source: &str,
    id: i64,
    hash: ListedHash,
    verified: bool,
    distance: u32,
    variant: Option<Dihedral>,
) -> ListMatch {
    ListMatch {
        source: source.to_owned(),
        id,
        algorithm: hash.algorithm(),
        hash: hash.to_hex(),
        distance,
        verified,
        variant: variant.map(|v| v.name().into()),
        video: None,
    }
}

/// Largest entry id a list may hold: the index keys entries by `id << 1 | verified`, so
/// that a PDQ match needs no second lookup to say whether it was verified.
pub(crate) const MAX_ENTRY_ID: i64 = i64::MAX >> 1;

fn index_key(id: i64, verified: bool) -> u64 {
    ((id as u64) << 1) | u64::from(verified)
}

fn from_index_key(key: u64) -> (i64, bool) {
    ((key >> 1) as i64, key & 1 == 1)
}

/// A video's rows in the frames index: each distinct frame hash once, keyed as its entry.
fn frame_rows(entry: &ListEntry) -> Vec<(PdqHash, u64)> {
    let Some(video) = &entry.video else {
        return Vec::new();
    };
    let key = index_key(entry.id, entry.verified);
    video
        .distinct_hashes(0)
        .into_iter()
        .map(|hash| (hash, key))
        .collect()
}

/// Builds a [`SourceList`] from entries of distinct ids, as a snapshot gives them: in one
/// go at the end, faster than applying them as changes.
#[derive(Debug, Default)]
pub(crate) struct ListBuilder {
    pdq: Vec<(PdqHash, u64)>,
    pdq_ids: Vec<i64>,
    frames: Vec<(PdqHash, u64)>,
    exact: ExactEntries,
    videos: HashMap<i64, ListEntry>,
}

impl ListBuilder {
    /// A builder expecting about `entries` entries (only a hint).
    pub(crate) fn with_capacity(entries: usize) -> Self {
        ListBuilder {
            pdq: Vec::with_capacity(entries),
            pdq_ids: Vec::with_capacity(entries),
            ..ListBuilder::default()
        }
    }

    /// Adds an entry; its id must not have been pushed before.
    pub(crate) fn push(&mut self, entry: ListEntry) {
        let id = entry.id;
        if entry.video.is_some() {
            self.frames.extend(frame_rows(&entry));
            self.videos.insert(id, entry);
            return;
        }
        match entry.hash {
            ListedHash::Pdq(hash) => {
                self.pdq_ids.push(id);
                self.pdq.push((hash, index_key(id, entry.verified)));
            }
            other => self.exact.insert(id, other, entry.verified),
        }
    }

    /// The list, its indexes built (on all cores).
    pub(crate) fn finish(self) -> SourceList {
        let ListBuilder {
            pdq,
            pdq_ids,
            frames,
            exact,
            videos,
        } = self;
        let list = SourceList {
            exact: RwLock::new(exact),
            videos: RwLock::new(videos),
            ..SourceList::default()
        };
        // The id set goes up on one core while the index's tables take the others.
        let ((), ids) = rayon::join(
            || {
                list.pdq.extend(pdq);
                list.frames.extend(frames);
                list.compact();
            },
            || pdq_ids.into_iter().collect::<IdSet>(),
        );
        *list.pdq_ids.lock().unwrap_or_else(PoisonError::into_inner) = ids;
        list
    }
}

/// Entry ids; the hotline's, signed, so a fast hasher will do (hashing ten million ids
/// with std's hasher took a second).
type IdSet = rustc_hash::FxHashSet<i64>;

/// A list as one source last gave it. Queries run while changes are applied: within a
/// page, removals land before additions, so an entry replaced (re-listed as verified, say)
/// can be missing from a query made in that moment; a page as a whole is not atomic.
#[derive(Debug, Default)]
pub(crate) struct SourceList {
    pdq: HashIndex,
    exact: RwLock<ExactEntries>,
    /// Ids of the PDQ entries (their hashes live in the index); the writer's alone.
    pdq_ids: Mutex<IdSet>,
    /// Listed videos' distinct frame hashes, keyed as PDQ entries are: where a picture
    /// finds a video it is a frame of, and a video the listed videos it shares frames with.
    frames: HashIndex,
    /// Listed videos by id, with their frames.
    videos: RwLock<HashMap<i64, ListEntry>>,
}

#[derive(Debug, Default)]
struct ExactEntries {
    md5: HashMap<Md5Digest, Vec<(i64, bool)>>,
    sha256: HashMap<Sha256Digest, Vec<(i64, bool)>>,
    by_id: HashMap<i64, ListedHash>,
}

impl ExactEntries {
    fn insert(&mut self, id: i64, hash: ListedHash, verified: bool) {
        match hash {
            ListedHash::Md5(value) => self.md5.entry(value).or_default().push((id, verified)),
            ListedHash::Sha256(value) => {
                self.sha256.entry(value).or_default().push((id, verified));
            }
            ListedHash::Pdq(_) => return,
        }
        self.by_id.insert(id, hash);
    }

    fn remove(&mut self, id: i64) {
        fn drop_id<K: std::hash::Hash + Eq>(
            map: &mut HashMap<K, Vec<(i64, bool)>>,
            key: K,
            id: i64,
        ) {
            if let Some(ids) = map.get_mut(&key) {
                ids.retain(|(other, _)| *other != id);
                if ids.is_empty() {
                    map.remove(&key);
                }
            }
        }
        match self.by_id.remove(&id) {
            Some(ListedHash::Md5(value)) => drop_id(&mut self.md5, value, id),
            Some(ListedHash::Sha256(value)) => drop_id(&mut self.sha256, value, id),
            Some(ListedHash::Pdq(_)) | None => {}
        }
    }
}

impl SourceList {
    /// A list holding `entries`, built in one go.
    pub(crate) fn from_entries(entries: impl IntoIterator<Item = ListEntry>) -> Self {
        // A repeated id replaces the earlier entry, as in the feed: a stable sort keeps
        // repeats in order, and the last of each is kept.
        let mut entries: Vec<ListEntry> = entries.into_iter().collect();
        entries.sort_by_key(|entry| entry.id);
        let mut builder = ListBuilder::with_capacity(entries.len());
        let mut entries = entries.into_iter().peekable();
        while let Some(entry) = entries.next() {
            if entries.peek().is_none_or(|next| next.id != entry.id) {
                builder.push(entry);
            }
        }
        builder.finish()
    }

    /// Applies changes in order: `add` inserts or replaces the entry with its id, `remove`
    /// deletes it.
    pub(crate) fn apply(&self, changes: &[ListChange]) {
        let mut pdq_ids = self.pdq_ids.lock().unwrap_or_else(PoisonError::into_inner);
        let mut exact = self.exact.write().unwrap_or_else(PoisonError::into_inner);
        let mut videos = self.videos.write().unwrap_or_else(PoisonError::into_inner);
        // Index additions wait until the page's removals are done, so that one pass over
        // an index removes them all; an id changed twice in the page is settled here first.
        let mut pending = HashMap::new();
        let mut pending_frames: HashMap<i64, Vec<(PdqHash, u64)>> = HashMap::new();
        let mut removals = Vec::new();
        let mut frame_removals = Vec::new();
        for change in changes {
            let id = change.entry.id;
            if pending.remove(&id).is_some() {
                pdq_ids.remove(&id);
            } else if pdq_ids.remove(&id) {
                removals.extend([index_key(id, false), index_key(id, true)]);
            }
            exact.remove(id);
            let was_pending = pending_frames.remove(&id).is_some();
            if videos.remove(&id).is_some() && !was_pending {
                frame_removals.extend([index_key(id, false), index_key(id, true)]);
            }
            if change.op == ChangeOp::Add {
                if change.entry.video.is_some() {
                    pending_frames.insert(id, frame_rows(&change.entry));
                    videos.insert(id, change.entry.clone());
                    continue;
                }
                match change.entry.hash {
                    ListedHash::Pdq(hash) => {
                        pending.insert(id, (hash, index_key(id, change.entry.verified)));
                        pdq_ids.insert(id);
                    }
                    other => exact.insert(id, other, change.entry.verified),
                }
            }
        }
        drop(exact);
        drop(videos);
        if !removals.is_empty() {
            self.pdq.remove_many(&removals);
        }
        self.pdq.extend(pending.into_values());
        if !frame_removals.is_empty() {
            self.frames.remove_many(&frame_removals);
        }
        self.frames.extend(pending_frames.into_values().flatten());
    }

    /// Entries on the list.
    pub(crate) fn len(&self) -> usize {
        let exact = self
            .exact
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_id
            .len();
        let videos = self
            .videos
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        self.pdq.len() + exact + videos
    }

    /// Whether the entry is on the list.
    pub(crate) fn contains(&self, id: i64) -> bool {
        self.pdq_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&id)
            || self
                .exact
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .by_id
                .contains_key(&id)
            || self
                .videos
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(&id)
    }

    /// Every entry, PDQ first (in no particular order).
    pub(crate) fn entries(&self) -> Vec<ListEntry> {
        let mut entries: Vec<ListEntry> = self
            .pdq
            .entries()
            .into_iter()
            .map(|(hash, key)| {
                let (id, verified) = from_index_key(key);
                ListEntry::hash(id, ListedHash::Pdq(hash), verified)
            })
            .collect();
        let exact = self.exact.read().unwrap_or_else(PoisonError::into_inner);
        for (value, ids) in &exact.md5 {
            entries.extend(
                ids.iter()
                    .map(|&(id, verified)| ListEntry::hash(id, ListedHash::Md5(*value), verified)),
            );
        }
        for (value, ids) in &exact.sha256 {
            entries.extend(
                ids.iter().map(|&(id, verified)| {
                    ListEntry::hash(id, ListedHash::Sha256(*value), verified)
                }),
            );
        }
        drop(exact);
        let videos = self.videos.read().unwrap_or_else(PoisonError::into_inner);
        entries.extend(videos.values().cloned());
        entries
    }

    /// Merges the indexes' segments: the fastest layout for queries, after a bulk load.
    pub(crate) fn compact(&self) {
        self.pdq.compact();
        self.frames.compact();
    }

    /// The entries matching a picture's `query`, each once, closest first, appended to
    /// `out`: exact matches, PDQ entries, then videos one of whose frames of at least
    /// `frame_floor` quality the picture is within `max_distance` of (frame matches).
    pub(crate) fn find(
        &self,
        source: &str,
        query: &QueryHashes,
        max_distance: u32,
        frame_floor: u8,
        out: &mut Vec<ListMatch>,
    ) {
        let start = out.len();
        let pdq_match = |id_key: u64, hash, distance, variant: Option<Dihedral>| {
            let (id, verified) = from_index_key(id_key);
            let variant = variant.filter(|v| *v != Dihedral::Original);
            found(
                source,
                id,
                ListedHash::Pdq(hash),
                verified,
                distance,
                variant,
            )
        };
        match &query.pdq {
            Some(PdqQuery::One(hash)) => {
                out.extend(
                    self.pdq
                        .query(hash, max_distance)
                        .into_iter()
                        .map(|m| pdq_match(m.id, m.hash, m.distance, None)),
                );
                let hits = self.frames.query(hash, max_distance);
                self.frame_matches(
                    source,
                    hits.into_iter().map(|m| (m.id, m.hash, m.distance, None)),
                    frame_floor,
                    out,
                );
            }
            Some(PdqQuery::Dihedral(hashes)) => {
                out.extend(
                    self.pdq
                        .query_dihedral(hashes, max_distance)
                        .into_iter()
                        .map(|m| pdq_match(m.id, m.hash, m.distance, Some(m.variant))),
                );
                let hits = self.frames.query_dihedral(hashes, max_distance);
                self.frame_matches(
                    source,
                    hits.into_iter()
                        .map(|m| (m.id, m.hash, m.distance, Some(m.variant))),
                    frame_floor,
                    out,
                );
            }
            None => {}
        }
        if query.md5.is_none() && query.sha256.is_none() {
            return;
        }
        let exact = self.exact.read().unwrap_or_else(PoisonError::into_inner);
        let mut exact_matches = Vec::new();
        if let Some(value) = &query.md5
            && let Some(ids) = exact.md5.get(value)
        {
            exact_matches.extend(ids.iter().map(|&(id, verified)| {
                found(source, id, ListedHash::Md5(*value), verified, 0, None)
            }));
        }
        if let Some(value) = &query.sha256
            && let Some(ids) = exact.sha256.get(value)
        {
            exact_matches.extend(ids.iter().map(|&(id, verified)| {
                found(source, id, ListedHash::Sha256(*value), verified, 0, None)
            }));
        }
        drop(exact);
        // Exact matches come first: distance 0, and the strongest evidence.
        out.splice(start..start, exact_matches);
    }

    /// Frame matches from hits in the frames index (closest first): each video once, at
    /// its closest frame of at least `frame_floor` quality.
    fn frame_matches(
        &self,
        source: &str,
        hits: impl Iterator<Item = (u64, PdqHash, u32, Option<Dihedral>)>,
        frame_floor: u8,
        out: &mut Vec<ListMatch>,
    ) {
        let videos = self.videos.read().unwrap_or_else(PoisonError::into_inner);
        let mut seen = HashSet::new();
        for (key, hash, distance, variant) in hits {
            let (id, verified) = from_index_key(key);
            if seen.contains(&id) {
                continue;
            }
            let Some(video) = videos.get(&id).and_then(|entry| entry.video.as_ref()) else {
                continue;
            };
            // The frame's best quality: the same hash can recur in a still scene.
            let Some(frame) = video
                .frames
                .iter()
                .filter(|frame| frame.hash == hash && frame.quality >= frame_floor)
                .max_by_key(|frame| frame.quality)
            else {
                continue;
            };
            seen.insert(id);
            out.push(ListMatch {
                source: source.to_owned(),
                id,
                algorithm: Algorithm::Vpdq,
                hash: hash.to_hex(),
                distance,
                verified,
                variant: variant
                    .filter(|v| *v != Dihedral::Original)
                    .map(|v| v.name().into()),
                video: Some(VideoMatch::Frame {
                    timestamp: frame.timestamp,
                }),
            });
        }
    }

    /// The listed videos that `query` (a video's frames) matches by `rule`, appended to
    /// `out` with the larger query share first. Only videos sharing at least one frame
    /// (within the rule's distance) with the query are compared, so a rule with both
    /// thresholds at 0 still needs one frame in common.
    pub(crate) fn find_video(
        &self,
        source: &str,
        query: &VideoFingerprint,
        rule: &MatchRule,
        out: &mut Vec<ListMatch>,
    ) {
        let distinct = query.distinct_hashes(rule.min_quality);
        if distinct.is_empty() {
            return;
        }
        // Each candidate's closest frame.
        let mut candidates: HashMap<i64, u32> = HashMap::new();
        for hits in self.frames.query_batch(&distinct, rule.max_distance) {
            for hit in hits {
                let (id, _) = from_index_key(hit.id);
                let closest = candidates.entry(id).or_insert(hit.distance);
                *closest = (*closest).min(hit.distance);
            }
        }
        let videos = self.videos.read().unwrap_or_else(PoisonError::into_inner);
        let mut matched = Vec::new();
        for (id, distance) in candidates {
            let Some(entry) = videos.get(&id) else {
                continue;
            };
            let Some(listed) = &entry.video else {
                continue;
            };
            let comparison = rule.compare(query, listed);
            if comparison.is_match {
                matched.push(ListMatch {
                    source: source.to_owned(),
                    id,
                    algorithm: Algorithm::Vpdq,
                    hash: entry.hash.to_hex(),
                    distance,
                    verified: entry.verified,
                    variant: None,
                    video: Some(VideoMatch::Video {
                        query_share: comparison.query_share,
                        listed_share: comparison.listed_share,
                    }),
                });
            }
        }
        drop(videos);
        let shares = |m: &ListMatch| match m.video {
            Some(VideoMatch::Video {
                query_share,
                listed_share,
            }) => (query_share, listed_share),
            _ => (0.0, 0.0),
        };
        matched.sort_by(|a, b| {
            shares(b)
                .partial_cmp(&shares(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.distance.cmp(&b.distance))
                .then(a.id.cmp(&b.id))
        });
        out.extend(matched);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use takeback_pdq::PdqHash;

    fn pdq(seed: u8) -> PdqHash {
        PdqHash::from_bytes([seed; 32])
    }

    fn add(id: i64, hash: ListedHash) -> ListChange {
        ListChange {
            op: ChangeOp::Add,
            entry: ListEntry {
                id,
                hash,
                verified: id % 2 == 0,
                video: None,
            },
        }
    }

    fn remove(id: i64) -> ListChange {
        ListChange {
            op: ChangeOp::Remove,
            entry: ListEntry {
                id,
                hash: ListedHash::Md5(Md5Digest([0; 16])),
                verified: false,
                video: None,
            },
        }
    }

    fn ids(list: &SourceList) -> Vec<i64> {
        let mut ids: Vec<i64> = list.entries().iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn changes_in_one_page_settle_in_order() {
        let list = SourceList::default();
        list.apply(&[
            add(1, ListedHash::Pdq(pdq(1))),
            add(2, ListedHash::Md5(Md5Digest([2; 16]))),
            add(3, ListedHash::Pdq(pdq(3))),
            remove(3),
            add(4, ListedHash::Pdq(pdq(4))),
            add(4, ListedHash::Sha256(Sha256Digest([4; 32]))),
        ]);
        assert_eq!(ids(&list), [1, 2, 4]);
        list.apply(&[
            add(1, ListedHash::Pdq(pdq(9))),
            remove(2),
            add(3, ListedHash::Pdq(pdq(3))),
        ]);
        assert_eq!(ids(&list), [1, 3, 4]);
        let query = QueryHashes {
            pdq: Some(PdqQuery::One(pdq(1))),
            ..QueryHashes::default()
        };
        let mut found = Vec::new();
        list.find("h", &query, 31, 0, &mut found);
        assert!(found.is_empty(), "entry 1 was replaced: {found:?}");
        let query = QueryHashes {
            pdq: Some(PdqQuery::One(pdq(9))),
            sha256: Some(Sha256Digest([4; 32])),
            ..QueryHashes::default()
        };
        list.find("h", &query, 31, 0, &mut found);
        let found: Vec<(i64, bool)> = found.iter().map(|m| (m.id, m.verified)).collect();
        assert_eq!(found, [(4, true), (1, false)]);
        assert_eq!(list.len(), 3);
    }

    fn video(id: i64, verified: bool, frames: &[(PdqHash, u8)]) -> ListEntry {
        ListEntry {
            id,
            hash: ListedHash::Sha256(Sha256Digest([id as u8; 32])),
            verified,
            video: Some(std::sync::Arc::new(VideoFingerprint {
                frames: (0..)
                    .zip(frames)
                    .map(|(n, &(hash, quality))| takeback_vpdq::VpdqFrame {
                        frame: n,
                        hash,
                        quality,
                        timestamp: n as f64,
                    })
                    .collect(),
            })),
        }
    }

    fn add_entry(entry: ListEntry) -> ListChange {
        ListChange {
            op: ChangeOp::Add,
            entry,
        }
    }

    /// `hash` with its first `bits` bits flipped.
    fn flipped(hash: PdqHash, bits: u32) -> PdqHash {
        let mut bytes = hash.to_bytes();
        for bit in 0..bits as usize {
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        PdqHash::from_bytes(bytes)
    }

    fn spread(seed: u8) -> PdqHash {
        // Far apart from one another: each byte a different pattern.
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = seed
                .wrapping_mul(73)
                .wrapping_add(i as u8)
                .wrapping_mul(151)
                ^ seed;
        }
        PdqHash::from_bytes(bytes)
    }

    #[test]
    fn videos_are_added_replaced_and_removed_with_their_frames() {
        let list = SourceList::default();
        let a = [(spread(1), 90), (spread(2), 90)];
        let b = [(spread(3), 90)];
        list.apply(&[
            add_entry(video(1, false, &a)),
            add(2, ListedHash::Pdq(spread(9))),
            add_entry(video(3, true, &b)),
        ]);
        assert_eq!((list.len(), ids(&list)), (3, vec![1, 2, 3]));
        let picture = |hash| QueryHashes {
            pdq: Some(PdqQuery::One(hash)),
            ..QueryHashes::default()
        };
        let mut found = Vec::new();
        list.find("h", &picture(flipped(spread(2), 5)), 31, 50, &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].id, found[0].distance), (1, 5));
        assert_eq!(found[0].algorithm, Algorithm::Vpdq);
        assert_eq!(found[0].video, Some(VideoMatch::Frame { timestamp: 1.0 }));
        // Under the floor, a frame is not matched.
        found.clear();
        list.find("h", &picture(spread(2)), 31, 95, &mut found);
        assert!(found.is_empty(), "{found:?}");

        // Re-listed as verified with other frames; then removed.
        list.apply(&[add_entry(video(1, true, &b))]);
        found.clear();
        list.find("h", &picture(spread(2)), 31, 50, &mut found);
        assert!(found.is_empty(), "the old frames are gone: {found:?}");
        let query = VideoFingerprint {
            frames: video(0, false, &b).video.expect("frames").frames.clone(),
        };
        found.clear();
        list.find_video("h", &query, &MatchRule::default(), &mut found);
        let ids_found: Vec<(i64, bool)> = found.iter().map(|m| (m.id, m.verified)).collect();
        assert_eq!(ids_found, [(1, true), (3, true)]);
        list.apply(&[remove(1), remove(3)]);
        found.clear();
        list.find_video("h", &query, &MatchRule::default(), &mut found);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(ids(&list), [2]);
        assert!(!list.contains(1) && list.contains(2));
    }

    /// Hashes near a few far-apart bases, so that some are within distance and some not.
    fn near_hash() -> impl Strategy<Value = (PdqHash, u8)> {
        (0u8..4, 0u32..60, prop::sample::select(vec![30u8, 60, 100]))
            .prop_map(|(base, bits, quality)| (flipped(spread(base), bits), quality))
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The index finds exactly what comparing the query with every listed video by
        /// the rule finds (videos sharing no frame within the distance aside).
        #[test]
        fn find_video_is_brute_force_by_the_rule(
            listed in prop::collection::vec(prop::collection::vec(near_hash(), 1..6), 0..8),
            query in prop::collection::vec(near_hash(), 1..6),
            query_threshold in prop::sample::select(vec![0.0, 0.3, 0.8, 1.0]),
            listed_threshold in prop::sample::select(vec![0.2, 0.5, 1.0]),
        ) {
            let rule = MatchRule { query_threshold, listed_threshold, ..MatchRule::default() };
            let entries: Vec<ListEntry> = (1..)
                .zip(&listed)
                .map(|(id, frames)| video(id, id % 2 == 0, frames))
                .collect();
            let list = SourceList::from_entries(entries.clone());
            let query = VideoFingerprint {
                frames: video(0, false, &query).video.expect("frames").frames.clone(),
            };
            let mut found = Vec::new();
            list.find_video("h", &query, &rule, &mut found);
            let mut found: Vec<i64> = found.iter().map(|m| m.id).collect();
            found.sort_unstable();
            let expected: Vec<i64> = entries
                .iter()
                .filter(|e| rule.compare(&query, e.video.as_ref().expect("video")).is_match)
                .map(|e| e.id)
                .collect();
            prop_assert_eq!(found, expected);
        }

        /// A picture matches each video once, at the closest of its frames of at least
        /// the floor, as comparing it with every frame does.
        #[test]
        fn frame_matches_are_brute_force(
            listed in prop::collection::vec(prop::collection::vec(near_hash(), 1..6), 0..8),
            (picture, _) in near_hash(),
        ) {
            let entries: Vec<ListEntry> = (1..)
                .zip(&listed)
                .map(|(id, frames)| video(id, false, frames))
                .collect();
            let list = SourceList::from_entries(entries.clone());
            let query = QueryHashes { pdq: Some(PdqQuery::One(picture)), ..QueryHashes::default() };
            let mut found = Vec::new();
            list.find("h", &query, 31, 50, &mut found);
            let mut found: Vec<(i64, u32)> = found.iter().map(|m| (m.id, m.distance)).collect();
            found.sort_unstable();
            let expected: Vec<(i64, u32)> = entries
                .iter()
                .filter_map(|e| {
                    let closest = e.video.as_ref().expect("video").frames.iter()
                        .filter(|f| f.quality >= 50)
                        .map(|f| f.hash.distance(&picture))
                        .filter(|&d| d <= 31)
                        .min()?;
                    Some((e.id, closest))
                })
                .collect();
            prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn index_keys_round_trip() {
        for (id, verified) in [(1, true), (7, false), (MAX_ENTRY_ID, true)] {
            assert_eq!(from_index_key(index_key(id, verified)), (id, verified));
        }
    }
}
