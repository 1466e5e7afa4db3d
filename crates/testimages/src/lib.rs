//! Deterministic, benign test images: gradients, shapes, smooth "photo-like" noise, white
//! noise, stripes and flat colour, in greyscale, RGB and RGBA, at any size.
//!
//! The same [`Spec`] always gives the same pixels, on every machine and with every version
//! of every dependency (the random numbers come from a SplitMix64 written here), because
//! golden hashes computed once by the reference implementation are committed against them.
//!
//! ```
//! use takeback_testimages::{Channels, Pattern, Spec};
//! let image = Spec::new(Pattern::Shapes, 40, 30, Channels::Rgb, 7).generate();
//! assert_eq!(image.pixels.len(), 40 * 30 * 3);
//! assert_eq!(image, Spec::new(Pattern::Shapes, 40, 30, Channels::Rgb, 7).generate());
//! ```

#![warn(missing_docs)]

use image::{DynamicImage, GrayImage, ImageFormat, RgbImage, RgbaImage};
use std::io::Cursor;

/// What a test image shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Smooth ramps in each channel.
    Gradient,
    /// Filled circles and rectangles over a gradient.
    Shapes,
    /// Smooth value noise at several scales: low-frequency content like a photo's.
    Smooth,
    /// Independent uniform noise in every pixel.
    Noise,
    /// Diagonal stripes.
    Stripes,
    /// One flat colour: no detail at all, quality 0.
    Flat,
}

impl Pattern {
    /// Every pattern.
    pub const ALL: [Pattern; 6] = [
        Pattern::Gradient,
        Pattern::Shapes,
        Pattern::Smooth,
        Pattern::Noise,
        Pattern::Stripes,
        Pattern::Flat,
    ];

    /// A short lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Gradient => "gradient",
            Pattern::Shapes => "shapes",
            Pattern::Smooth => "smooth",
            Pattern::Noise => "noise",
            Pattern::Stripes => "stripes",
            Pattern::Flat => "flat",
        }
    }
}

/// Channels per pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channels {
    /// One grey byte.
    Grey,
    /// Red, green, blue.
    Rgb,
    /// Red, green, blue and a varying alpha.
    Rgba,
}

impl Channels {
    /// Bytes per pixel.
    pub fn count(self) -> usize {
        match self {
            Channels::Grey => 1,
            Channels::Rgb => 3,
            Channels::Rgba => 4,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Channels::Grey => "grey",
            Channels::Rgb => "rgb",
            Channels::Rgba => "rgba",
        }
    }
}

/// Everything that determines a test image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spec {
    /// What it shows.
    pub pattern: Pattern,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Channels per pixel.
    pub channels: Channels,
    /// Varies colours and positions.
    pub seed: u64,
}

/// A generated image: tightly packed rows of `channels` bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestImage {
    /// The spec it was generated from.
    pub spec: Spec,
    /// The pixels, row-major.
    pub pixels: Vec<u8>,
}

impl Spec {
    /// A spec.
    pub fn new(
        pattern: Pattern,
        width: usize,
        height: usize,
        channels: Channels,
        seed: u64,
    ) -> Self {
        Spec {
            pattern,
            width,
            height,
            channels,
            seed,
        }
    }

    /// A file-name-safe name that identifies the spec, e.g. `shapes-640x480-rgb-s3`.
    pub fn name(&self) -> String {
        format!(
            "{}-{}x{}-{}-s{}",
            self.pattern.name(),
            self.width,
            self.height,
            self.channels.name(),
            self.seed
        )
    }

    /// Generates the pixels.
    pub fn generate(&self) -> TestImage {
        let (w, h) = (self.width, self.height);
        let mut rgb = vec![[0u8; 3]; w * h];
        let mut rng = SplitMix64(
            self.seed
                .wrapping_mul(0x9e37_79b9)
                .wrapping_add(w as u64 * 31 + h as u64),
        );
        match self.pattern {
            Pattern::Gradient => gradient(&mut rgb, w, h),
            Pattern::Shapes => {
                gradient(&mut rgb, w, h);
                shapes(&mut rgb, w, h, &mut rng);
            }
            Pattern::Smooth => smooth(&mut rgb, w, h, &mut rng),
            Pattern::Noise => rgb.iter_mut().for_each(|p| *p = rng.rgb()),
            Pattern::Stripes => stripes(&mut rgb, w, h, &mut rng),
            Pattern::Flat => {
                let colour = rng.rgb();
                rgb.iter_mut().for_each(|p| *p = colour);
            }
        }
        let pixels = match self.channels {
            Channels::Rgb => rgb.into_iter().flatten().collect(),
            Channels::Grey => rgb
                .into_iter()
                .map(|[r, g, b]| {
                    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
                })
                .collect(),
            Channels::Rgba => rgb
                .into_iter()
                .enumerate()
                .flat_map(|(i, [r, g, b])| [r, g, b, ((i * 7 + i / w.max(1) * 3) % 256) as u8])
                .collect(),
        };
        TestImage {
            spec: *self,
            pixels,
        }
    }
}

impl TestImage {
    /// The image as an `image` crate buffer.
    pub fn to_dynamic(&self) -> DynamicImage {
        let (w, h) = (self.spec.width as u32, self.spec.height as u32);
        let pixels = self.pixels.clone();
        let fits = "pixel count matches dimensions";
        match self.spec.channels {
            Channels::Grey => GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
            Channels::Rgb => RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
            Channels::Rgba => RgbaImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgba8),
        }
        .expect(fits)
    }

    /// The image encoded as a file of `format` (PNG is lossless; JPEG at quality 90).
    pub fn encode(&self, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let image = match (format, self.spec.channels) {
            // JPEG has no alpha channel.
            (ImageFormat::Jpeg, Channels::Rgba) => {
                DynamicImage::ImageRgb8(self.to_dynamic().to_rgb8())
            }
            _ => self.to_dynamic(),
        };
        if format == ImageFormat::Jpeg {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            image
                .write_with_encoder(encoder)
                .expect("in-memory JPEG encoding");
        } else {
            image
                .write_to(&mut out, format)
                .expect("in-memory encoding");
        }
        out.into_inner()
    }
}

/// The RGBA pixels (alpha 255 where the file has none), width and height of a picture
/// file the `image` crate decodes (PNG, JPEG, GIF, WebP, BMP, TIFF), for tests that hash
/// real pictures, such as Meta's reference images.
pub fn decode_rgba(bytes: &[u8]) -> image::ImageResult<(Vec<u8>, usize, usize)> {
    let rgba = image::load_from_memory(bytes)?.to_rgba8();
    let (width, height) = (rgba.width() as usize, rgba.height() as usize);
    Ok((rgba.into_raw(), width, height))
}

/// The images whose reference hashes are committed as golden values: every pattern and
/// channel layout at boundary sizes (below, at and just above the 5-pixel minimum, around
/// 64 and 128 where the box filter's window changes, odd and degenerate shapes) and at
/// photo sizes up to 4000×3000.
pub fn golden_catalogue() -> Vec<Spec> {
    use Channels::{Grey, Rgb, Rgba};
    use Pattern::*;
    let mut specs = Vec::new();
    let tiny = [(1, 1), (2, 3), (4, 4), (4, 9), (9, 4), (5, 5), (6, 7)];
    for (i, &(w, h)) in tiny.iter().enumerate() {
        specs.push(Spec::new(Noise, w, h, Rgb, i as u64));
        specs.push(Spec::new(Shapes, w, h, Grey, i as u64));
    }
    let boundary = [
        (17, 13),
        (31, 33),
        (63, 65),
        (64, 64),
        (65, 63),
        (64, 63),
        (100, 64),
        (127, 129),
        (128, 128),
        (129, 127),
        (255, 257),
        (256, 256),
        (333, 517),
        (1000, 5),
        (5, 1000),
        (1000, 4),
    ];
    for (i, &(w, h)) in boundary.iter().enumerate() {
        let pattern = Pattern::ALL[i % Pattern::ALL.len()];
        let seed = i as u64 + 10;
        specs.push(Spec::new(pattern, w, h, Rgb, seed));
        specs.push(Spec::new(Smooth, w, h, Grey, seed));
        specs.push(Spec::new(Shapes, w, h, Rgba, seed));
    }
    for pattern in Pattern::ALL {
        for channels in [Grey, Rgb, Rgba] {
            specs.push(Spec::new(pattern, 640, 480, channels, 3));
        }
    }
    let photo_sized = [
        (Smooth, 1023, 767, Rgb),
        (Shapes, 1600, 1000, Rgb),
        (Noise, 1600, 1000, Grey),
        (Smooth, 1000, 1600, Rgba),
        (Shapes, 4000, 3000, Rgb),
        (Smooth, 3000, 4000, Grey),
    ];
    for (i, &(pattern, w, h, channels)) in photo_sized.iter().enumerate() {
        specs.push(Spec::new(pattern, w, h, channels, 100 + i as u64));
    }
    specs
}

fn gradient(rgb: &mut [[u8; 3]], w: usize, h: usize) {
    let (wd, hd) = (w.max(2) - 1, h.max(2) - 1);
    for (i, p) in rgb.iter_mut().enumerate() {
        let (x, y) = (i % w, i / w);
        *p = [
            (x * 255 / wd) as u8,
            (y * 255 / hd) as u8,
            ((x + y) * 255 / (wd + hd)) as u8,
        ];
    }
}

fn shapes(rgb: &mut [[u8; 3]], w: usize, h: usize, rng: &mut SplitMix64) {
    for _ in 0..12 {
        let colour = rng.rgb();
        let (cx, cy) = (rng.below(w), rng.below(h));
        let size = 1 + rng.below(w.max(h) / 3 + 1);
        let circle = rng.below(2) == 0;
        for y in cy.saturating_sub(size)..(cy + size).min(h) {
            for x in cx.saturating_sub(size)..(cx + size).min(w) {
                let (dx, dy) = (x.abs_diff(cx), y.abs_diff(cy));
                if !circle || dx * dx + dy * dy <= size * size {
                    rgb[y * w + x] = colour;
                }
            }
        }
    }
}

fn smooth(rgb: &mut [[u8; 3]], w: usize, h: usize, rng: &mut SplitMix64) {
    let mut acc = vec![[0u32; 3]; w * h];
    let mut total = 0;
    for (octave, weight) in [(4usize, 8u32), (9, 4), (23, 2), (61, 1)] {
        let (gw, gh) = (octave + 1, (octave * h / w.max(1)).clamp(1, 4 * octave) + 1);
        let grid: Vec<[u8; 3]> = (0..gw * gh).map(|_| rng.rgb()).collect();
        for (i, a) in acc.iter_mut().enumerate() {
            let (x, y) = (i % w, i / w);
            // Bilinear interpolation in 8.8 fixed point keeps this exact and portable.
            let fx = x * (gw - 1) * 256 / w.max(1);
            let fy = y * (gh - 1) * 256 / h.max(1);
            let (x0, y0, tx, ty) = (fx / 256, fy / 256, (fx % 256) as u32, (fy % 256) as u32);
            let (x1, y1) = ((x0 + 1).min(gw - 1), (y0 + 1).min(gh - 1));
            for (c, slot) in a.iter_mut().enumerate() {
                let v = |gx: usize, gy: usize| u32::from(grid[gy * gw + gx][c]);
                let top = v(x0, y0) * (256 - tx) + v(x1, y0) * tx;
                let bottom = v(x0, y1) * (256 - tx) + v(x1, y1) * tx;
                *slot += (top * (256 - ty) + bottom * ty) / 65536 * weight;
            }
        }
        total += weight;
    }
    for (p, a) in rgb.iter_mut().zip(acc) {
        *p = a.map(|v| (v / total) as u8);
    }
}

fn stripes(rgb: &mut [[u8; 3]], w: usize, h: usize, rng: &mut SplitMix64) {
    let (a, b) = (rng.rgb(), rng.rgb());
    let period = 2 + rng.below(w.max(h) / 8 + 2);
    for (i, p) in rgb.iter_mut().enumerate() {
        let (x, y) = (i % w, i / w);
        *p = if ((x + 2 * y) / period).is_multiple_of(2) {
            a
        } else {
            b
        };
    }
}

/// SplitMix64: tiny, well-distributed and fixed forever. Tests use it for any random data
/// that must replay exactly from a seed.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 if `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    fn rgb(&mut self) -> [u8; 3] {
        let v = self.next_u64().to_le_bytes();
        [v[0], v[1], v[2]]
    }
}

/// Random bytes from a seed, for fuzz-style tests that must be reproducible.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = SplitMix64(seed);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_names_are_unique() {
        let mut names: Vec<_> = golden_catalogue().iter().map(Spec::name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn every_pattern_fills_every_size() {
        for pattern in Pattern::ALL {
            for (w, h) in [(1, 1), (1, 9), (9, 1), (37, 23)] {
                for channels in [Channels::Grey, Channels::Rgb, Channels::Rgba] {
                    let image = Spec::new(pattern, w, h, channels, 1).generate();
                    assert_eq!(image.pixels.len(), w * h * channels.count());
                }
            }
        }
    }
}
