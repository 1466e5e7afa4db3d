//! Real PDQ hashes for the "realistic" lists: many crops, scales, orientations and edits of
//! real photos (scikit-image's sample photos, passed in by the driver).
//!
//! Uniform random hashes are the easy case for any substring index: every bucket holds about
//! the same number of rows. Real PDQ bits are correlated (neighbouring DCT coefficients of
//! natural images are alike, and a list holds many near-copies of the same pictures), so
//! some substring values are far more common than others and a query lands in crowded
//! buckets. Hashes of real pictures are the only honest way to get that distribution.
//!
//! Each picture is a [`Variant`]: a crop of a photo (25–100% of its short side, aspect
//! 3:4 to 4:3, anywhere in the photo), sometimes rotated by a few degrees, sometimes turned
//! or mirrored (one of the eight orientations), resampled to 64×64 (or, one time in ten, to
//! a size between 64 and 128, which takes PDQ's blur path), and edited: contrast and
//! brightness, a 3×3 blur, noise, and a crude stand-in for JPEG (pixel values quantised
//! around the mean of each 8×8 block). Resampling reads the level of a per-photo image
//! pyramid (halving with 2×2 means) nearest in scale, bilinearly, so that shrinking a crop
//! averages its pixels as a real resize does rather than aliasing. Photos are hashed as grey
//! (`Luma8`): the colour-to-grey step is the photo loader's, the rest is PDQ's own. A 64×64
//! picture skips PDQ's blur and hashes in about 20 µs, so ten million hashes take a couple
//! of minutes on two cores.

use anyhow::{Context, Result};
use std::f64::consts::PI;
use std::path::Path;
use takeback_pdq::{PdqHash, PixelLayout, Pixels, RECOMMENDED_MIN_QUALITY};

use crate::rng::{Rng, stream};

/// A grey image with float pixels.
#[derive(Debug)]
struct Plane {
    width: usize,
    height: usize,
    pixels: Vec<f32>,
}

impl Plane {
    /// Half the size, each pixel the mean of a 2×2 block (a trailing odd row or column is
    /// dropped).
    fn halve(&self) -> Plane {
        let (width, height) = (self.width / 2, self.height / 2);
        let mut pixels = Vec::with_capacity(width * height);
        for y in 0..height {
            let (top, bottom) = (2 * y * self.width, (2 * y + 1) * self.width);
            for x in 0..width {
                let sum = self.pixels[top + 2 * x]
                    + self.pixels[top + 2 * x + 1]
                    + self.pixels[bottom + 2 * x]
                    + self.pixels[bottom + 2 * x + 1];
                pixels.push(sum * 0.25);
            }
        }
        Plane {
            width,
            height,
            pixels,
        }
    }

    /// Bilinear samples at `origin + ox·step_x + oy·step_y` for every `ox` in `0..width` and `oy`
    /// in `0..height`, all of which must lie inside the plane, less its last row and column.
    /// Coordinates are stepped in 16.16 fixed point: the common case, and several times faster
    /// than converting a float coordinate to a clamped index for every pixel.
    fn sample_affine(
        &self,
        origin: (f64, f64),
        step_x: (f64, f64),
        step_y: (f64, f64),
        width: usize,
        out: &mut [f32],
    ) {
        const ONE: f64 = 65536.0;
        const FRACTION: f32 = 1.0 / 65536.0;
        let fixed = |v: f64| (v * ONE).round() as i32;
        let (sx, sy) = (
            (fixed(step_x.0), fixed(step_x.1)),
            (fixed(step_y.0), fixed(step_y.1)),
        );
        let mut row = (fixed(origin.0), fixed(origin.1));
        let stride = self.width;
        for out_row in out.chunks_exact_mut(width) {
            let (mut x, mut y) = row;
            for pixel in out_row {
                let i = (y >> 16) as usize * stride + (x >> 16) as usize;
                let fx = (x & 0xffff) as f32 * FRACTION;
                let fy = (y & 0xffff) as f32 * FRACTION;
                let (top, bottom) = (
                    &self.pixels[i..i + 2],
                    &self.pixels[i + stride..i + stride + 2],
                );
                let upper = top[0] + (top[1] - top[0]) * fx;
                let lower = bottom[0] + (bottom[1] - bottom[0]) * fx;
                *pixel = upper + (lower - upper) * fy;
                x += sx.0;
                y += sx.1;
            }
            row.0 += sy.0;
            row.1 += sy.1;
        }
    }

    /// Bilinear interpolation between pixel centres; coordinates are clamped to the image.
    fn sample(&self, x: f64, y: f64) -> f32 {
        let x = x.clamp(0.0, (self.width - 1) as f64);
        let y = y.clamp(0.0, (self.height - 1) as f64);
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
        let row0 = &self.pixels[y0 * self.width..];
        let row1 = &self.pixels[y1 * self.width..];
        let top = row0[x0] + (row0[x1] - row0[x0]) * fx;
        let bottom = row1[x0] + (row1[x1] - row1[x0]) * fx;
        top + (bottom - top) * fy
    }
}

/// A photo, as a pyramid of grey images: full size, then each half the one before, down to
/// about 32 pixels.
#[derive(Debug)]
pub struct Photo {
    /// The file's name without its extension.
    pub name: String,
    levels: Vec<Plane>,
}

impl Photo {
    /// Decodes a PNG or JPEG file and converts it to grey.
    pub fn open(path: &Path) -> Result<Photo> {
        let grey = image::open(path)
            .with_context(|| format!("decoding {}", path.display()))?
            .to_luma8();
        let (width, height) = (grey.width() as usize, grey.height() as usize);
        anyhow::ensure!(
            width >= 64 && height >= 64,
            "{} is only {width}×{height}",
            path.display()
        );
        let mut levels = vec![Plane {
            width,
            height,
            pixels: grey.into_raw().into_iter().map(f32::from).collect(),
        }];
        while let Some(last) = levels.last().filter(|p| p.width.min(p.height) >= 64) {
            let half = last.halve();
            levels.push(half);
        }
        let name = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        Ok(Photo { name, levels })
    }

    /// Width and height at full size.
    pub fn size(&self) -> (usize, usize) {
        (self.levels[0].width, self.levels[0].height)
    }
}

/// The edits applied to a resampled picture.
#[derive(Debug, Clone, Copy)]
struct Edit {
    contrast: f32,
    brightness: f32,
    blur: bool,
    /// Each pixel moves by a random amount in `-noise..noise`.
    noise: f32,
    /// Step of the JPEG-like quantisation; 0 for none.
    quantise: f32,
    /// Seeds the noise.
    seed: u64,
}

impl Edit {
    fn random(rng: &mut Rng) -> Edit {
        Edit {
            contrast: if rng.chance(0.5) {
                rng.range(0.75, 1.25) as f32
            } else {
                1.0
            },
            brightness: if rng.chance(0.5) {
                rng.range(-30.0, 30.0) as f32
            } else {
                0.0
            },
            blur: rng.chance(0.25),
            noise: if rng.chance(0.4) {
                rng.range(2.0, 10.0) as f32
            } else {
                0.0
            },
            quantise: if rng.chance(0.4) {
                rng.range(4.0, 14.0) as f32
            } else {
                0.0
            },
            seed: rng.next_u64(),
        }
    }

    /// Applies the edits to a `width`×`height` picture and rounds it to bytes.
    fn apply(&self, pixels: &mut [f32], width: usize, height: usize, out: &mut Vec<u8>) {
        if self.blur {
            box_blur_3x3(pixels, width, height);
        }
        if self.noise > 0.0 {
            // Four 16-bit random numbers from each 64-bit one.
            let mut rng = Rng::new(stream("photos/noise"), self.seed);
            let scale = 2.0 * self.noise / 65536.0;
            for chunk in pixels.chunks_mut(4) {
                let mut bits = rng.next_u64();
                for p in chunk {
                    *p += (bits & 0xffff) as f32 * scale - self.noise;
                    bits >>= 16;
                }
            }
        }
        if self.quantise > 0.0 {
            quantise_blocks(pixels, width, height, self.quantise);
        }
        out.clear();
        // Contrast and brightness last: the other edits commute with them, near enough, and
        // this pass is needed anyway. Round half up (the values are not negative after
        // clamping).
        let offset = 128.0 + self.brightness - 128.0 * self.contrast + 0.5;
        out.extend(
            pixels
                .iter()
                .map(|&p| (p * self.contrast + offset).clamp(0.0, 255.5) as u8),
        );
    }
}

/// A 3×3 mean filter, edges clamped: a 3-tap mean along rows, then along columns.
fn box_blur_3x3(pixels: &mut [f32], width: usize, height: usize) {
    let mut rows = vec![0.0f32; pixels.len()];
    for (source, out) in pixels.chunks_exact(width).zip(rows.chunks_exact_mut(width)) {
        for x in 0..width {
            let (left, right) = (x.saturating_sub(1), (x + 1).min(width - 1));
            out[x] = source[left] + source[x] + source[right];
        }
    }
    for y in 0..height {
        let (up, down) = (y.saturating_sub(1), (y + 1).min(height - 1));
        for x in 0..width {
            pixels[y * width + x] =
                (rows[up * width + x] + rows[y * width + x] + rows[down * width + x]) / 9.0;
        }
    }
}

/// Rounds each pixel's difference from the mean of its 8×8 block to a multiple of `step`:
/// fine detail is lost and blocks show, roughly what a low JPEG quality does.
fn quantise_blocks(pixels: &mut [f32], width: usize, height: usize, step: f32) {
    for by in (0..height).step_by(8) {
        for bx in (0..width).step_by(8) {
            let (y_end, x_end) = ((by + 8).min(height), (bx + 8).min(width));
            let mut sum = 0.0;
            for y in by..y_end {
                sum += pixels[y * width + bx..y * width + x_end]
                    .iter()
                    .sum::<f32>();
            }
            let mean = sum / ((y_end - by) * (x_end - bx)) as f32;
            for y in by..y_end {
                for p in &mut pixels[y * width + bx..y * width + x_end] {
                    *p = mean + ((*p - mean) / step).round() * step;
                }
            }
        }
    }
}

/// How one picture is made from a photo: which photo, which crop, how it is turned and
/// resampled, and how it is edited.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    photo: usize,
    /// One of the eight orientations (rotations by quarter turns, mirrored or not).
    orientation: u8,
    /// The crop's centre in the photo's pixels.
    centre: (f64, f64),
    /// The crop's width and height in the photo's pixels, before rotation.
    crop: (f64, f64),
    /// Rotation of the crop, radians.
    angle: f64,
    /// The picture's width and height.
    output: (usize, usize),
    edit: Edit,
}

fn random_output(rng: &mut Rng) -> (usize, usize) {
    if rng.chance(0.9) {
        (64, 64)
    } else {
        (64 + rng.below(65) as usize, 64 + rng.below(65) as usize)
    }
}

impl Variant {
    /// A random picture made from photo `photo`.
    pub fn random(photos: &[Photo], photo: usize, rng: &mut Rng) -> Variant {
        let (width, height) = photos[photo].size();
        let (width, height) = (width as f64, height as f64);
        let side = width.min(height) * rng.range(0.25f64.ln(), 0.0).exp();
        let aspect = rng.range((0.75f64).ln(), (4.0f64 / 3.0).ln()).exp();
        let crop = (
            (side * aspect.sqrt()).min(width),
            (side / aspect.sqrt()).min(height),
        );
        let centre = (
            rng.range(crop.0 / 2.0, width - crop.0 / 2.0 + 1e-9),
            rng.range(crop.1 / 2.0, height - crop.1 / 2.0 + 1e-9),
        );
        let angle = if rng.chance(0.3) {
            rng.range(-6.0, 6.0) * PI / 180.0
        } else {
            0.0
        };
        let orientation = if rng.chance(0.8) {
            0
        } else {
            1 + rng.below(7) as u8
        };
        Variant {
            photo,
            orientation,
            centre,
            crop,
            angle,
            output: random_output(rng),
            edit: Edit::random(rng),
        }
    }

    /// Another copy of the same picture, as it might be re-shared: resampled to a new size
    /// and edited anew, the crop moved by up to 0.5% and scaled by up to 1%, sometimes turned
    /// by up to 0.5° more. (PDQ is not robust to shifts: moving a crop by 3% of its size
    /// already changes some 50 bits.)
    pub fn similar(&self, rng: &mut Rng) -> Variant {
        let mut other = *self;
        other.centre.0 += rng.range(-0.005, 0.005) * self.crop.0;
        other.centre.1 += rng.range(-0.005, 0.005) * self.crop.1;
        other.crop.0 *= rng.range(-0.01, 0.01).exp();
        other.crop.1 *= rng.range(-0.01, 0.01).exp();
        if rng.chance(0.3) {
            other.angle += rng.range(-0.5, 0.5) * PI / 180.0;
        }
        other.output = random_output(rng);
        other.edit = Edit::random(rng);
        other
    }

    /// The picture's grey pixels (`output.0 × output.1` bytes).
    fn render(&self, photos: &[Photo], out: &mut Vec<u8>) {
        let photo = &photos[self.photo];
        let (out_w, out_h) = self.output;
        // Which output axis runs along the crop's width.
        let transposed = self.orientation >= 4;
        let (along_w, along_h) = if transposed {
            (out_h, out_w)
        } else {
            (out_w, out_h)
        };
        let scale = (self.crop.0 / along_w as f64).min(self.crop.1 / along_h as f64);
        let level = (scale.max(1.0).log2().floor() as usize).min(photo.levels.len() - 1);
        let plane = &photo.levels[level];
        let unit = f64::from(1u32 << level);
        let (sin, cos) = self.angle.sin_cos();
        // Where output pixel (ox, oy) reads the plane: an affine map, so it is evaluated at
        // three pixels and then stepped along rows and columns.
        let point = |ox: f64, oy: f64| {
            let u = (ox + 0.5) / out_w as f64 - 0.5;
            let v = (oy + 0.5) / out_h as f64 - 0.5;
            let (a, b) = orient(self.orientation, u, v);
            let (dx, dy) = (a * self.crop.0, b * self.crop.1);
            let sx = self.centre.0 + dx * cos - dy * sin;
            let sy = self.centre.1 + dx * sin + dy * cos;
            // Pixel i of level L covers [i·2^L, (i+1)·2^L) of the photo.
            (sx / unit - 0.5, sy / unit - 0.5)
        };
        let origin = point(0.0, 0.0);
        let (right, down) = (point(1.0, 0.0), point(0.0, 1.0));
        let step_x = (right.0 - origin.0, right.1 - origin.1);
        let step_y = (down.0 - origin.0, down.1 - origin.1);
        let at = |ox: usize, oy: usize| {
            (
                origin.0 + ox as f64 * step_x.0 + oy as f64 * step_y.0,
                origin.1 + ox as f64 * step_x.1 + oy as f64 * step_y.1,
            )
        };
        let (last_x, last_y) = (out_w - 1, out_h - 1);
        let corners = [at(0, 0), at(last_x, 0), at(0, last_y), at(last_x, last_y)];
        // The picture is a parallelogram in the plane: if its corners are inside, so is all of
        // it, and no pixel needs clamping. The margin covers the rounding of fixed point.
        const MARGIN: f64 = 0.01;
        let inside = corners.iter().all(|&(x, y)| {
            x >= MARGIN
                && y >= MARGIN
                && x < (plane.width - 1) as f64 - MARGIN
                && y < (plane.height - 1) as f64 - MARGIN
        });
        let mut pixels = vec![0.0f32; out_w * out_h];
        if inside {
            plane.sample_affine(at(0, 0), step_x, step_y, out_w, &mut pixels);
        } else {
            for (i, pixel) in pixels.iter_mut().enumerate() {
                let (x, y) = at(i % out_w, i / out_w);
                *pixel = plane.sample(x, y);
            }
        }
        self.edit.apply(&mut pixels, out_w, out_h, out);
    }

    /// The picture's PDQ hash, or `None` if its quality is below 50 (as hotlines and
    /// ThreatExchange drop such hashes).
    pub fn hash(&self, photos: &[Photo]) -> Option<PdqHash> {
        let mut grey = Vec::new();
        self.render(photos, &mut grey);
        let (width, height) = self.output;
        let pixels = Pixels::new(&grey, width, height, PixelLayout::Luma8)
            .expect("the buffer is width × height bytes");
        let pdq = takeback_pdq::hash(&pixels);
        (pdq.quality >= RECOMMENDED_MIN_QUALITY).then_some(pdq.hash)
    }
}

/// Point `(u, v)` of the picture (centred coordinates) in the crop's coordinates, for one
/// of the eight orientations.
fn orient(orientation: u8, u: f64, v: f64) -> (f64, f64) {
    match orientation {
        0 => (u, v),
        1 => (-u, v),
        2 => (u, -v),
        3 => (-u, -v),
        4 => (v, u),
        5 => (-v, u),
        6 => (v, -u),
        _ => (-v, -u),
    }
}
