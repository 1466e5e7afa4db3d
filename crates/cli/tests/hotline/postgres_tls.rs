//! PostgreSQL over TLS, against a real server: a throwaway PostgreSQL cluster of its own,
//! started from the PostgreSQL binaries with a certificate from a CA made for the test, that
//! accepts TLS connections only. `takeback serve` reaches it with `sslmode=verify-full`
//! and `require`, and refuses at start, naming the database without its password, when the
//! certificate is not from the CA it was given or not for the host name it connects to.

use crate::cluster::{Cluster, Transport};
use crate::support::*;
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (and PostgreSQL's binaries: it starts its own server)"
)]
fn the_hotline_reaches_postgres_over_tls_and_refuses_a_server_it_cannot_verify() {
    let cluster = Cluster::start(Transport::Tls);
    let ca = cluster.path("ca.pem");
    let other_ca = cluster.path("other-ca.pem");
    let logs = cluster.dir.path();

    // The right CA, the host name the certificate names: a report, and its status.
    let verified = cluster.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let server = Server::start_url(&verified, logs, &[]);
    let (case, secret) = server.report(&report_of(&[pdq(7)], &["https://example.com/a"]));
    let (status, body) = server.get(&format!("/api/v1/reports/{case}"), Some(&secret));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hashes"].as_array().map(Vec::len), Some(1), "{body}");
    drop(server);

    // Encrypted without checking the certificate (`require`), as the CLI's commands too.
    let required = cluster.url("localhost", "sslmode=require");
    let output = takeback()
        .args(["partner", "add", "Platform", "--database", &required])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    // This server refuses connections without TLS: the ones above were encrypted.
    let plain = cluster.url("localhost", "sslmode=disable");
    let refused = command_fails(&["partner", "list", "--database", &plain]);
    assert!(refused.contains("no encryption"), "{refused}");

    // Another CA: refused at start, the database named without its password.
    let url = url_with_password(
        &cluster,
        &format!("sslmode=verify-full&sslrootcert={other_ca}"),
    );
    let refused = serve_fails(&url, logs);
    assert!(!refused.contains(PASSWORD), "{refused}");
    assert!(
        refused.contains(&format!(
            "cannot open the database postgres://postgres:***@localhost:{}/postgres",
            cluster.port
        )),
        "{refused}"
    );
    assert!(
        refused.contains("the TLS connection to the database failed")
            && refused.contains("UnknownIssuer"),
        "{refused}"
    );

    // The right CA but a host name the certificate does not name.
    let url = cluster.url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let refused = serve_fails(&url, logs);
    assert!(
        refused.contains("the TLS connection to the database failed")
            && refused.contains("not valid for name"),
        "{refused}"
    );

    // `require` with a CA checks it, as libpq does (`verify-ca`): another CA is refused,
    // the right one accepted.
    let url = cluster.url(
        "localhost",
        &format!("sslmode=require&sslrootcert={other_ca}"),
    );
    let refused = serve_fails(&url, logs);
    assert!(refused.contains("UnknownIssuer"), "{refused}");
    let url = cluster.url("localhost", &format!("sslmode=require&sslrootcert={ca}"));
    let output = takeback()
        .args(["partner", "list", "--database", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Platform"));
    // Stricter than libpq: sqlx 0.8 checks the host name under `verify-ca` too (its issue
    // 3793, with rustls 0.23.24 and later). The README says so; if this starts to pass,
    // update it.
    let url = cluster.url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"));
    let refused = command_fails(&["partner", "list", "--database", &url]);
    assert!(refused.contains("not valid for name"), "{refused}");

    // A CA that would not be checked, or a file that is not there: refused before
    // connecting, saying what to do.
    let refused = serve_fails(
        &cluster.url("localhost", &format!("sslrootcert={ca}")),
        logs,
    );
    assert!(
        refused.contains("sslmode=prefer does not check")
            && refused.contains("use sslmode=verify-full"),
        "{refused}"
    );
    let missing = cluster.path("missing.pem");
    let refused = serve_fails(
        &cluster.url(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={missing}"),
        ),
        logs,
    );
    assert!(
        refused.contains(&format!("cannot read the sslrootcert file \"{missing}\"")),
        "{refused}"
    );
}

/// Not the password: trust authentication never asks for it, so it can only be found in
/// the output if the output leaks it.
const PASSWORD: &str = "never-shown-pw";

/// `takeback serve` on `url`, which must stop at start: its error message.
fn serve_fails(url: &str, logs: &Path) -> String {
    let log = logs.join("refused.log");
    let _ = std::fs::remove_file(&log);
    let mut command = takeback();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--database", url])
        .env_remove("TAKEBACK_DATABASE_URL")
        .env_remove("TAKEBACK_CONFIG");
    let mut child = spawn_logged(command, &log);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the hotline started on {url}, or hung:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(2), "{url}");
    std::fs::read_to_string(&log).unwrap()
}

/// A `takeback` command that must fail: its error message.
fn command_fails(args: &[&str]) -> String {
    let output = takeback().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The cluster's URL with a password in it.
fn url_with_password(cluster: &Cluster, query: &str) -> String {
    format!(
        "postgres://postgres:{PASSWORD}@localhost:{}/postgres?{query}",
        cluster.port
    )
}
