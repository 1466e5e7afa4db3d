//! The real `takeback matcher` as a process, and a proxy that stands between it and the
//! hotline to break the hotline's answers on purpose.

use crate::support::{read_address, request, spawn_logged, takeback};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `takeback matcher`.
pub struct MatcherProcess {
    child: Child,
    pub base: String,
    pub log: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl MatcherProcess {
    /// Starts `takeback matcher` with these options (and `--listen 127.0.0.1:0`).
    pub fn start(log: &Path, args: &[&str]) -> Self {
        Self::start_with_env(log, args, &[])
    }

    /// [`MatcherProcess::start`] with extra environment variables.
    pub fn start_with_env(log: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut process = MatcherProcess {
            child: spawn(log, &args, &env),
            base: String::new(),
            log: log.to_owned(),
            args,
            env,
        };
        process.base = read_address(&mut process.child, log);
        process
    }

    /// Starts a matcher following `hotline` with `key`, its state in `state`.
    pub fn follow(hotline: &str, key: &str, state: &Path, extra: &[&str]) -> Self {
        let state = state.to_str().unwrap();
        let mut args = vec!["--hotline", hotline, "--key", key, "--state", state];
        // Quick syncs and sends, unless the test sets its own.
        for flag in ["--sync-interval", "--feedback-interval"] {
            if !extra.contains(&flag) {
                args.extend([flag, "0.3"]);
            }
        }
        args.extend(extra);
        Self::start(&state_log(state), &args)
    }

    /// kill -9.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, as a service manager stops it; waits for it to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }

    /// Starts again with the same options and state (on a new port).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.log, &self.args, &self.env);
        self.base = read_address(&mut self.child, &self.log);
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        request("GET", &format!("{}{path}", self.base), None, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let bytes = serde_json::to_vec(body).unwrap();
        self.post_raw(path, "application/json", &bytes)
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        request(
            "POST",
            &format!("{}{path}", self.base),
            None,
            Some((content_type, body)),
        )
    }

    /// The matches for an image's bytes; panics on an error answer.
    pub fn match_image(&self, bytes: &[u8], content_type: &str) -> Vec<Value> {
        let (status, body) = self.post_raw("/v1/match", content_type, bytes);
        assert_eq!(status, 200, "{body}");
        body["matches"].as_array().unwrap().clone()
    }

    /// The matches for hashes; panics on an error answer.
    pub fn match_hashes(&self, query: &Value) -> Vec<Value> {
        let (status, body) = self.post("/v1/match", query);
        assert_eq!(status, 200, "{body}");
        body["matches"].as_array().unwrap().clone()
    }

    /// Waits (up to 30 s) until it holds exactly `list`; panics with the last difference and
    /// its log otherwise.
    pub fn settles_on(&self, list: &std::collections::BTreeMap<i64, (String, String, bool)>) {
        let mut last = Ok(());
        let settled = crate::support::eventually(Duration::from_secs(30), || {
            last = self.holds_exactly(list);
            last.is_ok()
        });
        assert!(settled, "{last:?}\n{}", self.logs());
    }

    /// Its `/metrics` page.
    pub fn metrics(&self) -> String {
        ureq::get(format!("{}/metrics", self.base))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    }

    /// The first list's status.
    pub fn list_status(&self) -> Value {
        let (status, body) = self.get("/v1/status");
        assert_eq!(status, 200, "{body}");
        body["lists"][0].clone()
    }

    /// Whether it holds exactly `list` (id → (algorithm, value, verified)): the same number
    /// of entries, and each found by its own hash with its id and verification.
    pub fn holds_exactly(
        &self,
        list: &std::collections::BTreeMap<i64, (String, String, bool)>,
    ) -> Result<(), String> {
        if self.get("/readyz").0 != 200 {
            return Err("not ready".into());
        }
        let status = self.list_status();
        if status["entries"] != list.len() {
            return Err(format!(
                "{} entries, the hotline has {}",
                status["entries"],
                list.len()
            ));
        }
        for (id, (algorithm, value, verified)) in list {
            let (code, answer) = self.post("/v1/match", &json!({ algorithm.as_str(): value }));
            if code != 200 {
                return Err(format!("{code}: {answer}"));
            }
            let found = answer["matches"].as_array().cloned().unwrap_or_default();
            let hit = found.iter().any(|m| {
                m["id"] == *id && m["hash"] == value.as_str() && m["verified"] == *verified
            });
            if !hit {
                return Err(format!(
                    "entry {id} ({algorithm} {value}) not held: {found:?}"
                ));
            }
        }
        Ok(())
    }
}

fn state_log(state: &str) -> PathBuf {
    PathBuf::from(format!("{state}.log"))
}

impl Drop for MatcherProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(log: &Path, args: &[String], env: &[(String, String)]) -> Child {
    let mut command = takeback();
    command
        .args(["matcher", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .env_remove("TAKEBACK_MATCHER_CONFIG")
        .env_remove("TAKEBACK_PARTNER_KEY")
        .env_remove("TAKEBACK_MATCHER_API_TOKEN")
        .envs(env.iter().map(|(k, v)| (k, v)));
    spawn_logged(command, log)
}

/// Something wrong with one answer to `GET /api/v1/hashlist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Passed on unharmed.
    Pass,
    /// The body stops halfway (the connection closes early).
    Truncate,
    /// A hash in the body is not hex.
    Corrupt,
    /// 200 with an HTML error page, as a misconfigured gateway sends.
    Html,
    /// 503.
    Unavailable,
}

/// Puts `line` (a setting) first in the config file at `path`, before any table.
pub fn prepend_setting(path: &str, line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{line}\n{text}")).unwrap();
}

/// A change to a page of the list made on the way, as a compromised proxy or mirror would,
/// leaving the hotline's signed checkpoint as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// One listed hash changed to another well-formed one.
    FlipHash,
    /// The first change left out, the rest numbered down to close the gap.
    DropChange,
    /// The first two changes swapped (their numbers kept in order).
    Reorder,
    /// An old page with changes, served again in place of the new one.
    Replay,
    /// One byte in the middle of the next snapshot flipped.
    SnapshotByte,
}

#[derive(Default)]
struct ProxyState {
    upstream: String,
    /// Requests to paths starting with this get the faults.
    target: String,
    faults: VecDeque<Fault>,
    delay: Duration,
    /// The `after` of each list request passed on.
    afters: Vec<i64>,
    /// Applied, one each, to the next list pages of at least two changes.
    tampers: VecDeque<Tamper>,
    /// The first list page of at least two changes passed on, for `Tamper::Replay`.
    recorded: Option<Value>,
    /// Snapshot requests passed on.
    snapshots: usize,
    /// The last list answer passed on, and how many list requests more get it again
    /// instead of a fresh one (a proxy withholding news).
    last_list: Option<Value>,
    frozen: usize,
}

/// An HTTP proxy in front of a hotline that can break its list answers.
pub struct Proxy {
    pub url: String,
    state: Arc<Mutex<ProxyState>>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ProxyState {
            upstream: upstream.to_owned(),
            target: "/api/v1/hashlist".into(),
            ..ProxyState::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        Proxy { url, state }
    }

    /// Breaks answers to paths starting with `prefix` instead of the hash list's.
    pub fn target(&self, prefix: &str) {
        self.state.lock().unwrap().target = prefix.to_owned();
    }

    /// Sends requests to another hotline from now on.
    pub fn retarget(&self, upstream: &str) {
        self.state.lock().unwrap().upstream = upstream.to_owned();
    }

    /// Breaks the next list answers, one fault each.
    pub fn inject(&self, faults: &[Fault]) {
        self.state.lock().unwrap().faults.extend(faults);
    }

    pub fn faults_left(&self) -> usize {
        self.state.lock().unwrap().faults.len()
    }

    /// Alters the next list pages of at least two changes, one alteration each.
    pub fn tamper(&self, tampers: &[Tamper]) {
        self.state.lock().unwrap().tampers.extend(tampers);
    }

    /// Answers the next `requests` list requests with the last answer passed on, as it
    /// was, instead of asking the hotline.
    pub fn freeze(&self, requests: usize) {
        self.state.lock().unwrap().frozen = requests;
    }

    pub fn frozen_left(&self) -> usize {
        self.state.lock().unwrap().frozen
    }

    /// Snapshot requests so far.
    pub fn snapshots(&self) -> usize {
        self.state.lock().unwrap().snapshots
    }

    pub fn tampers_left(&self) -> usize {
        self.state.lock().unwrap().tampers.len()
    }

    /// Holds each list answer back this long.
    pub fn slow_down(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    /// The `after` of every list request so far.
    pub fn afters(&self) -> Vec<i64> {
        self.state.lock().unwrap().afters.clone()
    }
}

/// Passes a snapshot on as bytes, flipping one in the middle if a `Tamper::SnapshotByte`
/// is queued; counts it in `snapshots`.
fn pass_snapshot(
    mut client: TcpStream,
    state: &Mutex<ProxyState>,
    path: &str,
    authorization: &str,
) -> std::io::Result<()> {
    let (upstream, tamper) = {
        let mut state = state.lock().unwrap();
        state.snapshots += 1;
        let tamper = state.tampers.front() == Some(&Tamper::SnapshotByte);
        if tamper {
            state.tampers.pop_front();
        }
        (state.upstream.clone(), tamper)
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let (status, mut body) = match agent
        .get(format!("{upstream}{path}"))
        .header("authorization", authorization)
        .call()
    {
        Ok(mut response) => (
            response.status().as_u16(),
            response
                .body_mut()
                .with_config()
                .limit(1 << 30)
                .read_to_vec()
                .unwrap_or_default(),
        ),
        Err(_) => (502, Vec::new()),
    };
    if tamper && body.len() > 2 {
        let middle = body.len() / 2;
        body[middle] ^= 0x10;
    }
    write!(
        client,
        "HTTP/1.1 {status} X\r\ncontent-type: application/vnd.takeback.snapshot\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    client.write_all(&body)?;
    client.flush()
}

/// `page` altered by `tamper`; its checkpoint left as the hotline signed it.
fn tampered(tamper: Tamper, mut page: Value, recorded: Value) -> Value {
    let changes = page["changes"].as_array_mut().unwrap();
    match tamper {
        Tamper::FlipHash => {
            let value = changes[0]["value"].as_str().unwrap().to_owned();
            let first = if value.starts_with('0') { "1" } else { "0" };
            changes[0]["value"] = json!(format!("{first}{}", &value[1..]));
        }
        Tamper::DropChange => {
            changes.remove(0);
            for change in changes.iter_mut() {
                change["seq"] = json!(change["seq"].as_i64().unwrap() - 1);
            }
            page["next"] = json!(page["next"].as_i64().unwrap() - 1);
        }
        Tamper::Reorder => {
            let (first, second) = (changes[0].clone(), changes[1].clone());
            changes[0] = json!({"seq": first["seq"], "op": second["op"], "id": second["id"],
                "algorithm": second["algorithm"], "value": second["value"],
                "quality": second["quality"], "verified": second["verified"]});
            changes[1] = json!({"seq": second["seq"], "op": first["op"], "id": first["id"],
                "algorithm": first["algorithm"], "value": first["value"],
                "quality": first["quality"], "verified": first["verified"]});
        }
        Tamper::Replay => return recorded,
        Tamper::SnapshotByte => {}
    }
    page
}

fn serve(mut client: TcpStream, state: &Mutex<ProxyState>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    let mut content_length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let (method, path) = (parts.next().unwrap_or("GET"), parts.next().unwrap_or("/"));
    let authorization = lines
        .find_map(|l| {
            l.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                .map(|(_, value)| value.trim().to_owned())
        })
        .unwrap_or_default();
    if path.starts_with("/api/v1/hashlist/snapshot") {
        return pass_snapshot(client, state, path, &authorization);
    }
    let is_list = path.starts_with("/api/v1/hashlist");
    let (upstream, fault, delay) = {
        let mut state = state.lock().unwrap();
        let fault = if path.starts_with(&state.target) {
            state.faults.pop_front()
        } else {
            None
        };
        if is_list
            && let Some(after) = path
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("after="))
                .and_then(|a| a.parse().ok())
        {
            state.afters.push(after);
        }
        (state.upstream.clone(), fault, state.delay)
    };
    if is_list {
        std::thread::sleep(delay);
    }
    let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
    let url = format!("{upstream}{path}");
    let (mut status, mut answer) = if fault == Some(Fault::Unavailable) {
        (
            503,
            br#"{"error":{"code":"unavailable","message":"down"}}"#.to_vec(),
        )
    } else {
        let token = (!token.is_empty()).then_some(token);
        let content_type = head
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                    .map(|(_, value)| value.trim().to_owned())
            })
            .unwrap_or_else(|| "application/json".into());
        let (status, mut value) = match method {
            "POST" => request("POST", &url, token, Some((&content_type, &body))),
            _ => request(method, &url, token, None),
        };
        if is_list && status == 200 {
            let mut state = state.lock().unwrap();
            match state.last_list.clone() {
                Some(last) if state.frozen > 0 => {
                    state.frozen -= 1;
                    value = last;
                }
                _ => state.last_list = Some(value.clone()),
            }
            let changes = value["changes"].as_array().map_or(0, Vec::len);
            if changes >= 2 {
                match state.recorded.clone() {
                    None => state.recorded = Some(value.clone()),
                    Some(recorded) => {
                        if let Some(tamper) = state.tampers.pop_front() {
                            value = tampered(tamper, value, recorded);
                        }
                    }
                }
            }
        }
        if status == 0 {
            (
                502,
                br#"{"error":{"code":"bad_gateway","message":"no hotline"}}"#.to_vec(),
            )
        } else {
            (status, serde_json::to_vec(&value).unwrap())
        }
    };
    let mut declared = answer.len();
    match fault {
        Some(Fault::Truncate) => answer.truncate(answer.len() / 2),
        Some(Fault::Corrupt) => {
            let text =
                String::from_utf8_lossy(&answer).replacen("\"value\":\"", "\"value\":\"z", 1);
            answer = text.into_bytes();
            declared = answer.len();
        }
        Some(Fault::Html) => {
            status = 200;
            answer = b"<html><body>502 Bad Gateway</body></html>".to_vec();
            declared = answer.len();
        }
        _ => {}
    }
    write!(
        client,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
    )?;
    client.write_all(&answer)?;
    client.flush()
}
