//! A PostgreSQL cluster of a test's own: started from PostgreSQL's programs (`initdb`,
//! `pg_ctl`) in a temporary folder, on a free port of 127.0.0.1, so that a test may offer
//! TLS only, or stop and restart the server, without touching the shared one.

use crate::support::POSTGRES_VAR;
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// How clients reach the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TLS only, with a certificate for `localhost` from a CA made for the test
    /// (`ca.pem`; `other-ca.pem` signed nothing here).
    Tls,
    /// Plain TCP.
    Plain,
}

/// A running cluster; stopped and removed when dropped, the test failed or not.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// `postgres`'s command-line options, kept to start it again the same way.
    options: String,
    /// As root, PostgreSQL's programs run as the `postgres` user (they refuse root).
    as_user: Option<&'static str>,
}

impl Cluster {
    pub fn start(transport: Transport) -> Self {
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
        let mut cluster = Cluster {
            dir,
            bin,
            port,
            options: String::new(),
            as_user,
        };
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
        // From this machine only; the local socket for pg_ctl. fsync off: the tests stop
        // PostgreSQL's processes, never the machine, so what they wrote stays in the
        // page cache.
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={dir} \
             -c fsync=off",
            dir = cluster.path(""),
        );
        let host = match transport {
            Transport::Tls => {
                cluster.write_certificates();
                options.push_str(&format!(
                    " -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}",
                    cert = cluster.path("server.pem"),
                    key = cluster.path("server.key"),
                ));
                "hostssl"
            }
            Transport::Plain => "host",
        };
        cluster.write(
            "data/pg_hba.conf",
            &format!(
                "local all all trust\n{host} all all 127.0.0.1/32 trust\n\
                 {host} all all ::1/128 trust\n"
            ),
            0o600,
        );
        cluster.options = options;
        cluster.pg_ctl_start();
        cluster
    }

    /// Stops PostgreSQL as a crash would (`pg_ctl stop -m immediate`: no checkpoint,
    /// connections cut) and starts it again on the same port and data, which replays its
    /// log.
    pub fn restart(&self) {
        let data = self.path("data");
        self.run("pg_ctl", &["stop", "-D", &data, "-m", "immediate", "-w"]);
        self.pg_ctl_start();
    }

    fn pg_ctl_start(&self) {
        let (data, log) = (self.path("data"), self.path("postgres.log"));
        self.run(
            "pg_ctl",
            &[
                "start",
                "-D",
                &data,
                "-w",
                "-t",
                "60",
                "-l",
                &log,
                "-o",
                &self.options,
            ],
        );
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
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The `postgres` database as user `postgres` at `host`.
    pub fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{query}", self.port)
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

    /// One of PostgreSQL's programs, as its user when we are root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = match self.as_user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        // Its user may not be allowed into the test's working directory.
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    /// Runs one of PostgreSQL's programs; panics, with its output, if it fails.
    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
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
            let _ = self
                .command("pg_ctl")
                .args(["stop", "-D", &data, "-m", "immediate", "-w"])
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
             PostgreSQL server of its own"
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
