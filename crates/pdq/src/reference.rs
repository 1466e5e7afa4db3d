//! A slow, line-by-line port of the reference C++ core, kept as the oracle for the fast path.
//!
//! It allocates two full-resolution float buffers and runs the Jarosz box filter over them
//! exactly as `pdq/cpp/downscaling/downscaling.cpp` does, column passes walking memory
//! across the grain. Tests check that [`crate::hash`] agrees with it bit for bit on random
//! images; nothing else should call it.

use crate::dct::{Buffer64, bits_above_median, dct64_to_16, quality};
use crate::dihedral::{Dihedral, transform};
use crate::{DihedralPdq, MIN_HASHABLE_DIM, Pdq, PdqHash, Pixels};

/// The reference's float luma of the whole image, row-major.
pub fn luma(pixels: &Pixels) -> Vec<f32> {
    let (width, height) = (pixels.width(), pixels.height());
    let mut luma = vec![0f32; width * height];
    if width > 0 {
        for (y, row) in luma.chunks_exact_mut(width).enumerate() {
            pixels.luma_row(y, row);
        }
    }
    luma
}

/// `computeJaroszFilterWindowSize(old, 64)`: half the size of one output cell, rounded up.
pub fn window_size(dimension: usize) -> usize {
    dimension.div_ceil(2 * 64)
}

/// `box1DFloat`: a running-sum box filter over `len` values `stride` apart.
fn box_1d(input: &[f32], output: &mut [f32], len: usize, stride: usize, window: usize) {
    let half = (window + 2) / 2;
    let phase_1 = half - 1;
    let phase_2 = window - half + 1;
    let phase_3 = len.saturating_sub(window);
    let phase_4 = half - 1;
    let (mut li, mut ri, mut oi) = (0, 0, 0);
    let mut sum = 0f32;
    let mut count = 0;
    for _ in 0..phase_1 {
        sum += input[ri];
        count += 1;
        ri += stride;
    }
    for _ in 0..phase_2 {
        sum += input[ri];
        count += 1;
        output[oi] = sum / count as f32;
        ri += stride;
        oi += stride;
    }
    for _ in 0..phase_3 {
        sum += input[ri];
        sum -= input[li];
        output[oi] = sum / count as f32;
        li += stride;
        ri += stride;
        oi += stride;
    }
    for _ in 0..phase_4 {
        sum -= input[li];
        count -= 1;
        output[oi] = sum / count as f32;
        li += stride;
        oi += stride;
    }
}

/// `jaroszFilterFloat` with two passes, then `decimateFloat` to 64×64; or a plain copy when
/// the image is already 64×64, as `pdqFloat256FromFloatLuma` does.
pub fn downsample(luma: &[f32], width: usize, height: usize) -> Buffer64 {
    let mut out = [[0f32; 64]; 64];
    if width == 64 && height == 64 {
        for (row, src) in out.iter_mut().zip(luma.chunks_exact(64)) {
            row.copy_from_slice(src);
        }
        return out;
    }
    let mut buffer1 = luma.to_vec();
    let mut buffer2 = vec![0f32; luma.len()];
    let along_rows = window_size(width);
    let along_cols = window_size(height);
    for _ in 0..2 {
        for y in 0..height {
            let row = y * width..(y + 1) * width;
            box_1d(
                &buffer1[row.clone()],
                &mut buffer2[row],
                width,
                1,
                along_rows,
            );
        }
        for x in 0..width {
            box_1d(&buffer2[x..], &mut buffer1[x..], height, width, along_cols);
        }
    }
    for (i, out_row) in out.iter_mut().enumerate() {
        let y = sample_index(i, height);
        for (j, cell) in out_row.iter_mut().enumerate() {
            *cell = buffer1[y * width + sample_index(j, width)];
        }
    }
    out
}

/// `decimateFloat`'s sample position: the input index under the centre of output cell `i`,
/// computed in f64 as the reference does.
pub(crate) fn sample_index(i: usize, dimension: usize) -> usize {
    (((i as f64 + 0.5) * dimension as f64) / 64.0) as usize
}

/// The reference's hash of float luma (`pdqHash256FromFloatLuma`).
pub fn hash_luma(luma: &[f32], width: usize, height: usize) -> Pdq {
    let dihedral = hash_luma_dihedral(luma, width, height);
    Pdq {
        hash: dihedral.hashes[0],
        quality: dihedral.quality,
    }
}

/// The reference's eight dihedral hashes of float luma
/// (`pdqDihedralHash256esFromFloatLuma`).
pub fn hash_luma_dihedral(luma: &[f32], width: usize, height: usize) -> DihedralPdq {
    if width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM {
        return DihedralPdq {
            hashes: [PdqHash::ZERO; 8],
            quality: 0,
        };
    }
    let buffer = downsample(luma, width, height);
    let coefficients = dct64_to_16(&buffer);
    DihedralPdq {
        hashes: Dihedral::ALL.map(|d| bits_above_median(&transform(&coefficients, d))),
        quality: quality(&buffer),
    }
}

/// The reference's hash of decoded pixels.
pub fn hash(pixels: &Pixels) -> Pdq {
    hash_luma(&luma(pixels), pixels.width(), pixels.height())
}

/// The reference's eight dihedral hashes of decoded pixels.
pub fn hash_dihedral(pixels: &Pixels) -> DihedralPdq {
    hash_luma_dihedral(&luma(pixels), pixels.width(), pixels.height())
}
