//! The downsample in WebAssembly SIMD (`simd128`): the same arithmetic as
//! [`crate::downsample`], with sixteen rows in flight through every horizontal pass.
//!
//! The design is [`crate::avx2`]'s, with vectors of four floats instead of eight. A
//! horizontal box filter is a running sum along a row, each step waiting for the previous
//! one; so bands of 16 rows are stored *interleaved* (the 16 values of one column
//! adjacent), and one step of the running sum for all 16 rows is four vector additions in
//! four independent dependency chains. The vertical passes read the ordinary row-major
//! layout (four adjacent columns in a vector), so the data switches layout three times on
//! its way through, by 4×4 transposes in registers:
//!
//! ```text
//! luma rows ─T→ first horizontal pass ─T→ ring of rows ─ first vertical pass ─T→
//!     second horizontal pass (sums kept at the 64 sampled columns) ─ second vertical pass
//! ```
//!
//! RGBA luma is computed four pixels at a time, with the reference's operations in its
//! order (`0.299 R + 0.587 G`, then `+ 0.114 B`). WebAssembly's `f32x4` arithmetic is
//! IEEE single precision, rounded to nearest, subnormals kept, and `simd128` has no fused
//! multiply-add (only the separate relaxed-SIMD proposal does, and it is not used): so
//! additions happen in the reference's order on each row or column, divisions are IEEE
//! divisions, nothing is fused, and the result is bit-identical to the portable engine's.
//! `crates/pdq-wasm/tests/node.rs` checks it on random images of every shape and on Meta's
//! test pictures.
//!
//! A WebAssembly module cannot test for features at run time: one SIMD instruction anywhere
//! makes the whole module invalid on an engine without SIMD. So this module exists only in
//! a build compiled with `-C target-feature=+simd128` (`tools/wasm` makes that build beside
//! the plain one, and the page's loader picks between them), and its functions need no
//! `#[target_feature]` of their own: the whole crate has the feature.
//!
//! Unsafe code here is limited to unaligned vector loads and stores through references to
//! arrays of exactly the vector's width (WebAssembly's loads and stores take any address;
//! bounds are the references' own).

#![allow(unsafe_code)]

use crate::band::{BAND, Ring, keep_if_sampled};
use crate::boxfilter::{ColumnBox, Window};
use crate::dct::Buffer64;
use crate::pixels::{PixelLayout, Pixels};
use crate::reference::{sample_index, window_size};
use core::arch::wasm32::*;

/// Floats per vector.
const LANES: usize = 4;
/// Vectors per interleaved column of a band.
const VECTORS: usize = BAND / LANES;

/// One column of a band, its 16 rows as four vectors.
type Quad = [v128; VECTORS];

/// The reference's 64×64 downsample of `pixels` (at least 5×5, not 64×64).
pub(crate) fn downsample(pixels: &Pixels, out: &mut Buffer64) {
    let (width, height) = (pixels.width(), pixels.height());
    // Columns padded to whole vectors; the padding is zero and never read back as output.
    let padded = width.next_multiple_of(LANES);
    let along_rows = Window::new(width, window_size(width));
    let along_cols = Window::new(height, window_size(height));
    let row_divisors: Vec<f32> = (0..width).map(|o| along_rows.divisor(o)).collect();
    let sample_columns: [usize; 64] = std::array::from_fn(|j| sample_index(j, width));
    let sample_rows: [usize; 64] = std::array::from_fn(|i| sample_index(i, height));

    // Row-major band of 16 rows.
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
                luma_row(pixels, filtered_rows + k, &mut row[..width]);
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

/// The reference's float luma of row `y`: RGBA four pixels at a time (what the page
/// hashes), other layouts by the portable code.
fn luma_row(pixels: &Pixels, y: usize, out: &mut [f32]) {
    if pixels.layout() != PixelLayout::Rgba8 {
        pixels.luma_row(y, out);
        return;
    }
    let row = pixels.row(y);
    let (quads, rest) = row.as_chunks::<16>();
    let (outputs, rest_out) = out.as_chunks_mut::<LANES>();
    let bytes = u32x4_splat(0xff);
    let (r_weight, g_weight, b_weight) = (
        f32x4_splat(crate::pixels::LUMA_FROM_R),
        f32x4_splat(crate::pixels::LUMA_FROM_G),
        f32x4_splat(crate::pixels::LUMA_FROM_B),
    );
    for (quad, output) in quads.iter().zip(outputs.iter_mut()) {
        // SAFETY: `quad` is 16 valid bytes; the load is unaligned.
        let pixels = unsafe { v128_load(quad.as_ptr().cast::<v128>()) };
        // Little-endian lanes: red is each pixel's lowest byte. Bytes convert exactly.
        let channel = |shift: u32| f32x4_convert_i32x4(v128_and(u32x4_shr(pixels, shift), bytes));
        let (r, g, b) = (channel(0), channel(8), channel(16));
        let luma = f32x4_add(
            f32x4_add(f32x4_mul(r_weight, r), f32x4_mul(g_weight, g)),
            f32x4_mul(b_weight, b),
        );
        store(output, luma);
    }
    crate::pixels::luma_from_rgb::<4>(rest, rest_out);
}

#[inline]
fn load(v: &[f32; LANES]) -> v128 {
    // SAFETY: `v` is 4 valid floats; WebAssembly loads are unaligned.
    unsafe { v128_load(v.as_ptr().cast::<v128>()) }
}

#[inline]
fn store(v: &mut [f32; LANES], x: v128) {
    // SAFETY: `v` is 4 valid, exclusively borrowed floats; WebAssembly stores are unaligned.
    unsafe { v128_store(v.as_mut_ptr().cast::<v128>(), x) }
}

/// The 16 rows of one interleaved column, as four vectors.
#[inline]
fn load_column(column: &[f32; BAND]) -> Quad {
    let parts = column.as_chunks::<LANES>().0;
    std::array::from_fn(|i| load(&parts[i]))
}

#[inline]
fn store_column(column: &mut [f32; BAND], vectors: Quad) {
    let parts = column.as_chunks_mut::<LANES>().0;
    for (part, vector) in parts.iter_mut().zip(vectors) {
        store(part, vector);
    }
}

/// The four floats at `offset` of `values`.
#[inline]
fn four(values: &[f32], offset: usize) -> &[f32; LANES] {
    values[offset..][..LANES].try_into().expect("4 floats")
}

/// Transposes four vectors in registers: `out[j][i] = rows[i][j]`. The shuffles are the
/// patterns engines turn into single instructions (unpack low and high, move halves).
#[inline]
fn transpose([r0, r1, r2, r3]: [v128; 4]) -> [v128; 4] {
    let t0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
    let t1 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
    let t2 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
    let t3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
    [
        i32x4_shuffle::<0, 1, 4, 5>(t0, t2),
        i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
        i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
        i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
    ]
}

/// 16 row-major rows of `padded` floats to `padded` interleaved columns.
fn rows_to_interleaved(rows: &[f32], padded: usize, out: &mut [[f32; BAND]]) {
    for (block, columns) in out.chunks_exact_mut(LANES).enumerate() {
        let c = block * LANES;
        for group in 0..VECTORS {
            let gathered: [v128; 4] =
                std::array::from_fn(|k| load(four(rows, (group * LANES + k) * padded + c)));
            for (column, vector) in columns.iter_mut().zip(transpose(gathered)) {
                store(&mut column.as_chunks_mut::<LANES>().0[group], vector);
            }
        }
    }
}

/// `padded` interleaved columns to 16 row-major rows of `padded` floats.
fn interleaved_to_rows(columns: &[[f32; BAND]], padded: usize, rows: &mut [f32]) {
    for (block, columns) in columns.chunks_exact(LANES).enumerate() {
        let c = block * LANES;
        for group in 0..VECTORS {
            let gathered: [v128; 4] =
                std::array::from_fn(|j| load(&columns[j].as_chunks::<LANES>().0[group]));
            for (k, vector) in transpose(gathered).into_iter().enumerate() {
                let row = &mut rows[(group * LANES + k) * padded + c..][..LANES];
                store(row.try_into().expect("4 floats"), vector);
            }
        }
    }
}

#[inline]
fn add(s: Quad, x: Quad) -> Quad {
    std::array::from_fn(|i| f32x4_add(s[i], x[i]))
}

#[inline]
fn sub(s: Quad, x: Quad) -> Quad {
    std::array::from_fn(|i| f32x4_sub(s[i], x[i]))
}

/// The reference's horizontal box filter on 16 interleaved rows at once. With `DIVIDE`
/// each output is the running sum divided by its window count; without, the bare running
/// sum (the caller divides the few outputs it keeps).
fn horizontal<const DIVIDE: bool>(
    input: &[[f32; BAND]],
    output: &mut [[f32; BAND]],
    window: Window,
    divisors: &[f32],
) {
    let (len, full) = (window.len, window.full);
    let half = (full + 2) / 2;
    let (input, output) = (&input[..len], &mut output[..len]);
    let finish = |sum: Quad, o: usize| -> Quad {
        if DIVIDE {
            let d = f32x4_splat(divisors[o]);
            sum.map(|s| f32x4_div(s, d))
        } else {
            sum
        }
    };
    let mut sum = [f32x4_splat(0.0); VECTORS];
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
/// of four columns, and its divisor.
struct Step<'a> {
    entering: Option<&'a [[f32; LANES]]>,
    leaving: Option<&'a [[f32; LANES]]>,
    divisor: v128,
}

/// The first vertical pass for output rows `start..start + count`, every column at once,
/// written interleaved to `out`. `sums` carries each column's running sum between bands.
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
    let vectors = |y: usize| ring.row(y).as_chunks::<LANES>().0;
    // Phase 1 (the first half window, added before any output) happens in the first band.
    let warm_up: Vec<&[[f32; LANES]]> = match start {
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
                divisor: f32x4_splat(window.divisor(o)),
            }
        })
        .collect();
    let blocks = sums
        .as_chunks_mut::<LANES>()
        .0
        .iter_mut()
        .zip(out.chunks_exact_mut(LANES));
    for (block, (sum, columns)) in blocks.enumerate() {
        let mut s = load(sum);
        for row in &warm_up {
            s = f32x4_add(s, load(&row[block]));
        }
        let mut outputs = [f32x4_splat(0.0); BAND];
        for (output, step) in outputs.iter_mut().zip(&steps) {
            if let Some(row) = step.entering {
                s = f32x4_add(s, load(&row[block]));
            }
            if let Some(row) = step.leaving {
                s = f32x4_sub(s, load(&row[block]));
            }
            *output = f32x4_div(s, step.divisor);
        }
        store(sum, s);
        for (group, rows) in outputs.as_chunks::<LANES>().0.iter().enumerate() {
            for (column, vector) in columns.iter_mut().zip(transpose(*rows)) {
                store(&mut column.as_chunks_mut::<LANES>().0[group], vector);
            }
        }
    }
}
