//! Image files to pixels, safely, and the way the reference tooling sees them.
//!
//! The reference tooling (python-threatexchange, HMA) decodes with Pillow and hashes mode
//! `L` images through PDQ's grey path and everything else after `convert("RGB")`. To give
//! the same fingerprint for the same file, the conversion here follows Pillow's choice of
//! mode, format by format, where it matters:
//!
//! | file | Pillow mode | here |
//! |---|---|---|
//! | 8-bit grey (JPEG, PNG, TIFF), 2- and 4-bit grey PNG | `L` | grey path; a PNG transparency key is ignored |
//! | 1-bit grey PNG | `1` | RGB path (0 or 255 in each channel) |
//! | grey with alpha | `LA` | RGB path, alpha dropped |
//! | 16-bit grey PNG or TIFF | `I;16` | clipped to 255 (not scaled: Pillow's `convert` clips), RGB path |
//! | other 16-bit PNG | `RGB`/`RGBA`/`LA` | high byte of each sample |
//! | RGB, RGBA, palette | `RGB`/`RGBA`/`P` | RGB path, alpha dropped without compositing |
//!
//! Known differences: Pillow opens GIFs and 8-bit BMPs with an all-grey palette as `L`;
//! here they take the RGB path, whose luma differs from the grey path's by at most one unit
//! in the last place, which moves the hash by a bit or two at most. JPEG and WebP decoders
//! differ from libjpeg-turbo and libwebp by ±1 in some pixels, so hashes of those formats
//! may differ from the reference tooling's by a few bits.
//!
//! EXIF orientation is not applied: the reference does not apply it, and matching covers
//! rotations through the dihedral hashes.

use crate::FingerprintError;
use crate::budget::{DecodeBudget, Reservation};
use image::{ColorType, DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;
use takeback_pdq::{PixelLayout, Pixels};

/// The image formats Takeback decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG (the first frame of an APNG).
    Png,
    /// WebP, lossy or lossless (the first frame if animated).
    WebP,
    /// GIF (the first frame).
    Gif,
    /// Windows bitmap.
    Bmp,
    /// TIFF (the first page).
    Tiff,
}

impl ImageFormat {
    /// The lowercase name: `jpeg`, `png`, `webp`, `gif`, `bmp`, `tiff`.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            ImageFormat::Gif => "gif",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Tiff => "tiff",
        }
    }

    /// The format of a file from its first bytes (not its name), if it is one we decode.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        match image::guess_format(bytes).ok()? {
            image::ImageFormat::Jpeg => Some(ImageFormat::Jpeg),
            image::ImageFormat::Png => Some(ImageFormat::Png),
            image::ImageFormat::WebP => Some(ImageFormat::WebP),
            image::ImageFormat::Gif => Some(ImageFormat::Gif),
            image::ImageFormat::Bmp => Some(ImageFormat::Bmp),
            image::ImageFormat::Tiff => Some(ImageFormat::Tiff),
            _ => None,
        }
    }

    fn to_image(self) -> image::ImageFormat {
        match self {
            ImageFormat::Jpeg => image::ImageFormat::Jpeg,
            ImageFormat::Png => image::ImageFormat::Png,
            ImageFormat::WebP => image::ImageFormat::WebP,
            ImageFormat::Gif => image::ImageFormat::Gif,
            ImageFormat::Bmp => image::ImageFormat::Bmp,
            ImageFormat::Tiff => image::ImageFormat::Tiff,
        }
    }
}

/// Bounds on what a file may make the decoder allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest image, in pixels, that will be decoded. The default, 200 megapixels, is the
    /// size of the largest phone camera sensors; a decompression bomb (a tiny file that
    /// declares a huge image) is refused before any pixel memory is allocated.
    pub max_pixels: u64,
    /// Largest file, in bytes, that will be read.
    pub max_file_bytes: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 200_000_000,
            max_file_bytes: 512 * 1024 * 1024,
        }
    }
}

/// A decoded image, in the layout PDQ hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedImage {
    /// The file's format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// How `data` is laid out.
    pub layout: PixelLayout,
    /// Tightly packed rows.
    pub data: Vec<u8>,
}

impl DecodedImage {
    /// The pixels, for hashing.
    pub fn pixels(&self) -> Pixels<'_> {
        Pixels::new(&self.data, self.width, self.height, self.layout)
            .expect("decoded buffers match their dimensions")
    }
}

/// Decodes an image file held in memory.
///
/// Never panics, whatever the bytes: decoders are fuzzed upstream and here, but a panic
/// that slipped through would still be caught and reported as a damaged file, so that one
/// bad upload cannot take down a bulk scan or a server thread.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<DecodedImage, FingerprintError> {
    decode_within(bytes, limits, None).map(|(image, _)| image)
}

/// [`decode`], with the memory the header says decoding needs reserved from `budget` (if
/// any) before any pixel memory is allocated. The reservation lasts until the caller has
/// finished with the pixels.
pub(crate) fn decode_within<'b>(
    bytes: &[u8],
    limits: &DecodeLimits,
    budget: Option<&'b DecodeBudget>,
) -> Result<(DecodedImage, Option<Reservation<'b>>), FingerprintError> {
    let format = ImageFormat::sniff(bytes).ok_or(FingerprintError::NotAnImage)?;
    std::panic::catch_unwind(|| decode_unguarded(bytes, format, limits, budget)).unwrap_or_else(
        |_| {
            Err(FingerprintError::Corrupt {
                format: format.name(),
                reason: "the decoder failed on this file".to_string(),
            })
        },
    )
}

fn decode_unguarded<'b>(
    bytes: &[u8],
    format: ImageFormat,
    limits: &DecodeLimits,
    budget: Option<&'b DecodeBudget>,
) -> Result<(DecodedImage, Option<Reservation<'b>>), FingerprintError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image());
    let mut image_limits = Limits::default();
    // Decoders allocate up to 8 bytes a pixel (16-bit RGBA) plus some working space.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(image_limits);
    let corrupt = |e: image::ImageError| classify(e, format);
    let decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(FingerprintError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    let reservation = budget
        .map(|budget| budget.reserve(memory_needed(width, height, decoder.color_type())))
        .transpose()?;
    let image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    let png_header = (format == ImageFormat::Png)
        .then(|| png_colour(bytes))
        .flatten();
    Ok((to_layout(image, format, png_header), reservation))
}

/// Bytes that decoding and hashing a picture of this size and colour type allocate at
/// most, from its header: the decoder's output, as much again for its working buffers
/// (JPEG's component planes, TIFF's strips, a GIF's frame), the conversion to the layout
/// hashed where the output is not already in it, and PDQ's working memory: bands of rows,
/// and its box filters' history of about a thirty-second of the pixel count in bytes
/// (counted four times over).
pub(crate) fn memory_needed(width: u32, height: u32, colour: ColorType) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let decoded = pixels.saturating_mul(u64::from(colour.bytes_per_pixel()));
    let converted = match colour {
        ColorType::Rgb8 | ColorType::Rgba8 => 0,
        // 1-bit PNGs (decoded as 8-bit grey) are hashed as RGB.
        ColorType::L8 => pixels.saturating_mul(3),
        // 16-bit samples become 8-bit ones, grey with alpha loses its alpha and becomes
        // RGB: at most four bytes a pixel.
        _ => pixels.saturating_mul(4),
    };
    const FIXED: u64 = 4 << 20;
    let hashing = pixels / 8 + u64::from(width) * 512;
    decoded
        .saturating_mul(2)
        .saturating_add(converted)
        .saturating_add(hashing)
        .saturating_add(FIXED)
}

fn classify(error: image::ImageError, format: ImageFormat) -> FingerprintError {
    match error {
        image::ImageError::Limits(_) => FingerprintError::DecoderLimit(error.to_string()),
        image::ImageError::Unsupported(_) => FingerprintError::Unsupported {
            format: format.name(),
            reason: error.to_string(),
        },
        _ => FingerprintError::Corrupt {
            format: format.name(),
            reason: error.to_string(),
        },
    }
}

/// The colour type and bit depth from a PNG's IHDR, which Pillow's mode follows.
fn png_colour(bytes: &[u8]) -> Option<(u8, u8)> {
    // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4), depth, colour type.
    (bytes.get(12..16)? == b"IHDR").then(|| (bytes[25], bytes[24]))
}

/// Converts to the layout the reference tooling would hash; see the module documentation.
fn to_layout(image: DynamicImage, format: ImageFormat, png: Option<(u8, u8)>) -> DecodedImage {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let grey_as_rgb = |grey: Vec<u8>| grey.into_iter().flat_map(|g| [g, g, g]).collect();
    let (layout, data) = match image {
        DynamicImage::ImageLuma8(grey) => match png {
            // Pillow opens 1-bit grey as mode "1", which converts through RGB.
            Some((0, 1)) => (PixelLayout::Rgb8, grey_as_rgb(grey.into_raw())),
            _ => (PixelLayout::Luma8, grey.into_raw()),
        },
        DynamicImage::ImageLumaA8(grey_alpha) => {
            let grey: Vec<u8> = grey_alpha
                .into_raw()
                .chunks_exact(2)
                .map(|p| p[0])
                .collect();
            match png {
                // Grey with a transparency key is still mode "L" to Pillow.
                Some((0, 2 | 4 | 8)) => (PixelLayout::Luma8, grey),
                _ => (PixelLayout::Rgb8, grey_as_rgb(grey)),
            }
        }
        DynamicImage::ImageRgb8(rgb) => (PixelLayout::Rgb8, rgb.into_raw()),
        DynamicImage::ImageRgba8(rgba) => (PixelLayout::Rgba8, rgba.into_raw()),
        DynamicImage::ImageLuma16(grey) => {
            // Pillow's I;16 to RGB clips rather than scales.
            let clipped = grey
                .into_raw()
                .into_iter()
                .map(|v| v.min(255) as u8)
                .collect();
            (PixelLayout::Rgb8, grey_as_rgb(clipped))
        }
        DynamicImage::ImageLumaA16(grey_alpha) => {
            let samples = grey_alpha.into_raw();
            let grey: Vec<u8> = if png == Some((0, 16)) {
                samples
                    .chunks_exact(2)
                    .map(|p| p[0].min(255) as u8)
                    .collect()
            } else {
                samples.chunks_exact(2).map(|p| (p[0] >> 8) as u8).collect()
            };
            (PixelLayout::Rgb8, grey_as_rgb(grey))
        }
        DynamicImage::ImageRgb16(rgb) => (PixelLayout::Rgb8, high_bytes(rgb.into_raw())),
        DynamicImage::ImageRgba16(rgba) => (PixelLayout::Rgba8, high_bytes(rgba.into_raw())),
        other => (PixelLayout::Rgb8, other.to_rgb8().into_raw()),
    };
    DecodedImage {
        format,
        width,
        height,
        layout,
        data,
    }
}

/// Pillow reads 16-bit colour samples by their most significant byte.
fn high_bytes(samples: Vec<u16>) -> Vec<u8> {
    samples.into_iter().map(|v| (v >> 8) as u8).collect()
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    #[test]
    fn memory_needed_counts_the_output_twice_and_a_conversion_when_there_is_one() {
        let fixed = 4 << 20;
        let (w, h) = (4000u32, 3000u32);
        let pixels = 12_000_000u64;
        let hashing = pixels / 8 + 4000 * 512;
        // An 8-bit RGB JPEG: its output is the layout hashed.
        assert_eq!(
            memory_needed(w, h, ColorType::Rgb8),
            pixels * 3 * 2 + hashing + fixed
        );
        // A 16-bit RGBA PNG becomes 8-bit RGBA: a second buffer.
        assert_eq!(
            memory_needed(w, h, ColorType::Rgba16),
            pixels * 8 * 2 + pixels * 4 + hashing + fixed
        );
        // The largest picture the limits allow cannot overflow.
        assert!(memory_needed(u32::MAX, u32::MAX, ColorType::Rgba32F) > 0);
    }
}
