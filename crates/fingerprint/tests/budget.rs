//! The decode budget: what the header says a picture needs is reserved before decoding,
//! refused when it is more than the whole budget, and always given back.

// A failed step should stop the test right there.
#![allow(clippy::unwrap_used)]

use image::{ImageFormat, RgbImage};
use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;
use takeback_fingerprint::{DecodeBudget, FingerprintError, Options, fingerprint_bytes};

fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

fn within(budget: &Arc<DecodeBudget>) -> Options {
    Options {
        dihedral: true,
        budget: Some(Arc::clone(budget)),
        ..Options::default()
    }
}

#[test]
fn a_picture_needing_more_than_the_whole_budget_is_refused_before_decoding() {
    let budget = Arc::new(DecodeBudget::new(DecodeBudget::MIN_BYTES));
    // 2400x2400 RGB: 17 MB of pixels before any working memory.
    for format in [ImageFormat::Png, ImageFormat::Jpeg] {
        let big = picture(2400, 2400, format);
        match fingerprint_bytes(&big, &within(&budget)) {
            Err(
                error @ FingerprintError::TooLargeToDecode {
                    needed,
                    budget: 16_777_216,
                },
            ) => {
                assert!(needed > 2 * 2400 * 2400 * 3, "{needed}");
                assert!(error.to_string().contains("decode budget"), "{error}");
            }
            other => panic!("{format:?}: {other:?}"),
        }
        assert_eq!(budget.in_use(), 0);
    }
    // A picture that fits is decoded, and its memory given back.
    let small = picture(640, 480, ImageFormat::Png);
    let print = fingerprint_bytes(&small, &within(&budget)).unwrap();
    assert_eq!((print.width, print.height), (640, 480));
    assert_eq!(budget.in_use(), 0);
}

#[test]
fn the_budget_changes_no_hash() {
    let budget = Arc::new(DecodeBudget::new(256 << 20));
    for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif] {
        let bytes = picture(300, 200, format);
        let free = fingerprint_bytes(&bytes, &Options::default()).unwrap();
        let bounded = fingerprint_bytes(
            &bytes,
            &Options {
                budget: Some(Arc::clone(&budget)),
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(free, bounded, "{format:?}");
    }
}

#[test]
fn damaged_pictures_give_their_reservation_back() {
    let budget = Arc::new(DecodeBudget::new(256 << 20));
    let whole = picture(800, 600, ImageFormat::Png);
    for cut in [100, 1000, whole.len() / 2, whole.len() - 10] {
        assert!(fingerprint_bytes(&whole[..cut], &within(&budget)).is_err());
        assert_eq!(budget.in_use(), 0, "cut at {cut}");
    }
}

#[test]
fn a_decode_that_cannot_get_memory_in_time_is_refused_as_busy() {
    let budget = Arc::new(
        DecodeBudget::new(DecodeBudget::MIN_BYTES).waiting_at_most(Duration::from_millis(100)),
    );
    let _elsewhere = budget.reserve(DecodeBudget::MIN_BYTES - 1024).unwrap();
    let bytes = picture(640, 480, ImageFormat::Png);
    match fingerprint_bytes(&bytes, &within(&budget)) {
        Err(error @ FingerprintError::DecodeBusy { .. }) => {
            assert!(error.to_string().contains("at once"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}
