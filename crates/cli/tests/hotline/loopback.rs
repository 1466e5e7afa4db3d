//! Real components on loopback for the takedown tests: a website (Python's http.server)
//! serving files, an SMTP server (aiosmtpd) and a partner's webhook receiver that checks
//! every signature with the Standard Webhooks reference library. `tools/test` installs the
//! Python packages and sets TAKEBACK_TEST_PYTHON.

use crate::support::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use takeback_fingerprint::{Options, fingerprint_bytes};
use takeback_testimages::{Channels, Pattern, Spec};

/// The webhook's key, as the contacts file and the receiver know it.
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub fn python() -> String {
    std::env::var("TAKEBACK_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A child process killed when the test ends, however it ends.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads lines from a child's stdout until one contains `marker`, then the word after it.
pub fn word_after(child: &mut Child, marker: &str, what: &str) -> String {
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some((_, rest)) = line.split_once(marker) {
            let word = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            // The rest of the output is not read: keep the pipe drained.
            std::thread::spawn(move || lines.for_each(drop));
            return word;
        }
    }
    panic!(
        "{what} did not start: is {} set up? (tools/test installs it)",
        python()
    );
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A website serving the files of a folder; a file removed is a 404.
pub struct Website {
    pub dir: PathBuf,
    pub port: String,
    log: PathBuf,
    _process: Process,
}

impl Website {
    pub fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let log = dir.with_extension("log");
        let mut child = Command::new(python())
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let port = word_after(&mut child, " port ", "the website");
        Website {
            dir: dir.to_owned(),
            port,
            log,
            _process: Process(child),
        }
    }

    /// The address of a file on it, under the host name `host`.
    pub fn url(&self, host: &str, file: &str) -> String {
        format!("http://{host}:{}/{file}", self.port)
    }

    /// How many requests it has answered (its access log's lines).
    pub fn requests(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.contains("\"GET ") || line.contains("\"HEAD "))
            .count()
    }
}

/// An SMTP server keeping what it receives in a Maildir.
pub struct SmtpServer {
    maildir: PathBuf,
    port: u16,
    _process: Option<Process>,
}

impl SmtpServer {
    pub fn start(maildir: &Path, port: u16) -> Self {
        let mut server = SmtpServer {
            maildir: maildir.to_owned(),
            port,
            _process: None,
        };
        server.up();
        server
    }

    pub fn up(&mut self) {
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
            ])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self._process = Some(Process(child));
        assert!(
            eventually(Duration::from_secs(20), || {
                std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            }),
            "aiosmtpd did not start: is {} set up? (tools/test installs it)",
            python()
        );
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, as text.
    pub fn messages(&self) -> Vec<String> {
        let Ok(files) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        files
            .filter_map(|file| std::fs::read_to_string(file.ok()?.path()).ok())
            .collect()
    }
}

/// A partner's webhook receiver, which checks signatures.
pub struct WebhookReceiver {
    log: PathBuf,
    port: String,
    _process: Process,
}

impl WebhookReceiver {
    /// Starts a receiver; `options` as webhook_receiver.py takes them (`--fail-first N`,
    /// `--hang-first N`).
    pub fn start(log: &Path, options: &[&str]) -> Self {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hotline/py/webhook_receiver.py");
        let mut child = Command::new(python())
            .arg("-u")
            .arg(script)
            .arg(log)
            .arg(WEBHOOK_SECRET)
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let port = word_after(&mut child, "listening on ", "the webhook receiver");
        WebhookReceiver {
            log: log.to_owned(),
            port,
            _process: Process(child),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/takedown", self.port)
    }

    /// Every delivery received, in order.
    pub fn deliveries(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

/// A benign generated picture, as PNG bytes.
pub fn picture_png(seed: u64) -> Vec<u8> {
    let image = Spec::new(Pattern::Smooth, 640, 480, Channels::Rgb, seed)
        .generate()
        .to_dynamic();
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A young person's report of a picture's fingerprints and the addresses where it is.
pub fn report_of_picture(bytes: &[u8], urls: &[&str]) -> (Value, Vec<String>) {
    let print = fingerprint_bytes(bytes, &Options::default()).unwrap();
    let fingerprints = vec![
        print.pdq.hash.to_hex(),
        print.digests.md5.to_string(),
        print.digests.sha256.to_string(),
    ];
    let report = json!({
        "reporter": "young_person",
        "hashes": [
            {"algorithm": "pdq", "value": fingerprints[0], "quality": print.pdq.quality},
            {"algorithm": "md5", "value": fingerprints[1]},
            {"algorithm": "sha256", "value": fingerprints[2]},
        ],
        "urls": urls,
        "under_18": true,
        "consent_to_share": true,
    });
    (report, fingerprints)
}

pub fn item(server: &Server, analyst: &str, url: &str) -> Value {
    let (status, items) = server.get("/api/v1/analyst/urls", Some(analyst));
    assert_eq!(status, 200, "{items}");
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["url"] == url)
        .unwrap_or_else(|| panic!("no item for {url}: {items}"))
        .clone()
}

/// Waits until the item of `url` satisfies `done`, and returns it.
pub fn wait_for(
    server: &Server,
    analyst: &str,
    url: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    let ok = eventually(Duration::from_secs(60), || {
        last = item(server, analyst, url);
        done(&last)
    });
    assert!(ok, "{url} never {what}: {last:#}\n{}", server.logs());
    last
}

/// The settings of a hotline whose notices and re-checks happen within seconds.
pub fn write_config(dir: &Path, contacts: &str, smtp: &str, extra: &str) -> PathBuf {
    let contacts_file = dir.join("contacts.toml");
    std::fs::write(&contacts_file, contacts).unwrap();
    let config = dir.join("hotline.toml");
    std::fs::write(
        &config,
        format!(
            "[pages]\nservice_name = \"Test Hotline\"\n\n[takedown]\n\
             contacts_file = {contacts_file:?}\nsmtp_url = {smtp:?}\n\
             notice_from = \"Test Hotline <takedown@hotline.test>\"\n\
             notice_wording = \"Sent under the test jurisdiction's law. Reply to takedown@hotline.test.\"\n\
             first_recheck_after = \"1s\"\nrecheck_every = \"1s\"\n\
             allow_private_targets = true\n{extra}"
        ),
    )
    .unwrap();
    config
}
