//! Starting the real `takeback serve` on a free port, and talking to it as a client would.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use takeback_pdq::{PdqHash, PixelLayout, Pixels, hash_dihedral};
use takeback_testimages::{Channels, Pattern, Spec};

/// The variable `.ci/run` sets to a PostgreSQL server's URL. When it is set, the tests also
/// run on PostgreSQL and fail if the server cannot be reached; when it is not, they run on
/// SQLite only, and the PostgreSQL-only tests are ignored (see crates/cli/build.rs).
pub const POSTGRES_VAR: &str = "TAKEBACK_TEST_POSTGRES_URL";

pub fn takeback() -> Command {
    Command::new(env!("CARGO_BIN_EXE_takeback"))
}

/// A database for one test: a SQLite file in a temporary folder, or a fresh PostgreSQL
/// database dropped when the test ends.
pub struct Database {
    pub url: String,
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Database {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hotline.db").display());
        Database {
            url,
            dir,
            postgres: None,
        }
    }

    /// `None` when the variable is not set; panics when it is set but the server fails.
    pub fn postgres() -> Option<Self> {
        let server = std::env::var(POSTGRES_VAR)
            .ok()
            .filter(|url| !url.is_empty())?;
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "takeback_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        run_postgres(
            &server,
            &[
                format!("DROP DATABASE IF EXISTS {name}"),
                format!("CREATE DATABASE {name}"),
            ],
        );
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        Some(Database {
            url: format!("{base}/{name}"),
            dir: tempfile::tempdir().unwrap(),
            postgres: Some((server.clone(), name)),
        })
    }

    /// For a test that needs PostgreSQL: panics, saying so, when the variable is not set.
    pub fn postgres_required() -> Self {
        Self::postgres().unwrap_or_else(|| {
            panic!("{POSTGRES_VAR} is not set: this test needs a PostgreSQL server")
        })
    }

    /// SQLite, and PostgreSQL when it is configured.
    pub fn all() -> Vec<Self> {
        let mut all = vec![Self::sqlite()];
        all.extend(Self::postgres());
        all
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres
            && !std::thread::panicking()
        {
            {
                run_postgres(
                    server,
                    &[format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")],
                );
            }
        }
    }
}

fn run_postgres(server: &str, statements: &[String]) {
    use sqlx::{Connection, Executor};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| {
                panic!("{POSTGRES_VAR} is set to {server:?} but PostgreSQL cannot be reached: {e}")
            });
        for statement in statements {
            conn.execute(statement.as_str()).await.unwrap();
        }
    });
}

/// Runs a statement whose columns (if any) are all text on the database at `url` (SQLite
/// or PostgreSQL), beside the servers using it, and returns its rows.
pub fn rows(url: &str, sql: &str) -> Vec<Vec<String>> {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
        rows.iter()
            .map(|row| (0..row.len()).map(|i| row.get::<String, _>(i)).collect())
            .collect()
    })
}

/// A running `takeback serve`.
pub struct Server {
    child: Child,
    pub base: String,
    pub log: PathBuf,
    database_url: String,
    args: Vec<String>,
}

impl Server {
    /// Starts a server on `database` with extra options; throttles are off unless given.
    pub fn start(database: &Database, args: &[&str]) -> Self {
        Self::start_url(&database.url, database.dir.path(), args)
    }

    /// Starts a server on `database` with extra options and environment variables (which
    /// a restart does not keep).
    pub fn start_with_env(database: &Database, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::start_url_with_env(&database.url, database.dir.path(), args, env)
    }

    pub fn start_url(database_url: &str, dir: &Path, args: &[&str]) -> Self {
        Self::start_url_with_env(database_url, dir, args, &[])
    }

    fn start_url_with_env(
        database_url: &str,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let log = dir.join(format!(
            "server-{}.log",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut command = serve_command(database_url, &all);
        command.envs(env.iter().copied());
        let mut server = Server {
            child: spawn_logged(command, &log),
            base: String::new(),
            log,
            database_url: database_url.to_owned(),
            args: all,
        };
        server.base = read_address(&mut server.child, &server.log);
        server
    }

    /// kill -9, as a crash or a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the server to exit by itself.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }

    /// Starts again on the same database and options (on a new port).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.database_url, &self.log, &self.args);
        self.base = read_address(&mut self.child, &self.log);
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The public key the hotline signs its list's checkpoints with now (the newest of
    /// `GET /api/v1/keys`), as partners configure it.
    pub fn public_key(&self) -> String {
        let (status, keys) = self.get("/api/v1/keys", None);
        assert_eq!(status, 200, "{keys}");
        keys["keys"][0]["public_key"].as_str().unwrap().to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        request("GET", &self.url(path), token, None)
    }

    /// A GET as if from `address`, for a server that trusts X-Forwarded-For.
    pub fn get_from(&self, address: &str, path: &str, token: Option<&str>) -> (u16, Value) {
        request_with_headers(
            "GET",
            &self.url(path),
            token,
            None,
            &[("x-forwarded-for", address)],
        )
    }

    pub fn delete(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        request("DELETE", &self.url(path), token, None)
    }

    pub fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let bytes = serde_json::to_vec(body).unwrap();
        request(
            "POST",
            &self.url(path),
            token,
            Some(("application/json", &bytes)),
        )
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        request("POST", &self.url(path), None, Some((content_type, body)))
    }

    /// Sends a report and returns (case id, secret); panics unless it is accepted.
    pub fn report(&self, body: &Value) -> (String, String) {
        let (status, receipt) = self.post_json("/api/v1/reports", None, body);
        assert_eq!(status, 201, "{receipt}");
        (
            receipt["case_id"].as_str().unwrap().to_owned(),
            receipt["case_secret"].as_str().unwrap().to_owned(),
        )
    }

    /// Follows the whole feed from the beginning; returns the resulting list as
    /// id → (algorithm, value, verified), checking that seqs are consecutive.
    pub fn replay_list(
        &self,
        key: &str,
        page: usize,
    ) -> std::collections::BTreeMap<i64, (String, String, bool)> {
        self.replay_from(key, page, std::collections::BTreeMap::new(), 0)
    }

    /// `list`, as held at feed position `cursor`, brought up to date by following the feed
    /// from there.
    pub fn replay_from(
        &self,
        key: &str,
        page: usize,
        mut list: std::collections::BTreeMap<i64, (String, String, bool)>,
        mut cursor: i64,
    ) -> std::collections::BTreeMap<i64, (String, String, bool)> {
        loop {
            let (status, body) = self.get(
                &format!("/api/v1/hashlist?after={cursor}&limit={page}"),
                Some(key),
            );
            assert_eq!(status, 200, "{body}");
            let changes = body["changes"].as_array().unwrap();
            if changes.is_empty() {
                assert_eq!(body["next"], cursor);
                return list;
            }
            for change in changes {
                let seq = change["seq"].as_i64().unwrap();
                assert_eq!(seq, cursor + 1, "the feed skipped or repeated a change");
                cursor = seq;
                apply_change(&mut list, change);
            }
            assert_eq!(body["next"], cursor);
        }
    }
}

pub fn apply_change(
    list: &mut std::collections::BTreeMap<i64, (String, String, bool)>,
    change: &Value,
) {
    let id = change["id"].as_i64().unwrap();
    match change["op"].as_str().unwrap() {
        "add" => {
            list.insert(
                id,
                (
                    change["algorithm"].as_str().unwrap().to_owned(),
                    change["value"].as_str().unwrap().to_owned(),
                    change["verified"].as_bool().unwrap(),
                ),
            );
        }
        "remove" => {
            assert!(
                list.remove(&id).is_some(),
                "removed an entry not on the list: {change}"
            );
        }
        other => panic!("unknown op {other}"),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(database_url: &str, log: &Path, args: &[String]) -> Child {
    spawn_logged(serve_command(database_url, args), log)
}

/// `takeback serve` on `database_url` with `args`, on a port of its choosing.
fn serve_command(database_url: &str, args: &[String]) -> Command {
    let mut command = takeback();
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--database",
            database_url,
        ])
        .args(args)
        // Throttles off unless a test turns them on with an option.
        .env("TAKEBACK_REPORTS_PER_SOURCE_PER_HOUR", "0")
        .env("TAKEBACK_FAILED_CASE_LOOKUPS_PER_SOURCE_PER_HOUR", "0")
        .env("TAKEBACK_FAILED_CASE_LOOKUPS_PER_CASE_PER_HOUR", "0")
        .env_remove("TAKEBACK_DATABASE_URL")
        .env_remove("TAKEBACK_CONFIG");
    command
}

/// Starts a service with its stderr appended to `log` and its stdout piped, for
/// [`read_address`].
pub fn spawn_logged(mut command: Command, log: &Path) -> Child {
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .unwrap()
}

/// Reads the address from the service's one line on stdout, `takeback hotline listening on
/// http://ADDR` (or `takeback matcher …`).
pub fn read_address(child: &mut Child, log: &Path) -> String {
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let Some((_, address)) = line.trim().split_once(" listening on ") else {
        let _ = child.wait();
        panic!(
            "the service did not start: {line:?}\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    address.to_owned()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// A GET, answered with its status, content type, Content-Security-Policy and body text:
/// for the pages, which are not JSON.
pub fn get_page(url: &str) -> (u16, String, String, String) {
    let mut response = agent().get(url).call().unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, policy) = (header("content-type"), header("content-security-policy"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, content_type, policy, body)
}

/// One request; the JSON answer (or `null` when the body is not JSON).
pub fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> (u16, Value) {
    request_with_headers(method, url, token, body, &[])
}

/// A request with extra headers (such as X-Forwarded-For).
pub fn request_with_headers(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let (status, _, body) = exchange(method, url, token, body, headers);
    (status, body)
}

/// A request, answered with its status, headers and JSON body (`null` when not JSON);
/// status 0 when the connection failed or was closed without an answer.
pub fn exchange(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
    headers: &[(&str, &str)],
) -> (u16, ureq::http::HeaderMap, Value) {
    let agent = agent();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let result = match body {
        Some((content_type, bytes)) => {
            let request = builder
                .header("content-type", content_type)
                .body(bytes.to_vec())
                .unwrap();
            agent.run(request)
        }
        None => agent.run(builder.body(()).unwrap()),
    };
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default();
            let headers = response.headers().clone();
            (
                status,
                headers,
                serde_json::from_str(&text).unwrap_or(Value::Null),
            )
        }
        // The server closed the connection (it was killed, or refused a huge body early).
        Err(error) => (
            0,
            ureq::http::HeaderMap::new(),
            json!({"transport_error": error.to_string()}),
        ),
    }
}

/// Adds a partner or analyst with the CLI and returns the printed token.
pub fn add(kind: &str, name: &str, database: &Database) -> String {
    add_url(kind, name, &database.url)
}

/// [`add`], on the database at `url`.
pub fn add_url(kind: &str, name: &str, url: &str) -> String {
    added(&[kind, "add", name, "--database", url])
}

/// Adds an analyst in `role` (`analyst` or `admin`) and returns the printed token.
pub fn add_in_role(name: &str, role: &str, database: &Database) -> String {
    added(&[
        "analyst",
        "add",
        name,
        "--role",
        role,
        "--database",
        &database.url,
    ])
}

/// Runs an `add` command and returns the token it printed alone on stdout.
fn added(args: &[&str]) -> String {
    let output = takeback().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "the token alone on stdout: {stdout:?}"
    );
    stdout.trim().to_owned()
}

/// A PDQ hash made from a number, distinct for distinct numbers and far apart.
pub fn pdq(n: u64) -> String {
    let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x1234_5678;
    let mut hex = String::new();
    for _ in 0..4 {
        state ^= state >> 30;
        state = state.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        state ^= state >> 27;
        state = state.wrapping_mul(0x94d0_49bb_1331_11eb);
        state ^= state >> 31;
        hex.push_str(&format!("{state:016x}"));
    }
    hex
}

/// A valid young person's report of the given PDQ hashes and URLs.
pub fn report_of(hashes: &[String], urls: &[&str]) -> Value {
    json!({
        "reporter": "young_person",
        "hashes": hashes.iter().map(|h| json!({"algorithm": "pdq", "value": h, "quality": 90})).collect::<Vec<_>>(),
        "urls": urls,
        "under_18": true,
        "consent_to_share": true,
    })
}

/// Sends a report to the server at `base` (for threads, which hold addresses rather than
/// `Server`s); returns the case number and secret.
pub fn report_to(base: &str, body: &Value) -> (String, String) {
    let body = serde_json::to_vec(body).unwrap();
    let (status, receipt) = request(
        "POST",
        &format!("{base}/api/v1/reports"),
        None,
        Some(("application/json", &body)),
    );
    assert_eq!(status, 201, "{receipt}");
    (
        receipt["case_id"].as_str().unwrap().to_owned(),
        receipt["case_secret"].as_str().unwrap().to_owned(),
    )
}

/// Withdraws a case through the server at `base`.
pub fn withdraw_at(base: &str, case_id: &str, secret: &str) {
    let (status, answer) = request(
        "DELETE",
        &format!("{base}/api/v1/reports/{case_id}"),
        Some(secret),
        None,
    );
    assert_eq!(status, 200, "{answer}");
}

/// Waits until `f` returns true or the time is up.
pub fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The eight hashes of a generated photo-like picture.
pub fn picture(seed: u64) -> [PdqHash; 8] {
    let spec = Spec::new(Pattern::Smooth, 300, 200, Channels::Grey, seed);
    let image = spec.generate();
    let pixels = Pixels::new(&image.pixels, 300, 200, PixelLayout::Luma8).unwrap();
    let dihedral = hash_dihedral(&pixels);
    assert!(dihedral.quality >= 50);
    dihedral.hashes
}

/// `hash` with `distance` bits changed, as many set as cleared (so it still looks like a
/// picture's hash: 128 bits set).
pub fn moved(hash: PdqHash, distance: usize) -> String {
    let (mut ones, mut zeros) = (Vec::new(), Vec::new());
    for k in 0..256 {
        if hash.bit(k) {
            ones.push(k)
        } else {
            zeros.push(k)
        }
    }
    let mut bytes = hash.to_bytes();
    // Spread over the hash; bit k is byte 31 - k / 8 of the big-endian bytes.
    let step = |list: &Vec<usize>, i: usize| list[(i * 37) % list.len()];
    let mut flipped = std::collections::BTreeSet::new();
    let mut i = 0;
    while flipped.len() < distance {
        let from = if flipped.len() % 2 == 0 {
            &ones
        } else {
            &zeros
        };
        let k = step(from, i);
        i += 1;
        if flipped.insert(k) {
            bytes[31 - k / 8] ^= 1 << (k % 8);
        }
    }
    let out = PdqHash::from_bytes(bytes);
    assert_eq!(out.distance(&hash), distance as u32);
    out.to_hex()
}

/// The metric's value in the Prometheus text, 0 when absent.
pub fn metric(server: &Server, name: &str) -> f64 {
    let (status, _, _, text) = get_page(&server.url("/metrics"));
    assert_eq!(status, 200);
    text.lines()
        .find_map(|line| {
            line.strip_prefix(name)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0.0)
}
