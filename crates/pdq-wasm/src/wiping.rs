//! Leaving nothing of a picture in the module's memory once a call returns.
//!
//! The memory lives as long as the page, and anything a later reader of it could find
//! there (the page's own code, a debugger, a crash report) should not include the picture.
//! Hashing makes working copies of it: rows of luma and of the blur, the 64×64 picture the
//! DCT is taken of, the DCT's values, upsampled chroma. They live in `takeback-pdq`, which
//! allocates them on the heap or keeps them on the stack (in linear memory, for
//! WebAssembly) and knows nothing of wiping. So the module wipes both from outside:
//!
//! * [`WipeOnFree`], its global allocator, zeroes every block before freeing it: the
//!   hasher's buffers, and the pixels and bytes JavaScript hands over (`takeback_free`).
//! * [`with_stack_wiped`], around the body of each export that handles a picture or a
//!   file, zeroes the stack that body used.
//!
//! `web/pdq/test/loader.test.mjs` checks the built modules: two instances hashing two
//! pictures end with the same memory but for the stored hash and quality.

use std::alloc::{GlobalAlloc, Layout};

/// A global allocator that zeroes each block before `A` frees it. Growing or shrinking a
/// block always moves it (allocate, copy, free the old one zeroed), so that no copy is
/// left behind where `A` would have moved it without wiping.
#[derive(Debug)]
pub struct WipeOnFree<A>(pub A);

// SAFETY: every method passes its arguments to `A`'s, which meets `GlobalAlloc`'s contract;
// `dealloc` only writes zeros to the block first, which the caller still owns until then.
// `realloc` is the trait's provided method (allocate, copy, `dealloc`).
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipeOnFree<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantee (a layout of non-zero size), passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees that `ptr` is a live block of this allocator with
        // this layout, so `layout.size()` bytes at `ptr` are ours to write until freed
        // below, and nothing else refers to them.
        crate::wipe(unsafe { std::slice::from_raw_parts_mut(ptr, layout.size()) });
        // SAFETY: the caller's guarantee, passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

/// Runs `call`, then zeroes the stack it used, all the values it kept there with it. Each
/// export that handles a picture or a file runs its body so: the body's own frame is
/// wiped too, copies of results included, leaving only what it stores.
pub fn with_stack_wiped<T>(call: impl FnOnce() -> T) -> T {
    let result = outlined(call);
    wipe_stack();
    result
}

/// `call()` in a frame of its own, not inlined into the caller's: the frames below the
/// caller's, which [`wipe_stack`] then writes over.
#[inline(never)]
fn outlined<T>(call: impl FnOnce() -> T) -> T {
    call()
}

/// Bytes of stack [`wipe_stack`] zeroes. A hash uses about 45 KiB of it (the 64×64
/// picture alone is 16 KiB); the rest is margin.
pub const STACK_WIPED: usize = 128 * 1024;

/// Zeroes [`STACK_WIPED`] bytes of stack below its caller's frame: called after a call
/// from the same frame returns, it writes over the frames that call used.
#[inline(never)]
fn wipe_stack() {
    let mut below = [0u8; STACK_WIPED];
    crate::wipe(&mut below);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn blocks_are_allocated_and_freed_as_by_the_wrapped_allocator() {
        let allocator = WipeOnFree(System);
        let layout = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: a layout of non-zero size; the block is written within its size, read
        // only while live, and freed once with the same layout.
        unsafe {
            let zeroed = allocator.alloc_zeroed(layout);
            assert!(!zeroed.is_null());
            assert!(
                std::slice::from_raw_parts(zeroed, 1000)
                    .iter()
                    .all(|&b| b == 0)
            );
            zeroed.write_bytes(7, 1000);
            let grown = allocator.realloc(zeroed, layout, 3000);
            assert!(!grown.is_null());
            assert!(
                std::slice::from_raw_parts(grown, 1000)
                    .iter()
                    .all(|&b| b == 7)
            );
            allocator.dealloc(grown, Layout::from_size_align(3000, 8).unwrap());
        }
    }

    #[test]
    fn the_call_s_result_is_returned() {
        assert_eq!(with_stack_wiped(|| [7u8; 100]), [7u8; 100]);
    }
}
