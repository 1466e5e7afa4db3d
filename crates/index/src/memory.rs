//! Large buffers backed by huge pages where the kernel offers them, and a cache prefetch
//! hint: the two uses of `unsafe` in this crate, both advice to the hardware or the kernel
//! that cannot change any value.
//!
//! The index makes thousands of random reads per query and millions of random writes per
//! build, spread over hundreds of megabytes. With 4 KiB pages nearly every one of them also
//! misses the TLB; with 2 MiB pages far fewer do (measured here: builds a third faster,
//! queries about a tenth). Linux gives anonymous memory huge pages when asked with
//! `madvise(MADV_HUGEPAGE)` (or always, if so configured); elsewhere this does nothing.

#![allow(unsafe_code)]

/// Buffers smaller than this are left alone: they fit in few pages anyway.
const HUGE_PAGE_THRESHOLD: usize = 4 << 20;

/// An empty vector with room for `capacity` values, in huge pages if the kernel has them.
/// Fill it with `resize` or `extend`: the advice must come before the memory is touched.
pub(crate) fn large_vec<T>(capacity: usize) -> Vec<T> {
    let vec = Vec::with_capacity(capacity);
    advise_huge_pages(&vec);
    vec
}

#[cfg(target_os = "linux")]
fn advise_huge_pages<T>(vec: &Vec<T>) {
    let bytes = vec.capacity() * std::mem::size_of::<T>();
    if bytes < HUGE_PAGE_THRESHOLD {
        return;
    }
    // madvise wants a page-aligned start; round inwards to whole 4 KiB pages.
    let start = vec.as_ptr() as usize;
    let aligned = start.next_multiple_of(4096);
    let end = (start + bytes) & !4095;
    if end <= aligned {
        return;
    }
    // SAFETY: [aligned, end) lies inside the vector's own allocation, which stays alive for
    // the call. MADV_HUGEPAGE only asks the kernel to back the range with huge pages when
    // it is touched; it never changes its contents, and failure is harmless (ignored).
    unsafe {
        libc::madvise(
            aligned as *mut libc::c_void,
            end - aligned,
            libc::MADV_HUGEPAGE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages<T>(_vec: &Vec<T>) {}

/// Hints that `value` will be read soon.
///
/// Multi-index probing is a few thousand random reads per query; asking for the next ones
/// while working on the current one keeps many cache misses in flight at once.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_keeps_the_buffer_usable() {
        // Above the threshold, so the advice is given (and run under Miri by bench/miri).
        let mut big: Vec<u64> = large_vec((HUGE_PAGE_THRESHOLD / 8) + 1);
        big.resize(big.capacity(), 7);
        assert!(big.iter().all(|&v| v == 7));
        let small: Vec<u8> = large_vec(16);
        assert!(small.capacity() >= 16);
    }

    #[test]
    fn prefetch_reads_nothing_and_changes_nothing() {
        let values = [1u64, 2, 3];
        for value in &values {
            prefetch(value);
        }
        assert_eq!(values, [1, 2, 3]);
    }
}
