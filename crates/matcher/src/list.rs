//! One source's list in memory: PDQ entries in a `takeback-index` index, MD5 and SHA-256
//! entries in hash maps, all keyed by the hotline's entry id.

use crate::types::{ListChange, ListEntry, ListMatch, ListedHash, PdqQuery, QueryHashes};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError, RwLock};
use takeback_index::HashIndex;
use takeback_pdq::Dihedral;
use takeback_wire::{ChangeOp, Md5Digest, Sha256Digest};

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

/// A list as one source last gave it. Queries run while changes are applied: within a
/// page, removals land before additions, so an entry replaced (re-listed as verified, say)
/// can be missing from a query made in that moment; a page as a whole is not atomic.
#[derive(Debug, Default)]
pub(crate) struct SourceList {
    pdq: HashIndex,
    exact: RwLock<ExactEntries>,
    /// Ids of the PDQ entries (their hashes live in the index); the writer's alone.
    pdq_ids: Mutex<HashSet<i64>>,
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
        // A repeated id replaces the earlier entry, as in the feed.
        let mut by_id: HashMap<i64, ListEntry> = HashMap::new();
        for entry in entries {
            by_id.insert(entry.id, entry);
        }
        let list = SourceList::default();
        let mut pdq = Vec::new();
        {
            let mut exact = list.exact.write().unwrap_or_else(PoisonError::into_inner);
            let mut pdq_ids = list.pdq_ids.lock().unwrap_or_else(PoisonError::into_inner);
            for (id, entry) in by_id {
                match entry.hash {
                    ListedHash::Pdq(hash) => {
                        pdq_ids.insert(id);
                        pdq.push((hash, index_key(id, entry.verified)));
                    }
                    other => exact.insert(id, other, entry.verified),
                }
            }
        }
        list.pdq.extend(pdq);
        list.pdq.compact();
        list
    }

    /// Applies changes in order: `add` inserts or replaces the entry with its id, `remove`
    /// deletes it.
    pub(crate) fn apply(&self, changes: &[ListChange]) {
        let mut pdq_ids = self.pdq_ids.lock().unwrap_or_else(PoisonError::into_inner);
        let mut exact = self.exact.write().unwrap_or_else(PoisonError::into_inner);
        // PDQ additions wait until the page's removals are done, so that one pass over the
        // index removes them all; an id changed twice in the page is settled here first.
        let mut pending = HashMap::new();
        let mut removals = Vec::new();
        for change in changes {
            let id = change.entry.id;
            if pending.remove(&id).is_some() {
                pdq_ids.remove(&id);
            } else if pdq_ids.remove(&id) {
                removals.extend([index_key(id, false), index_key(id, true)]);
            }
            exact.remove(id);
            if change.op == ChangeOp::Add {
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
        if !removals.is_empty() {
            self.pdq.remove_many(&removals);
        }
        self.pdq.extend(pending.into_values());
    }

    /// Entries on the list.
    pub(crate) fn len(&self) -> usize {
        let exact = self.exact.read().unwrap_or_else(PoisonError::into_inner);
        self.pdq.len() + exact.by_id.len()
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
    }

    /// Every entry, PDQ first (in no particular order).
    pub(crate) fn entries(&self) -> Vec<ListEntry> {
        let mut entries: Vec<ListEntry> = self
            .pdq
            .entries()
            .into_iter()
            .map(|(hash, key)| {
                let (id, verified) = from_index_key(key);
                ListEntry {
                    id,
                    hash: ListedHash::Pdq(hash),
                    verified,
                }
            })
            .collect();
        let exact = self.exact.read().unwrap_or_else(PoisonError::into_inner);
        for (value, ids) in &exact.md5 {
            entries.extend(ids.iter().map(|&(id, verified)| ListEntry {
                id,
                hash: ListedHash::Md5(*value),
                verified,
            }));
        }
        for (value, ids) in &exact.sha256 {
            entries.extend(ids.iter().map(|&(id, verified)| ListEntry {
                id,
                hash: ListedHash::Sha256(*value),
                verified,
            }));
        }
        entries
    }

    /// Merges the index's segments: the fastest layout for queries, after a bulk load.
    pub(crate) fn compact(&self) {
        self.pdq.compact();
    }

    /// The entries matching `query`, each once, closest first, appended to `out`.
    pub(crate) fn find(
        &self,
        source: &str,
        query: &QueryHashes,
        max_distance: u32,
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
            Some(PdqQuery::One(hash)) => out.extend(
                self.pdq
                    .query(hash, max_distance)
                    .into_iter()
                    .map(|m| pdq_match(m.id, m.hash, m.distance, None)),
            ),
            Some(PdqQuery::Dihedral(hashes)) => out.extend(
                self.pdq
                    .query_dihedral(hashes, max_distance)
                    .into_iter()
                    .map(|m| pdq_match(m.id, m.hash, m.distance, Some(m.variant))),
            ),
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
        list.find("h", &query, 31, &mut found);
        assert!(found.is_empty(), "entry 1 was replaced: {found:?}");
        let query = QueryHashes {
            pdq: Some(PdqQuery::One(pdq(9))),
            sha256: Some(Sha256Digest([4; 32])),
            ..QueryHashes::default()
        };
        list.find("h", &query, 31, &mut found);
        let found: Vec<(i64, bool)> = found.iter().map(|m| (m.id, m.verified)).collect();
        assert_eq!(found, [(4, true), (1, false)]);
        assert_eq!(list.len(), 3);
    }

    #[test]
    fn index_keys_round_trip() {
        for (id, verified) in [(1, true), (7, false), (MAX_ENTRY_ID, true)] {
            assert_eq!(from_index_key(index_key(id, verified)), (id, verified));
        }
    }
}
