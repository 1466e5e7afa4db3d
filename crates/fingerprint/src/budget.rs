//! How much memory decoding may take at once, across every thread of a process.
//!
//! `DecodeLimits::max_pixels` bounds one image; a server decoding many uploads at once
//! needs a bound on their sum too, or a burst of large pictures (each within the limit)
//! exhausts memory together. Each decode reserves what its header says it will need
//! before any pixel memory is allocated, and waits (for a while) when the budget is spent.

use crate::FingerprintError;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Memory shared by concurrent decodes. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct DecodeBudget {
    capacity: u64,
    wait: Option<Duration>,
    used: Mutex<u64>,
    freed: Condvar,
}

impl DecodeBudget {
    /// The smallest budget worth having: one 1080p picture and then some. Callers refuse
    /// smaller settings rather than refuse every picture.
    pub const MIN_BYTES: u64 = 16 << 20;

    /// A budget of `capacity` bytes, whose decodes wait for memory for as long as it takes
    /// (what a bulk scan wants).
    pub fn new(capacity: u64) -> Self {
        DecodeBudget {
            capacity,
            wait: None,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// The same, but a decode that cannot get its memory within `wait` is refused with
    /// [`FingerprintError::DecodeBusy`] (what a server answering requests wants).
    pub fn waiting_at_most(mut self, wait: Duration) -> Self {
        self.wait = Some(wait);
        self
    }

    /// The budget, in bytes.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes reserved by decodes under way.
    pub fn in_use(&self) -> u64 {
        *self.used.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves `bytes` until the returned reservation is dropped.
    pub fn reserve(&self, bytes: u64) -> Result<Reservation<'_>, FingerprintError> {
        if bytes > self.capacity {
            return Err(FingerprintError::TooLargeToDecode {
                needed: bytes,
                budget: self.capacity,
            });
        }
        let deadline = self.wait.map(|wait| Instant::now() + wait);
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used + bytes > self.capacity {
            used = match deadline {
                None => self
                    .freed
                    .wait(used)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(FingerprintError::DecodeBusy {
                            waited: self.wait.unwrap_or_default(),
                        });
                    }
                    self.freed
                        .wait_timeout(used, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        *used += bytes;
        Ok(Reservation {
            budget: self,
            bytes,
        })
    }
}

/// Memory held from a [`DecodeBudget`] while one picture is decoded and hashed.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a DecodeBudget,
    bytes: u64,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut used = self
            .budget
            .used
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *used -= self.bytes;
        drop(used);
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn more_than_the_whole_budget_is_refused_at_once() {
        let budget = DecodeBudget::new(100);
        match budget.reserve(101) {
            Err(FingerprintError::TooLargeToDecode {
                needed: 101,
                budget: 100,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_reservation_is_returned_when_dropped() {
        let budget = DecodeBudget::new(100);
        let first = budget.reserve(60).unwrap();
        let second = budget.reserve(40).unwrap();
        assert_eq!(budget.in_use(), 100);
        drop(first);
        drop(second);
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_server_gives_up_waiting_and_says_it_is_busy() {
        let budget = DecodeBudget::new(100).waiting_at_most(Duration::from_millis(50));
        let _held = budget.reserve(80).unwrap();
        match budget.reserve(30) {
            Err(FingerprintError::DecodeBusy { .. }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(budget.in_use(), 80);
    }

    #[test]
    fn a_waiting_decode_goes_ahead_when_memory_is_freed() {
        let budget = Arc::new(DecodeBudget::new(100));
        let held = budget.reserve(80).unwrap();
        let waiter = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.reserve(50).map(|r| r.bytes).ok())
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        assert_eq!(waiter.join().unwrap(), Some(50));
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn concurrent_decodes_never_exceed_the_budget() {
        let budget = Arc::new(DecodeBudget::new(1000));
        let peak = Arc::new(Mutex::new(0u64));
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let (budget, peak) = (Arc::clone(&budget), Arc::clone(&peak));
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let _r = budget.reserve(100 + 50 * i).unwrap();
                        let now = budget.in_use();
                        let mut peak = peak.lock().unwrap();
                        *peak = (*peak).max(now);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(*peak.lock().unwrap() <= 1000);
        assert_eq!(budget.in_use(), 0);
    }
}
