//! Meta's PDQ perceptual hash, bit-for-bit equal to the reference C++ core.
//!
//! PDQ turns a picture into 256 bits that stay nearly the same when the picture is
//! re-encoded, resized or slightly edited, so that copies of an image can be found by
//! comparing hashes (a Hamming distance of 31 or less is the usual "same picture"). This
//! crate computes it from decoded pixels; it does no I/O, knows no file formats and builds
//! for `wasm32-unknown-unknown`, so a phone's browser, the hotline and a platform all compute
//! the same fingerprint from the same pixels.
//!
//! ```
//! use takeback_pdq::{hash, Pixels, PixelLayout};
//!
//! // A 64×48 RGB gradient.
//! let (width, height) = (64, 48);
//! let rgb: Vec<u8> = (0..width * height)
//!     .flat_map(|i| { let (x, y) = (i % width, i / width); [x as u8 * 4, y as u8 * 5, 128] })
//!     .collect();
//! let pdq = hash(&Pixels::new(&rgb, width, height, PixelLayout::Rgb8)?);
//! assert_eq!(pdq.hash.to_hex().len(), 64);
//! assert!(pdq.quality <= 100);
//! # Ok::<(), takeback_pdq::PixelsError>(())
//! ```
//!
//! # Exactness
//!
//! The reference (`pdq/cpp` in facebook/ThreatExchange) computes luma in f32, blurs with
//! two passes of a running-sum box filter (window `(dim + 127) / 128`), samples 64×64
//! points, multiplies by a 16×64 DCT matrix built in f64 and rounded to f32, and sets each
//! bit by comparing with the lower median. Floating-point rounding depends on the order of
//! operations, so this crate performs exactly the reference's operations on each value, in
//! its order, and never lets the compiler fuse a multiply and an add. What it changes is
//! which values are in flight together and where they live: see `downsample.rs`. The
//! slow, literal port in [`reference`] is the oracle the tests compare against.
//!
//! Images smaller than 5 pixels on a side get the reference's answer: the zero hash with
//! quality 0. A 64×64 input skips the blur, as in the reference.
//!
//! # Dihedral hashes
//!
//! [`hash_dihedral`] derives the hashes of the image rotated and mirrored eight ways from a
//! single DCT, as the reference does. They equal the hashes of actually rotated copies only
//! approximately: the box filter's running sums round differently when they run in the
//! other direction, an even window is not centred, and the 64 sample points are not always
//! symmetric about the centre. The crate's tests state exactly where they are equal.

#![warn(missing_docs)]

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
))]
mod band;
mod boxfilter;
mod dct;
mod dihedral;
mod downsample;
mod hash;
pub mod hex;
mod pixels;
pub mod reference;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;

pub use dihedral::{Dihedral, transform_hash};
pub use downsample::Engine;
pub use hash::{ParseHashError, PdqHash};
pub use pixels::{PixelLayout, Pixels, PixelsError};

/// Images with a side shorter than this get the zero hash and quality 0.
pub const MIN_HASHABLE_DIM: usize = 5;

/// Below this quality the reference and hotlines treat a hash as unreliable: the picture
/// has too little detail (a flat colour, a tiny or very blurred image).
pub const RECOMMENDED_MIN_QUALITY: u8 = 50;

/// A PDQ hash and its quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pdq {
    /// The 256-bit hash.
    pub hash: PdqHash,
    /// How much detail the hash rests on, 0 to 100; see [`RECOMMENDED_MIN_QUALITY`].
    pub quality: u8,
}

/// The PDQ hashes of an image in all eight orientations, and its quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DihedralPdq {
    /// One hash per orientation, in the order of [`Dihedral::ALL`]; the first is the plain
    /// hash.
    pub hashes: [PdqHash; 8],
    /// The quality, the same for every orientation.
    pub quality: u8,
}

impl DihedralPdq {
    /// The hash of one orientation.
    pub fn get(&self, variant: Dihedral) -> PdqHash {
        self.hashes[variant as usize]
    }

    /// The plain hash and quality.
    pub fn original(&self) -> Pdq {
        Pdq {
            hash: self.hashes[0],
            quality: self.quality,
        }
    }
}

/// The PDQ hash of decoded pixels, at full resolution.
pub fn hash(pixels: &Pixels) -> Pdq {
    hash_with(pixels, Engine::best())
}

/// The PDQ hashes of decoded pixels in all eight orientations, from one DCT.
pub fn hash_dihedral(pixels: &Pixels) -> DihedralPdq {
    hash_dihedral_with(pixels, Engine::best())
}

/// [`hash`], computed by a chosen engine (for tests and benchmarks: the result is the same).
pub fn hash_with(pixels: &Pixels, engine: Engine) -> Pdq {
    match coefficients(pixels, engine) {
        Some((coefficients, quality)) => Pdq {
            hash: dct::bits_above_median(&coefficients),
            quality,
        },
        None => Pdq {
            hash: PdqHash::ZERO,
            quality: 0,
        },
    }
}

/// [`hash_dihedral`], computed by a chosen engine.
pub fn hash_dihedral_with(pixels: &Pixels, engine: Engine) -> DihedralPdq {
    match coefficients(pixels, engine) {
        Some((coefficients, quality)) => DihedralPdq {
            hashes: Dihedral::ALL
                .map(|d| dct::bits_above_median(&dihedral::transform(&coefficients, d))),
            quality,
        },
        None => DihedralPdq {
            hashes: [PdqHash::ZERO; 8],
            quality: 0,
        },
    }
}

/// The 16×16 DCT coefficients and quality, or `None` for an image too small to hash.
fn coefficients(pixels: &Pixels, engine: Engine) -> Option<(dct::Buffer16, u8)> {
    if pixels.width() < MIN_HASHABLE_DIM || pixels.height() < MIN_HASHABLE_DIM {
        return None;
    }
    let buffer = downsample::downsample(pixels, engine);
    Some((dct::dct64_to_16(&buffer), dct::quality(&buffer)))
}
