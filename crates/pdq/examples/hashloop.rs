//! Times `hash` on one generated image: `cargo run --release --example hashloop -- W H N [portable]`.
use takeback_pdq::{Engine, PixelLayout, Pixels, hash_with};
use takeback_testimages::{Channels, Pattern, Spec};

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .map_or(default, |s| s.parse().expect("a number"))
    };
    let (w, h, n) = (arg(1, 4032), arg(2, 3024), arg(3, 30));
    let engine = if std::env::args().any(|a| a == "portable") {
        Engine::Portable
    } else {
        Engine::best()
    };
    let image = Spec::new(Pattern::Smooth, w, h, Channels::Rgb, 1).generate();
    let pixels = Pixels::new(&image.pixels, w, h, PixelLayout::Rgb8).expect("valid");
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let t = std::time::Instant::now();
            std::hint::black_box(hash_with(&pixels, engine));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{engine:?} {w}x{h}: median {:.2} ms, min {:.2} ms",
        times[n / 2],
        times[0]
    );
}
