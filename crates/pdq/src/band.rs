//! What the SIMD engines (`avx2.rs`, `simd128.rs`) share: the rows they filter in bands of
//! 16 and keep in a ring, and the rows of the result they keep. Plain Rust, no vectors.

use crate::dct::Buffer64;

/// Rows per band.
pub(crate) const BAND: usize = 16;

/// Rows of the first horizontal pass, `padded` floats each, in a ring whose capacity is a
/// multiple of the band so that every band occupies contiguous slots.
pub(crate) struct Ring {
    rows: Vec<f32>,
    capacity: usize,
    padded: usize,
}

impl Ring {
    /// Beyond the window, the ring holds the band being read by the vertical pass (up to
    /// 15 rows ahead of its first output, plus `half - 1 <= window`) and the band being
    /// written (16 rows): a window plus two bands is enough.
    const CAPACITY_SLACK: usize = 2 * BAND;

    pub(crate) fn new(window: usize, padded: usize) -> Self {
        let capacity = (window + Self::CAPACITY_SLACK).next_multiple_of(BAND);
        Ring {
            rows: vec![0f32; capacity * padded],
            capacity,
            padded,
        }
    }

    pub(crate) fn row(&self, y: usize) -> &[f32] {
        &self.rows[(y % self.capacity) * self.padded..][..self.padded]
    }

    /// The 16 slots for rows `start..start + 16`; `start` is a multiple of 16.
    pub(crate) fn band_mut(&mut self, start: usize) -> &mut [f32] {
        debug_assert_eq!(start % BAND, 0);
        &mut self.rows[(start % self.capacity) * self.padded..][..BAND * self.padded]
    }
}

/// Stores the second vertical pass's row `y` in `out` at each of the 64 sampled rows it is
/// (from `next` on, in order).
pub(crate) fn keep_if_sampled(
    y: usize,
    row: &[f32; 64],
    sample_rows: &[usize; 64],
    next: &mut usize,
    out: &mut Buffer64,
) {
    while *next < 64 && sample_rows[*next] == y {
        out[*next] = *row;
        *next += 1;
    }
}
