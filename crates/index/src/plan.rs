//! How a segment answers a query at a given distance: probe its tables with per-part
//! radii, or scan every row. The choice is made by a cost model and cached per distance.
//!
//! Probing part `i` with radius `t_i` visits `Σ_{j ≤ t_i} C(bits_i, j)` buckets, each
//! costing a random read of its slot plus the check of its rows (on average
//! `rows / 2^bits_i`), each a random read of a 32-byte hash. The radii must satisfy
//! `Σ (t_i + 1) ≥ D + 1` for exactness (see `segment.rs`). Since each part's cost is
//! convex in its radius and the constraint is a sum, raising one step at a time the radius
//! whose next step is cheapest gives the cheapest plan. If that costs more than reading
//! every row in order, the segment is scanned instead: small segments, and distances
//! far beyond the usual 31 (the cost of probing grows combinatorially with the radius).
//!
//! The constants are nanoseconds measured on the development machine (2-core AMD EPYC);
//! only their ratios matter.

/// Checking one row of a sequential scan.
const SCAN_ROW_NS: f64 = 1.0;
/// Visiting one bucket: a random read of its slot.
const PROBE_NS: f64 = 20.0;
/// Checking one row found in a bucket: a random read of its hash.
const CANDIDATE_NS: f64 = 6.0;
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
        let scan_cost = rows * SCAN_ROW_NS;
        let bucket_cost: Vec<f64> = part_bits
            .iter()
            .map(|&bits| PROBE_NS + rows / f64::from(bits).exp2() * CANDIDATE_NS)
            .collect();
        let mut radii = vec![-1i32; part_bits.len()];
        let mut cost = 0.0;
        // Σ (t_i + 1) must exceed max_distance.
        for _ in 0..=max_distance {
            let step = |i: usize| {
                let bits = part_bits[i];
                let now = match radii[i] {
                    -1 => 0.0,
                    r => mask_count(bits, r as u32),
                };
                (mask_count(bits, (radii[i] + 1) as u32) - now) * bucket_cost[i]
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
