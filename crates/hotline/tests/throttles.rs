//! Throttles counted in the database, as processes sharing one PostgreSQL count them: two
//! `Store`s on one database stand for two processes. The statements are the same on SQLite,
//! where they also run (the hotline itself counts in memory there).
//!
//! The PostgreSQL half runs when `TAKEBACK_TEST_POSTGRES_URL` is set at build time and then
//! fails, rather than skips, if the server cannot be reached.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use takeback_hotline::Store;
use takeback_hotline::secrets::CaseId;
use takeback_hotline::throttle::{DEFAULT_IPV6_SOURCE_PREFIX, SourceAddress, Throttle};

const POSTGRES_VAR: &str = "TAKEBACK_TEST_POSTGRES_URL";
const HOUR: Duration = Duration::from_secs(3600);

fn source(address: &str) -> SourceAddress {
    SourceAddress::new(
        address.parse::<IpAddr>().unwrap(),
        DEFAULT_IPV6_SOURCE_PREFIX,
    )
}

/// A fresh PostgreSQL database: its URL, and the server's to drop it with.
async fn postgres_database() -> (String, sqlx::PgPool, String) {
    let server = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
        panic!("{POSTGRES_VAR} was set when this test was built but is not set now")
    });
    let admin = sqlx::PgPool::connect(&server)
        .await
        .unwrap_or_else(|error| panic!("{POSTGRES_VAR} is set but {server:?} fails: {error}"));
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "takeback_throttles_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    (format!("{base}/{name}"), admin, name)
}

async fn drop_database(admin: sqlx::PgPool, name: &str) {
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}

/// Two "processes" share one allowance; many requests at once never get more than it.
async fn two_processes_share_one_allowance(first: Store, second: Store) {
    let (a, b) = (source("192.0.2.1"), source("2001:db8:1::1"));
    let throttles = [
        Arc::new(Throttle::shared("reports", 7, HOUR, b"s", first.clone())),
        Arc::new(Throttle::shared("reports", 7, HOUR, b"s", second.clone())),
    ];
    let granted = concurrent_takes(&throttles, a, 1, 40).await;
    assert_eq!(granted, 7, "one-at-a-time takes");
    assert!(throttles[1].exhausted(&a).await.unwrap());
    // Takes of several at once: exactly the limit between them too.
    let granted = concurrent_takes(&throttles, b, 3, 10).await;
    assert_eq!(granted, 7, "takes of three");
    // Another source, another throttle name and another secret each count apart.
    assert!(!throttles[0].exhausted(&source("192.0.2.2")).await.unwrap());
    let other = Throttle::shared("exact_hashes", 7, HOUR, b"s", first.clone());
    assert!(!other.exhausted(&a).await.unwrap());
    let keyed_otherwise = Throttle::shared("reports", 7, HOUR, b"t", first.clone());
    assert!(!keyed_otherwise.exhausted(&a).await.unwrap());
    // Case numbers count like sources.
    let cases = Throttle::shared("failed_lookups_by_case", 2, HOUR, b"", second.clone());
    let case = CaseId::parse("7KQ2-M9XD-3HTW").unwrap();
    cases.record(&case).await.unwrap();
    assert!(!cases.exhausted(&case).await.unwrap());
    Throttle::shared("failed_lookups_by_case", 2, HOUR, b"", first.clone())
        .record(&CaseId::parse("7kq2m9xd3htw").unwrap())
        .await
        .unwrap();
    assert!(cases.exhausted(&case).await.unwrap());
}

/// Sums what `rounds` concurrent takes of `wanted`, half through each throttle, granted.
async fn concurrent_takes(
    throttles: &[Arc<Throttle>; 2],
    counted: SourceAddress,
    wanted: u32,
    rounds: usize,
) -> u32 {
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..rounds {
        let throttle = Arc::clone(&throttles[round % 2]);
        tasks.spawn(async move { throttle.take(&counted, wanted).await.unwrap() });
    }
    tasks.join_all().await.into_iter().sum()
}

/// Ended windows leave nothing behind: neither counts nor keys.
async fn ended_windows_are_deleted(store: Store) {
    let window = Duration::from_millis(500);
    let throttle = Throttle::shared("reports", 5, window, b"", store.clone());
    let a = source("192.0.2.1");
    // Start just after a window begins, so that the first two counts fall in one window.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let into_window = u64::try_from(now % window.as_millis()).unwrap();
    tokio::time::sleep(window - Duration::from_millis(into_window) + Duration::from_millis(20))
        .await;
    throttle.record(&a).await.unwrap();
    throttle.record(&source("192.0.2.9")).await.unwrap();
    assert_eq!(
        store.throttle_rows().await.unwrap(),
        3,
        "one key, two counts"
    );
    tokio::time::sleep(window * 2).await;
    // The first count in a new window deletes the ended ones.
    throttle.record(&a).await.unwrap();
    assert_eq!(
        store.throttle_rows().await.unwrap(),
        2,
        "the new window's only"
    );
    assert!(!throttle.exhausted(&a).await.unwrap());
    let far_future = i64::MAX;
    assert_eq!(store.expire_throttle_windows(far_future).await.unwrap(), 2);
    assert_eq!(store.throttle_rows().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_counts_like_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("throttles.db");
    let first = Store::connect(path.to_str().unwrap(), 1).await.unwrap();
    let second = Store::connect(path.to_str().unwrap(), 1).await.unwrap();
    two_processes_share_one_allowance(first.clone(), second).await;
    first.expire_throttle_windows(i64::MAX).await.unwrap();
    ended_windows_are_deleted(first).await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn postgres_processes_share_one_allowance() {
    let (url, admin, name) = postgres_database().await;
    let first = Store::connect(&url, 8).await.unwrap();
    let second = Store::connect(&url, 8).await.unwrap();
    two_processes_share_one_allowance(first.clone(), second.clone()).await;
    first.expire_throttle_windows(i64::MAX).await.unwrap();
    ended_windows_are_deleted(first.clone()).await;
    first.close().await;
    second.close().await;
    drop_database(admin, &name).await;
}
