//! A JPEG's RGB pixels from its decoded 4:2:0 YCbCr planes, exactly as libjpeg(-turbo)
//! makes them: the "fancy" (triangle-filter) chroma upsampling and the JFIF YCbCr → RGB
//! conversion in 16-bit fixed point.
//!
//! Why: Chromium's `ImageDecoder` hands a baseline 4:2:0 JPEG over as its decoded planes
//! (an `I420` `VideoFrame`) in about half the time `createImageBitmap` takes to make RGB
//! from the same file, and then getting RGB out of a bitmap costs a canvas and two more
//! copies. Chromium decodes JPEGs with libjpeg-turbo, whose RGB is these planes put through
//! this upsampling and conversion (its SIMD code gives the same bits as its C code), so
//! doing them here gives the page the very pixels a canvas would, at a fraction of the
//! cost; the browser tests check that it does, pixel for pixel.
//!
//! The arithmetic below is the published JPEG/JFIF method written from its definition: each
//! output chroma sample is `(3 × nearer + farther)` vertically, then `(3 × this + neighbour)`
//! horizontally, over 16 with a bias of 8 or 7 alternating (so that rounding does not drift
//! one way); edges repeat the edge sample. Planes whose chroma is at most two samples wide
//! are upsampled by plain replication, as libjpeg does for them.

use crate::AbiError;
use std::iter::{Skip, StepBy};
use std::slice::ChunksExactMut;

/// Fixed-point scale of the colour conversion: 16 fractional bits.
const SCALE_BITS: u32 = 16;
/// One half, for rounding.
const HALF: i32 = 1 << (SCALE_BITS - 1);
/// The JFIF conversion's coefficients, `round(c × 2^16)`: 1.40200 (Cr → R), 1.77200 (Cb →
/// B), 0.71414 (Cr → G) and 0.34414 (Cb → G). `tests::coefficients_are_the_jfif_ones`
/// derives them.
const CR_TO_R: i32 = 91_881;
const CB_TO_B: i32 = 116_130;
const CR_TO_G: i32 = 46_802;
const CB_TO_G: i32 = 22_554;

/// The size of the chroma planes of a `width × height` 4:2:0 picture: half each way,
/// rounded up.
fn chroma_size(width: usize, height: usize) -> (usize, usize) {
    (width.div_ceil(2), height.div_ceil(2))
}

/// The byte length of a `width × height` picture's tightly packed 4:2:0 planes (Y, then
/// Cb, then Cr), if a slice can be that long.
pub fn yuv420_len(width: u32, height: u32) -> Result<usize, AbiError> {
    let width = usize::try_from(width).map_err(|_| AbiError::TooLarge)?;
    let height = usize::try_from(height).map_err(|_| AbiError::TooLarge)?;
    let (chroma_width, chroma_height) = chroma_size(width, height);
    width
        .checked_mul(height)
        .and_then(|luma| {
            chroma_width
                .checked_mul(chroma_height)
                .and_then(|chroma| chroma.checked_mul(2))
                .and_then(|chroma| chroma.checked_add(luma))
        })
        // No Rust slice may exceed isize::MAX bytes (on wasm32, 2 GiB).
        .filter(|&len| isize::try_from(len).is_ok())
        .ok_or(AbiError::TooLarge)
}

/// How a stored picture is shown, by EXIF's orientation tag (1 to 8): 1 as stored, 2
/// mirrored left to right, 3 turned 180°, 4 mirrored top to bottom, 5 transposed (mirrored
/// across the top-left to bottom-right diagonal), 6 turned 90° clockwise, 7 transversed
/// (mirrored across the other diagonal), 8 turned 90° anticlockwise.
///
/// Why: phones store most portrait photos as landscape pixels tagged 6 or 8, and a
/// browser's bitmap of them is turned upright, so the planes are turned here to hash what
/// the page would otherwise hash from a canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orientation(u8);

impl Orientation {
    /// As stored: no turn.
    pub const UPRIGHT: Orientation = Orientation(1);

    /// The orientation EXIF numbers `tag`, or [`AbiError::BadOrientation`] outside 1 to 8.
    pub fn from_exif(tag: u32) -> Result<Self, AbiError> {
        match u8::try_from(tag) {
            Ok(tag @ 1..=8) => Ok(Orientation(tag)),
            _ => Err(AbiError::BadOrientation),
        }
    }

    /// Whether the picture shown is as wide as the stored one is high (5 to 8).
    pub fn swaps_sides(self) -> bool {
        self.0 >= 5
    }
}

/// Writes the RGBA pixels (alpha 255) of a `width × height` JPEG from its 4:2:0 planes,
/// as libjpeg makes them, turned as `orientation` says (so `height × width` for 5 to 8).
/// `planes` is Y (`width × height`), then Cb and Cr (each `⌈width/2⌉ × ⌈height/2⌉`),
/// tightly packed; `rgba` is `width × height × 4` bytes.
///
/// Each converted row is written straight to its turned place, so turning needs no second
/// copy of the picture (which the allocator would then have to wipe).
///
/// ```
/// use takeback_pdq_wasm::jpeg::{jpeg_yuv420_to_rgba, Orientation};
/// // 2×2 pixels of mid grey: Y 128, neutral chroma.
/// let planes = [128, 128, 128, 128, 128, 128];
/// let mut rgba = [0u8; 16];
/// jpeg_yuv420_to_rgba(&planes, 2, 2, Orientation::UPRIGHT, &mut rgba).unwrap();
/// assert_eq!(rgba, [128, 128, 128, 255].repeat(4).as_slice());
/// ```
pub fn jpeg_yuv420_to_rgba(
    planes: &[u8],
    width: u32,
    height: u32,
    orientation: Orientation,
    rgba: &mut [u8],
) -> Result<(), AbiError> {
    if planes.len() != yuv420_len(width, height)? || rgba.len() != crate::rgba_len(width, height)? {
        return Err(AbiError::WrongLength);
    }
    // Both lengths fit in a usize, so the dimensions do.
    let (width, height) = (width as usize, height as usize);
    if width == 0 || height == 0 {
        return Ok(());
    }
    let (chroma_width, chroma_height) = chroma_size(width, height);
    let (luma, chroma) = planes.split_at(width * height);
    let (cb, cr) = chroma.split_at(chroma_width * chroma_height);
    // One row of each upsampled chroma plane, two samples per chroma column.
    let mut cb_row = vec![0u8; 2 * chroma_width];
    let mut cr_row = vec![0u8; 2 * chroma_width];
    let mut sums = vec![0u16; chroma_width];
    for (y, luma_row) in luma.chunks_exact(width).enumerate() {
        // The chroma row this output row lies in, and the neighbouring one on its side
        // (the even output row of a pair leans up, the odd one down), the edge repeated.
        let nearer = y / 2;
        let farther = if y.is_multiple_of(2) {
            nearer.saturating_sub(1)
        } else {
            (nearer + 1).min(chroma_height - 1)
        };
        for (plane, out) in [(cb, &mut cb_row), (cr, &mut cr_row)] {
            let row = |r: usize| &plane[r * chroma_width..][..chroma_width];
            upsample_row(row(nearer), row(farther), &mut sums, out);
        }
        let (cb, cr) = (&cb_row[..width], &cr_row[..width]);
        // Where stored row y goes, its pixels left to right: a row of the picture shown
        // (1 to 4), or a column of it (5 to 8, the picture shown being `height` wide).
        let (up, down) = (y, height - 1 - y);
        let row = |r: usize| r * width * RGBA..(r + 1) * width * RGBA;
        match orientation.0 {
            1 => convert_row(luma_row, cb, cr, pixels(&mut rgba[row(up)])),
            2 => convert_row(luma_row, cb, cr, pixels(&mut rgba[row(up)]).rev()),
            3 => convert_row(luma_row, cb, cr, pixels(&mut rgba[row(down)]).rev()),
            4 => convert_row(luma_row, cb, cr, pixels(&mut rgba[row(down)])),
            5 => convert_row(luma_row, cb, cr, column(rgba, up, height)),
            6 => convert_row(luma_row, cb, cr, column(rgba, down, height)),
            // The row read right to left into a column top to bottom: stepping a column
            // backwards instead took half as long again.
            7 => convert_row_reversed(luma_row, cb, cr, column(rgba, down, height)),
            _ => convert_row_reversed(luma_row, cb, cr, column(rgba, up, height)),
        }
    }
    Ok(())
}

/// Bytes per RGBA pixel.
const RGBA: usize = 4;

/// The RGBA pixels of `rgba`, in order.
fn pixels(rgba: &mut [u8]) -> ChunksExactMut<'_, u8> {
    rgba.chunks_exact_mut(RGBA)
}

/// The RGBA pixels of column `c` of `rgba`, a picture `width` pixels wide, top to bottom.
fn column(rgba: &mut [u8], c: usize, width: usize) -> StepBy<Skip<ChunksExactMut<'_, u8>>> {
    pixels(rgba).skip(c).step_by(width)
}

/// One output row of a chroma plane, `2 × nearer.len()` samples, from the chroma row it
/// lies in and the neighbouring one.
fn upsample_row(nearer: &[u8], farther: &[u8], sums: &mut [u16], out: &mut [u8]) {
    let columns = nearer.len();
    if columns <= 2 {
        // libjpeg does not filter planes this narrow: each sample is repeated 2×2.
        for (pair, &sample) in out.chunks_exact_mut(2).zip(nearer) {
            pair.fill(sample);
        }
        return;
    }
    // Vertical: three parts the nearer row, one part the farther.
    for ((sum, &near), &far) in sums.iter_mut().zip(nearer).zip(farther) {
        *sum = 3 * u16::from(near) + u16::from(far);
    }
    // Horizontal: each column's two outputs lean towards its left and right neighbours;
    // the first and last outputs have none and take the column alone. The sums are at most
    // 1020, so every expression fits a u16 (at most 4080 + 8).
    let last = columns - 1;
    out[0] = ((4 * sums[0] + 8) >> 4) as u8;
    out[2 * last + 1] = ((4 * sums[last] + 7) >> 4) as u8;
    for (c, pair) in sums.windows(2).enumerate() {
        let (this, next) = (pair[0], pair[1]);
        // The right output of column c and the left output of column c + 1.
        out[2 * c + 1] = ((3 * this + next + 7) >> 4) as u8;
        out[2 * c + 2] = ((3 * next + this + 8) >> 4) as u8;
    }
}

/// The JFIF conversion of one row, in libjpeg's fixed point: `R = Y + 1.402 (Cr - 128)`,
/// `G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128)` (the two terms summed before
/// rounding), `B = Y + 1.772 (Cb - 128)`, each clamped to 0..=255. `pixels` are where the
/// row's RGBA pixels go, left to right.
fn convert_row<'a>(luma: &[u8], cb: &[u8], cr: &[u8], pixels: impl Iterator<Item = &'a mut [u8]>) {
    for (out, ((&y, &cb), &cr)) in pixels.zip(luma.iter().zip(cb).zip(cr)) {
        out.copy_from_slice(&convert(y, cb, cr));
    }
}

/// [`convert_row`] with the row's pixels taken right to left.
fn convert_row_reversed<'a>(
    luma: &[u8],
    cb: &[u8],
    cr: &[u8],
    pixels: impl Iterator<Item = &'a mut [u8]>,
) {
    for (out, ((&y, &cb), &cr)) in pixels.zip(luma.iter().zip(cb).zip(cr).rev()) {
        out.copy_from_slice(&convert(y, cb, cr));
    }
}

/// One pixel of [`convert_row`], as RGBA.
#[inline(always)]
fn convert(y: u8, cb: u8, cr: u8) -> [u8; 4] {
    let clamp = |v: i32| v.clamp(0, 255) as u8;
    let (y, cb, cr) = (i32::from(y), i32::from(cb) - 128, i32::from(cr) - 128);
    let r = y + ((CR_TO_R * cr + HALF) >> SCALE_BITS);
    let g = y + ((HALF - CB_TO_G * cb - CR_TO_G * cr) >> SCALE_BITS);
    let b = y + ((CB_TO_B * cb + HALF) >> SCALE_BITS);
    [clamp(r), clamp(g), clamp(b), 255]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_are_the_jfif_ones() {
        let fix = |c: f64| (c * f64::from(1u32 << SCALE_BITS) + 0.5) as i32;
        assert_eq!(CR_TO_R, fix(1.40200));
        assert_eq!(CB_TO_B, fix(1.77200));
        assert_eq!(CR_TO_G, fix(0.71414));
        assert_eq!(CB_TO_G, fix(0.34414));
    }

    #[test]
    fn lengths_are_checked() {
        assert_eq!(yuv420_len(4000, 3000), Ok(12_000_000 + 2 * 3_000_000));
        assert_eq!(yuv420_len(5, 3), Ok(15 + 2 * 3 * 2));
        assert_eq!(yuv420_len(0, 0), Ok(0));
        assert_eq!(yuv420_len(u32::MAX, u32::MAX), Err(AbiError::TooLarge));
        let mut rgba = [0u8; 4 * 15];
        assert_eq!(
            jpeg_yuv420_to_rgba(&[0; 26], 5, 3, Orientation::UPRIGHT, &mut rgba),
            Err(AbiError::WrongLength)
        );
        assert_eq!(
            jpeg_yuv420_to_rgba(&[0; 27], 5, 3, Orientation::UPRIGHT, &mut rgba[4..]),
            Err(AbiError::WrongLength)
        );
        assert_eq!(
            jpeg_yuv420_to_rgba(&[0; 27], 5, 3, Orientation::UPRIGHT, &mut rgba),
            Ok(())
        );
    }

    /// The upsampling written the slow, obvious way: every output sample from its
    /// definition, for comparison.
    fn upsampled_sample(plane: &[u8], columns: usize, rows: usize, x: usize, y: usize) -> u8 {
        let at = |c: usize, r: usize| i32::from(plane[r * columns + c]);
        let (c, r) = (x / 2, y / 2);
        if columns <= 2 {
            return at(c, r) as u8;
        }
        let far_row = if y.is_multiple_of(2) {
            r.saturating_sub(1)
        } else {
            (r + 1).min(rows - 1)
        };
        let column = |c: usize| 3 * at(c, r) + at(c, far_row);
        let value = if x.is_multiple_of(2) {
            match c {
                0 => 4 * column(0) + 8,
                _ => 3 * column(c) + column(c - 1) + 8,
            }
        } else if c == columns - 1 {
            4 * column(c) + 7
        } else {
            3 * column(c) + column(c + 1) + 7
        };
        (value >> 4) as u8
    }

    #[test]
    fn upsampling_follows_its_definition_at_every_size() {
        let mut random = takeback_testimages::SplitMix64(9);
        for (width, height) in [
            (1, 1),
            (2, 3),
            (3, 2),
            (4, 4),
            (5, 5),
            (6, 7),
            (9, 4),
            (33, 17),
        ] {
            let len = yuv420_len(width, height).unwrap();
            let planes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8).collect();
            let mut rgba = vec![0u8; crate::rgba_len(width, height).unwrap()];
            jpeg_yuv420_to_rgba(&planes, width, height, Orientation::UPRIGHT, &mut rgba).unwrap();
            let (width, height) = (width as usize, height as usize);
            let (cw, ch) = chroma_size(width, height);
            let (cb, cr) = planes[width * height..].split_at(cw * ch);
            for y in 0..height {
                for x in 0..width {
                    let mut expected = [0u8; 4];
                    convert_row(
                        &[planes[y * width + x]],
                        &[upsampled_sample(cb, cw, ch, x, y)],
                        &[upsampled_sample(cr, cw, ch, x, y)],
                        pixels(&mut expected),
                    );
                    let pixel = &rgba[(y * width + x) * 4..][..4];
                    assert_eq!(pixel, expected, "{width}x{height} at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn conversion_matches_the_jfif_formulas_within_rounding() {
        for (y, cb, cr) in [(0, 0, 0), (255, 255, 255), (128, 128, 128), (90, 30, 200)] {
            let mut rgba = [0u8; 4];
            convert_row(&[y], &[cb], &[cr], pixels(&mut rgba));
            let (y, cb, cr) = (f64::from(y), f64::from(cb) - 128.0, f64::from(cr) - 128.0);
            let exact = [
                y + 1.402 * cr,
                y - 0.34414 * cb - 0.71414 * cr,
                y + 1.772 * cb,
            ];
            for (got, want) in rgba.iter().zip(exact) {
                assert!(
                    (f64::from(*got) - want.clamp(0.0, 255.0)).abs() <= 1.0,
                    "{rgba:?} for {exact:?}"
                );
            }
            assert_eq!(rgba[3], 255);
        }
    }

    #[test]
    fn orientations_outside_exifs_are_refused() {
        for tag in [0, 9, 257, u32::MAX] {
            assert_eq!(Orientation::from_exif(tag), Err(AbiError::BadOrientation));
        }
        assert_eq!(Orientation::from_exif(1), Ok(Orientation::UPRIGHT));
    }

    /// Where EXIF's orientation `tag` shows the stored pixel (x, y) of a `width × height`
    /// picture, written from the tag's definition (mirror, turn, or both).
    fn shown_at(tag: u32, x: usize, y: usize, width: usize, height: usize) -> (usize, usize) {
        let (right, bottom) = (width - 1 - x, height - 1 - y);
        match tag {
            1 => (x, y),
            2 => (right, y),
            3 => (right, bottom),
            4 => (x, bottom),
            5 => (y, x),
            6 => (bottom, x),
            7 => (bottom, right),
            8 => (y, right),
            _ => unreachable!(),
        }
    }

    #[test]
    fn each_orientation_moves_each_pixel_where_exif_shows_it() {
        let mut random = takeback_testimages::SplitMix64(3);
        for (width, height) in [(1, 1), (3, 5), (7, 4), (6, 6), (33, 17), (21, 37)] {
            let len = yuv420_len(width, height).unwrap();
            let planes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8).collect();
            let rgba_len = crate::rgba_len(width, height).unwrap();
            let mut stored = vec![0u8; rgba_len];
            jpeg_yuv420_to_rgba(&planes, width, height, Orientation::UPRIGHT, &mut stored).unwrap();
            let (width, height) = (width as usize, height as usize);
            for tag in 1..=8 {
                let orientation = Orientation::from_exif(tag).unwrap();
                let mut shown = vec![0u8; rgba_len];
                jpeg_yuv420_to_rgba(
                    &planes,
                    width as u32,
                    height as u32,
                    orientation,
                    &mut shown,
                )
                .unwrap();
                let shown_width = if orientation.swaps_sides() {
                    height
                } else {
                    width
                };
                for y in 0..height {
                    for x in 0..width {
                        let (sx, sy) = shown_at(tag, x, y, width, height);
                        assert_eq!(
                            shown[(sy * shown_width + sx) * 4..][..4],
                            stored[(y * width + x) * 4..][..4],
                            "{width}x{height}, orientation {tag}, ({x}, {y})"
                        );
                    }
                }
            }
        }
    }
}
