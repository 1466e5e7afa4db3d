//! Every engine gives exactly the literal port's result, on random images of every shape
//! and content. Flat images matter most: all their DCT coefficients are rounding noise, so
//! any change in the order of floating-point operations would change their bits.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use takeback_pdq::{Engine, PixelLayout, Pixels, hash_dihedral_with, hash_with, reference};
use takeback_testimages::{Channels, Pattern, Spec};

fn spec() -> impl Strategy<Value = Spec> {
    let size = prop_oneof![
        (1usize..80, 1usize..80),
        (5usize..400, 5usize..400),
        // Long and thin: large windows along one axis, tiny along the other.
        (5usize..12, 400usize..2500),
        (400usize..2500, 5usize..12),
    ];
    let channels = prop_oneof![
        Just(Channels::Grey),
        Just(Channels::Rgb),
        Just(Channels::Rgba)
    ];
    (
        size,
        proptest::sample::select(Pattern::ALL.to_vec()),
        channels,
        any::<u64>(),
    )
        .prop_map(|((w, h), pattern, channels, seed)| Spec::new(pattern, w, h, channels, seed))
}

fn layout(channels: Channels) -> PixelLayout {
    match channels {
        Channels::Grey => PixelLayout::Luma8,
        Channels::Rgb => PixelLayout::Rgb8,
        Channels::Rgba => PixelLayout::Rgba8,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn engines_equal_the_literal_port(spec in spec()) {
        let image = spec.generate();
        let pixels = Pixels::new(&image.pixels, spec.width, spec.height, layout(spec.channels)).unwrap();
        let expected = reference::hash_dihedral(&pixels);
        // Natively `Engine::Simd128` (like `Engine::Avx2` on a CPU without AVX2) runs the
        // portable engine: only a wasm32 build with +simd128 has the SIMD one. Its real
        // check is crates/pdq-wasm/tests/node.rs, which runs the SIMD build under Node.
        for engine in [Engine::Portable, Engine::Avx2, Engine::Simd128] {
            prop_assert_eq!(hash_dihedral_with(&pixels, engine), expected, "{:?}", engine);
            prop_assert_eq!(hash_with(&pixels, engine), expected.original(), "{:?}", engine);
        }
    }

    #[test]
    fn row_stride_padding_is_ignored(spec in spec(), extra in 1usize..9, junk in any::<u8>()) {
        let image = spec.generate();
        let row = spec.width * spec.channels.count();
        let stride = row + extra;
        let mut padded = vec![junk; stride * spec.height];
        for (dst, src) in padded.chunks_mut(stride).zip(image.pixels.chunks(row.max(1))) {
            dst[..row].copy_from_slice(src);
        }
        let tight = Pixels::new(&image.pixels, spec.width, spec.height, layout(spec.channels)).unwrap();
        let strided = Pixels::with_stride(&padded, spec.width, spec.height, stride, layout(spec.channels)).unwrap();
        prop_assert_eq!(takeback_pdq::hash(&strided), takeback_pdq::hash(&tight));
    }
}

#[test]
fn images_under_five_pixels_get_the_zero_hash() {
    for (w, h) in [(0, 0), (1, 1), (4, 4), (4, 100), (100, 4)] {
        let pixels = vec![200u8; w * h * 3];
        let pdq = takeback_pdq::hash(&Pixels::new(&pixels, w, h, PixelLayout::Rgb8).unwrap());
        assert_eq!(pdq.hash, takeback_pdq::PdqHash::ZERO);
        assert_eq!(pdq.quality, 0);
    }
}

#[test]
fn engine_choice_reports_support() {
    assert!(Engine::Portable.is_supported());
    assert!(Engine::best().is_supported());
}
