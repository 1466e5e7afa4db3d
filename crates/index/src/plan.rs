//! How a segment answers a query at a given distance: probe its tables with per-part
//! radii, or scan every row. The choice is made by a cost model and cached per distance.
//!
//! A probe's time is its reads of memory that miss the caches, so the model counts those.
//! Probing part `i` with radius `t_i` visits `Σ_{j ≤ t_i} C(bits_i, j)` buckets. Each costs
//! the read of its slot, but sixteen slots share a 64-byte line, so flips in a key's four
//! lowest bits land in a line already read: the lines read are the masks of the other
//! `bits_i - 4` bits. A bucket of two rows or more costs one more read (its rows, in the
//! spill area), and each row found a read of its 32-byte hash; with `rows / 2^bits_i` rows a
//! bucket on average (Poisson for a uniform list), that is the expected count of each. The
//! radii must satisfy `Σ (t_i + 1) ≥ D + 1` for exactness (see `segment.rs`). Since each
//! part's cost is convex in its radius and the constraint is a sum, raising one step at a
//! time the radius whose next step is cheapest gives the cheapest plan. If that costs more
//! than reading every row in order, the segment is scanned instead: small segments, and
//! distances far beyond the usual 31 (the cost of probing grows combinatorially).
//!
//! The constants are nanoseconds measured on the development machine (2-core AMD EPYC VM):
//! a random read costs about 15 ns when many are in flight (its latency is some 100 ns), a
//! few when the segment fits in the last-level cache.

/// A random read that misses the caches, many in flight (prefetched).
const MISS_NS: f64 = 15.0;
/// A random read within a segment small enough to stay in the last-level cache.
const CACHED_READ_NS: f64 = 4.0;
/// Segments whose tables and hashes take less than this are taken to stay in cache.
const CACHED_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// Bytes a row takes in an indexed segment (hash, id, a slot or spill entry per table).
const BYTES_PER_ROW: f64 = 120.0;
/// Checking one row of a sequential scan: from memory at its bandwidth, or from cache.
const SCAN_ROW_NS: f64 = 2.5;
const CACHED_SCAN_ROW_NS: f64 = 1.0;
/// Bookkeeping per bucket visited: making its key, sorting its slot.
const BUCKET_NS: f64 = 1.0;
/// Key bits whose flips stay within one cache line of slots (16 four-byte slots).
const LINE_BITS: u32 = 4;
/// The largest radius probed in one part; beyond it the number of buckets explodes.
const MAX_PART_RADIUS: i32 = 8;

/// How a segment answers a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Check every row.
    Scan,
    /// Probe part `i` of the tables within radius `t[i]` (-1: not at all).
    Probe(Vec<i32>),
}

impl Plan {
    /// The cheapest exact plan at `max_distance` for a segment of `rows` rows whose tables
    /// key on parts of `part_bits` bits each.
    pub(crate) fn choose(part_bits: &[u32], rows: usize, max_distance: u32) -> Plan {
        let rows = rows as f64;
        let cached = rows * BYTES_PER_ROW <= CACHED_BYTES;
        let (read_ns, scan_row_ns) = if cached {
            (CACHED_READ_NS, CACHED_SCAN_ROW_NS)
        } else {
            (MISS_NS, SCAN_ROW_NS)
        };
        let scan_cost = rows * scan_row_ns;
        // The cost of probing a part of `bits` bits within `radius`.
        let probe_cost = |bits: u32, radius: i32| -> f64 {
            let Ok(radius) = u32::try_from(radius) else {
                return 0.0;
            };
            let buckets = mask_count(bits, radius);
            let lines = mask_count(bits.saturating_sub(LINE_BITS), radius);
            let per_bucket = rows / f64::from(bits).exp2();
            // P(a bucket holds two rows or more), the rows Poisson-distributed.
            let spilled = 1.0 - (-per_bucket).exp() * (1.0 + per_bucket);
            read_ns * (lines + buckets * (spilled + per_bucket)) + BUCKET_NS * buckets
        };
        let mut radii = vec![-1i32; part_bits.len()];
        let mut cost = 0.0;
        // Σ (t_i + 1) must exceed max_distance.
        for _ in 0..=max_distance {
            let step = |i: usize| {
                probe_cost(part_bits[i], radii[i] + 1) - probe_cost(part_bits[i], radii[i])
            };
            let cheapest = (0..part_bits.len())
                .filter(|&i| radii[i] < MAX_PART_RADIUS.min(part_bits[i] as i32 - 1))
                .map(|i| (i, step(i)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let Some((i, marginal)) = cheapest else {
                return Plan::Scan;
            };
            radii[i] += 1;
            cost += marginal;
            if cost > scan_cost {
                return Plan::Scan;
            }
        }
        Plan::Probe(radii)
    }
}

/// The number of masks `segment::for_each_mask` visits: the buckets probed in a part of
/// `bits` bits within `radius`.
pub(crate) fn mask_count(bits: u32, radius: u32) -> f64 {
    let mut total = 0.0;
    let mut binomial = 1.0;
    for ones in 0..=radius.min(bits) {
        total += binomial;
        binomial = binomial * f64::from(bits - ones) / f64::from(ones + 1);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::table_parts;

    fn plan(rows: usize, max_distance: u32) -> Plan {
        let bits: Vec<u32> = table_parts(rows)
            .expect("indexed")
            .iter()
            .map(|p| p.bits)
            .collect();
        Plan::choose(&bits, rows, max_distance)
    }

    #[test]
    fn ten_million_rows_at_31_probe_ten_parts_at_two_and_one_at_one() {
        let Plan::Probe(mut radii) = plan(10_000_000, 31) else {
            panic!("a scan of 10M rows at distance 31");
        };
        radii.sort_unstable();
        assert_eq!(radii, [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    }

    #[test]
    fn every_plan_is_exact_or_a_scan() {
        for rows in [8 * 1024, 100_000, 1 << 20, 10_000_000, 100_000_000] {
            for d in [0, 1, 15, 31, 45, 63, 100, 256] {
                match plan(rows, d) {
                    Plan::Scan => {}
                    Plan::Probe(radii) => {
                        let reach: i32 = radii.iter().map(|r| r + 1).sum();
                        assert!(reach > d as i32, "{rows} rows at {d}: {radii:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn far_distances_scan() {
        assert_eq!(plan(1 << 20, 200), Plan::Scan);
    }
}
