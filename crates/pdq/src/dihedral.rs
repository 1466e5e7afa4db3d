//! The eight symmetries of the square, applied to the DCT rather than to the image.
//!
//! Rotating or mirroring an image permutes and negates its DCT coefficients: a mirror about
//! the vertical axis negates the odd-indexed horizontal frequencies (our rows are 1-based
//! frequencies, so the even indices), a transpose swaps the two axes. So one DCT gives the
//! hashes of all eight orientations, as the reference's `dct16OriginalTo*` functions do.

use crate::dct::Buffer16;

/// One of the eight rotations and reflections of an image, in the reference's order.
///
/// Rotations are counterclockwise. The hash for a variant is the hash the image would have
/// if it were transformed that way before hashing (up to the rounding differences described
/// in the crate documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dihedral {
    /// The image as it is.
    Original,
    /// Rotated 90° counterclockwise.
    Rotate90,
    /// Rotated 180°.
    Rotate180,
    /// Rotated 270° counterclockwise (90° clockwise).
    Rotate270,
    /// Mirrored top to bottom (about the horizontal axis).
    FlipX,
    /// Mirrored left to right (about the vertical axis).
    FlipY,
    /// Mirrored about the main diagonal (transposed).
    FlipPlus1,
    /// Mirrored about the anti-diagonal.
    FlipMinus1,
}

impl Dihedral {
    /// All eight, in the reference's order (the order of [`crate::DihedralPdq::hashes`]).
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// The reference's short name: `orig`, `rot90`, `rot180`, `rot270`, `flipx`, `flipy`,
    /// `flipplus1`, `flipminus1`.
    pub const fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "orig",
            Dihedral::Rotate90 => "rot90",
            Dihedral::Rotate180 => "rot180",
            Dihedral::Rotate270 => "rot270",
            Dihedral::FlipX => "flipx",
            Dihedral::FlipY => "flipy",
            Dihedral::FlipPlus1 => "flipplus1",
            Dihedral::FlipMinus1 => "flipminus1",
        }
    }
}

/// The DCT coefficients of the transformed image, derived from those of the original.
pub(crate) fn transform(a: &Buffer16, variant: Dihedral) -> Buffer16 {
    let odd = |n: usize| n & 1 == 1;
    let mut b = [[0f32; 16]; 16];
    for i in 0..16 {
        for j in 0..16 {
            let x = a[i][j];
            // Each arm is the reference's: which coefficients keep their sign, and whether
            // the row and column frequencies swap.
            match variant {
                Dihedral::Original => b[i][j] = x,
                Dihedral::Rotate90 => b[j][i] = if odd(j) { x } else { -x },
                Dihedral::Rotate180 => b[i][j] = if odd(i + j) { -x } else { x },
                Dihedral::Rotate270 => b[j][i] = if odd(i) { x } else { -x },
                Dihedral::FlipX => b[i][j] = if odd(i) { x } else { -x },
                Dihedral::FlipY => b[i][j] = if odd(j) { x } else { -x },
                Dihedral::FlipPlus1 => b[j][i] = x,
                Dihedral::FlipMinus1 => b[j][i] = if odd(i + j) { -x } else { x },
            }
        }
    }
    b
}

/// The hash of a turned picture, from its hash alone (no pixels, no DCT): for a guard list,
/// which holds hashes.
///
/// A hash bit says whether its DCT coefficient is above the median of all 256. Turning the
/// picture permutes the coefficients (exact for the hash: a transpose only permutes bits,
/// and the median stays) and negates some of them. A negated coefficient above the median
/// is, after the turn, below the negated median; so its bit inverts **if the median is
/// about zero**. It is not exactly zero, so this is exact only for [`Dihedral::Original`]
/// and [`Dihedral::FlipPlus1`] (a pure transpose); for the other six the bits of
/// coefficients lying between the old and the new median come out wrong. Measured on
/// generated pictures with quality 50 or more (`tests/dihedral.rs`), those are a few bits
/// out of 256; a caller comparing with a distance should add that margin.
pub fn transform_hash(hash: &crate::PdqHash, variant: Dihedral) -> crate::PdqHash {
    let mut signs = [[0f32; 16]; 16];
    for (k, row) in signs.iter_mut().flatten().enumerate() {
        *row = if hash.bit(k) { 1.0 } else { -1.0 };
    }
    let turned = transform(&signs, variant);
    let mut out = crate::PdqHash::ZERO;
    for (k, &sign) in turned.iter().flatten().enumerate() {
        if sign > 0.0 {
            out.set_bit(k);
        }
    }
    out
}
