//! `index-bench floor`: how fast this machine answers random reads of memory, the one
//! thing a hash-index query at 10 million entries spends its time on.
//!
//! A buffer the size of a 10M index (1.2 GB, in huge pages as the index asks for) is read
//! at random 64-byte lines, each read independent of the others:
//!
//! * **latency**: one read after another, each address coming from the read before (a
//!   chase through a random cycle): what one read costs with nothing else in flight;
//! * **throughput**: reads whose addresses are known in advance, with a software prefetch
//!   `L` reads ahead (0: none, the processor's out-of-order window alone), as the index's
//!   stages read: what a read costs with as many in flight as the core keeps.
//!
//! The best throughput figure, times the reads a query makes (`measure` counts them with
//! `HashIndex::query_reads`), is a floor under the query's time that no layout of the same
//! reads can go below on this machine.

// Two hints to the hardware and the kernel, neither able to change a value: see below.
#![allow(unsafe_code)]

use crate::rng::{Rng, stream};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

/// Words of a 64-byte line.
const LINE_WORDS: usize = 8;
/// How far ahead the throughput loops prefetch.
const LOOKAHEADS: [usize; 6] = [0, 4, 8, 16, 32, 64];

/// Measures a buffer of `bytes` with `reads` random reads per timed run, `repeats` runs
/// of each kind; JSON with every sample (nanoseconds per read).
pub fn measure(bytes: usize, reads: usize, repeats: usize) -> Value {
    let lines = (bytes / 64).max(2);
    let mut buffer: Vec<u64> = Vec::with_capacity(lines * LINE_WORDS);
    advise_huge_pages(&buffer);
    buffer.resize(lines * LINE_WORDS, 0);

    // A random cycle through every line (Sattolo's shuffle), each line's first word
    // holding the next line's number.
    let mut order: Vec<u32> = (0..lines as u32).collect();
    let mut rng = Rng::new(stream("floor"), 0);
    for i in (1..lines).rev() {
        let j = rng.below(i as u64) as usize;
        order.swap(i, j);
    }
    for (i, &line) in order.iter().enumerate() {
        buffer[line as usize * LINE_WORDS] = u64::from(order[(i + 1) % lines]);
    }
    // Random lines, independent of each other, with room to look ahead past the last.
    let addresses: Vec<u32> = (0..reads + LOOKAHEADS[LOOKAHEADS.len() - 1])
        .map(|_| rng.below(lines as u64) as u32)
        .collect();

    let chase_reads = (reads / 8).max(1);
    let latency: Vec<f64> = (0..repeats)
        .map(|_| {
            let started = Instant::now();
            let mut line = 0u64;
            for _ in 0..chase_reads {
                line = buffer[line as usize * LINE_WORDS];
            }
            black_box(line);
            started.elapsed().as_nanos() as f64 / chase_reads as f64
        })
        .collect();

    let mut throughput = serde_json::Map::new();
    for lookahead in LOOKAHEADS {
        let samples: Vec<f64> = (0..repeats)
            .map(|_| {
                let started = Instant::now();
                let mut sum = 0u64;
                for i in 0..reads {
                    if lookahead > 0 {
                        prefetch(&buffer[addresses[i + lookahead] as usize * LINE_WORDS]);
                    }
                    sum = sum.wrapping_add(buffer[addresses[i] as usize * LINE_WORDS]);
                }
                black_box(sum);
                started.elapsed().as_nanos() as f64 / reads as f64
            })
            .collect();
        throughput.insert(lookahead.to_string(), json!(samples));
    }
    json!({
        "program": "index-bench floor",
        "bytes": lines * 64,
        "reads": reads,
        "latency_ns": latency,
        "ns_per_read_by_lookahead": throughput,
    })
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(buffer: &Vec<u64>) {
    let start = buffer.as_ptr() as usize;
    let aligned = start.next_multiple_of(4096);
    let end = (start + buffer.capacity() * 8) & !4095;
    if end > aligned {
        // SAFETY: the range lies inside the vector's own allocation, alive for the call;
        // MADV_HUGEPAGE only asks for huge pages when the memory is touched and never
        // changes its contents. Failure is harmless and ignored.
        unsafe {
            libc::madvise(
                aligned as *mut libc::c_void,
                end - aligned,
                libc::MADV_HUGEPAGE,
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_buffer: &Vec<u64>) {}

#[inline(always)]
fn prefetch(value: &u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is in the x86-64 baseline; a prefetch never faults and writes nothing.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const u64).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
