//! The reference's Jarosz box filter (`box1DFloat`), restructured for speed without changing
//! one floating-point operation.
//!
//! The reference filters every row, then every column, of a full-resolution float buffer,
//! twice. Each output is a running sum divided by the number of values in the window, and
//! the running sum is carried from one output to the next, so its rounding depends on the
//! exact sequence of additions and subtractions. Both structures here replay that sequence
//! per row or per column; they only change which rows or columns are in flight together:
//!
//! * [`RowSums`] runs several rows side by side, so their independent dependency chains
//!   overlap in the pipeline, and leaves the divisions to a vectorised loop.
//! * [`ColumnBox`] runs every column at once, one image row at a time, so that memory is
//!   read along the grain and the work vectorises across columns.

/// The geometry of `box1DFloat` for one vector length and window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// Values along the filtered direction.
    pub(crate) len: usize,
    /// The full window (`full_window_size`).
    pub(crate) full: usize,
    /// `(full + 2) / 2`: the output at index `o` first appears once input `o + half - 1`
    /// has been added.
    pub(crate) half: usize,
}

impl Window {
    pub(crate) fn new(len: usize, full: usize) -> Self {
        debug_assert!(full >= 1 && full <= len);
        Window {
            len,
            full,
            half: (full + 2) / 2,
        }
    }

    /// How many values the running sum holds when output `o` is written.
    #[inline]
    pub(crate) fn divisor(&self, o: usize) -> f32 {
        let Window { len, full, half } = *self;
        if o + half <= full {
            (o + half) as f32
        } else if o + half <= len {
            full as f32
        } else {
            (full + len - half - o) as f32
        }
    }
}

/// Writes each row's running sums (the value of `sum` when the reference writes each
/// output, before dividing) for up to `LANES` rows at once.
///
/// `inputs` and `outputs` hold `LANES` rows of `window.len` values.
#[inline(always)]
// The index loops mirror the reference's index arithmetic, which is the point.
#[allow(clippy::needless_range_loop)]
fn running_sums<const LANES: usize>(
    inputs: [&[f32]; LANES],
    outputs: &mut [&mut [f32]; LANES],
    window: Window,
) {
    let Window { len, full, half } = window;
    for lane in 0..LANES {
        assert!(inputs[lane].len() >= len && outputs[lane].len() >= len);
    }
    let mut sum = [0f32; LANES];
    // Phase 1: accumulate without writing.
    for r in 0..half - 1 {
        for lane in 0..LANES {
            sum[lane] += inputs[lane][r];
        }
    }
    // Phase 2: the window grows.
    for o in 0..=full - half {
        for lane in 0..LANES {
            sum[lane] += inputs[lane][o + half - 1];
            outputs[lane][o] = sum[lane];
        }
    }
    // Phase 3: add on the right, then subtract on the left, in that order.
    for o in full - half + 1..=len - half {
        for lane in 0..LANES {
            sum[lane] += inputs[lane][o + half - 1];
            sum[lane] -= inputs[lane][o + half - 1 - full];
            outputs[lane][o] = sum[lane];
        }
    }
    // Phase 4: the window shrinks.
    for o in len - half + 1..len {
        for lane in 0..LANES {
            sum[lane] -= inputs[lane][o + half - 1 - full];
            outputs[lane][o] = sum[lane];
        }
    }
}

/// Horizontal box filtering of a band of rows.
#[derive(Debug)]
pub(crate) struct RowSums {
    window: Window,
    divisors: Vec<f32>,
}

impl RowSums {
    pub(crate) fn new(window: Window) -> Self {
        RowSums {
            divisors: (0..window.len).map(|o| window.divisor(o)).collect(),
            window,
        }
    }

    /// Rows are `window.len` long; `input` and `output` hold whole rows.
    fn sums(&self, input: &[f32], output: &mut [f32]) {
        // Four independent rows keep the adder busy while each waits on its own chain.
        const LANES: usize = 4;
        let len = self.window.len;
        let mut inputs = input.chunks_exact(len * LANES);
        let mut outputs = output.chunks_exact_mut(len * LANES);
        for (input, output) in (&mut inputs).zip(&mut outputs) {
            let mut input_rows = input.chunks_exact(len);
            let mut output_rows = output.chunks_exact_mut(len);
            running_sums::<LANES>(
                std::array::from_fn(|_| input_rows.next().expect("LANES rows")),
                &mut std::array::from_fn(|_| output_rows.next().expect("LANES rows")),
                self.window,
            );
        }
        let rest = inputs.remainder().chunks_exact(len);
        for (input, output) in rest.zip(outputs.into_remainder().chunks_exact_mut(len)) {
            running_sums::<1>([input], &mut [output], self.window);
        }
    }

    /// Filters every row of `input` into `output`: the reference's `boxAlongRowsFloat`.
    pub(crate) fn filter(&self, input: &[f32], output: &mut [f32]) {
        self.sums(input, output);
        for row in output.chunks_exact_mut(self.window.len) {
            for (value, &divisor) in row.iter_mut().zip(&self.divisors) {
                *value /= divisor;
            }
        }
    }

    /// Filters every row of `input`, but divides and keeps only the outputs at `columns`;
    /// `sums` is scratch of the same size as `input`. Row `k`'s samples go to
    /// `samples[k * columns.len()..]`.
    pub(crate) fn filter_sampled(
        &self,
        input: &[f32],
        sums: &mut [f32],
        columns: &[usize],
        samples: &mut [f32],
    ) {
        let sums = &mut sums[..input.len()];
        self.sums(input, sums);
        for (row, out) in sums
            .chunks_exact(self.window.len)
            .zip(samples.chunks_exact_mut(columns.len()))
        {
            for (o, &c) in out.iter_mut().zip(columns) {
                *o = row[c] / self.divisors[c];
            }
        }
    }
}

/// Vertical box filtering of every column at once, fed one row at a time: the reference's
/// `boxAlongColsFloat`, with the loops swapped so memory is read along rows.
#[derive(Debug)]
pub(crate) struct ColumnBox {
    window: Window,
    width: usize,
    sums: Vec<f32>,
    /// The last `window.full` input rows, as a ring: row `r` lives in slot `r % full`.
    history: Vec<f32>,
    /// Rows pushed so far.
    rows_in: usize,
    /// Rows emitted so far.
    rows_out: usize,
}

impl ColumnBox {
    /// A filter over columns of `window.len` values, `width` columns wide.
    pub(crate) fn new(window: Window, width: usize) -> Self {
        ColumnBox {
            window,
            width,
            sums: vec![0.0; width],
            history: vec![0.0; width * window.full],
            rows_in: 0,
            rows_out: 0,
        }
    }

    /// Adds the next input row. When that completes an output row, writes it to `out` and
    /// returns its index.
    pub(crate) fn push(&mut self, row: &[f32], out: &mut [f32]) -> Option<usize> {
        let Window { full, half, .. } = self.window;
        let r = self.rows_in;
        debug_assert!(r < self.window.len);
        self.rows_in += 1;
        let slot = &mut self.history[(r % full) * self.width..][..self.width];
        let emit = r + 1 >= half;
        let divisor = self.window.divisor(self.rows_out);
        let (sums, row, out) = (
            &mut self.sums[..],
            &row[..self.width],
            &mut out[..self.width],
        );
        match (r >= full, emit) {
            (true, _) => {
                // Phase 3: the slot holds row r - full, the one leaving the window.
                for (((s, &x), old), o) in sums.iter_mut().zip(row).zip(slot).zip(out) {
                    *s += x;
                    *s -= *old;
                    *old = x;
                    *o = *s / divisor;
                }
            }
            (false, true) => {
                for (((s, &x), old), o) in sums.iter_mut().zip(row).zip(slot).zip(out) {
                    *s += x;
                    *old = x;
                    *o = *s / divisor;
                }
            }
            (false, false) => {
                for ((s, &x), old) in sums.iter_mut().zip(row).zip(slot) {
                    *s += x;
                    *old = x;
                }
            }
        }
        if emit {
            self.rows_out += 1;
            Some(self.rows_out - 1)
        } else {
            None
        }
    }

    /// After the last row has been pushed: writes the next of the remaining output rows
    /// (those whose window runs off the end) to `out` and returns its index, or `None` when
    /// all are out.
    pub(crate) fn drain(&mut self, out: &mut [f32]) -> Option<usize> {
        let Window { len, full, .. } = self.window;
        debug_assert_eq!(self.rows_in, len);
        if self.rows_out == len {
            return None;
        }
        // Phase 4: output o loses input o + half - 1 - full, and gains nothing.
        let leaving = self.rows_out + self.window.half - 1 - full;
        let divisor = self.window.divisor(self.rows_out);
        let slot = &self.history[(leaving % full) * self.width..][..self.width];
        for ((s, &old), o) in self.sums.iter_mut().zip(slot).zip(&mut out[..self.width]) {
            *s -= old;
            *o = *s / divisor;
        }
        self.rows_out += 1;
        Some(self.rows_out - 1)
    }
}
