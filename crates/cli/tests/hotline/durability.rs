//! A 2xx means committed: crashes and database outages lose nothing acknowledged.

use crate::support::*;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn every_acknowledged_report_survives_kill_9_under_load() {
    for db in Database::all() {
        let mut server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicU64::new(1));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let writers: Vec<_> = (0..6)
            .map(|_| {
                let (stop, next, acknowledged) = (stop.clone(), next.clone(), acknowledged.clone());
                let url = server.url("/api/v1/reports");
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let hash = pdq(next.fetch_add(1, Ordering::Relaxed));
                        let body = serde_json::to_vec(&report_of(std::slice::from_ref(&hash), &[]))
                            .unwrap();
                        let (status, receipt) =
                            request("POST", &url, None, Some(("application/json", &body)));
                        if status == 201 {
                            acknowledged.lock().unwrap().push((
                                receipt["case_id"].as_str().unwrap().to_owned(),
                                receipt["case_secret"].as_str().unwrap().to_owned(),
                                hash,
                            ));
                        }
                    }
                })
            })
            .collect();
        // Let the load build, then pull the plug while requests are in flight.
        assert!(eventually(Duration::from_secs(20), || acknowledged
            .lock()
            .unwrap()
            .len()
            >= 200));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().unwrap();
        }
        let acknowledged = acknowledged.lock().unwrap().clone();

        server.restart();
        let listed: std::collections::HashSet<String> = server
            .replay_list(&key, 10_000)
            .into_values()
            .map(|(_, value, _)| value)
            .collect();
        for (case_id, secret, hash) in &acknowledged {
            let (status, case) = server.get(&format!("/api/v1/reports/{case_id}"), Some(secret));
            assert_eq!(status, 200, "acknowledged case {case_id} lost: {case}");
            assert!(
                listed.contains(hash),
                "acknowledged hash of {case_id} not on the list"
            );
        }
        eprintln!(
            "{}: {} acknowledged reports all survived kill -9",
            if db.is_postgres() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            acknowledged.len()
        );
    }
}

/// A TCP relay to PostgreSQL that can be cut and restored, to make the database "go away".
struct Relay {
    address: String,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (up2, connections2) = (up.clone(), connections.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the "server" is gone
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                connections2
                    .lock()
                    .unwrap()
                    .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay {
            address,
            up,
            connections,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            let _ = connection.shutdown(std::net::Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
fn the_database_going_away_gives_503_and_recovery() {
    let db = Database::postgres_required();
    // postgres://user@host:port/name → the host:port part.
    let after_scheme = db.url.split_once("://").unwrap().1;
    let authority = after_scheme.split('/').next().unwrap();
    let host_port = authority.rsplit('@').next().unwrap();
    let relay = Relay::start(host_port.to_owned());
    let url = db.url.replacen(host_port, &relay.address, 1);
    let server = Server::start_url(&url, db.dir.path(), &[]);
    server.report(&report_of(&[pdq(1)], &[]));

    relay.cut();
    let report = serde_json::to_vec(&report_of(&[pdq(2)], &[])).unwrap();
    let (status, headers, body) = exchange(
        "POST",
        &server.url("/api/v1/reports"),
        None,
        Some(("application/json", &report)),
        &[],
    );
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(headers.get("retry-after").unwrap(), "30");
    assert_eq!(server.get("/healthz", None).0, 503);
    assert!(
        server.logs().contains("database unavailable"),
        "{}",
        server.logs()
    );

    relay.restore();
    let recovered = eventually(Duration::from_secs(30), || {
        server
            .post_json("/api/v1/reports", None, &report_of(&[pdq(3)], &[]))
            .0
            == 201
    });
    assert!(
        recovered,
        "no recovery after the database came back:\n{}",
        server.logs()
    );
    assert_eq!(server.get("/healthz", None).0, 200);
}
