//! Counts kept in memory, for a hotline that is the only process on its database (SQLite).
//!
//! The counts are split into shards by keyed hash, each behind its own lock, so that
//! requests from different sources seldom wait for each other. Each shard holds one
//! window's counts; when a request finds its shard's window over, the shard's map is
//! swapped for an empty one under the lock and the old one freed after it, so no request
//! ever sweeps the whole map. The number of counted sources is capped so that memory stays
//! bounded: past the cap, new sources in a shard share that shard's one overflow count
//! (they are throttled together, more strictly than alone, never less).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many shards: enough that two requests seldom want the same lock at once.
const SHARDS: usize = 32;

/// Most sources (or case numbers) one throttle counts in a window before new ones share an
/// overflow count: 262,144, about 8 MiB per throttle at most.
pub const MAX_COUNTED: usize = 1 << 18;

/// One throttle's counts in memory, by keyed hash, for the current window.
#[derive(Debug)]
pub struct MemoryCounts {
    shards: Box<[Mutex<Shard>]>,
    shard_capacity: usize,
}

#[derive(Debug, Default)]
struct Shard {
    /// The window these counts belong to (its number since 1970).
    window: u64,
    counts: HashMap<u64, u32>,
    /// What sources beyond the cap counted together.
    overflow: u32,
}

impl Default for MemoryCounts {
    fn default() -> Self {
        MemoryCounts::with_capacity(MAX_COUNTED)
    }
}

impl MemoryCounts {
    /// Counts for at most about `capacity` sources per window (rounded up to a whole number
    /// per shard); more share overflow counts.
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryCounts {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            shard_capacity: capacity.div_ceil(SHARDS).max(1),
        }
    }

    /// Adds `n` to the count of `hash` in `window`; returns the count from before.
    pub fn add(&self, window: u64, hash: u64, n: u32) -> u32 {
        let capacity = self.shard_capacity;
        self.with_shard(window, hash, |shard| {
            let full = shard.counts.len() >= capacity;
            let count = match shard.counts.get_mut(&hash) {
                Some(count) => count,
                None if full => &mut shard.overflow,
                None => shard.counts.entry(hash).or_insert(0),
            };
            let before = *count;
            *count = count.saturating_add(n);
            before
        })
    }

    /// The count of `hash` in `window`.
    pub fn count(&self, window: u64, hash: u64) -> u32 {
        let capacity = self.shard_capacity;
        self.with_shard(window, hash, |shard| match shard.counts.get(&hash) {
            Some(count) => *count,
            None if shard.counts.len() >= capacity => shard.overflow,
            None => 0,
        })
    }

    /// How many sources are counted on their own, over every shard.
    pub fn counted(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| lock(shard).counts.len())
            .sum::<usize>()
    }

    /// Runs `f` on the shard of `hash`, brought to `window` first.
    fn with_shard<T>(&self, window: u64, hash: u64, f: impl FnOnce(&mut Shard) -> T) -> T {
        let index = usize::try_from(hash % SHARDS as u64).unwrap_or(0);
        let (result, ended) = {
            let mut shard = lock(&self.shards[index]);
            // A window number that goes back (the clock was set back) keeps the counts.
            let ended = (window > shard.window).then(|| {
                shard.window = window;
                shard.overflow = 0;
                std::mem::take(&mut shard.counts)
            });
            (f(&mut shard), ended)
        };
        // The ended window's map is freed here, after the lock is let go.
        drop(ended);
        result
    }
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A poisoned lock only means another request panicked mid-count; the counts are still
    // usable.
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_window_starts_from_nothing_and_frees_the_old_one() {
        let counts = MemoryCounts::default();
        assert_eq!(counts.add(7, 1, 3), 0);
        assert_eq!(counts.add(7, 1, 1), 3);
        assert_eq!(counts.add(7, 2, 1), 0);
        assert_eq!(counts.counted(), 2);
        // Window 8: the shard of hash 1 starts again...
        assert_eq!(counts.count(8, 1), 0);
        assert_eq!(counts.add(8, 1, 1), 0);
        // ...and keeps no entry of window 7.
        assert_eq!(counts.count(8, 2), 0);
        assert_eq!(counts.counted(), 1);
    }

    #[test]
    fn a_clock_set_back_keeps_the_counts() {
        let counts = MemoryCounts::default();
        counts.add(10, 5, 4);
        assert_eq!(counts.count(9, 5), 4);
        assert_eq!(counts.add(10, 5, 1), 4);
    }

    #[test]
    fn past_the_cap_new_sources_share_one_count() {
        // Two per shard; hashes 0, 32, 64, ... all fall in shard 0.
        let counts = MemoryCounts::with_capacity(2 * SHARDS);
        let in_shard_zero = |k: u64| k * SHARDS as u64;
        assert_eq!(counts.add(1, in_shard_zero(0), 1), 0);
        assert_eq!(counts.add(1, in_shard_zero(1), 1), 0);
        // The third and fourth sources of this shard count together.
        assert_eq!(counts.add(1, in_shard_zero(2), 1), 0);
        assert_eq!(counts.add(1, in_shard_zero(3), 1), 1);
        assert_eq!(counts.count(1, in_shard_zero(99)), 2);
        // Those counted on their own keep their counts; other shards are not affected.
        assert_eq!(counts.count(1, in_shard_zero(0)), 1);
        assert_eq!(counts.add(1, 1, 1), 0);
        assert_eq!(counts.counted(), 3);
        // A new window frees the places.
        assert_eq!(counts.add(2, in_shard_zero(3), 1), 0);
        assert_eq!(counts.count(2, in_shard_zero(4)), 0);
    }

    #[test]
    fn the_cap_bounds_memory_under_a_flood_of_sources() {
        let counts = MemoryCounts::with_capacity(1000);
        for hash in 0..100_000u64 {
            counts.add(1, hash.wrapping_mul(0x9e37_79b9_7f4a_7c15), 1);
        }
        assert!(counts.counted() <= 1000 + SHARDS, "{}", counts.counted());
    }
}
