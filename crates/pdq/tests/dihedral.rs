//! The dihedral hashes against the plain hashes of actually rotated and mirrored copies.
//!
//! [`hash_dihedral`] derives all eight orientations from one DCT by permuting and negating
//! coefficients, as the reference does. That equals hashing a turned copy only if the 64×64
//! downsample of the turned copy is the turned downsample. Along each axis the turn
//! mirrors, two things must hold (transposing alone changes nothing):
//!
//! * the 64 sample positions `floor((i + 0.5) × dim / 64)` are symmetric about the centre,
//!   which is so exactly when no `(2i + 1) × dim / 128` is a whole number, that is when
//!   `dim` is **not a multiple of 128**;
//! * the box filter's window `ceil(dim / 128)` is centred, which is so when it is **odd**
//!   (an even window reaches one pixel further right than left).
//!
//! Where both hold (every dimension under 128 but 128 itself, 257–383, 641–767, …) the
//! turned copy's hash is the dihedral hash, bit for bit, for pictures with detail (quality
//! 50 or more). Not quite always: the turned copy's running sums add the same values in
//! the opposite order, which changes the last bit of some floats, and once in a while that
//! moves a coefficient across the median. Measured over 400 random images of symmetric
//! sizes: 399 identical in all eight orientations, one (white noise) 2 bits off. Elsewhere
//! the sample grid or the blur is off by a pixel, so the hashes differ by a few bits on
//! large photo-like images (at most 16 here from 1000 px up) and by more on small ones with
//! hard edges, whose 64×64 grid is coarse relative to that pixel. That is why matching
//! uses a distance, not equality, for rotated copies too.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use takeback_pdq::{
    Dihedral, PixelLayout, Pixels, RECOMMENDED_MIN_QUALITY, hash, hash_dihedral, transform_hash,
};
use takeback_testimages::{Channels, Pattern, Spec};

/// The most bits that reordered float rounding alone has been seen to flip.
const ROUNDING_FLIPS: u32 = 2;

/// Grey pixels turned the way `variant` names: (pixels, width, height).
fn turn(pixels: &[u8], w: usize, h: usize, variant: Dihedral) -> (Vec<u8>, usize, usize) {
    let (tw, th) = if transposes(variant) { (h, w) } else { (w, h) };
    let mut out = Vec::with_capacity(w * h);
    for y in 0..th {
        for x in 0..tw {
            // Where output pixel (x, y) comes from. Rotations are counterclockwise.
            let (sx, sy) = match variant {
                Dihedral::Original => (x, y),
                Dihedral::Rotate90 => (w - 1 - y, x),
                Dihedral::Rotate180 => (w - 1 - x, h - 1 - y),
                Dihedral::Rotate270 => (y, h - 1 - x),
                Dihedral::FlipX => (x, h - 1 - y),
                Dihedral::FlipY => (w - 1 - x, y),
                Dihedral::FlipPlus1 => (y, x),
                Dihedral::FlipMinus1 => (w - 1 - y, h - 1 - x),
            };
            out.push(pixels[sy * w + sx]);
        }
    }
    (out, tw, th)
}

fn transposes(variant: Dihedral) -> bool {
    matches!(
        variant,
        Dihedral::Rotate90 | Dihedral::Rotate270 | Dihedral::FlipPlus1 | Dihedral::FlipMinus1
    )
}

/// Which of the original's axes (width, height) the turn mirrors.
fn mirrors(variant: Dihedral) -> (bool, bool) {
    match variant {
        Dihedral::Original | Dihedral::FlipPlus1 => (false, false),
        Dihedral::Rotate90 | Dihedral::FlipY => (true, false),
        Dihedral::Rotate270 | Dihedral::FlipX => (false, true),
        Dihedral::Rotate180 | Dihedral::FlipMinus1 => (true, true),
    }
}

/// Whether mirroring along a dimension keeps the downsample's geometry symmetric.
fn symmetric(dim: usize) -> bool {
    !dim.is_multiple_of(128) && dim.div_ceil(128) % 2 == 1
}

/// For each variant, the distance between the dihedral hash and the turned copy's hash;
/// and the image's quality.
fn distances(spec: Spec) -> ([u32; 8], u8) {
    let image = spec.generate();
    let (w, h) = (spec.width, spec.height);
    let dihedral = hash_dihedral(&Pixels::new(&image.pixels, w, h, PixelLayout::Luma8).unwrap());
    let distances = Dihedral::ALL.map(|variant| {
        let (turned, tw, th) = turn(&image.pixels, w, h, variant);
        let plain = hash(&Pixels::new(&turned, tw, th, PixelLayout::Luma8).unwrap());
        plain.hash.distance(&dihedral.get(variant))
    });
    (distances, dihedral.quality)
}

/// Whether the picture's hash hangs on rounding noise: flipping the lowest bit of one pixel
/// in 101 moves more bits than such a nudge could. That happens where large flat areas
/// leave many DCT coefficients tied with the median (a narrow strip of a few flat shapes
/// can still have quality 50 from its edges); such pictures say nothing about geometry.
fn fragile(spec: Spec) -> bool {
    let image = spec.generate();
    let (w, h) = (spec.width, spec.height);
    let plain = hash(&Pixels::new(&image.pixels, w, h, PixelLayout::Luma8).unwrap()).hash;
    let mut nudged = image.pixels.clone();
    for pixel in nudged.iter_mut().step_by(101) {
        *pixel ^= 1;
    }
    let nudged = hash(&Pixels::new(&nudged, w, h, PixelLayout::Luma8).unwrap()).hash;
    plain.distance(&nudged) > FRAGILE_BITS
}

/// More bits than a nudge of one pixel in 101 by one grey level moves in a picture whose
/// hash does not hang on ties.
const FRAGILE_BITS: u32 = 8;

/// Pictures with detail, of which the tests keep those with quality 50 or more (what a
/// hotline accepts): in flat colour, pure gradients and other featureless pictures many
/// coefficients tie with the median at rounding-noise level, so any change in the order of
/// operations reshuffles their bits.
fn detailed() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        Just(Pattern::Smooth),
        Just(Pattern::Shapes),
        Just(Pattern::Noise)
    ]
}

/// Dimensions along which mirroring is symmetric, from 64 to 767. (Strips a few pixels
/// wide are left out: upsampled to 64 columns, most of their coefficients are ties at
/// rounding-noise level, and then any reordering of operations moves bits.)
fn symmetric_dim() -> impl Strategy<Value = usize> {
    prop_oneof![64usize..128, 129usize..256, 257usize..384, 641usize..768]
        .prop_filter("symmetric", |&d| symmetric(d))
}

#[test]
fn a_narrow_strip_of_flat_shapes_is_fragile_not_asymmetric() {
    // Found by CI: quality 50+, yet 92-128 bits from every turned copy, because its hash
    // hangs on ties; the nudge test tells such pictures apart.
    let spec = Spec::new(
        Pattern::Shapes,
        64,
        377,
        Channels::Grey,
        8_570_542_067_496_739_366,
    );
    assert!(fragile(spec));
    let photo_like = Spec::new(Pattern::Smooth, 300, 700, Channels::Grey, 7);
    assert!(!fragile(photo_like));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dihedral_hashes_equal_turned_copies_where_the_geometry_is_symmetric(
        pattern in detailed(), w in symmetric_dim(), h in symmetric_dim(), seed in any::<u64>(),
    ) {
        let spec = Spec::new(pattern, w, h, Channels::Grey, seed);
        let (distances, quality) = distances(spec);
        prop_assume!(quality >= RECOMMENDED_MIN_QUALITY);
        prop_assume!(!fragile(spec));
        let worst = distances.into_iter().max().unwrap_or(0);
        prop_assert!(worst <= ROUNDING_FLIPS, "{}: {:?}", spec.name(), distances);
    }

    #[test]
    fn only_mirrored_asymmetric_axes_make_a_difference(
        pattern in detailed(), w in 64usize..700, h in 64usize..700, seed in any::<u64>(),
    ) {
        // Transposing changes nothing; nor does mirroring along a symmetric axis.
        let spec = Spec::new(pattern, w, h, Channels::Grey, seed);
        let (distances, quality) = distances(spec);
        prop_assume!(quality >= RECOMMENDED_MIN_QUALITY);
        prop_assume!(!fragile(spec));
        for (variant, distance) in Dihedral::ALL.into_iter().zip(distances) {
            let (along_width, along_height) = mirrors(variant);
            if (!along_width || symmetric(w)) && (!along_height || symmetric(h)) {
                prop_assert!(distance <= ROUNDING_FLIPS, "{} {:?}: {}", spec.name(), variant, distance);
            }
        }
    }
}

#[test]
fn large_photo_like_images_stay_within_a_few_bits_everywhere() {
    // Photo sizes where neither axis is symmetric (even windows, or multiples of 128).
    for (w, h) in [(1000, 700), (1024, 768), (1600, 1004), (1280, 1920)] {
        for seed in 0..3 {
            let spec = Spec::new(Pattern::Smooth, w, h, Channels::Grey, seed);
            let worst = distances(spec).0.into_iter().max().unwrap();
            assert!(worst <= 16, "{}: {worst} bits", spec.name());
        }
    }
}

#[test]
fn the_geometry_rule_matches_known_sizes() {
    assert!(symmetric(100) && symmetric(127) && symmetric(300) && symmetric(333));
    // Multiples of 128 sample off-centre; 129..=256 and 384..=512 have even windows.
    assert!(!symmetric(128) && !symmetric(256) && !symmetric(384) && !symmetric(640));
    assert!(!symmetric(131) && !symmetric(200) && !symmetric(500));
}

/// The largest error of [`transform_hash`] over the eight orientations of a picture, and
/// its quality.
fn hash_only_error(spec: Spec) -> (u32, u8) {
    let image = spec.generate();
    let pixels = Pixels::new(&image.pixels, spec.width, spec.height, PixelLayout::Luma8).unwrap();
    let dihedral = hash_dihedral(&pixels);
    let original = dihedral.get(Dihedral::Original);
    let worst = Dihedral::ALL
        .into_iter()
        .map(|variant| transform_hash(&original, variant).distance(&dihedral.get(variant)))
        .max()
        .unwrap_or(0);
    (worst, dihedral.quality)
}

#[test]
fn the_hash_only_transform_is_exact_for_transposes() {
    for seed in 0..20 {
        let spec = Spec::new(Pattern::Smooth, 300, 200, Channels::Grey, seed);
        let image = spec.generate();
        let pixels = Pixels::new(&image.pixels, 300, 200, PixelLayout::Luma8).unwrap();
        let dihedral = hash_dihedral(&pixels);
        let original = dihedral.get(Dihedral::Original);
        assert_eq!(transform_hash(&original, Dihedral::Original), original);
        assert_eq!(
            transform_hash(&original, Dihedral::FlipPlus1),
            dihedral.get(Dihedral::FlipPlus1)
        );
    }
}

#[test]
fn the_hash_only_transform_is_only_approximate_for_negating_turns() {
    // Measured over 137 generated pictures with quality 50 or more: median error 12 bits,
    // three in four within 17 (a guard margin of 48 less the match radius of 31), a long
    // tail (up to 108 on smooth gradients, whose median coefficient is far from zero).
    // So the derived hashes are a backstop, not a replacement for listing the eight.
    let mut errors = Vec::new();
    for pattern in [
        Pattern::Smooth,
        Pattern::Shapes,
        Pattern::Noise,
        Pattern::Stripes,
        Pattern::Gradient,
    ] {
        for seed in 0..40u64 {
            let w = 200 + (seed as usize * 37) % 500;
            let h = 150 + (seed as usize * 53) % 600;
            let spec = Spec::new(pattern, w, h, Channels::Grey, seed);
            let (worst, quality) = hash_only_error(spec);
            if quality >= RECOMMENDED_MIN_QUALITY && !fragile(spec) {
                errors.push(worst);
            }
        }
    }
    errors.sort_unstable();
    let median = errors[errors.len() / 2];
    let within_margin = errors.iter().filter(|&&e| e <= 17).count();
    assert!(errors.len() > 100, "{errors:?}");
    assert!(median <= 16, "{errors:?}");
    assert!(within_margin * 4 >= errors.len() * 3, "{errors:?}");
}
