//! Borrowed decoded pixels, and their conversion to the reference's float luma.

/// How the bytes of one pixel are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelLayout {
    /// One byte of grey. Takes the reference's grey path (`fillFloatLumaFromGrey`): the
    /// luma is the byte itself.
    Luma8,
    /// Red, green, blue. Luma is `0.299 R + 0.587 G + 0.114 B` in f32
    /// (`fillFloatLumaFromRGB`).
    Rgb8,
    /// Red, green, blue, alpha. Alpha is ignored, as the reference tooling does when it
    /// converts to RGB; what is under a transparent pixel still counts.
    Rgba8,
}

impl PixelLayout {
    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            PixelLayout::Luma8 => 1,
            PixelLayout::Rgb8 => 3,
            PixelLayout::Rgba8 => 4,
        }
    }
}

/// Why a pixel buffer cannot be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PixelsError {
    /// The buffer is shorter than the dimensions and layout need.
    #[error(
        "a {width}x{height} {layout:?} image needs {needed} bytes, but the buffer has {actual}"
    )]
    TooShort {
        /// Image width.
        width: usize,
        /// Image height.
        height: usize,
        /// Pixel layout.
        layout: PixelLayout,
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The row stride is smaller than one row of pixels.
    #[error("row stride {stride} is less than a row of {width} {layout:?} pixels")]
    StrideTooSmall {
        /// The stride given.
        stride: usize,
        /// Image width.
        width: usize,
        /// Pixel layout.
        layout: PixelLayout,
    },
    /// The dimensions overflow the address space.
    #[error("image dimensions {width}x{height} are too large")]
    TooLarge {
        /// Image width.
        width: usize,
        /// Image height.
        height: usize,
    },
}

/// Decoded pixels borrowed from the caller: rows top to bottom, each `stride` bytes apart.
#[derive(Debug, Clone, Copy)]
pub struct Pixels<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    stride: usize,
    layout: PixelLayout,
}

impl<'a> Pixels<'a> {
    /// Tightly packed rows (stride = width × bytes per pixel).
    pub fn new(
        data: &'a [u8],
        width: usize,
        height: usize,
        layout: PixelLayout,
    ) -> Result<Self, PixelsError> {
        let stride = width
            .checked_mul(layout.bytes_per_pixel())
            .ok_or(PixelsError::TooLarge { width, height })?;
        Self::with_stride(data, width, height, stride, layout)
    }

    /// Rows `stride` bytes apart (at least width × bytes per pixel).
    pub fn with_stride(
        data: &'a [u8],
        width: usize,
        height: usize,
        stride: usize,
        layout: PixelLayout,
    ) -> Result<Self, PixelsError> {
        let too_large = PixelsError::TooLarge { width, height };
        let row_bytes = width
            .checked_mul(layout.bytes_per_pixel())
            .ok_or(too_large.clone())?;
        if stride < row_bytes {
            return Err(PixelsError::StrideTooSmall {
                stride,
                width,
                layout,
            });
        }
        let needed = match height {
            0 => 0,
            _ => stride
                .checked_mul(height - 1)
                .and_then(|n| n.checked_add(row_bytes))
                .ok_or(too_large)?,
        };
        if data.len() < needed {
            return Err(PixelsError::TooShort {
                width,
                height,
                layout,
                needed,
                actual: data.len(),
            });
        }
        Ok(Pixels {
            data,
            width,
            height,
            stride,
            layout,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The pixel layout.
    pub fn layout(&self) -> PixelLayout {
        self.layout
    }

    /// The bytes of row `y`.
    pub(crate) fn row(&self, y: usize) -> &'a [u8] {
        let start = y * self.stride;
        &self.data[start..start + self.width * self.layout.bytes_per_pixel()]
    }

    /// Writes the reference's float luma of row `y` into `out` (`width` values).
    pub(crate) fn luma_row(&self, y: usize, out: &mut [f32]) {
        let row = self.row(y);
        match self.layout {
            PixelLayout::Luma8 => {
                for (o, &g) in out.iter_mut().zip(row) {
                    *o = f32::from(g);
                }
            }
            PixelLayout::Rgb8 => luma_from_rgb::<3>(row, out),
            PixelLayout::Rgba8 => luma_from_rgb::<4>(row, out),
        }
    }
}

pub(crate) const LUMA_FROM_R: f32 = 0.299;
pub(crate) const LUMA_FROM_G: f32 = 0.587;
pub(crate) const LUMA_FROM_B: f32 = 0.114;

/// `0.299f * R + 0.587f * G + 0.114f * B`, evaluated left to right in f32 as the reference's
/// `fillFloatLumaFromRGB` does (Rust never fuses these into FMAs, so the result is exact).
#[inline]
pub(crate) fn luma_from_rgb<const BPP: usize>(row: &[u8], out: &mut [f32]) {
    for (o, px) in out.iter_mut().zip(row.chunks_exact(BPP)) {
        *o = LUMA_FROM_R * f32::from(px[0])
            + LUMA_FROM_G * f32::from(px[1])
            + LUMA_FROM_B * f32::from(px[2]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_buffers_and_small_strides_are_refused() {
        assert!(matches!(
            Pixels::new(&[0; 11], 2, 2, PixelLayout::Rgb8),
            Err(PixelsError::TooShort { needed: 12, .. })
        ));
        assert!(matches!(
            Pixels::with_stride(&[0; 64], 4, 4, 3, PixelLayout::Luma8),
            Err(PixelsError::StrideTooSmall { .. })
        ));
        assert!(matches!(
            Pixels::new(&[], usize::MAX, 2, PixelLayout::Rgba8),
            Err(PixelsError::TooLarge { .. })
        ));
        // The last row needs only its pixels, not a whole stride.
        assert!(Pixels::with_stride(&[0; 10], 2, 2, 8, PixelLayout::Luma8).is_ok());
        assert!(Pixels::new(&[], 0, 0, PixelLayout::Rgb8).is_ok());
    }

    #[test]
    fn alpha_does_not_change_luma() {
        let rgba = [10, 20, 30, 0, 10, 20, 30, 255];
        let pixels = Pixels::new(&rgba, 2, 1, PixelLayout::Rgba8).unwrap();
        let mut luma = [0f32; 2];
        pixels.luma_row(0, &mut luma);
        assert_eq!(luma[0].to_bits(), luma[1].to_bits());
        let rgb = [10, 20, 30];
        let mut same = [0f32; 1];
        Pixels::new(&rgb, 1, 1, PixelLayout::Rgb8)
            .unwrap()
            .luma_row(0, &mut same);
        assert_eq!(luma[0].to_bits(), same[0].to_bits());
    }
}
