//! Queries run while other threads insert and remove: they never block, never see a
//! half-made change, and always find what was there all along.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use takeback_index::HashIndex;
use takeback_pdq::PdqHash;

fn hash(seed: u64) -> PdqHash {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    PdqHash::from_words([next(), next(), next(), next()])
}

#[test]
fn queries_during_inserts_and_removals_see_the_stable_entries() {
    // Entries 0..20_000 stay; writers add and remove others meanwhile.
    let stable: Vec<(PdqHash, u64)> = (0..20_000).map(|i| (hash(i), i)).collect();
    let index = Arc::new(HashIndex::from_entries(stable.iter().copied()));
    let done = Arc::new(AtomicBool::new(false));

    let writer = {
        let (index, done) = (Arc::clone(&index), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut id = 1_000_000;
            for round in 0..300u64 {
                index.insert(hash(id), id);
                if round % 3 == 0 {
                    let batch: Vec<_> = (0..500).map(|k| (hash(id + 1 + k), id + 1 + k)).collect();
                    index.extend(batch);
                    id += 500;
                }
                if round % 5 == 0 {
                    index.remove(id - 1);
                }
                id += 1;
            }
            done.store(true, Ordering::Release);
        })
    };

    let readers: Vec<_> = (0..2)
        .map(|r| {
            let (index, done, stable) = (Arc::clone(&index), Arc::clone(&done), stable.clone());
            std::thread::spawn(move || {
                let mut checked = 0;
                let mut k = r;
                while !done.load(Ordering::Acquire) || checked < 200 {
                    let (hash, id) = stable[k % stable.len()];
                    let matches = index.query(&hash, 8);
                    assert!(
                        matches.iter().any(|m| m.id == id && m.distance == 0),
                        "stable entry {id} missing during writes"
                    );
                    checked += 1;
                    k += 7919;
                }
                checked
            })
        })
        .collect();

    writer.join().unwrap();
    for reader in readers {
        assert!(reader.join().unwrap() >= 200);
    }
    // Everything written is findable afterwards, and the counts add up.
    let expected = 20_000 + 300 + 100 * 500 - 60;
    assert_eq!(index.len(), expected);
    assert_eq!(index.entries().len(), expected);
}
