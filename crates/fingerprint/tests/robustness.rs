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
use takeback_testimages::{Channels, Pattern, Spec};

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn re_encoded_and_resized_copies_stay_the_same_picture(
        spec in photo_like(),
        jpeg_quality in 60u8..=95,
        scale in 0.5f64..1.5,
        filter in proptest::sample::select(vec![FilterType::Triangle, FilterType::CatmullRom, FilterType::Lanczos3]),
    ) {
        let image = spec.generate();
        let original = takeback_pdq::hash(
            &Pixels::new(&image.pixels, spec.width, spec.height, PixelLayout::Rgb8).unwrap(),
        );
        prop_assume!(original.quality >= RECOMMENDED_MIN_QUALITY);
        let dynamic = image.to_dynamic();

        let jpeg = pdq_of_file(&encode(&dynamic, ImageFormat::Jpeg, jpeg_quality));
        let distance = jpeg.hash.distance(&original.hash);
        prop_assert!(distance <= SAME_PICTURE, "{} as JPEG q{jpeg_quality}: {distance}", spec.name());

        let (w, h) = ((spec.width as f64 * scale) as u32, (spec.height as f64 * scale) as u32);
        let resized = dynamic.resize_exact(w.max(64), h.max(64), filter);
        let png = pdq_of_file(&encode(&resized, ImageFormat::Png, 0));
        let distance = png.hash.distance(&original.hash);
        prop_assert!(distance <= SAME_PICTURE, "{} resized to {w}x{h} ({filter:?}): {distance}", spec.name());

        let both = pdq_of_file(&encode(&resized, ImageFormat::Jpeg, jpeg_quality));
        let distance = both.hash.distance(&original.hash);
        prop_assert!(distance <= SAME_PICTURE, "{} resized and re-encoded: {distance}", spec.name());
    }
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
