//! Per-source throttling without keeping anyone's address.
//!
//! A source is the client's IP address, but only a keyed 64-bit hash of it is kept, in
//! memory, with a key made fresh at each start: enough to count one source's requests for
//! an hour, useless for finding out who anyone was. Nothing here is ever written to disk or
//! to a log.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An opaque, unlinkable stand-in for a client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceKey(u64);

/// The default IPv6 prefix one source is taken to hold: a /48, what one site is usually
/// given. A /64 would let one /48 count as 65,536 sources.
pub const DEFAULT_IPV6_SOURCE_PREFIX: u8 = 48;

/// Makes [`SourceKey`]s with a random key chosen at start-up.
#[derive(Debug)]
pub struct SourceKeys {
    hasher: std::collections::hash_map::RandomState,
    ipv6_prefix: u8,
}

impl Default for SourceKeys {
    fn default() -> Self {
        SourceKeys::new(DEFAULT_IPV6_SOURCE_PREFIX)
    }
}

impl SourceKeys {
    /// Keys that count every IPv6 address in one `/ipv6_prefix` (at most 128) as one source.
    pub fn new(ipv6_prefix: u8) -> Self {
        SourceKeys {
            hasher: std::collections::hash_map::RandomState::new(),
            ipv6_prefix: ipv6_prefix.min(128),
        }
    }

    /// The key of an address. IPv6 addresses are cut to their prefix (a /48 by default),
    /// so that one site's many addresses count as one source.
    pub fn key(&self, address: IpAddr) -> SourceKey {
        let address = match address {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mask = u128::MAX
                        .checked_shl(128 - u32::from(self.ipv6_prefix))
                        .unwrap_or(0);
                    IpAddr::V6((u128::from(v6) & mask).into())
                }
            },
            v4 => v4,
        };
        SourceKey(self.hasher.hash_one(address))
    }
}

/// Counts events per source in fixed windows and says when a source has had its share.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<SourceKey, (Instant, u32)>>,
}

impl Throttle {
    /// At most `limit` events per source per `window`; a limit of 0 turns it off.
    pub fn new(limit: u32, window: Duration) -> Self {
        Throttle {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the source may do one more; counts it if so.
    pub fn allow(&self, source: SourceKey) -> bool {
        if self.limit == 0 {
            return true;
        }
        self.update(source, |count| {
            if *count < self.limit {
                *count += 1;
                true
            } else {
                false
            }
        })
    }

    /// Grants up to `wanted` events to the source and counts them; returns how many were
    /// granted (all of them when the limit is 0).
    pub fn take(&self, source: SourceKey, wanted: u32) -> u32 {
        if self.limit == 0 {
            return wanted;
        }
        self.update(source, |count| {
            let granted = wanted.min(self.limit.saturating_sub(*count));
            *count += granted;
            granted
        })
    }

    /// Whether the source is over its limit, without counting anything.
    pub fn exhausted(&self, source: SourceKey) -> bool {
        self.limit != 0 && self.update(source, |count| *count >= self.limit)
    }

    /// Counts one event (such as a failed attempt) whatever the limit.
    pub fn record(&self, source: SourceKey) {
        if self.limit != 0 {
            self.update(source, |count| {
                *count = count.saturating_add(1);
            });
        }
    }

    fn update<T>(&self, source: SourceKey, f: impl FnOnce(&mut u32) -> T) -> T {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-count; the counts are
        // still usable.
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() > 100_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let slot = counts.entry(source).or_insert((now, 0));
        if now.duration_since(slot.0) >= self.window {
            *slot = (now, 0);
        }
        f(&mut slot.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_has_its_own_share() {
        let keys = SourceKeys::default();
        let a = keys.key("192.0.2.1".parse().unwrap());
        let b = keys.key("192.0.2.2".parse().unwrap());
        let throttle = Throttle::new(2, Duration::from_secs(3600));
        assert!(throttle.allow(a));
        assert!(throttle.allow(a));
        assert!(!throttle.allow(a));
        assert!(throttle.exhausted(a));
        assert!(throttle.allow(b));
        assert!(!throttle.exhausted(b));
        throttle.record(b);
        assert!(throttle.exhausted(b));
    }

    #[test]
    fn ipv6_sources_are_grouped_by_their_prefix() {
        let keys = SourceKeys::default();
        let a = keys.key("2001:db8:1:2::1".parse().unwrap());
        // Another /64 of the same /48 is the same source by default...
        assert_eq!(a, keys.key("2001:db8:1:ffff::9".parse().unwrap()));
        assert_ne!(a, keys.key("2001:db8:2::1".parse().unwrap()));
        // ...and not with a /64 setting.
        let fine = SourceKeys::new(64);
        assert_ne!(
            fine.key("2001:db8:1:2::1".parse().unwrap()),
            fine.key("2001:db8:1:3::1".parse().unwrap())
        );
        let whole = SourceKeys::new(0);
        assert_eq!(
            whole.key("2001:db8::1".parse().unwrap()),
            whole.key("2a00::1".parse().unwrap())
        );
    }

    #[test]
    fn take_grants_what_is_left() {
        let a = SourceKeys::default().key("192.0.2.1".parse().unwrap());
        let throttle = Throttle::new(5, Duration::from_secs(3600));
        assert_eq!(throttle.take(a, 3), 3);
        assert_eq!(throttle.take(a, 3), 2);
        assert_eq!(throttle.take(a, 3), 0);
        assert_eq!(Throttle::new(0, Duration::from_secs(1)).take(a, 7), 7);
    }

    #[test]
    fn windows_end() {
        let keys = SourceKeys::default();
        let a = keys.key("2001:db8::1".parse().unwrap());
        assert_eq!(a, keys.key("2001:db8::2".parse().unwrap()));
        let throttle = Throttle::new(1, Duration::from_millis(1));
        assert!(throttle.allow(a));
        std::thread::sleep(Duration::from_millis(5));
        assert!(throttle.allow(a));
    }

    #[test]
    fn zero_turns_it_off() {
        let throttle = Throttle::new(0, Duration::from_secs(1));
        let a = SourceKeys::default().key("192.0.2.1".parse().unwrap());
        for _ in 0..100 {
            assert!(throttle.allow(a));
        }
        assert!(!throttle.exhausted(a));
    }
}
