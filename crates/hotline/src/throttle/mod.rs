//! Per-source throttling without keeping anyone's address.
//!
//! A throttle counts events (new reports, new file hashes, failed case look-ups) per source,
//! or per case number, in fixed windows aligned to the clock (an hour: 10:00 to 11:00, the
//! same in every process). What it keeps of a source or a case number is a keyed hash,
//! never the thing itself, and never in a log:
//! - With SQLite, the only process on its database, counts are kept in memory
//!   ([`memory`]), hashed with a key made at start; nothing is written anywhere.
//! - With PostgreSQL, which several processes may share, counts are rows of the database
//!   (`store/throttles.rs`), added to in one statement each, so that the processes give
//!   one allowance between them, not one each. Each throttle's window has its own random
//!   key, made by the first process that needs it, kept beside the counts, and deleted with
//!   them when the window is over: hashes cannot be linked from one hour to the next, and
//!   after the hour nothing is left. The operator's `throttle_secret`, if set, is mixed
//!   into every key; it is never stored, so someone who reads the database cannot test
//!   candidate addresses against the hashes.
//!
//! When the database cannot be reached to count, the request is refused as unavailable
//! (503): every throttled request needs the database anyway (to store the report or to
//! read the case), so failing closed loses nothing that would have worked, and nothing
//! goes uncounted.

pub mod memory;

use crate::config::HotlineConfig;
use crate::secrets::CaseId;
use crate::store::{Backend, Store, StoreError, WINDOW_KEY_BYTES};
use hmac::{Hmac, Mac};
use memory::MemoryCounts;
use sha2::Sha256;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The default IPv6 prefix one source is taken to hold: a /48, what one site is usually
/// given. A /64 would let one /48 count as 65,536 sources.
pub const DEFAULT_IPV6_SOURCE_PREFIX: u8 = 48;

/// A client as the throttles count it: its address, IPv6 cut to its prefix (IPv4-mapped
/// IPv6 read as IPv4). It lives only while a request is answered; the throttles keep a
/// keyed hash of it. `Debug` does not show it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SourceAddress(IpAddr);

impl SourceAddress {
    /// The source of `address`, counting every IPv6 address in one `/ipv6_prefix` (at most
    /// 128) as one source, so that one site's many addresses count once.
    pub fn new(address: IpAddr, ipv6_prefix: u8) -> Self {
        let address = match address {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mask = u128::MAX
                        .checked_shl(128 - u32::from(ipv6_prefix.min(128)))
                        .unwrap_or(0);
                    IpAddr::V6((u128::from(v6) & mask).into())
                }
            },
            v4 => v4,
        };
        SourceAddress(address)
    }
}

impl std::fmt::Debug for SourceAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceAddress(<not shown>)")
    }
}

/// Something a throttle counts against. Its bytes, labelled with their kind, are all the
/// keyed hash is made of.
pub trait Counted {
    /// The bytes that stand for it.
    fn counted_bytes(&self) -> Vec<u8>;
}

impl Counted for SourceAddress {
    fn counted_bytes(&self) -> Vec<u8> {
        let mut bytes = b"source:".to_vec();
        match self.0 {
            IpAddr::V4(v4) => bytes.extend_from_slice(&v4.octets()),
            IpAddr::V6(v6) => bytes.extend_from_slice(&v6.octets()),
        }
        bytes
    }
}

impl Counted for CaseId {
    /// The case number as [`CaseId::parse`] normalised it, so that every spelling of one
    /// number counts as one.
    fn counted_bytes(&self) -> Vec<u8> {
        let mut bytes = b"case:".to_vec();
        bytes.extend_from_slice(self.as_str().as_bytes());
        bytes
    }
}

type HmacSha256 = Hmac<Sha256>;

/// The keyed hash of what is counted: HMAC-SHA-256 under the window's key and the
/// operator's secret, cut to 64 bits (a clash between two sources in one hour is as
/// unlikely as it is harmless).
fn keyed_hash(key: &[u8; WINDOW_KEY_BYTES], secret: &[u8], counted: &dyn Counted) -> u64 {
    // The key has a fixed length, so key and secret side by side are unambiguous.
    let mut mac = HmacSha256::new_from_slice(&[key.as_slice(), secret].concat())
        .expect("HMAC takes a key of any length");
    mac.update(&counted.counted_bytes());
    let digest = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// A key made at random, for counts that never leave this process.
fn process_key() -> [u8; WINDOW_KEY_BYTES] {
    // From std's randomly seeded SipHash keys rather than `getrandom`, which can fail:
    // 128 random bits, ample for counts kept for an hour in memory.
    use std::hash::BuildHasher;
    let state = std::collections::hash_map::RandomState::new();
    let mut key = [0u8; WINDOW_KEY_BYTES];
    for (i, chunk) in key.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&state.hash_one(i).to_le_bytes());
    }
    key
}

/// Milliseconds since 1970.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Counts events per source (or per case number) in fixed windows, and says when one has
/// had its share. In memory or in the shared database; see the module's overview.
pub struct Throttle {
    /// Its name in the database.
    name: &'static str,
    limit: u32,
    window_ms: u64,
    secret: Arc<[u8]>,
    counts: Counts,
}

/// Where a throttle keeps its counts.
enum Counts {
    Memory {
        key: [u8; WINDOW_KEY_BYTES],
        counts: MemoryCounts,
    },
    Shared {
        store: Store,
        /// The current window's key: its end (Unix ms) and the key.
        key: Mutex<Option<(i64, [u8; WINDOW_KEY_BYTES])>>,
    },
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("name", &self.name)
            .field("limit", &self.limit)
            .field("window_ms", &self.window_ms)
            .field(
                "counts",
                &match self.counts {
                    Counts::Memory { .. } => "memory",
                    Counts::Shared { .. } => "database",
                },
            )
            .finish_non_exhaustive()
    }
}

/// How many of `wanted` to grant when `before` were counted already under `limit`.
fn grant(limit: u32, before: u64, wanted: u32) -> u32 {
    let left = u64::from(limit).saturating_sub(before);
    u32::try_from(left.min(u64::from(wanted))).unwrap_or(wanted)
}

impl Throttle {
    /// At most `limit` events per source per `window`, counted in this process's memory; a
    /// limit of 0 turns it off.
    pub fn in_memory(name: &'static str, limit: u32, window: Duration, secret: &[u8]) -> Self {
        Throttle::with_counts(
            name,
            limit,
            window,
            secret,
            Counts::Memory {
                key: process_key(),
                counts: MemoryCounts::default(),
            },
        )
    }

    /// The same, counted in `store`'s database, together with every process sharing it.
    pub fn shared(
        name: &'static str,
        limit: u32,
        window: Duration,
        secret: &[u8],
        store: Store,
    ) -> Self {
        Throttle::with_counts(
            name,
            limit,
            window,
            secret,
            Counts::Shared {
                store,
                key: Mutex::new(None),
            },
        )
    }

    fn with_counts(
        name: &'static str,
        limit: u32,
        window: Duration,
        secret: &[u8],
        counts: Counts,
    ) -> Self {
        Throttle {
            name,
            limit,
            window_ms: u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1),
            secret: secret.into(),
            counts,
        }
    }

    /// Whether it is turned off (limit 0).
    pub fn is_off(&self) -> bool {
        self.limit == 0
    }

    /// Whether one more may be done; counts it if so.
    pub async fn allow(&self, counted: &impl Counted) -> Result<bool, StoreError> {
        Ok(self.take(counted, 1).await? == 1)
    }

    /// Grants up to `wanted` events and counts them; returns how many were granted (all of
    /// them when the limit is 0). The whole of `wanted` is counted, granted or not, in one
    /// step, so that concurrent takes, from any process, never grant more than the limit
    /// between them.
    pub async fn take(&self, counted: &impl Counted, wanted: u32) -> Result<u32, StoreError> {
        if self.is_off() || wanted == 0 {
            return Ok(wanted);
        }
        let before = self.add(counted, wanted).await?;
        Ok(grant(self.limit, before, wanted))
    }

    /// Whether it has had its share, without counting anything.
    pub async fn exhausted(&self, counted: &impl Counted) -> Result<bool, StoreError> {
        if self.is_off() {
            return Ok(false);
        }
        let window = self.window(now_ms());
        let count = match &self.counts {
            Counts::Memory { key, counts } => {
                let hash = keyed_hash(key, &self.secret, counted);
                u64::from(counts.count(window.number, hash))
            }
            Counts::Shared { store, key } => {
                let hash = self.shared_hash(store, key, window, counted).await?;
                store.throttle_count(self.name, window.end(), hash).await?
            }
        };
        Ok(count >= u64::from(self.limit))
    }

    /// Counts one event (such as a failed attempt) whatever the limit; returns whether the
    /// share had been used up before this one (never, when the limit is 0).
    pub async fn record(&self, counted: &impl Counted) -> Result<bool, StoreError> {
        if self.is_off() {
            return Ok(false);
        }
        let before = self.add(counted, 1).await?;
        Ok(before >= u64::from(self.limit))
    }

    /// Adds `n` to the count; returns the count from before.
    async fn add(&self, counted: &impl Counted, n: u32) -> Result<u64, StoreError> {
        let window = self.window(now_ms());
        match &self.counts {
            Counts::Memory { key, counts } => {
                let hash = keyed_hash(key, &self.secret, counted);
                Ok(u64::from(counts.add(window.number, hash, n)))
            }
            Counts::Shared { store, key } => {
                let hash = self.shared_hash(store, key, window, counted).await?;
                store
                    .add_to_throttle(self.name, window.end(), hash, n)
                    .await
            }
        }
    }

    /// The window `now` falls in.
    fn window(&self, now: u64) -> Window {
        Window {
            number: now / self.window_ms,
            length: self.window_ms,
        }
    }

    /// The keyed hash under the window's shared key (`cache` holds the current one), as
    /// the database stores it.
    async fn shared_hash(
        &self,
        store: &Store,
        cache: &Mutex<Option<(i64, [u8; WINDOW_KEY_BYTES])>>,
        window: Window,
        counted: &impl Counted,
    ) -> Result<i64, StoreError> {
        let end = window.end();
        let cached = *cache.lock().unwrap_or_else(PoisonError::into_inner);
        let window_key = match cached {
            Some((cached_end, window_key)) if cached_end == end => window_key,
            _ => {
                // Several requests may ask at once at the turn of the hour; they all get
                // the one key the database keeps.
                let now = i64::try_from(now_ms()).unwrap_or(i64::MAX);
                let window_key = store.throttle_window_key(self.name, end, now).await?;
                *cache.lock().unwrap_or_else(PoisonError::into_inner) = Some((end, window_key));
                window_key
            }
        };
        Ok(i64::from_le_bytes(
            keyed_hash(&window_key, &self.secret, counted).to_le_bytes(),
        ))
    }
}

/// One fixed window: its number since 1970 and its length.
#[derive(Debug, Clone, Copy)]
struct Window {
    number: u64,
    length: u64,
}

impl Window {
    /// When it ends, in Unix milliseconds: when its rows in the database are deleted.
    fn end(self) -> i64 {
        i64::try_from(self.number.saturating_add(1).saturating_mul(self.length)).unwrap_or(i64::MAX)
    }
}

/// The hotline's throttles, all counted alike: in memory on SQLite, in the database on
/// PostgreSQL.
#[derive(Debug)]
pub struct Throttles {
    /// New reports per source per hour.
    pub reports: Throttle,
    /// New MD5/SHA-256 fingerprints per source per hour.
    pub exact_hashes: Throttle,
    /// Failed case look-ups per source per hour.
    pub failed_lookups_by_source: Throttle,
    /// Failed look-ups of one case number per hour, from any source.
    pub failed_lookups_by_case: Throttle,
    /// Failed console sign-ins per source per hour.
    pub failed_sign_ins: Throttle,
    /// The IPv6 prefix counted as one source.
    ipv6_source_prefix: u8,
}

/// How often ended windows are swept from the database, beside the sweep each process does
/// when it first counts in a new window.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

impl Throttles {
    /// The throttles `config` sets, counting where `store`'s engine calls for. On
    /// PostgreSQL this starts a task (on the current Tokio runtime) that deletes ended
    /// windows every minute, even when no request comes, until the throttles are dropped.
    pub fn new(config: &HotlineConfig, store: &Store) -> Arc<Self> {
        let hour = Duration::from_secs(3600);
        let secret = config
            .throttle_secret
            .as_ref()
            .map(|secret| secret.expose().as_bytes().to_vec())
            .unwrap_or_default();
        let throttle = |name, limit| match store.backend() {
            Backend::Sqlite => Throttle::in_memory(name, limit, hour, &secret),
            Backend::Postgres => Throttle::shared(name, limit, hour, &secret, store.clone()),
        };
        let throttles = Arc::new(Throttles {
            reports: throttle("reports", config.reports_per_source_per_hour),
            exact_hashes: throttle("exact_hashes", config.exact_hashes_per_source_per_hour),
            failed_lookups_by_source: throttle(
                "failed_lookups_by_source",
                config.failed_case_lookups_per_source_per_hour,
            ),
            failed_lookups_by_case: throttle(
                "failed_lookups_by_case",
                config.failed_case_lookups_per_case_per_hour,
            ),
            failed_sign_ins: throttle(
                "failed_console_sign_ins",
                config.console.failed_sign_ins_per_source_per_hour,
            ),
            ipv6_source_prefix: config.ipv6_source_prefix,
        });
        if store.backend() == Backend::Postgres {
            tokio::spawn(sweep(store.clone(), Arc::downgrade(&throttles)));
        }
        throttles
    }

    /// The source of a client address.
    pub fn source(&self, address: IpAddr) -> SourceAddress {
        SourceAddress::new(address, self.ipv6_source_prefix)
    }
}

/// Deletes ended windows every minute while `throttles` is in use.
async fn sweep(store: Store, throttles: Weak<Throttles>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if throttles.strong_count() == 0 {
            return;
        }
        let now = i64::try_from(now_ms()).unwrap_or(i64::MAX);
        if let Err(error) = store.expire_throttle_windows(now).await {
            // The next sweep, or the next count in a new window, tries again.
            tracing::warn!(%error, "cannot delete ended throttle windows");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn source(address: &str) -> SourceAddress {
        SourceAddress::new(address.parse().unwrap(), DEFAULT_IPV6_SOURCE_PREFIX)
    }

    #[tokio::test]
    async fn each_source_has_its_own_share() {
        let (a, b) = (source("192.0.2.1"), source("192.0.2.2"));
        let throttle = Throttle::in_memory("t", 2, HOUR, b"");
        assert!(throttle.allow(&a).await.unwrap());
        assert!(throttle.allow(&a).await.unwrap());
        assert!(!throttle.allow(&a).await.unwrap());
        assert!(throttle.exhausted(&a).await.unwrap());
        assert!(throttle.allow(&b).await.unwrap());
        assert!(!throttle.exhausted(&b).await.unwrap());
        assert!(!throttle.record(&b).await.unwrap());
        assert!(throttle.exhausted(&b).await.unwrap());
        assert!(
            throttle.record(&b).await.unwrap(),
            "used up before this one"
        );
    }

    #[test]
    fn ipv6_sources_are_grouped_by_their_prefix() {
        let at = |address: &str, prefix| SourceAddress::new(address.parse().unwrap(), prefix);
        let a = source("2001:db8:1:2::1");
        // Another /64 of the same /48 is the same source by default...
        assert_eq!(a, source("2001:db8:1:ffff::9"));
        assert_ne!(a, source("2001:db8:2::1"));
        // ...and not with a /64 setting.
        assert_ne!(at("2001:db8:1:2::1", 64), at("2001:db8:1:3::1", 64));
        assert_eq!(at("2001:db8::1", 0), at("2a00::1", 0));
        assert_eq!(source("::ffff:192.0.2.1"), source("192.0.2.1"));
    }

    #[tokio::test]
    async fn take_grants_what_is_left() {
        let a = source("192.0.2.1");
        let throttle = Throttle::in_memory("t", 5, HOUR, b"");
        assert_eq!(throttle.take(&a, 3).await.unwrap(), 3);
        assert_eq!(throttle.take(&a, 3).await.unwrap(), 2);
        assert_eq!(throttle.take(&a, 3).await.unwrap(), 0);
        let off = Throttle::in_memory("t", 0, Duration::from_secs(1), b"");
        assert_eq!(off.take(&a, 7).await.unwrap(), 7);
    }

    #[test]
    fn grants_never_pass_the_limit() {
        assert_eq!(grant(5, 0, 3), 3);
        assert_eq!(grant(5, 3, 3), 2);
        assert_eq!(grant(5, 6, 3), 0);
        assert_eq!(grant(u32::MAX, 0, u32::MAX), u32::MAX);
        assert_eq!(grant(1, u64::MAX, 1), 0);
    }

    #[tokio::test]
    async fn windows_end() {
        let a = source("2001:db8::1");
        assert_eq!(a, source("2001:db8::2"));
        let throttle = Throttle::in_memory("t", 1, Duration::from_millis(1), b"");
        assert!(throttle.allow(&a).await.unwrap());
        std::thread::sleep(Duration::from_millis(5));
        assert!(throttle.allow(&a).await.unwrap());
    }

    #[test]
    fn windows_are_aligned_to_their_length() {
        let throttle = Throttle::in_memory("t", 1, HOUR, b"");
        let window = throttle.window(7_200_000 + 1_234);
        assert_eq!(window.number, 2);
        assert_eq!(window.end(), 10_800_000);
        assert_eq!(throttle.window(10_799_999).end(), 10_800_000);
        assert_eq!(throttle.window(10_800_000).end(), 14_400_000);
    }

    #[tokio::test]
    async fn zero_turns_it_off() {
        let throttle = Throttle::in_memory("t", 0, Duration::from_secs(1), b"");
        let a = source("192.0.2.1");
        for _ in 0..100 {
            assert!(throttle.allow(&a).await.unwrap());
        }
        assert!(!throttle.exhausted(&a).await.unwrap());
    }

    #[test]
    fn hashes_depend_on_the_key_the_secret_and_the_kind() {
        let key = [7u8; WINDOW_KEY_BYTES];
        let a = source("192.0.2.1");
        let case = CaseId::parse("7KQ2-M9XD-3HTW").unwrap();
        let plain = keyed_hash(&key, b"", &a);
        assert_eq!(plain, keyed_hash(&key, b"", &source("::ffff:192.0.2.1")));
        assert_ne!(plain, keyed_hash(&[8u8; WINDOW_KEY_BYTES], b"", &a));
        assert_ne!(plain, keyed_hash(&key, b"operator", &a));
        assert_eq!(
            keyed_hash(&key, b"", &case),
            keyed_hash(&key, b"", &CaseId::parse("7kq2 m9xd 3htw").unwrap())
        );
        assert_ne!(plain, keyed_hash(&key, b"", &case));
    }

    #[test]
    fn an_address_never_shows_in_debug_output() {
        let shown = format!("{:?}", source("192.0.2.1"));
        assert!(!shown.contains("192"), "{shown}");
    }
}
