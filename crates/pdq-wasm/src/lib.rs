//! Meta's PDQ hash, MD5 and SHA-256 as WebAssembly, behind a C ABI small enough for plain
//! JavaScript to call without generated glue. `web/pdq/takeback-pdq.js` is the loader pages
//! use.
//!
//! The browser decodes the picture (a canvas's `getImageData`), and this module hashes the
//! pixels inside the page, so the picture never leaves the device. It also digests the
//! file's bytes with MD5 and SHA-256: WebCrypto has no MD5, and pages served over plain
//! HTTP have no `crypto.subtle` at all, so both come from here. The module imports nothing:
//! it has no way to reach the network, the clock or the page.
//!
//! # ABI, version 5
//!
//! Pointers and lengths are byte offsets into the module's exported `memory`. They are
//! unsigned, but JavaScript receives every wasm `i32` as signed, so it reads them with
//! `>>> 0`.
//!
//! | Export | Does |
//! |---|---|
//! | `takeback_abi_version() -> u32` | [`ABI_VERSION`]; a loader refuses any other |
//! | `takeback_alloc(len) -> ptr` | a zeroed buffer of `len` bytes, or 0 (null) if memory is exhausted |
//! | `takeback_free(ptr, len)` | zeroes and releases a buffer from `takeback_alloc`, given the same `len` |
//! | `takeback_pdq_hash_rgba(ptr, width, height) -> i32` | hashes `width × height` RGBA pixels; 0, or a negative [`AbiError`] code |
//! | `takeback_pdq_hash_hex() -> ptr` | the last hash as 64 lowercase hex digits (no NUL terminator) |
//! | `takeback_pdq_quality() -> i32` | the last hash's quality, 0 to 100, or -1 if the last call failed |
//! | `takeback_digest_bytes(ptr, len) -> i32` | MD5 and SHA-256 of `len` bytes; 0, or a negative [`AbiError`] code |
//! | `takeback_md5_hex() -> ptr` | the last MD5 as 32 lowercase hex digits (no NUL terminator) |
//! | `takeback_sha256_hex() -> ptr` | the last SHA-256 as 64 lowercase hex digits (no NUL terminator) |
//! | `takeback_digest_begin()` | starts a streamed digest (dropping one left unfinished) |
//! | `takeback_digest_update(ptr, len) -> i32` | feeds it `len` bytes; 0, or a negative [`AbiError`] code |
//! | `takeback_digest_end() -> i32` | finishes it and stores its digests as `takeback_digest_bytes` does; 0, or a negative code |
//! | `takeback_jpeg_yuv420_to_rgba(planes, width, height, orientation, rgba) -> i32` | a JPEG's RGBA pixels from its 4:2:0 planes, as libjpeg makes them, turned upright by its EXIF orientation ([`jpeg`]); 0, or a negative [`AbiError`] code |
//! | `takeback_pdq_engine() -> u32` | which engine hashes: 0 portable, 2 WebAssembly SIMD ([`engine_code`]) |
//!
//! Version 2 added the three digest functions; version 3 the three streamed-digest ones, so
//! that a video of any size is digested in pieces without holding it all in memory; version
//! 4 the JPEG planes' conversion and the engine's name; version 5 the conversion's
//! `orientation`, so that a photo stored on its side is hashed upright without a second
//! copy. Earlier versions' other functions are unchanged.
//!
//! # Two builds
//!
//! `tools/wasm` builds this crate twice: plain, and with WebAssembly SIMD
//! (`-C target-feature=+simd128`), which hashes with `takeback-pdq`'s SIMD engine in about
//! half the time. A module with any SIMD instruction does not load at all in an engine
//! without SIMD, so the loader chooses the build by feature detection. Both give the same
//! bits; `tests/node.rs` checks each against the native hasher.
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
//! Digests follow the same sequence with the file's bytes: `takeback_alloc(len)`, copy,
//! `takeback_digest_bytes(ptr, len)`, read 32 bytes at `takeback_md5_hex()` and 64 at
//! `takeback_sha256_hex()`, `takeback_free(ptr, len)`. Empty input is allowed (a null
//! pointer too, when `len` is 0).
//!
//! The result of the last call is kept in module state rather than returned, because a C
//! ABI returns one number. WebAssembly without threads runs one call at a time, so the state
//! is simply per instance. Natively (in tests) it is per thread. The hash and the digests
//! are stored apart: hashing leaves the last digests alone, and digesting the last hash.
//!
//! # Unsafe code
//!
//! The workspace denies `unsafe_code`. This crate allows it because a C ABI over raw
//! pointers is what JavaScript can call. It uses it only to turn a pointer and a length from
//! JavaScript into a slice, or back into the buffer it allocated, and for its allocator
//! ([`wiping::WipeOnFree`]) to zero a block before freeing it. The rest ([`rgba_len`],
//! [`hash_rgba`], [`digest_bytes`], [`alloc_zeroed`], [`wipe`], the result storage) is safe
//! Rust, tested natively.
//!
//! # Nothing left behind
//!
//! No call leaves anything of the picture or file it was given in the module's memory,
//! only the results it stores: every freed block is zeroed, the buffers JavaScript hands
//! over and the hasher's own alike, and so is the stack a call used ([`wiping`]).

// Exporting a C ABI over raw pointers for JavaScript needs `unsafe`. See "Unsafe code" above.
#![allow(unsafe_code)]
#![warn(missing_docs)]

use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::alloc::System;
use std::cell::{Cell, RefCell};
use std::{ptr, slice};
use takeback_pdq::{Engine, Pdq, PixelLayout, Pixels, hex};
use wiping::{WipeOnFree, with_stack_wiped};

pub mod jpeg;
pub mod wiping;

// The one allocator of the module (and of this crate's native tests): it zeroes every
// block it frees, so that the hasher's working copies of a picture do not outlive a hash.
#[global_allocator]
static ALLOCATOR: WipeOnFree<System> = WipeOnFree(System);

/// The version of the exported functions' contract. Bump it on any incompatible change, so
/// that a stale loader and a new module refuse each other rather than misbehave.
pub const ABI_VERSION: u32 = 5;

/// Bytes per RGBA pixel.
const RGBA: usize = 4;

/// Why [`takeback_pdq_hash_rgba`], [`takeback_jpeg_yuv420_to_rgba`], a digest function or
/// their safe counterparts refused the input. The ABI returns [`AbiError::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbiError {
    /// An input or output pointer is null (code -1): the pixels', the planes', the RGBA
    /// output's, or the bytes' with a length above 0.
    NullPointer,
    /// `width × height × 4`, a JPEG's planes ([`jpeg::yuv420_len`]), or a digest's length is
    /// more than a slice can hold (code -2).
    TooLarge,
    /// A slice is not as long as the dimensions need (code -3): the pixels for
    /// [`hash_rgba`], the planes or the RGBA output for [`jpeg::jpeg_yuv420_to_rgba`]. Only
    /// these safe functions can report it: the ABI's exports derive the lengths from the
    /// dimensions.
    WrongLength,
    /// A streamed digest was fed or finished without being begun (code -4).
    NoDigestBegun,
    /// A JPEG's orientation is not one of EXIF's, 1 to 8 (code -5).
    BadOrientation,
}

impl AbiError {
    /// The negative number the ABI returns for this error.
    pub const fn code(self) -> i32 {
        match self {
            AbiError::NullPointer => -1,
            AbiError::TooLarge => -2,
            AbiError::WrongLength => -3,
            AbiError::NoDigestBegun => -4,
            AbiError::BadOrientation => -5,
        }
    }
}

/// What [`takeback_pdq_quality`] returns while there is no valid result.
pub const NO_QUALITY: i32 = -1;

/// What the hex buffer holds while there is no valid result: NUL bytes, so that a caller
/// that ignored an error code cannot mistake it for a hash.
const NO_HEX: [u8; 64] = [0; 64];

/// What the digest buffers hold while there is no valid result, for the same reason.
const NO_DIGESTS: HexDigests = HexDigests {
    md5: [0; 32],
    sha256: [0; 64],
};

thread_local! {
    // Plain cells: one instance runs one call at a time (see the crate docs), and the hex
    // digits must stay at a fixed address for `takeback_pdq_hash_hex`, `takeback_md5_hex`
    // and `takeback_sha256_hex` to point at.
    static LAST_HEX: Cell<[u8; 64]> = const { Cell::new(NO_HEX) };
    static LAST_QUALITY: Cell<i32> = const { Cell::new(NO_QUALITY) };
    static LAST_MD5_HEX: Cell<[u8; 32]> = const { Cell::new(NO_DIGESTS.md5) };
    static LAST_SHA256_HEX: Cell<[u8; 64]> = const { Cell::new(NO_DIGESTS.sha256) };
    // The one streamed digest in progress: a page digests one video at a time. Boxed, so
    // that its state (the last bytes fed, up to a block's worth) is wiped when dropped
    // rather than left in the static.
    static STREAM: RefCell<Option<Box<StreamedDigest>>> = const { RefCell::new(None) };
}

/// MD5 and SHA-256 fed in pieces.
#[derive(Debug, Clone, Default)]
pub struct StreamedDigest {
    md5: Md5,
    sha256: Sha256,
}

impl StreamedDigest {
    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        self.sha256.update(bytes);
    }

    /// The digests of everything fed, as hex.
    pub fn finish(self) -> HexDigests {
        let mut digests = NO_DIGESTS;
        hex::encode_into(&self.md5.finalize(), &mut digests.md5);
        hex::encode_into(&self.sha256.finalize(), &mut digests.sha256);
        digests
    }
}

/// Starts the instance's streamed digest, dropping one left unfinished.
pub fn begin_stream() {
    STREAM.with(|stream| *stream.borrow_mut() = Some(Box::default()));
}

/// Feeds the streamed digest.
pub fn update_stream(bytes: &[u8]) -> Result<(), AbiError> {
    STREAM.with(|stream| match stream.borrow_mut().as_mut() {
        Some(digest) => {
            digest.update(bytes);
            Ok(())
        }
        None => Err(AbiError::NoDigestBegun),
    })
}

/// Finishes the streamed digest; a second call fails until the next [`begin_stream`].
pub fn end_stream() -> Result<HexDigests, AbiError> {
    STREAM
        .with(|stream| stream.borrow_mut().take().map(|digest| digest.finish()))
        .ok_or(AbiError::NoDigestBegun)
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

/// The MD5 and SHA-256 of some bytes, as lowercase ASCII hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexDigests {
    /// The MD5 digest: 32 hex digits.
    pub md5: [u8; 32],
    /// The SHA-256 digest: 64 hex digits.
    pub sha256: [u8; 64],
}

/// The MD5 and SHA-256 of `bytes`, as lowercase hex digits.
///
/// ```
/// use takeback_pdq_wasm::digest_bytes;
/// let abc = digest_bytes(b"abc");
/// assert_eq!(&abc.md5, b"900150983cd24fb0d6963f7d28e17f72");
/// ```
pub fn digest_bytes(bytes: &[u8]) -> HexDigests {
    let mut digests = NO_DIGESTS;
    hex::encode_into(&Md5::digest(bytes), &mut digests.md5);
    hex::encode_into(&Sha256::digest(bytes), &mut digests.sha256);
    digests
}

/// Stores a digest call's outcome for [`takeback_md5_hex`] and [`takeback_sha256_hex`], and
/// returns the ABI's code for it: 0, or the error's negative code. A failure clears the
/// previous digests, so they can never be read as this call's. The stored hash is untouched.
pub fn record_digests(outcome: Result<HexDigests, AbiError>) -> i32 {
    let (digests, code) = match outcome {
        Ok(digests) => (digests, 0),
        Err(error) => (NO_DIGESTS, error.code()),
    };
    LAST_MD5_HEX.with(|cell| cell.set(digests.md5));
    LAST_SHA256_HEX.with(|cell| cell.set(digests.sha256));
    code
}

/// The stored digests: the last ones, or NUL bytes if there are none.
pub fn last_digests() -> HexDigests {
    HexDigests {
        md5: LAST_MD5_HEX.with(Cell::get),
        sha256: LAST_SHA256_HEX.with(Cell::get),
    }
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

/// The number [`takeback_pdq_engine`] gives an engine: 0 portable, 1 AVX2 (never in
/// WebAssembly), 2 WebAssembly SIMD. It lets a test check that the SIMD build really
/// hashes with SIMD, not merely that it gives the right bits.
pub fn engine_code(engine: Engine) -> u32 {
    match engine {
        Engine::Portable => 0,
        Engine::Avx2 => 1,
        Engine::Simd128 => 2,
    }
}

/// The engine this build hashes with, as [`engine_code`] numbers it.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_pdq_engine() -> u32 {
    engine_code(Engine::best())
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

/// Zeroes and releases a buffer from [`takeback_alloc`]. A null `ptr` is ignored, as by C's
/// `free`.
///
/// The buffers hold a picture's pixels or planes, or a file's bytes. Zeroed (by the
/// allocator, [`WipeOnFree`], as every block it frees), they do not stay in the module's
/// memory (which lives as long as the page) after hashing, for any later reader of that
/// memory to find: the picture is dropped once fingerprinted. Only the allocator's few
/// bytes of bookkeeping are written over a freed buffer afterwards.
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

/// Overwrites `buffer` with zeros, in a way the compiler may not drop as a dead store
/// although the buffer is freed next. `web/pdq/test/loader.test.mjs` checks that the
/// built modules really leave zeros behind.
pub fn wipe(buffer: &mut [u8]) {
    buffer.fill(0);
    // The optimiser must assume the zeros are read, so it keeps the writes.
    std::hint::black_box(buffer);
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
    with_stack_wiped(|| {
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
    })
}

/// Writes the RGBA pixels of a `width × height` JPEG from its tightly packed 4:2:0 planes
/// at `planes` (Y, then Cb, then Cr: [`jpeg::yuv420_len`] bytes) to `rgba` (`width ×
/// height × 4` bytes), as libjpeg makes them, turned as EXIF's `orientation` (1 to 8)
/// says: `height` pixels wide for 5 to 8 ([`jpeg::jpeg_yuv420_to_rgba`]). Returns 0, or a
/// negative [`AbiError::code`] if a pointer is null, the sizes overflow or the orientation
/// is not EXIF's.
///
/// # Safety
///
/// Unless null, `planes` must point to at least [`jpeg::yuv420_len`] readable bytes and
/// `rgba` to at least `width × height × 4` writable bytes (such as buffers from
/// [`takeback_alloc`] at least that long), not overlapping, that nothing else touches
/// during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn takeback_jpeg_yuv420_to_rgba(
    planes: *const u8,
    width: u32,
    height: u32,
    orientation: u32,
    rgba: *mut u8,
) -> i32 {
    with_stack_wiped(|| {
        if planes.is_null() || rgba.is_null() {
            return AbiError::NullPointer.code();
        }
        let checked = jpeg::Orientation::from_exif(orientation).and_then(|orientation| {
            let planes_len = jpeg::yuv420_len(width, height)?;
            Ok((orientation, planes_len, rgba_len(width, height)?))
        });
        let outcome = checked.and_then(|(orientation, planes_len, rgba_len)| {
            // SAFETY: both pointers are non-null, `u8` pointers are always aligned, both lengths
            // are within `isize::MAX`, and the caller guarantees that many readable bytes at
            // `planes` and writable bytes at `rgba`, not overlapping and untouched by anything
            // else while these borrows live (until the conversion returns).
            let (planes, rgba) = unsafe {
                (
                    slice::from_raw_parts(planes, planes_len),
                    slice::from_raw_parts_mut(rgba, rgba_len),
                )
            };
            jpeg::jpeg_yuv420_to_rgba(planes, width, height, orientation, rgba)
        });
        match outcome {
            Ok(()) => 0,
            Err(error) => error.code(),
        }
    })
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

/// Computes the MD5 and SHA-256 of `len` bytes at `ptr` and stores them for
/// [`takeback_md5_hex`] and [`takeback_sha256_hex`]. Returns 0, or a negative
/// [`AbiError::code`] (and clears the stored digests) if `ptr` is null while `len` is not 0,
/// or `len` is more than a slice can hold. A `len` of 0 digests the empty input, whatever
/// `ptr` is.
///
/// # Safety
///
/// Unless `ptr` is null or `len` is 0, `ptr` must point to at least `len` readable bytes
/// (such as a buffer from [`takeback_alloc`] at least that long) that nothing writes during
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn takeback_digest_bytes(ptr: *const u8, len: usize) -> i32 {
    with_stack_wiped(|| {
        // SAFETY: the caller's guarantee, passed on.
        record_digests(unsafe { caller_bytes(ptr, len) }.map(digest_bytes))
    })
}

/// The `len` bytes at `ptr` that JavaScript handed over: empty for a `len` of 0 whatever
/// `ptr` is, else an error for a null `ptr` or a `len` no slice can hold.
///
/// # Safety
///
/// Unless `ptr` is null or `len` is 0, `ptr` must point to at least `len` readable bytes
/// that nothing writes while the returned slice lives.
unsafe fn caller_bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], AbiError> {
    if len == 0 {
        Ok(&[])
    } else if ptr.is_null() {
        Err(AbiError::NullPointer)
    } else if isize::try_from(len).is_err() {
        // No Rust slice may exceed isize::MAX bytes (on wasm32, 2 GiB).
        Err(AbiError::TooLarge)
    } else {
        // SAFETY: `ptr` is non-null, a `u8` pointer is always aligned, `len` was just checked
        // to be within `isize::MAX`, and the caller guarantees `len` readable bytes at `ptr`
        // that stay unchanged while the slice lives.
        Ok(unsafe { slice::from_raw_parts(ptr, len) })
    }
}

/// A pointer to the 32 lowercase ASCII hex digits of the last MD5 (not NUL-terminated),
/// valid until the next call of [`takeback_digest_bytes`] changes them. They are NUL bytes
/// if that call failed or none was made.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_md5_hex() -> *const u8 {
    // As in `takeback_pdq_hash_hex`: the thread-local outlives this closure.
    LAST_MD5_HEX.with(|cell| cell.as_ptr().cast_const().cast::<u8>())
}

/// A pointer to the 64 lowercase ASCII hex digits of the last SHA-256 (not NUL-terminated),
/// valid until the next call of [`takeback_digest_bytes`] changes them. They are NUL bytes
/// if that call failed or none was made.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_sha256_hex() -> *const u8 {
    // As in `takeback_pdq_hash_hex`: the thread-local outlives this closure.
    LAST_SHA256_HEX.with(|cell| cell.as_ptr().cast_const().cast::<u8>())
}

/// Starts a streamed digest: [`takeback_digest_update`] feeds it, [`takeback_digest_end`]
/// finishes it. Begun again before it ends, it starts afresh.
#[unsafe(no_mangle)]
pub extern "C" fn takeback_digest_begin() {
    begin_stream();
}

/// Feeds `len` bytes at `ptr` to the streamed digest. Returns 0, or a negative
/// [`AbiError::code`]: no digest begun, `ptr` null while `len` is not 0, or `len` more than a
/// slice can hold (the digest then stays as it was).
///
/// # Safety
///
/// As [`takeback_digest_bytes`]: unless `ptr` is null or `len` is 0, `ptr` must point to at
/// least `len` readable bytes that nothing writes during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn takeback_digest_update(ptr: *const u8, len: usize) -> i32 {
    with_stack_wiped(|| {
        // SAFETY: the caller's guarantee, passed on.
        let outcome = unsafe { caller_bytes(ptr, len) }.and_then(update_stream);
        match outcome {
            Ok(()) => 0,
            Err(error) => error.code(),
        }
    })
}

/// Finishes the streamed digest and stores its MD5 and SHA-256 for [`takeback_md5_hex`]
/// and [`takeback_sha256_hex`]. Returns 0, or [`AbiError::NoDigestBegun`]'s code (and
/// clears the stored digests).
#[unsafe(no_mangle)]
pub extern "C" fn takeback_digest_end() -> i32 {
    with_stack_wiped(|| record_digests(end_stream()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use takeback_pdq::PdqHash;
    use takeback_testimages::{Channels, Pattern, Spec, random_bytes};

    fn shapes_rgba(width: usize, height: usize) -> Vec<u8> {
        Spec::new(Pattern::Shapes, width, height, Channels::Rgba, 1)
            .generate()
            .pixels
    }

    fn native(rgba: &[u8], width: usize, height: usize) -> Pdq {
        takeback_pdq::hash(&Pixels::new(rgba, width, height, PixelLayout::Rgba8).unwrap())
    }

    /// Lowercase hex by `format!`, independent of `write_hex`.
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// What `digest_bytes` must give, from the crates directly and formatted by `hex`.
    fn native_digests(bytes: &[u8]) -> (String, String) {
        (hex(&Md5::digest(bytes)), hex(&Sha256::digest(bytes)))
    }

    fn as_strings(digests: HexDigests) -> (String, String) {
        let text = |digits: &[u8]| String::from_utf8(digits.to_vec()).unwrap();
        (text(&digests.md5), text(&digests.sha256))
    }

    const EMPTY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

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
    fn digests_of_known_vectors() {
        let vectors: [(&[u8], &str, &str); 3] = [
            (b"", EMPTY_MD5, EMPTY_SHA256),
            (
                b"abc",
                "900150983cd24fb0d6963f7d28e17f72",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"The quick brown fox jumps over the lazy dog",
                "9e107d9d372bb6826bd81d3542a419d6",
                "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
            ),
        ];
        for (input, md5, sha256) in vectors {
            let (got_md5, got_sha256) = as_strings(digest_bytes(input));
            assert_eq!(
                (got_md5.as_str(), got_sha256.as_str()),
                (md5, sha256),
                "{input:?}"
            );
        }
    }

    #[test]
    fn digests_match_the_crates_across_block_boundaries() {
        // Both algorithms pad into 64-byte blocks; 55, 56, 64 and 119, 120, 128 are the edges.
        let bytes = random_bytes(7, 1 << 20);
        for len in (0..=130).chain([1000, 4096, 65_537, 1 << 20]) {
            let input = &bytes[..len];
            assert_eq!(
                as_strings(digest_bytes(input)),
                native_digests(input),
                "length {len}"
            );
        }
    }

    #[test]
    fn a_streamed_digest_equals_the_one_shot_digest_whatever_the_pieces() {
        let bytes = random_bytes(7, 100_000);
        for piece in [1, 63, 64, 4096, 100_000] {
            begin_stream();
            for chunk in bytes.chunks(piece) {
                update_stream(chunk).unwrap();
            }
            assert_eq!(end_stream(), Ok(digest_bytes(&bytes)), "pieces of {piece}");
        }
        begin_stream();
        assert_eq!(end_stream(), Ok(digest_bytes(&[])));
        assert_eq!(end_stream(), Err(AbiError::NoDigestBegun));
        assert_eq!(update_stream(b"x"), Err(AbiError::NoDigestBegun));
        // Begun again midway, it starts afresh.
        begin_stream();
        update_stream(b"lost").unwrap();
        begin_stream();
        update_stream(b"abc").unwrap();
        assert_eq!(end_stream(), Ok(digest_bytes(b"abc")));
    }

    #[test]
    fn record_digests_stores_successes_and_clears_on_failure() {
        let abc = digest_bytes(b"abc");
        assert_eq!(record_digests(Ok(abc)), 0);
        assert_eq!(last_digests(), abc);
        assert_eq!(record_digests(Err(AbiError::NullPointer)), -1);
        assert_eq!(last_digests(), NO_DIGESTS);
        assert_eq!(record_digests(Ok(abc)), 0);
        assert_eq!(record_digests(Err(AbiError::TooLarge)), -2);
        assert_eq!(last_digests(), NO_DIGESTS);
    }

    #[test]
    fn hashes_and_digests_are_stored_apart() {
        let rgba = shapes_rgba(40, 30);
        let pdq = native(&rgba, 40, 30);
        let abc = digest_bytes(b"abc");
        assert_eq!(record(Ok(pdq)), 0);
        assert_eq!(record_digests(Ok(abc)), 0);
        // A failure of either leaves the other's result alone.
        assert_eq!(record_digests(Err(AbiError::NullPointer)), -1);
        assert_eq!(last_hex(), *pdq.hash.to_hex().as_bytes());
        assert_eq!(record_digests(Ok(abc)), 0);
        assert_eq!(record(Err(AbiError::NullPointer)), -1);
        assert_eq!(last_digests(), abc);
    }

    #[test]
    fn allocation_failure_is_a_null_pointer() {
        assert!(alloc_zeroed(usize::MAX).is_none());
        assert!(takeback_alloc(usize::MAX).is_null());
        assert_eq!(alloc_zeroed(5).as_deref(), Some(&[0u8; 5][..]));
    }

    #[test]
    fn wipe_zeroes_the_whole_buffer() {
        let mut buffer = random_bytes(5, 1000);
        wipe(&mut buffer);
        assert!(buffer.iter().all(|&b| b == 0));
        wipe(&mut []);
    }

    #[test]
    fn the_c_abi_round_trips() {
        assert_eq!(takeback_abi_version(), 5);
        // Natively, the portable engine or AVX2; never the WebAssembly one.
        assert!(matches!(takeback_pdq_engine(), 0 | 1));
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

    #[test]
    fn the_jpeg_c_abi_converts_and_refuses_bad_input() {
        let (width, height) = (5u32, 3u32);
        let planes: Vec<u8> = (0..jpeg::yuv420_len(width, height).unwrap())
            .map(|i| (i * 37) as u8)
            .collect();
        let mut rgba = vec![0u8; rgba_len(width, height).unwrap()];
        for tag in 1..=8 {
            let orientation = jpeg::Orientation::from_exif(tag).unwrap();
            let mut expected = vec![0u8; rgba.len()];
            jpeg::jpeg_yuv420_to_rgba(&planes, width, height, orientation, &mut expected).unwrap();
            // SAFETY: both buffers have the lengths the dimensions need.
            let code = unsafe {
                takeback_jpeg_yuv420_to_rgba(planes.as_ptr(), width, height, tag, rgba.as_mut_ptr())
            };
            assert_eq!((code, &rgba), (0, &expected), "orientation {tag}");
        }
        // SAFETY: null pointers, overflowing sizes and orientations outside 1 to 8 are
        // refused before anything is read.
        unsafe {
            assert_eq!(
                takeback_jpeg_yuv420_to_rgba(ptr::null(), 5, 3, 1, rgba.as_mut_ptr()),
                -1
            );
            assert_eq!(
                takeback_jpeg_yuv420_to_rgba(planes.as_ptr(), 5, 3, 1, ptr::null_mut()),
                -1
            );
            assert_eq!(
                takeback_jpeg_yuv420_to_rgba(
                    planes.as_ptr(),
                    u32::MAX,
                    u32::MAX,
                    1,
                    rgba.as_mut_ptr()
                ),
                -2
            );
            for tag in [0, 9, 256 + 1, u32::MAX] {
                assert_eq!(
                    takeback_jpeg_yuv420_to_rgba(planes.as_ptr(), 5, 3, tag, rgba.as_mut_ptr()),
                    -5,
                    "orientation {tag}"
                );
            }
        }
    }

    /// The digits the digest exports point at, as strings.
    fn exported_digests() -> (String, String) {
        // SAFETY: the exports point at 32 and 64 bytes that live as long as this thread.
        let (md5, sha256) = unsafe {
            (
                *takeback_md5_hex().cast::<[u8; 32]>(),
                *takeback_sha256_hex().cast::<[u8; 64]>(),
            )
        };
        as_strings(HexDigests { md5, sha256 })
    }

    #[test]
    fn the_digest_c_abi_round_trips() {
        // Nothing digested yet on this thread: NUL bytes.
        assert_eq!(
            exported_digests(),
            (String::from("\0").repeat(32), String::from("\0").repeat(64))
        );
        let bytes = random_bytes(3, 100_003);
        let len = bytes.len();
        let ptr = takeback_alloc(len);
        assert!(!ptr.is_null());
        // SAFETY: `ptr` is a fresh buffer of `len` bytes from `takeback_alloc`.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, len) };
        // SAFETY: the buffer holds `len` initialised bytes.
        assert_eq!(unsafe { takeback_digest_bytes(ptr, len) }, 0);
        assert_eq!(exported_digests(), native_digests(&bytes));
        // SAFETY: `ptr` and `len` are from `takeback_alloc`, freed once.
        unsafe { takeback_free(ptr, len) };
    }

    #[test]
    fn the_digest_c_abi_takes_empty_input_and_refuses_bad_input() {
        let empty = (EMPTY_MD5.to_owned(), EMPTY_SHA256.to_owned());
        // SAFETY: a zero length reads nothing, so even a null pointer is fine.
        assert_eq!(unsafe { takeback_digest_bytes(ptr::null(), 0) }, 0);
        assert_eq!(exported_digests(), empty);
        // SAFETY: a null pointer with a length is refused before anything is read.
        assert_eq!(unsafe { takeback_digest_bytes(ptr::null(), 5) }, -1);
        assert_eq!(last_digests(), NO_DIGESTS);
        let ptr = takeback_alloc(0);
        assert!(!ptr.is_null());
        // SAFETY: `takeback_alloc(0)` gives a pointer to nothing, and nothing is read.
        assert_eq!(unsafe { takeback_digest_bytes(ptr, 0) }, 0);
        assert_eq!(exported_digests(), empty);
        // SAFETY: a length beyond `isize::MAX` is refused before `ptr` is read.
        assert_eq!(unsafe { takeback_digest_bytes(ptr, usize::MAX) }, -2);
        assert_eq!(last_digests(), NO_DIGESTS);
        // SAFETY: `ptr` came from `takeback_alloc(0)`.
        unsafe { takeback_free(ptr, 0) };
    }
}
