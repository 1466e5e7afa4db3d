"""Drives the takedown benchmark (see `run`): a website, an SMTP server and a webhook
receiver on loopback, `takeback serve` noticing and re-checking N reported addresses on
500 hosts, and the figures in REPORT.md and results.json.

Hosts are the loopback addresses 127.0.1.1, 127.0.1.2, ... (all of 127/8 is this
machine), so that each has its own contact: even ones by e-mail, odd ones by webhook.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import pathlib
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
import machine  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"takeback-benchmark-webhook-key!!").decode()


def png(width=320, height=240):
    """A benign generated picture (a pattern of rings), as PNG bytes."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            value = ((x - 160) ** 2 + (y - 120) ** 2) // 97 % 256
            rows += bytes((value, (x * 3) % 256, (y * 5) % 256))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))


class Website(ThreadingHTTPServer):
    """Serves the picture at every path until `removed` is set; then 404."""
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, picture):
        super().__init__(("0.0.0.0", 0), WebsiteHandler)
        self.picture = picture
        self.removed = False
        self.requests = 0


class WebsiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.requests += 1
        if self.server.removed:
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("content-type", "image/png")
        self.send_header("content-length", str(len(self.server.picture)))
        self.end_headers()
        self.wfile.write(self.server.picture)

    def log_message(self, *args):
        pass


class Receiver(ThreadingHTTPServer):
    """A partner's webhook: records each delivery's id and time."""
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.deliveries = []
        self.lock = threading.Lock()


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", "0")))
        with self.server.lock:
            self.server.deliveries.append((time.monotonic(), self.headers.get("webhook-id")))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve_in_thread(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=120) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def metric(base, name, labels=""):
    text = urllib.request.urlopen(f"{base}/metrics", timeout=60).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and labels in line and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"{field}:\s*(\d+)", f.read()).group(1))


def wait(what, condition, timeout):
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)
    return time.monotonic()


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--takeback", required=True)
    arguments.add_argument("--addresses", type=int, default=10_000)
    arguments.add_argument("--hosts", type=int, default=500)
    arguments.add_argument("--postgres")
    arguments.add_argument("--debug", action="store_true")
    options = arguments.parse_args()
    n, hosts = options.addresses, options.hosts
    work = pathlib.Path(tempfile.mkdtemp(prefix="takeback-takedown-bench-"))
    picture = png()
    site = serve_in_thread(Website(picture))
    receiver = serve_in_thread(Receiver())
    site_port = site.server_address[1]
    smtp_port = free_port()
    maildir = work / "mail"
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host_ips = [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(hosts)]
    contacts = []
    for i, ip in enumerate(host_ips):
        if i % 2 == 0:
            contacts.append(f'[[contact]]\nhost = "{ip}"\nemail = "abuse{i}@hosting.test"\n')
        else:
            contacts.append(f'[[contact]]\nhost = "{ip}"\nwebhook = "http://127.0.0.1:{receiver.server_address[1]}/notices"\n'
                            f'webhook_secret = "{SECRET}"\n')
    (work / "contacts.toml").write_text("\n".join(contacts))
    (work / "hotline.toml").write_text(
        f'[takedown]\ncontacts_file = "{work / "contacts.toml"}"\n'
        f'smtp_url = "smtp://127.0.0.1:{smtp_port}"\nnotice_from = "Bench <takedown@hotline.test>"\n'
        'first_recheck_after = "1s"\nrecheck_every = "1s"\nrenotice_after = "1d"\n'
        'escalate_after = "30d"\nallow_private_targets = true\nrdap_bootstrap_url = ""\n')
    if options.postgres:
        database = options.postgres.rsplit("/", 1)[0] + "/takeback_bench_takedown"
        subprocess.run(["psql", options.postgres, "-qc", "DROP DATABASE IF EXISTS takeback_bench_takedown"], check=True)
        subprocess.run(["psql", options.postgres, "-qc", "CREATE DATABASE takeback_bench_takedown"], check=True)
        backend = "PostgreSQL 15"
    else:
        database = f"sqlite://{work / 'hotline.db'}"
        backend = "SQLite"
    env = {**os.environ, "TAKEBACK_REPORTS_PER_SOURCE_PER_HOUR": "0", "TAKEBACK_LOG_FORMAT": "json"}
    log = open(work / "server.log", "w")
    server = subprocess.Popen([options.takeback, "serve", "--config", str(work / "hotline.toml"),
                               "--database", database, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=log, env=env, text=True)
    line = server.stdout.readline()
    base = line.strip().split(" listening on ")[1]
    analyst = subprocess.run([options.takeback, "analyst", "add", "bench", "--database", database],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"hotline at {base}, website on port {site_port}, {n} addresses on {hosts} hosts", file=sys.stderr)

    md5, sha256 = hashlib.md5(picture).hexdigest(), hashlib.sha256(picture).hexdigest()
    urls = [f"http://{host_ips[i % hosts]}:{site_port}/p/{i}.png" for i in range(n)]
    started = time.monotonic()
    for batch in range(0, n, 50):
        call("POST", f"{base}/api/v1/reports", body={
            "reporter": "young_person", "under_18": True, "consent_to_share": True,
            "hashes": [{"algorithm": "md5", "value": md5}, {"algorithm": "sha256", "value": sha256}],
            "urls": urls[batch:batch + 50]})
    reported = time.monotonic() - started
    ids, after = [], 0
    while True:
        page = call("GET", f"{base}/api/v1/analyst/urls?limit=1000&after={after}", analyst)
        if not page:
            break
        ids += [item["id"] for item in page]
        after = page[-1]["id"]
    assert len(ids) == n, f"{len(ids)} items for {n} addresses"

    def assess(item):
        call("POST", f"{base}/api/v1/analyst/urls/{item}/assessment", analyst, {"actionable": True})

    assess_start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(assess, ids))
    assess_end = time.monotonic()

    def emails():
        try:
            return len(os.listdir(maildir / "new"))
        except FileNotFoundError:
            return 0

    def delivered():
        return emails() + len(receiver.deliveries)

    noticed_at = wait("every notice", lambda: delivered() >= n, 1800)
    first_delivery = min(t for t, _ in receiver.deliveries) if receiver.deliveries else assess_start
    notices_per_second = n / (noticed_at - min(first_delivery, assess_end))
    notice_ids = {i for _, i in receiver.deliveries}

    # Every address due every second: the re-checks' steady rate while all are up.
    time.sleep(3)
    up_before, t0 = metric(base, "takeback_takedown_rechecks_total", 'found="up"'), time.monotonic()
    time.sleep(20)
    up_after, t1 = metric(base, "takeback_takedown_rechecks_total", 'found="up"'), time.monotonic()
    rechecks_up_per_second = (up_after - up_before) / (t1 - t0)
    rss_up = memory_kib(server.pid, "VmRSS")

    site.removed = True
    removed_start = time.monotonic()
    removed_at = wait("every address found removed",
                      lambda: call("GET", f"{base}/api/v1/analyst/stats/takedown", analyst)["counts"]["removed"] >= n, 1800)
    removal_per_second = n / (removed_at - removed_start)
    stats = call("GET", f"{base}/api/v1/analyst/stats/takedown", analyst)
    hwm = memory_kib(server.pid, "VmHWM")
    rss = memory_kib(server.pid, "VmRSS")
    server.terminate()
    server.wait()
    smtp.terminate()
    results = {
        "addresses": n, "hosts": hosts, "backend": backend,
        "build": "dev" if options.debug else "release",
        "reports_seconds": round(reported, 2),
        "assessments_per_second": round(n / (assess_end - assess_start), 1),
        "notices_per_second": round(notices_per_second, 1),
        "emails": emails(), "webhook_deliveries": len(receiver.deliveries),
        "webhook_notice_ids": len(notice_ids),
        "rechecks_up_per_second": round(rechecks_up_per_second, 1),
        "removal_rechecks_per_second": round(removal_per_second, 1),
        "website_requests": site.requests,
        "server_rss_mib_all_up": round(rss_up / 1024, 1),
        "server_rss_mib_end": round(rss / 1024, 1),
        "server_peak_rss_mib": round(hwm / 1024, 1),
        "median_seconds_from_notice_to_removal": stats["median_seconds_from_notice_to_removal"],
        "p90_seconds_from_notice_to_removal": stats["p90_seconds_from_notice_to_removal"],
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)
    print(json.dumps(results, indent=2))


def write_report(r):
    commit = machine.command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    command = "bench/takedown/run" + ("" if r["addresses"] == 10_000 else f" --addresses {r['addresses']}")
    lines = [
        "# Takedown benchmark",
        "",
        f"{r['addresses']:,} reported addresses on {r['hosts']} hosts (loopback addresses "
        "127.0.1.1 and up, one contact each: even hosts by e-mail through aiosmtpd, odd ones "
        "by signed webhook to a local receiver), one `takeback serve` "
        f"({r['build']} build, {r['backend']}) with `first_recheck_after` and `recheck_every` "
        "1 s, against a website on loopback (Python's threaded http.server) serving a "
        "320x240 PNG at every address, fingerprinted in memory at every re-check.",
        "",
        f"Command: `{command}`. Machine: {machine.cpu_model()}, {os.cpu_count()} cores "
        f"shared by the server, the website, the SMTP server and the driver, "
        f"{machine.memory_gib():.0f} GiB; commit {commit}.",
        "",
        "| | figure |",
        "|---|--:|",
        f"| assessments (8 analysts' requests in parallel) | {r['assessments_per_second']:,.1f} /s |",
        f"| notices delivered (first delivery to last) | {r['notices_per_second']:,.1f} /s |",
        f"| e-mails received / webhook deliveries (distinct ids) | {r['emails']:,} / "
        f"{r['webhook_deliveries']:,} ({r['webhook_notice_ids']:,}) |",
        f"| re-checks finding the picture up (steady, every address due each second) | "
        f"{r['rechecks_up_per_second']:,.1f} /s |",
        f"| re-checks after the website removed everything, until all `removed` | "
        f"{r['removal_rechecks_per_second']:,.1f} /s |",
        f"| median / p90 time from notice to removal (stats API) | "
        f"{r['median_seconds_from_notice_to_removal']} s / {r['p90_seconds_from_notice_to_removal']} s |",
        f"| server memory: with every address up / at the end / peak | "
        f"{r['server_rss_mib_all_up']} / {r['server_rss_mib_end']} / {r['server_peak_rss_mib']} MiB |",
        "",
        "No reference implementation exists to run beside it (the hotlines that send notices "
        "are closed systems); the figures are absolute.",
    ]
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
