//! The downsample on x86-64 with AVX2: the same arithmetic as [`crate::downsample`], with
//! sixteen rows in flight through every horizontal pass.
//!
//! A horizontal box filter is a running sum along a row: each step waits for the previous
//! one, so one row at a time leaves the machine idle. Here bands of 16 rows are stored
//! *interleaved* (column-major within the band: the 16 values of one column are adjacent),
//! so one step of the running sum for all 16 rows is two vector additions, in two
//! independent dependency chains. The vertical passes want the ordinary row-major layout
//! (eight adjacent columns in a vector), so the data switches layout three times on its
//! way through, by 8×8 transposes in registers:
//!
//! ```text
//! luma rows ─T→ first horizontal pass ─T→ ring of rows ─ first vertical pass ─T→
//!     second horizontal pass (sums kept at the 64 sampled columns) ─ second vertical pass
//! ```
//!
//! No operation on any value changes: additions happen in the reference's order on each
//! row or column, divisions are IEEE divisions, and nothing is fused into an FMA. The tests
//! compare this path with the literal port on random images of every shape.
//!
//! Unsafe code here is limited to unaligned vector loads and stores through references to
//! arrays of exactly the vector's width, and to calling `target_feature` functions after
//! `is_x86_feature_detected!("avx2")` has said yes.

#![allow(unsafe_code)]

use crate::band::{BAND, Ring, keep_if_sampled};
use crate::boxfilter::{ColumnBox, Window};
use crate::dct::Buffer64;
use crate::pixels::Pixels;
use crate::reference::{sample_index, window_size};
use std::arch::x86_64::*;

/// Whether this CPU can run [`downsample`].
pub(crate) fn available() -> bool {
    std::is_x86_feature_detected!("avx2")
}

/// The reference's 64×64 downsample of `pixels` (at least 5×5, not 64×64).
///
/// # Panics
///
/// If the CPU lacks AVX2: check [`available`] first.
pub(crate) fn downsample(pixels: &Pixels, out: &mut Buffer64) {
    assert!(available(), "AVX2 downsample called on a CPU without AVX2");
    // SAFETY: the CPU supports AVX2, checked just above.
    unsafe { downsample_avx2(pixels, out) }
}

#[target_feature(enable = "avx2")]
fn downsample_avx2(pixels: &Pixels, out: &mut Buffer64) {
    let (width, height) = (pixels.width(), pixels.height());
    // Columns padded to whole vectors; the padding is zero and never read back as output.
    let padded = width.next_multiple_of(8);
    let along_rows = Window::new(width, window_size(width));
    let along_cols = Window::new(height, window_size(height));
    let row_divisors: Vec<f32> = (0..width).map(|o| along_rows.divisor(o)).collect();
    let sample_columns: [usize; 64] = std::array::from_fn(|j| sample_index(j, width));
    let sample_rows: [usize; 64] = std::array::from_fn(|i| sample_index(i, height));

    // Row-major band of 16 rows; reused for the second pass's running sums.
    let mut rows = vec![0f32; BAND * padded];
    // Interleaved band: `padded` columns of 16 rows.
    let mut interleaved = vec![[0f32; BAND]; padded];
    let mut filtered = vec![[0f32; BAND]; padded];
    // The first horizontal pass's output, as a ring of rows read by the first vertical
    // pass. It holds every row that pass still needs plus the band being written (see
    // `Ring::CAPACITY_SLACK`).
    let mut ring = Ring::new(along_cols.full, padded);
    let mut vertical_sums = vec![0f32; padded];
    let mut second_vertical = ColumnBox::new(along_cols, 64);
    let mut second_row = [0f32; 64];
    let mut next_sample_row = 0;

    let half = (along_cols.full + 2) / 2;
    let mut filtered_rows = 0;
    for band_start in (0..height).step_by(BAND) {
        // The first vertical pass's outputs band_start.. need its inputs up to here.
        let last_needed = (band_start + BAND - 1 + half - 1).min(height - 1);
        while filtered_rows <= last_needed {
            let count = BAND.min(height - filtered_rows);
            for (k, row) in rows.chunks_exact_mut(padded).take(count).enumerate() {
                pixels.luma_row(filtered_rows + k, &mut row[..width]);
            }
            rows_to_interleaved(&rows, padded, &mut interleaved);
            horizontal::<true>(&interleaved, &mut filtered, along_rows, &row_divisors);
            interleaved_to_rows(&filtered, padded, ring.band_mut(filtered_rows));
            filtered_rows += BAND;
        }
        let count = BAND.min(height - band_start);
        vertical(
            &ring,
            &mut vertical_sums,
            band_start,
            count,
            along_cols,
            &mut interleaved,
        );
        // The second horizontal pass: running sums over every column, divided only where
        // sampled.
        horizontal::<false>(&interleaved, &mut filtered, along_rows, &row_divisors);
        let mut sampled = [[0f32; 64]; BAND];
        for (j, &c) in sample_columns.iter().enumerate() {
            let divisor = row_divisors[c];
            for (k, row) in sampled.iter_mut().enumerate() {
                row[j] = filtered[c][k] / divisor;
            }
        }
        for row in &sampled[..count] {
            if let Some(y) = second_vertical.push(row, &mut second_row) {
                keep_if_sampled(y, &second_row, &sample_rows, &mut next_sample_row, out);
            }
        }
    }
    while let Some(y) = second_vertical.drain(&mut second_row) {
        keep_if_sampled(y, &second_row, &sample_rows, &mut next_sample_row, out);
    }
    debug_assert_eq!(next_sample_row, 64);
}

#[inline]
#[target_feature(enable = "avx2")]
fn load(v: &[f32; 8]) -> __m256 {
    // SAFETY: `v` is 8 valid floats; the load is unaligned.
    unsafe { _mm256_loadu_ps(v.as_ptr()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store(v: &mut [f32; 8], x: __m256) {
    // SAFETY: `v` is 8 valid, exclusively borrowed floats; the store is unaligned.
    unsafe { _mm256_storeu_ps(v.as_mut_ptr(), x) }
}

/// The 16 rows of one interleaved column, as two vectors.
#[inline]
#[target_feature(enable = "avx2")]
fn load_column(column: &[f32; BAND]) -> (__m256, __m256) {
    let (low, high) = column.split_at(8);
    let (low, high): (&[f32; 8], &[f32; 8]) = (
        low.try_into().expect("half a band"),
        high.try_into().expect("half a band"),
    );
    (load(low), load(high))
}

#[inline]
#[target_feature(enable = "avx2")]
fn store_column(column: &mut [f32; BAND], (low, high): (__m256, __m256)) {
    let (a, b) = column.split_at_mut(8);
    store(a.try_into().expect("half a band"), low);
    store(b.try_into().expect("half a band"), high);
}

/// Transposes eight vectors in registers: `out[j][i] = rows[i][j]`.
#[inline]
#[target_feature(enable = "avx2")]
fn transpose(rows: [__m256; 8]) -> [__m256; 8] {
    let [r0, r1, r2, r3, r4, r5, r6, r7] = rows;
    let t0 = _mm256_unpacklo_ps(r0, r1);
    let t1 = _mm256_unpackhi_ps(r0, r1);
    let t2 = _mm256_unpacklo_ps(r2, r3);
    let t3 = _mm256_unpackhi_ps(r2, r3);
    let t4 = _mm256_unpacklo_ps(r4, r5);
    let t5 = _mm256_unpackhi_ps(r4, r5);
    let t6 = _mm256_unpacklo_ps(r6, r7);
    let t7 = _mm256_unpackhi_ps(r6, r7);
    let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
    let u1 = _mm256_shuffle_ps::<0xee>(t0, t2);
    let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
    let u3 = _mm256_shuffle_ps::<0xee>(t1, t3);
    let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
    let u5 = _mm256_shuffle_ps::<0xee>(t4, t6);
    let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
    let u7 = _mm256_shuffle_ps::<0xee>(t5, t7);
    [
        _mm256_permute2f128_ps::<0x20>(u0, u4),
        _mm256_permute2f128_ps::<0x20>(u1, u5),
        _mm256_permute2f128_ps::<0x20>(u2, u6),
        _mm256_permute2f128_ps::<0x20>(u3, u7),
        _mm256_permute2f128_ps::<0x31>(u0, u4),
        _mm256_permute2f128_ps::<0x31>(u1, u5),
        _mm256_permute2f128_ps::<0x31>(u2, u6),
        _mm256_permute2f128_ps::<0x31>(u3, u7),
    ]
}

/// 16 row-major rows of `padded` floats to `padded` interleaved columns.
#[target_feature(enable = "avx2")]
fn rows_to_interleaved(rows: &[f32], padded: usize, out: &mut [[f32; BAND]]) {
    for (block, columns) in out.chunks_exact_mut(8).enumerate() {
        let c = block * 8;
        let gather = |first: usize| -> [__m256; 8] {
            std::array::from_fn(|k| {
                let row = &rows[(first + k) * padded + c..][..8];
                load(row.try_into().expect("8 floats"))
            })
        };
        let low = transpose(gather(0));
        let high = transpose(gather(8));
        for (j, column) in columns.iter_mut().enumerate() {
            store_column(column, (low[j], high[j]));
        }
    }
}

/// `padded` interleaved columns to 16 row-major rows of `padded` floats.
#[target_feature(enable = "avx2")]
fn interleaved_to_rows(columns: &[[f32; BAND]], padded: usize, rows: &mut [f32]) {
    for (block, columns) in columns.chunks_exact(8).enumerate() {
        let c = block * 8;
        let mut low = [_mm256_setzero_ps(); 8];
        let mut high = [_mm256_setzero_ps(); 8];
        for (j, column) in columns.iter().enumerate() {
            (low[j], high[j]) = load_column(column);
        }
        for (first, vectors) in [(0, transpose(low)), (8, transpose(high))] {
            for (k, vector) in vectors.into_iter().enumerate() {
                let row = &mut rows[(first + k) * padded + c..][..8];
                store(row.try_into().expect("8 floats"), vector);
            }
        }
    }
}

/// The reference's horizontal box filter on 16 interleaved rows at once. With `DIVIDE`
/// each output is the running sum divided by its window count; without, the bare running
/// sum (the caller divides the few outputs it keeps).
#[target_feature(enable = "avx2")]
fn horizontal<const DIVIDE: bool>(
    input: &[[f32; BAND]],
    output: &mut [[f32; BAND]],
    window: Window,
    divisors: &[f32],
) {
    let (len, full) = (window.len, window.full);
    let half = (full + 2) / 2;
    let (input, output) = (&input[..len], &mut output[..len]);
    let finish = |sum: (__m256, __m256), o: usize| {
        if DIVIDE {
            let d = _mm256_set1_ps(divisors[o]);
            (_mm256_div_ps(sum.0, d), _mm256_div_ps(sum.1, d))
        } else {
            sum
        }
    };
    let add = |s: (__m256, __m256), x: (__m256, __m256)| {
        (_mm256_add_ps(s.0, x.0), _mm256_add_ps(s.1, x.1))
    };
    let sub = |s: (__m256, __m256), x: (__m256, __m256)| {
        (_mm256_sub_ps(s.0, x.0), _mm256_sub_ps(s.1, x.1))
    };
    let mut sum = (_mm256_setzero_ps(), _mm256_setzero_ps());
    // Phase 1: accumulate without writing.
    for column in &input[..half - 1] {
        sum = add(sum, load_column(column));
    }
    // Phase 2: the window grows.
    for (o, (column, out)) in input[half - 1..=full - 1]
        .iter()
        .zip(&mut output[..])
        .enumerate()
    {
        sum = add(sum, load_column(column));
        store_column(out, finish(sum, o));
    }
    // Phase 3: add on the right, then subtract on the left.
    let first = full - half + 1;
    let steps = input[full..].iter().zip(input).zip(&mut output[first..]);
    for (o, ((entering, leaving), out)) in steps.enumerate() {
        sum = add(sum, load_column(entering));
        sum = sub(sum, load_column(leaving));
        store_column(out, finish(sum, first + o));
    }
    // Phase 4: the window shrinks.
    let first = len - half + 1;
    for (o, (leaving, out)) in input[len - full..]
        .iter()
        .zip(&mut output[first..])
        .enumerate()
    {
        sum = sub(sum, load_column(leaving));
        store_column(out, finish(sum, first + o));
    }
}

/// One output row of the first vertical pass: the rows it adds and subtracts, as vectors
/// of eight columns, and its divisor.
struct Step<'a> {
    entering: Option<&'a [[f32; 8]]>,
    leaving: Option<&'a [[f32; 8]]>,
    divisor: __m256,
}

/// The first vertical pass for output rows `start..start + count`, every column at once,
/// written interleaved to `out`. `sums` carries each column's running sum between bands.
#[target_feature(enable = "avx2")]
fn vertical(
    ring: &Ring,
    sums: &mut [f32],
    start: usize,
    count: usize,
    window: Window,
    out: &mut [[f32; BAND]],
) {
    let (len, full) = (window.len, window.full);
    let half = (full + 2) / 2;
    let vectors = |y: usize| ring.row(y).as_chunks::<8>().0;
    // Phase 1 (the first half window, added before any output) happens in the first band.
    let warm_up: Vec<&[[f32; 8]]> = match start {
        0 => (0..half - 1).map(vectors).collect(),
        _ => Vec::new(),
    };
    // Each output row adds the row entering its window (unless past the end) and then
    // subtracts the one leaving it (once the window is full), as the reference does.
    let steps: Vec<Step> = (start..start + count)
        .map(|o| {
            let entering = o + half - 1;
            Step {
                entering: (entering < len).then(|| vectors(entering)),
                leaving: (entering >= full).then(|| vectors(entering - full)),
                divisor: _mm256_set1_ps(window.divisor(o)),
            }
        })
        .collect();
    let blocks = sums
        .as_chunks_mut::<8>()
        .0
        .iter_mut()
        .zip(out.chunks_exact_mut(8));
    for (block, (sum, columns)) in blocks.enumerate() {
        let mut s = load(sum);
        for row in &warm_up {
            s = _mm256_add_ps(s, load(&row[block]));
        }
        let mut outputs = [_mm256_setzero_ps(); BAND];
        for (output, step) in outputs.iter_mut().zip(&steps) {
            if let Some(row) = step.entering {
                s = _mm256_add_ps(s, load(&row[block]));
            }
            if let Some(row) = step.leaving {
                s = _mm256_sub_ps(s, load(&row[block]));
            }
            *output = _mm256_div_ps(s, step.divisor);
        }
        store(sum, s);
        let low = transpose(outputs[..8].try_into().expect("8 rows"));
        let high = transpose(outputs[8..].try_into().expect("8 rows"));
        for (j, column) in columns.iter_mut().enumerate() {
            store_column(column, (low[j], high[j]));
        }
    }
}
