//! What a perceptual hash is for, and what a decoder fed by strangers must survive.
//!
//! * Re-encoded and slightly resized copies of a picture stay within distance 31, the
//!   distance at which platforms treat two hashes as the same picture.
//! * Any bytes at all give a fingerprint or an error, never a panic: truncated, corrupted
//!   and random files of every format, and files that are not images.

#![allow(clippy::unwrap_used)]

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::LazyLock;
use takeback_fingerprint::{DecodeLimits, Options, decode, fingerprint_bytes};
use takeback_pdq::{PixelLayout, Pixels, RECOMMENDED_MIN_QUALITY};
use takeback_testimages::{Channels, Pattern, Spec, SplitMix64};

/// The usual "same picture" threshold.
const SAME_PICTURE: u32 = 31;

fn photo_like() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![Just(Pattern::Smooth), Just(Pattern::Shapes)],
        160usize..1200,
        160usize..1200,
        any::<u64>(),
    )
        .prop_map(|(pattern, w, h, seed)| Spec::new(pattern, w, h, Channels::Rgb, seed))
}

fn encode(image: &DynamicImage, format: ImageFormat, jpeg_quality: u8) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    if format == ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, jpeg_quality);
        image.write_with_encoder(encoder).unwrap();
    } else {
        image.write_to(&mut out, format).unwrap();
    }
    out.into_inner()
}

fn pdq_of_file(bytes: &[u8]) -> takeback_pdq::Pdq {
    fingerprint_bytes(bytes, &Options::default()).unwrap().pdq
}

/// Whether a tenth or more of the rows, and of the columns, are not one flat colour.
///
/// A picture that changes along one axis only (shapes wide enough to cover it from side to
/// side, leaving bands) has no signal in most of PDQ's coefficients: their bits follow the
/// noise of re-encoding, and a copy lands anywhere (115 bits away for a saved case, the
/// reference C++ hash doing the same). Its quality does not say so, being 60 and more, so
/// such pictures are left out here.
fn varies_both_ways(rgb: &[u8], width: usize, height: usize) -> bool {
    let pixel = |x: usize, y: usize| &rgb[(y * width + x) * 3..][..3];
    let varied_rows = (0..height)
        .filter(|&y| (1..width).any(|x| pixel(x, y) != pixel(0, y)))
        .count();
    let varied_columns = (0..width)
        .filter(|&x| (1..height).any(|y| pixel(x, y) != pixel(x, 0)))
        .count();
    varied_rows * 10 >= height && varied_columns * 10 >= width
}

/// How far the three copies of `spec` (re-encoded as JPEG, resized, both) are from the
/// original, or `None` when the original has too little detail to be matched, or varies
/// along one axis only.
fn copy_distances(
    spec: &Spec,
    jpeg_quality: u8,
    scale: f64,
    filter: FilterType,
) -> Option<[u32; 3]> {
    let image = spec.generate();
    let original = takeback_pdq::hash(
        &Pixels::new(&image.pixels, spec.width, spec.height, PixelLayout::Rgb8).unwrap(),
    );
    if original.quality < RECOMMENDED_MIN_QUALITY
        || !varies_both_ways(&image.pixels, spec.width, spec.height)
    {
        return None;
    }
    let dynamic = image.to_dynamic();
    let jpeg = pdq_of_file(&encode(&dynamic, ImageFormat::Jpeg, jpeg_quality));
    let (w, h) = (
        (spec.width as f64 * scale) as u32,
        (spec.height as f64 * scale) as u32,
    );
    let resized = dynamic.resize_exact(w.max(64), h.max(64), filter);
    let png = pdq_of_file(&encode(&resized, ImageFormat::Png, 0));
    let both = pdq_of_file(&encode(&resized, ImageFormat::Jpeg, jpeg_quality));
    Some([jpeg, png, both].map(|copy| copy.hash.distance(&original.hash)))
}

const FILTERS: [FilterType; 3] = [
    FilterType::Triangle,
    FilterType::CatmullRom,
    FilterType::Lanczos3,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// No copy strays far: within the guard list's margin of 48 bits, which assumes a
    /// copy moves at most 17 bits past the match radius. (The match radius itself, 31, is
    /// not a bound every copy keeps: a 244x848 drawing enlarged 1.35 times came out at 32,
    /// the saved regression case; how many keep it is measured below.)
    #[test]
    fn re_encoded_and_resized_copies_stay_near_the_picture(
        spec in photo_like(),
        jpeg_quality in 60u8..=95,
        scale in 0.5f64..1.5,
        filter in proptest::sample::select(FILTERS.to_vec()),
    ) {
        let distances = copy_distances(&spec, jpeg_quality, scale, filter);
        prop_assume!(distances.is_some());
        for (copy, distance) in ["JPEG", "resized", "resized JPEG"].iter().zip(distances.unwrap_or_default()) {
            prop_assert!(distance <= 48, "{} {copy} (q{jpeg_quality}, x{scale:.2}, {filter:?}): {distance}", spec.name());
        }
    }
}

/// Nearly every copy stays within the match radius, on a fixed sample (so that the figure
/// is the same on every run).
#[test]
fn nearly_all_copies_are_within_the_match_radius() {
    let mut rng = SplitMix64(2026);
    let (mut within, mut all) = (0, 0);
    let mut worst = Vec::new();
    while all < 60 {
        let pattern = if rng.below(2) == 0 {
            Pattern::Smooth
        } else {
            Pattern::Shapes
        };
        let spec = Spec::new(
            pattern,
            160 + rng.below(1040),
            160 + rng.below(1040),
            Channels::Rgb,
            rng.next_u64(),
        );
        let quality = 60 + rng.below(36) as u8;
        let scale = 0.5 + rng.below(1000) as f64 / 1000.0;
        let filter = FILTERS[rng.below(3)];
        let Some(distances) = copy_distances(&spec, quality, scale, filter) else {
            continue;
        };
        for distance in distances {
            all += 1;
            if distance <= SAME_PICTURE {
                within += 1;
            } else {
                worst.push((spec.name(), distance));
            }
        }
    }
    assert!(
        within * 100 >= all * 95,
        "{within} of {all} within {SAME_PICTURE}: {worst:?}"
    );
}

/// Small valid files of every format Takeback reads, made once.
fn valid_files() -> &'static [(ImageFormat, Vec<u8>)] {
    static FILES: LazyLock<Vec<(ImageFormat, Vec<u8>)>> = LazyLock::new(make_valid_files);
    &FILES
}

fn make_valid_files() -> Vec<(ImageFormat, Vec<u8>)> {
    let image = Spec::new(Pattern::Shapes, 48, 40, Channels::Rgb, 3).generate();
    let rgba = Spec::new(Pattern::Shapes, 30, 20, Channels::Rgba, 4).generate();
    let grey = Spec::new(Pattern::Smooth, 33, 17, Channels::Grey, 5).generate();
    let mut files = Vec::new();
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Gif,
        ImageFormat::Bmp,
        ImageFormat::Tiff,
    ] {
        files.push((format, image.encode(format)));
        // The GIF encoder takes colour only; JPEG has no alpha.
        if format != ImageFormat::Gif {
            files.push((format, grey.encode(format)));
        }
        if format != ImageFormat::Jpeg {
            files.push((format, rgba.encode(format)));
        }
    }
    files
}

/// Decoding must end in a value or an error; a panic fails the test.
fn survives(bytes: &[u8]) {
    let limits = DecodeLimits {
        // Keep corrupted headers from making the test itself slow.
        max_pixels: 4_000_000,
        ..DecodeLimits::default()
    };
    let _ = decode(bytes, &limits);
    let _ = fingerprint_bytes(
        bytes,
        &Options {
            limits,
            dihedral: true,
            ..Options::default()
        },
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn corrupted_files_never_panic(
        file in 0usize..64,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let files = valid_files();
        let (_, original) = &files[file % files.len()];
        let mut bytes = original.clone();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        survives(&bytes);
    }

    #[test]
    fn random_bytes_behind_a_real_signature_never_panic(
        signature in proptest::sample::select(vec![
            &b"\x89PNG\r\n\x1a\n"[..], b"\xff\xd8\xff", b"GIF89a", b"BM", b"II*\0", b"MM\0*",
            b"RIFF\0\0\0\0WEBPVP8 ", b"RIFF\0\0\0\0WEBPVP8L",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes = signature.to_vec();
        bytes.extend(tail);
        survives(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        survives(&bytes);
    }
}

#[test]
fn every_valid_file_decodes() {
    for (format, bytes) in valid_files() {
        let print = fingerprint_bytes(bytes, &Options::default());
        assert!(print.is_ok(), "{format:?}: {print:?}");
    }
}

/// zune-jpeg 0.5.15 panics in its inverse DCT on this malformed JPEG (a fuzzing finding,
/// bench/fuzz/README.md 5): it is answered as a damaged file, not a panic.
#[test]
fn a_decoder_that_panics_is_answered_as_a_damaged_file() {
    let bytes = include_bytes!("../../../fuzz/regressions/fingerprint/zune-jpeg-idct-panic");
    match decode(bytes, &DecodeLimits::default()) {
        Err(takeback_fingerprint::FingerprintError::Corrupt { format, .. }) => {
            assert_eq!(format, "jpeg")
        }
        Err(other) => panic!("{other}"),
        // A newer zune-jpeg may decode it without panicking.
        Ok(_) => {}
    }
}
