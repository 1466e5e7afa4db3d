//! Deterministic random numbers for the generated lists and queries.
//!
//! Every generated item gets its own generator, seeded from a stream name and the item's
//! number, so an item is the same whichever thread makes it and however many threads there
//! are: the lists and queries are identical on every machine and every run. The generator
//! is SplitMix64 (a Weyl sequence through a 64-bit mixing function), plenty for test data.

use takeback_pdq::PdqHash;

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function: a bijective mix of all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 64-bit number for a stream name, so that streams are named in the code rather than
/// numbered.
pub const fn stream(name: &str) -> u64 {
    // FNV-1a.
    let bytes = name.as_bytes();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

impl Rng {
    /// The generator for item `index` of stream `stream`.
    pub fn new(stream: u64, index: u64) -> Rng {
        Rng {
            state: mix(stream ^ mix(index.wrapping_add(GOLDEN_GAMMA))),
        }
    }

    /// 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for our `n`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `[low, high)`.
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly random 256-bit hash.
    pub fn hash(&mut self) -> PdqHash {
        PdqHash::from_words([
            self.next_u64(),
            self.next_u64(),
            self.next_u64(),
            self.next_u64(),
        ])
    }

    /// `hash` with exactly `count` distinct random bits flipped.
    pub fn flip_bits(&mut self, hash: PdqHash, count: u32) -> PdqHash {
        let mut flips = [0u64; 4];
        let mut flipped = 0;
        while flipped < count {
            let bit = self.below(256);
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            if flips[word] & mask == 0 {
                flips[word] |= mask;
                flipped += 1;
            }
        }
        let mut words = hash.to_words();
        for (word, flip) in words.iter_mut().zip(flips) {
            *word ^= flip;
        }
        PdqHash::from_words(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_reproducible_and_distinct() {
        let a = Rng::new(stream("a"), 7).next_u64();
        assert_eq!(a, Rng::new(stream("a"), 7).next_u64());
        assert_ne!(a, Rng::new(stream("a"), 8).next_u64());
        assert_ne!(a, Rng::new(stream("b"), 7).next_u64());
    }

    #[test]
    fn flips_exactly_count_bits() {
        let mut rng = Rng::new(1, 2);
        for count in [0, 1, 16, 40, 256] {
            let hash = rng.hash();
            assert_eq!(rng.flip_bits(hash, count).distance(&hash), count);
        }
    }
}
