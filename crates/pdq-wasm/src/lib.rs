//! Meta's PDQ hash as WebAssembly, behind a C ABI small enough for plain JavaScript to call
//! without generated glue. `web/pdq/takeback-pdq.js` is the loader pages use.
//!
//! The browser decodes the picture (a canvas's `getImageData`), and this module hashes the
//! pixels inside the page, so the picture never leaves the device. The module imports
//! nothing: it has no way to reach the network, the clock or the page.
//!
//! # ABI, version 1
//!
//! Pointers and lengths are byte offsets into the module's exported `memory`. They are
//! unsigned, but JavaScript receives every wasm `i32` as signed, so it reads them with
//! `>>> 0`.
//!
//! | Export | Does |
//! |---|---|
//! | `takeback_abi_version() -> u32` | [`ABI_VERSION`]; a loader refuses any other |
//! | `takeback_alloc(len) -> ptr` | a zeroed buffer of `len` bytes, or 0 (null) if memory is exhausted |
//! | `takeback_free(ptr, len)` | releases a buffer from `takeback_alloc`, given the same `len` |
//! | `takeback_pdq_hash_rgba(ptr, width, height) -> i32` | hashes `width × height` RGBA pixels; 0, or a negative [`AbiError`] code |
//! | `takeback_pdq_hash_hex() -> ptr` | the last hash as 64 lowercase hex digits (no NUL terminator) |
//! | `takeback_pdq_quality() -> i32` | the last hash's quality, 0 to 100, or -1 if the last call failed |
//!
//! The calling sequence from JavaScript:
//!
//! 1. `len = width * height * 4`, then `ptr = takeback_alloc(len)`; 0 means out of memory.
//! 2. Copy the pixels into `new Uint8Array(memory.buffer, ptr, len)`. Make the view after
//!    allocating, because growing the memory detaches the old `memory.buffer`.
//! 3. `code = takeback_pdq_hash_rgba(ptr, width, height)`; negative means bad input.
//! 4. Read 64 bytes at `takeback_pdq_hash_hex()`, and `takeback_pdq_quality()`.
//! 5. `takeback_free(ptr, len)`, also when a step failed.
//!
//! Alpha is ignored, as [`PixelLayout::Rgba8`] says. Images under 5 pixels on a side are
//! not errors: like the reference, they give the zero hash with quality 0.
//!
//! The result of the last call is kept in module state rather than returned, because a C
//! ABI returns one number. WebAssembly without threads runs one call at a time, so the state
//! is simply per instance. Natively (in tests) it is per thread.
//!
//! # Unsafe code
//!
//! The workspace denies `unsafe_code`. This crate allows it because a C ABI over raw
//! pointers is what JavaScript can call. It uses it only to turn a pointer and a length from
//! JavaScript into a slice, or back into the buffer it allocated. The rest ([`rgba_len`],
//! [`hash_rgba`], [`alloc_zeroed`], the result storage) is safe Rust, tested natively.

// Exporting a C ABI over raw pointers for JavaScript needs `unsafe`. See "Unsafe code" above.
#![allow(unsafe_code)]
#![warn(missing_docs)]

use std::cell::Cell;
use std::{ptr, slice};
use takeback_pdq::{Pdq, PixelLayout, Pixels};

/// The version of the exported functions' contract. Bump it on any incompatible change, so
/// that a stale loader and a new module refuse each other rather than misbehave.
pub const ABI_VERSION: u32 = 1;

/// Bytes per RGBA pixel.
const RGBA: usize = 4;

/// Why [`takeback_pdq_hash_rgba`] refused its input. The ABI returns [`AbiError::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbiError {
    /// The pixel pointer is null (code -1).
    NullPointer,
    /// `width × height × 4` overflows the address space (code -2).
    TooLarge,
    /// The slice is not `width × height × 4` bytes (code -3). Only the safe [`hash_rgba`]
    /// can report this: the ABI derives the length from the dimensions.
    WrongLength,
}

impl AbiError {
    /// The negative number the ABI returns for this error.
    pub const fn code(self) -> i32 {
        match self {
            AbiError::NullPointer => -1,
            AbiError::TooLarge => -2,
            AbiError::WrongLength => -3,
        }
    }
}

/// What [`takeback_pdq_quality`] returns while there is no valid result.
pub const NO_QUALITY: i32 = -1;

/// What the hex buffer holds while there is no valid result: NUL bytes, so that a caller
/// that ignored an error code cannot mistake it for a hash.
const NO_HEX: [u8; 64] = [0; 64];

thread_local! {
    // Plain cells: one instance runs one call at a time (see the crate docs), and the hex
    // digits must stay at a fixed address for `takeback_pdq_hash_hex` to point at.
    static LAST_HEX: Cell<[u8; 64]> = const { Cell::new(NO_HEX) };
    static LAST_QUALITY: Cell<i32> = const { Cell::new(NO_QUALITY) };
}

/// The byte length of `width × height` RGBA pixels, if a slice can be that long.
pub fn rgba_len(width: u32, height: u32) -> Result<usize, AbiError> {
    let width = usize::try_from(width).map_err(|_| AbiError::TooLarge)?;
    let height = usize::try_from(height).map_err(|_| AbiError::TooLarge)?;
    width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(RGBA))
        // No Rust slice may exceed isize::MAX bytes (on wasm32, 2 GiB).
        .filter(|&len| isize::try_from(len).is_ok())
        .ok_or(AbiError::TooLarge)
}

/// The PDQ hash of exactly `width × height` tightly packed RGBA pixels (alpha ignored).
///
/// ```
/// use takeback_pdq_wasm::{hash_rgba, AbiError};
/// let grey = vec![128u8; 8 * 8 * 4];
/// assert_eq!(hash_rgba(&grey, 8, 8).map(|pdq| pdq.quality), Ok(0));
/// assert_eq!(hash_rgba(&grey, 8, 9), Err(AbiError::WrongLength));
/// ```
pub fn hash_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Pdq, AbiError> {
    if rgba.len() != rgba_len(width, height)? {
        return Err(AbiError::WrongLength);
    }
    // The length was just checked, so `Pixels::new` cannot refuse; map rather than unwrap
    // all the same.
    let pixels = Pixels::new(rgba, width as usize, height as usize, PixelLayout::Rgba8)
        .map_err(|_| AbiError::WrongLength)?;
    Ok(takeback_pdq::hash(&pixels))
}

/// Stores a hash call's outcome for [`takeback_pdq_hash_hex`] and [`takeback_pdq_quality`],
/// and returns the ABI's code for it: 0, or the error's negative code. A failure clears the
/// previous result, so it can never be read as this call's.
pub fn record(outcome: Result<Pdq, AbiError>) -> i32 {
    let (hex, quality, code) = match outcome {
        Ok(pdq) => {
            let mut hex = [0u8; 64];
            pdq.hash.write_hex(&mut hex);
            (hex, i32::from(pdq.quality), 0)
        }
        Err(error) => (NO_HEX, NO_QUALITY, error.code()),
    };
    LAST_HEX.with(|cell| cell.set(hex));
    LAST_QUALITY.with(|cell| cell.set(quality));
    code
}

/// The stored hex digits: the last hash, or NUL bytes if there is none.
pub fn last_hex() -> [u8; 64] {
    LAST_HEX.with(Cell::get)
}

/// The stored quality: 0 to 100, or [`NO_QUALITY`] if there is no valid result.
pub fn last_quality() -> i32 {
    LAST_QUALITY.with(Cell::get)
}

/// A zeroed buffer of `len` bytes, or `None` if memory is exhausted. Unlike `vec![0; len]`
/// it does not abort on failure, so JavaScript gets a null pointer and a clear error
/// instead of a trapped instance.
pub fn alloc_zeroed(len: usize) -> Option<Box<[u8]>> {
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(len).ok()?;
    buffer.resize(len, 0);
    Some(buffer.into_boxed_slice())
}

/// [`ABI_VERSION`].
#[unsafe(no_mangle)]
pub extern "C" fn takeback_abi_version() -> u32 {
    ABI_VERSION
}

/// A zeroed buffer of `len` bytes for the caller to write pixels into, or null if memory is
/// exhausted. Release it with [`takeback_free`] and the same `len`. A zero `len` gives a
/// non-null pointer to nothing.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_alloc(len: usize) -> *mut u8 {
    match alloc_zeroed(len) {
        // Ownership passes to the caller until `takeback_free` takes it back.
        Some(buffer) => Box::into_raw(buffer).cast::<u8>(),
        None => ptr::null_mut(),
    }
}

/// Releases a buffer from [`takeback_alloc`]. A null `ptr` is ignored, as by C's `free`.
///
/// # Safety
///
/// Unless null, `ptr` must have been returned by `takeback_alloc(len)` with this same
/// `len`, and must not have been freed already. The buffer must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn takeback_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the caller guarantees `ptr` and `len` are exactly the pointer and length of a
    // live buffer from `takeback_alloc`, which leaked a `Box<[u8]>` of `len` bytes; this
    // rebuilds that box, with the same layout, and drops it once.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Hashes `width × height` RGBA pixels at `ptr` (alpha ignored) and stores the result for
/// [`takeback_pdq_hash_hex`] and [`takeback_pdq_quality`]. Returns 0, or a negative
/// [`AbiError::code`] (and clears the stored result) if `ptr` is null or the size
/// overflows. Images under 5 pixels on a side succeed with the zero hash and quality 0.
///
/// # Safety
///
/// Unless null, `ptr` must point to at least `width × height × 4` readable bytes (such as a
/// buffer from [`takeback_alloc`] at least that long) that nothing writes during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn takeback_pdq_hash_rgba(ptr: *const u8, width: u32, height: u32) -> i32 {
    if ptr.is_null() {
        return record(Err(AbiError::NullPointer));
    }
    let outcome = rgba_len(width, height).and_then(|len| {
        // SAFETY: `ptr` is non-null, a `u8` pointer is always aligned, `rgba_len` keeps `len`
        // within `isize::MAX`, and the caller guarantees `len` readable bytes at `ptr` that
        // stay unchanged while this borrow lives (until `hash_rgba` returns).
        let rgba = unsafe { slice::from_raw_parts(ptr, len) };
        hash_rgba(rgba, width, height)
    });
    record(outcome)
}

/// A pointer to the 64 lowercase ASCII hex digits of the last hash (not NUL-terminated),
/// valid until the next call of [`takeback_pdq_hash_rgba`] changes them. They are NUL bytes
/// if that call failed or none was made.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_pdq_hash_hex() -> *const u8 {
    // A thread-local lives as long as its thread (on wasm, the instance), so the pointer
    // outlives this closure.
    LAST_HEX.with(|cell| cell.as_ptr().cast_const().cast::<u8>())
}

/// The last hash's quality, 0 to 100, or -1 ([`NO_QUALITY`]) if the last call of
/// [`takeback_pdq_hash_rgba`] failed or none was made.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_pdq_quality() -> i32 {
    last_quality()
}

#[cfg(test)]
mod tests {
    use super::*;
    use takeback_pdq::PdqHash;
    use takeback_testimages::{Channels, Pattern, Spec};

    fn shapes_rgba(width: usize, height: usize) -> Vec<u8> {
        Spec::new(Pattern::Shapes, width, height, Channels::Rgba, 1)
            .generate()
            .pixels
    }

    fn native(rgba: &[u8], width: usize, height: usize) -> Pdq {
        takeback_pdq::hash(&Pixels::new(rgba, width, height, PixelLayout::Rgba8).unwrap())
    }

    #[test]
    fn lengths_are_checked_for_overflow() {
        assert_eq!(rgba_len(0, 0), Ok(0));
        assert_eq!(rgba_len(0, u32::MAX), Ok(0));
        assert_eq!(rgba_len(3, 2), Ok(24));
        // 2^31 × 2^31 × 4 = 2^64 overflows even a 64-bit usize.
        assert_eq!(rgba_len(1 << 31, 1 << 31), Err(AbiError::TooLarge));
        assert_eq!(rgba_len(u32::MAX, u32::MAX), Err(AbiError::TooLarge));
        // 2^31 × 2^30 × 4 = 2^63 fits in a u64 but not in a slice.
        assert_eq!(rgba_len(1 << 31, 1 << 30), Err(AbiError::TooLarge));
    }

    #[test]
    fn hashes_match_the_native_hasher() {
        for (width, height) in [(5, 5), (63, 65), (64, 64), (200, 150)] {
            let rgba = shapes_rgba(width, height);
            assert_eq!(
                hash_rgba(&rgba, width as u32, height as u32),
                Ok(native(&rgba, width, height)),
                "{width}x{height}"
            );
        }
    }

    #[test]
    fn wrong_lengths_are_refused() {
        let rgba = shapes_rgba(10, 10);
        assert_eq!(hash_rgba(&rgba, 10, 9), Err(AbiError::WrongLength));
        assert_eq!(hash_rgba(&rgba[1..], 10, 10), Err(AbiError::WrongLength));
        assert_eq!(hash_rgba(&rgba, 1 << 31, 1 << 31), Err(AbiError::TooLarge));
    }

    #[test]
    fn small_images_give_the_zero_hash() {
        for (width, height) in [(0, 0), (1, 1), (4, 4), (4, 100), (100, 4)] {
            let rgba = shapes_rgba(width, height);
            let expected = Pdq {
                hash: PdqHash::ZERO,
                quality: 0,
            };
            assert_eq!(hash_rgba(&rgba, width as u32, height as u32), Ok(expected));
        }
    }

    #[test]
    fn record_stores_successes_and_clears_on_failure() {
        let rgba = shapes_rgba(40, 30);
        let pdq = native(&rgba, 40, 30);
        assert_eq!(record(Ok(pdq)), 0);
        assert_eq!(last_hex(), *pdq.hash.to_hex().as_bytes());
        assert_eq!(last_quality(), i32::from(pdq.quality));
        assert_eq!(record(Err(AbiError::TooLarge)), -2);
        assert_eq!(last_hex(), NO_HEX);
        assert_eq!(last_quality(), NO_QUALITY);
    }

    #[test]
    fn allocation_failure_is_a_null_pointer() {
        assert!(alloc_zeroed(usize::MAX).is_none());
        assert!(takeback_alloc(usize::MAX).is_null());
        assert_eq!(alloc_zeroed(5).as_deref(), Some(&[0u8; 5][..]));
    }

    #[test]
    fn the_c_abi_round_trips() {
        assert_eq!(takeback_abi_version(), 1);
        let (width, height) = (70, 90);
        let rgba = shapes_rgba(width, height);
        let len = rgba.len();
        let ptr = takeback_alloc(len);
        assert!(!ptr.is_null());
        // SAFETY: `ptr` is a fresh buffer of `len` bytes from `takeback_alloc`.
        unsafe { ptr::copy_nonoverlapping(rgba.as_ptr(), ptr, len) };
        // SAFETY: the buffer holds `width × height × 4` initialised bytes.
        let code = unsafe { takeback_pdq_hash_rgba(ptr, width as u32, height as u32) };
        assert_eq!(code, 0);
        let pdq = native(&rgba, width, height);
        // SAFETY: the export points at 64 bytes that live as long as this thread.
        let hex = unsafe { *takeback_pdq_hash_hex().cast::<[u8; 64]>() };
        assert_eq!(hex, *pdq.hash.to_hex().as_bytes());
        assert_eq!(takeback_pdq_quality(), i32::from(pdq.quality));
        // SAFETY: `ptr` and `len` are from `takeback_alloc`, freed once.
        unsafe { takeback_free(ptr, len) };
    }

    #[test]
    fn the_c_abi_refuses_bad_input() {
        // SAFETY: a null pointer is refused before anything is read.
        assert_eq!(unsafe { takeback_pdq_hash_rgba(ptr::null(), 8, 8) }, -1);
        assert_eq!(takeback_pdq_quality(), NO_QUALITY);
        let ptr = takeback_alloc(0);
        assert!(!ptr.is_null());
        // SAFETY: the overflow is detected before `ptr` is read.
        assert_eq!(unsafe { takeback_pdq_hash_rgba(ptr, 1 << 31, 1 << 31) }, -2);
        // SAFETY: a 0×0 image reads no bytes.
        assert_eq!(unsafe { takeback_pdq_hash_rgba(ptr, 0, 0) }, 0);
        assert_eq!(takeback_pdq_quality(), 0);
        // SAFETY: `ptr` came from `takeback_alloc(0)`; a null pointer is ignored.
        unsafe {
            takeback_free(ptr, 0);
            takeback_free(ptr::null_mut(), 0);
        }
    }
}
