//! A cache prefetch hint, the one use of `unsafe` in this crate.
//!
//! Multi-index probing is a few thousand random reads per query; asking for the next ones
//! while working on the current one keeps many cache misses in flight at once. The
//! instruction is only a hint: it never faults, whatever the address, and changes no
//! value, so it cannot make a result wrong.

#![allow(unsafe_code)]

/// Hints that `value` will be read soon.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of the x86-64 baseline, so the instruction exists on every CPU
    // this code runs on; a prefetch never faults and writes nothing.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
