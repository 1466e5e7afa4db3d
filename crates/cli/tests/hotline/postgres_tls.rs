//! PostgreSQL over TLS, against a real server: a throwaway PostgreSQL cluster of its own,
//! started from the PostgreSQL binaries with a certificate from a CA made for the test, that
//! accepts TLS connections only. `takeback serve` reaches it with `sslmode=verify-full`
//! and `require`, and refuses at start, naming the database without its password, when the
//! certificate is not from the CA it was given or not for the host name it connects to.

use crate::support::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (and PostgreSQL's binaries: it starts its own server)"
)]
fn the_hotline_reaches_postgres_over_tls_and_refuses_a_server_it_cannot_verify() {
    let cluster = Cluster::start();
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
    let url = cluster.url_with_password(
        "localhost",
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

/// A PostgreSQL cluster of the test's own, in a temporary folder, listening on
/// 127.0.0.1 with TLS only; stopped and removed when dropped, the test failed or not.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// As root, PostgreSQL's programs run as the `postgres` user (they refuse root).
    as_user: Option<&'static str>,
}

impl Cluster {
    fn start() -> Self {
        let bin = postgres_bin();
        let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        let dir = tempfile::tempdir().unwrap();
        let as_user = root.then_some("postgres");
        if let Some(user) = as_user {
            let (uid, gid) = (id(user, "-u"), id(user, "-g"));
            chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_user,
        };
        cluster.write_certificates();
        let data = cluster.path("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        // TLS only, from this machine; the local socket for pg_ctl.
        cluster.write(
            "data/pg_hba.conf",
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n\
             hostssl all all ::1/128 trust\n",
            0o600,
        );
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={dir} \
             -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key} -c fsync=off",
            dir = cluster.path(""),
            cert = cluster.path("server.pem"),
            key = cluster.path("server.key"),
        );
        let log = cluster.path("postgres.log");
        cluster.run(
            "pg_ctl",
            &[
                "start", "-D", &data, "-w", "-t", "30", "-l", &log, "-o", &options,
            ],
        );
        cluster
    }

    /// A CA, a certificate for `localhost` from it, and a second CA that signed nothing
    /// here.
    fn write_certificates(&self) {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
        let authority = |name: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, name);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            let key = KeyPair::generate().unwrap();
            let certificate = params.self_signed(&key).unwrap();
            (certificate.pem(), Issuer::new(params, key))
        };
        let (ca, issuer) = authority("Takeback test CA");
        let (other_ca, _) = authority("Another CA");
        let key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        self.write("ca.pem", &ca, 0o644);
        self.write("other-ca.pem", &other_ca, 0o644);
        self.write("server.pem", &server.pem(), 0o644);
        // PostgreSQL takes a key only its own user can read.
        self.write("server.key", &key.serialize_pem(), 0o600);
    }

    /// A path in the cluster's folder, as text for a URL or an option.
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{query}", self.port)
    }

    fn url_with_password(&self, host: &str, query: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@{host}:{}/postgres?{query}",
            self.port
        )
    }

    /// Writes a file owned by the user the server runs as.
    fn write(&self, name: &str, contents: &str, mode: u32) {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        if let Some(user) = self.as_user {
            chown(&path, Some(id(user, "-u")), Some(id(user, "-g"))).unwrap();
        }
    }

    /// Runs one of PostgreSQL's programs, as its user when we are root; panics, with its
    /// output, if it fails.
    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = match self.as_user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let output = command
            .args(args)
            // Its user may not be allowed into the test's working directory.
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        assert!(
            output.status.success(),
            "{} {args:?} failed: {}{}\n{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.dir.path().join("data/postmaster.pid").exists() {
            let data = self.path("data");
            let program = self.bin.join("pg_ctl");
            let mut command = match self.as_user {
                Some(user) => {
                    let mut command = Command::new("runuser");
                    command.args(["-u", user, "--"]).arg(&program);
                    command
                }
                None => Command::new(&program),
            };
            let _ = command
                .args(["stop", "-D", &data, "-m", "immediate", "-w"])
                .current_dir(self.dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        // The folder goes with `dir`.
    }
}

/// The folder of PostgreSQL's server programs (`initdb`, `pg_ctl`): the newest under
/// /usr/lib/postgresql (Debian's layout), or the one `pg_config` names.
fn postgres_bin() -> PathBuf {
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    debian.sort_by_key(|bin| {
        bin.parent()
            .and_then(|version| version.file_name()?.to_str()?.parse::<u32>().ok())
    });
    if let Some(bin) = debian.pop() {
        return bin;
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    match from_pg_config {
        Some(bin) if bin.join("initdb").exists() => bin,
        _ => panic!(
            "{POSTGRES_VAR} is set, but PostgreSQL's server programs (initdb, pg_ctl) are \
             not under /usr/lib/postgresql/*/bin or pg_config --bindir: this test starts a \
             PostgreSQL server of its own with TLS"
        ),
    }
}

/// A user's id or group id (`id -u` / `id -g`).
fn id(user: &str, which: &str) -> u32 {
    let output = Command::new("id").args([which, user]).output().unwrap();
    assert!(
        output.status.success(),
        "running PostgreSQL as root needs a `{user}` user to run it as"
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}
