//! Full-resolution pixels to the 64×64 luma the DCT reads, in one streaming pass.
//!
//! The reference computes float luma for the whole image, box-filters rows then columns
//! twice over two full-size buffers, then samples 64×64 points. Here rows flow top to
//! bottom through the same four filter passes, and only what later passes read is kept:
//!
//! 1. luma of a band of rows, then the first horizontal pass over the band;
//! 2. the first vertical pass, a running sum per column, holding the last `window` rows;
//! 3. the second horizontal pass, whose outputs are needed only at the 64 sampled columns
//!    (its running sums still walk every pixel: they must, to round as the reference does);
//! 4. the second vertical pass, on those 64 columns only, kept at the 64 sampled rows.
//!
//! Memory is a few rows of floats instead of two copies of the image, and every pass reads
//! memory along rows. The arithmetic per output is unchanged, so the result is bit-exact.

use crate::boxfilter::{ColumnBox, RowSums, Window};
use crate::dct::Buffer64;
use crate::pixels::Pixels;
use crate::reference::{sample_index, window_size};

/// Rows processed together by the horizontal passes.
const BAND: usize = 8;

/// The reference's 64×64 downsample of `pixels` (at least 5×5), computed by `engine`.
pub(crate) fn downsample(pixels: &Pixels, engine: Engine) -> Buffer64 {
    let (width, height) = (pixels.width(), pixels.height());
    let mut out = [[0f32; 64]; 64];
    if width == 64 && height == 64 {
        // The reference skips the blur for input that is already 64×64.
        for (y, row) in out.iter_mut().enumerate() {
            pixels.luma_row(y, row);
        }
        return out;
    }
    match engine {
        #[cfg(target_arch = "x86_64")]
        Engine::Avx2 if crate::avx2::available() => crate::avx2::downsample(pixels, &mut out),
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        Engine::Simd128 => crate::simd128::downsample(pixels, &mut out),
        _ => Downsampler::new(width, height).run(pixels, &mut out),
    }
    out
}

/// Which implementation of the downsample (the blur, nearly all of the work) runs. All give
/// identical results; they differ only in speed and in what hardware they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Plain Rust that runs everywhere, WebAssembly included.
    Portable,
    /// Sixteen rows at a time in AVX2 vectors, on x86-64 CPUs that have them (Intel since
    /// 2013, AMD since 2015). Falls back to [`Engine::Portable`] elsewhere.
    Avx2,
    /// Sixteen rows at a time in WebAssembly SIMD vectors, in a WebAssembly build compiled
    /// with `-C target-feature=+simd128` (browsers since 2021: Chrome 91, Firefox 89,
    /// Safari 16.4). A WebAssembly module cannot detect features at run time, so the choice
    /// is the build's: this engine exists only in the SIMD build, and falls back to
    /// [`Engine::Portable`] elsewhere.
    Simd128,
}

impl Engine {
    /// The fastest engine this CPU (or, in WebAssembly, this build) supports.
    pub fn best() -> Engine {
        [Engine::Avx2, Engine::Simd128]
            .into_iter()
            .find(|engine| engine.is_supported())
            .unwrap_or(Engine::Portable)
    }

    /// Whether this CPU (or build) runs this engine (otherwise it falls back to the
    /// portable one).
    pub fn is_supported(self) -> bool {
        match self {
            Engine::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Engine::Avx2 => crate::avx2::available(),
            #[cfg(not(target_arch = "x86_64"))]
            Engine::Avx2 => false,
            Engine::Simd128 => cfg!(all(target_arch = "wasm32", target_feature = "simd128")),
        }
    }
}

struct Downsampler {
    width: usize,
    along_rows: RowSums,
    first_vertical: ColumnBox,
    second_vertical: ColumnBox,
    sample_columns: [usize; 64],
    sample_rows: [usize; 64],
    /// Band buffers, `BAND` rows of `width`.
    luma: Vec<f32>,
    horizontal: Vec<f32>,
    vertical: Vec<f32>,
    /// Rows of `vertical` filled so far.
    vertical_rows: usize,
    sums: Vec<f32>,
    /// The second horizontal pass at the sampled columns, `BAND` rows of 64.
    samples: Vec<f32>,
    /// One output row of the second vertical pass.
    second_row: [f32; 64],
    /// The next output row of `out` to fill.
    next_sample_row: usize,
}

impl Downsampler {
    fn new(width: usize, height: usize) -> Self {
        let along_rows = Window::new(width, window_size(width));
        let along_cols = Window::new(height, window_size(height));
        let band = vec![0f32; BAND * width];
        Downsampler {
            width,
            along_rows: RowSums::new(along_rows),
            first_vertical: ColumnBox::new(along_cols, width),
            second_vertical: ColumnBox::new(along_cols, 64),
            sample_columns: std::array::from_fn(|j| sample_index(j, width)),
            sample_rows: std::array::from_fn(|i| sample_index(i, height)),
            luma: band.clone(),
            horizontal: band.clone(),
            vertical: band.clone(),
            vertical_rows: 0,
            sums: band,
            samples: vec![0f32; BAND * 64],
            second_row: [0f32; 64],
            next_sample_row: 0,
        }
    }

    fn run(mut self, pixels: &Pixels, out: &mut Buffer64) {
        let width = self.width;
        for band_start in (0..pixels.height()).step_by(BAND) {
            let rows = BAND.min(pixels.height() - band_start);
            for (k, luma) in self.luma.chunks_exact_mut(width).take(rows).enumerate() {
                pixels.luma_row(band_start + k, luma);
            }
            self.along_rows.filter(
                &self.luma[..rows * width],
                &mut self.horizontal[..rows * width],
            );
            for k in 0..rows {
                let row = &self.horizontal[k * width..][..width];
                let slot = &mut self.vertical[self.vertical_rows * width..];
                if self.first_vertical.push(row, slot).is_some() {
                    self.vertical_rows += 1;
                    if self.vertical_rows == BAND {
                        self.second_pass(out);
                    }
                }
            }
        }
        loop {
            let slot = &mut self.vertical[self.vertical_rows * width..];
            if self.first_vertical.drain(slot).is_none() {
                break;
            }
            self.vertical_rows += 1;
            if self.vertical_rows == BAND {
                self.second_pass(out);
            }
        }
        self.second_pass(out);
        while let Some(y) = self.second_vertical.drain(&mut self.second_row) {
            self.keep_if_sampled(y, out);
        }
        debug_assert_eq!(self.next_sample_row, 64);
    }

    /// Runs the band of first-pass output rows through the second horizontal and vertical
    /// passes.
    fn second_pass(&mut self, out: &mut Buffer64) {
        let rows = self.vertical_rows;
        self.along_rows.filter_sampled(
            &self.vertical[..rows * self.width],
            &mut self.sums,
            &self.sample_columns,
            &mut self.samples,
        );
        for k in 0..rows {
            let sampled = &self.samples[k * 64..][..64];
            if let Some(y) = self.second_vertical.push(sampled, &mut self.second_row) {
                self.keep_if_sampled(y, out);
            }
        }
        self.vertical_rows = 0;
    }

    /// Keeps output row `y` of the second vertical pass if it is a sampled row (small
    /// images sample some rows more than once).
    fn keep_if_sampled(&mut self, y: usize, out: &mut Buffer64) {
        while self.next_sample_row < 64 && self.sample_rows[self.next_sample_row] == y {
            out[self.next_sample_row] = self.second_row;
            self.next_sample_row += 1;
        }
    }
}
