#!/usr/bin/env python3
"""Time to ready: a new `takeback matcher` loading a 10M-entry list from a real `takeback serve`,
from its signed snapshot (GET /api/v1/hashlist/snapshot) and page by page through the feed
(--no-snapshot), alternately, medians of three.

    bench/matcher/ready.py [--entries 10000000] [--repeats 3] [--snapshot-only]

Each repeat starts the hotline afresh and times three matchers in turn: the first partner to ask
for a snapshot, which the hotline reads from its database (keeping a copy of the entries), the
next partner, sent that copy signed afresh (as every partner within `snapshot_reuse_seconds` or
while the list is unchanged is), and one paging through the feed. For the snapshots it also
splits the time, from the two processes' logs: the hotline sending the snapshot (while the matcher
reads the stream: the two overlap), the matcher reading it, building its index, and writing its
state files.

The hotline's SQLite database is seeded once into bench/results/ready-data/ (a million entries a
minute or so) with listed PDQ entries, their feed changes and the feed's hash chain computed here
by the rule in takeback_wire::chain, as `takeback serve` would have written them; reports through
the API would measure the report writer for hours instead. Each matcher starts with an empty
state directory and the hotline's public key, and is ready when /readyz answers 200; its status
must then hold every entry at the feed's last position, with the signature checked. Needs the
release build (cargo build --release -p takeback); only the standard library.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "release" / "takeback"
RESULTS = ROOT / "bench" / "results"


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def value_of(i):
    return hashlib.sha256(f"ready {i}".encode()).hexdigest()


def seed(workdir, entries):
    """The database with `entries` listed PDQ entries; returns (url, partner key)."""
    db_path = workdir / "hotline.db"
    meta = workdir / "meta.json"
    if meta.exists() and json.loads(meta.read_text()).get("entries") == entries and db_path.exists():
        return f"sqlite://{db_path}", json.loads(meta.read_text())["key"]
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    url = f"sqlite://{db_path}"
    # Creates the database (migrated) and the partner.
    key = run([str(BINARY), "partner", "add", "bench", "--database", url])
    started = time.time()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    now = int(time.time() * 1000)
    head = bytes(32)
    batch = 200_000
    for first in range(1, entries + 1, batch):
        rows_entries, rows_changes = [], []
        for i in range(first, min(first + batch, entries + 1)):
            value = value_of(i)
            text = f"\n{i}\nadd\n{i}\npdq\n{value}\n90\n0\n".encode()
            head = hashlib.sha256(b"takeback feed v1\n" + head + text).digest()
            rows_entries.append((i, value, now, now))
            rows_changes.append((i, i, value, now, head.hex(), i))
        db.executemany(
            "INSERT INTO entries (id, algorithm, value, quality, state, verified, created_at, updated_at) "
            "VALUES (?, 'pdq', ?, 90, 'listed', 0, ?, ?)", rows_entries)
        db.executemany(
            "INSERT INTO list_changes (seq, op, entry_id, algorithm, value, quality, verified, at, chain, size) "
            "VALUES (?, 'add', ?, 'pdq', ?, 90, 0, ?, ?, ?)", rows_changes)
        print(f"  seeded {min(first + batch - 1, entries):,} entries", file=sys.stderr, flush=True)
    db.execute("UPDATE sequences SET last = ?, head = ?, size = ? WHERE name = 'list_changes'",
               (entries, head.hex(), entries))
    db.commit()
    db.execute("ANALYZE")
    db.close()
    print(f"seeded {entries:,} entries in {time.time() - started:.0f} s", file=sys.stderr)
    meta.write_text(json.dumps({"entries": entries, "key": key}))
    return url, key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, token=None):
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read()
    except OSError:
        return 0, b""


def serve(url, workdir):
    log = open(workdir / "serve.log", "w")
    child = subprocess.Popen([str(BINARY), "serve", "--database", url, "--listen", "127.0.0.1:0"],
                             stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    for _ in range(6000):
        text = (workdir / "serve.log").read_text()
        found = re.search(r"listening on http://([0-9.]+:[0-9]+)", text)
        if found:
            return child, "http://" + found.group(1)
        if child.poll() is not None:
            raise SystemExit("takeback serve stopped:\n" + text)
        time.sleep(0.1)
    raise SystemExit("takeback serve did not start")


def logged(path, message):
    """The fields of the last JSON log line of `path` with this message."""
    found = {}
    for line in Path(path).read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        fields = record.get("fields", record)
        if fields.get("message") == message:
            found = fields
    return found


def time_to_ready(hotline, key, public_key, entries, snapshot, workdir):
    """Seconds until a new matcher is ready, and where they went; `snapshot` is None to page
    through the feed."""
    state = workdir / "matcher-state"
    shutil.rmtree(state, ignore_errors=True)
    config = workdir / "matcher.toml"
    config.write_text(
        f'state_dir = "{state}"\nsync_interval_seconds = 3600\nrequest_timeout_seconds = 600\n'
        f"page_size = 10000\nmax_pages_per_sync = 100000\nuse_snapshot = {str(snapshot is not None).lower()}\n\n"
        f'[[hotline]]\nname = "hotline"\nurl = "{hotline}"\nkey = "{key}"\npublic_key = "{public_key}"\n')
    port = free_port()
    log = open(workdir / "matcher.log", "w")
    started = time.perf_counter()
    child = subprocess.Popen([str(BINARY), "matcher", "--config", str(config), "--listen", f"127.0.0.1:{port}"],
                             stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            status, _ = get(base + "/readyz")
            if status == 200:
                seconds = time.perf_counter() - started
                break
            if child.poll() is not None:
                raise SystemExit("takeback matcher stopped:\n" + (workdir / "matcher.log").read_text()[-3000:])
            if time.perf_counter() - started > 3600:
                raise SystemExit("not ready within an hour")
            time.sleep(0.05)
        _, body = get(base + "/v1/status")
        listed = json.loads(body)["lists"][0]
        checkpoint = listed.get("checkpoint") or {}
        if (listed["entries"], listed["cursor"], checkpoint.get("signature_checked")) != (entries, entries, True):
            raise SystemExit(f"the matcher is not holding the whole checked list: {listed}")
        split = {}
        if snapshot is not None:
            read = logged(workdir / "matcher.log", "read the hotline's snapshot of its whole list")
            installed = logged(workdir / "matcher.log", "the whole list was fetched and is in use")
            sent = logged(workdir / "serve.log", "sent a snapshot of the list")
            split = {
                "hotline_sends": sent.get("seconds"),
                "matcher_reads": read.get("read_seconds"),
                "matcher_indexes": read.get("index_seconds"),
                "matcher_writes_state": installed.get("write_seconds"),
            }
        return seconds, split
    finally:
        child.kill()
        child.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--snapshot-only", action="store_true", help="skip the feed's runs")
    args = parser.parse_args()
    if not BINARY.exists():
        raise SystemExit("build it first: cargo build --release -p takeback")
    workdir = RESULTS / "ready-data"
    url, key = seed(workdir, args.entries)
    times = {"first": [], "snapshot": [], "feed": []}
    splits = {"first": [], "snapshot": []}
    modes = ("first", "snapshot") if args.snapshot_only else ("first", "snapshot", "feed")
    for repeat in range(args.repeats):
        server, hotline = serve(url, workdir)
        try:
            _, body = get(hotline + "/api/v1/keys")
            public_key = json.loads(body)["keys"][0]["public_key"]
            for mode in modes:
                snapshot = None if mode == "feed" else mode
                seconds, split = time_to_ready(hotline, key, public_key, args.entries, snapshot, workdir)
                times[mode].append(seconds)
                if split:
                    splits[mode].append(split)
                print(f"run {repeat + 1}: {mode}: ready in {seconds:.1f} s {split or ''}", file=sys.stderr, flush=True)
        finally:
            server.kill()
            server.wait()
    snapshot = statistics.median(times["snapshot"])
    first = statistics.median(times["first"])

    def median_of(runs, name):
        values = [run[name] for run in runs if run.get(name) is not None]
        return f"{statistics.median(values):.1f} s" if values else "-"

    split_table = (
        f"\nWhere the snapshot's time goes (medians; the hotline sends while the matcher reads, so "
        f"those two overlap):\n\n| step | from the kept copy | the first, from the database |\n"
        f"|---|---|---|\n"
        + "".join(
            f"| {name.replace('_', ' ')} | {median_of(splits['snapshot'], name)} | "
            f"{median_of(splits['first'], name)} |\n"
            for name in ("hotline_sends", "matcher_reads", "matcher_indexes", "matcher_writes_state")
        )
    )
    snapshot_rows = (
        f"| signed snapshot, the kept copy (every partner but the first) | {snapshot:.1f} s | "
        f"{', '.join(f'{t:.1f}' for t in times['snapshot'])} |\n"
        f"| signed snapshot, the first partner after the hotline starts (read from its database) "
        f"| {first:.1f} s | {', '.join(f'{t:.1f}' for t in times['first'])} |\n"
    )
    if args.snapshot_only:
        report = (
            f"# Matcher: time to ready from the snapshot\n\n{args.entries:,} listed PDQ entries, "
            f"{os.cpu_count()} cores, median of {args.repeats}:\n\n"
            f"| how the first list is loaded | time to ready (median) | runs (s) |\n|---|---|---|\n"
            f"{snapshot_rows}{split_table}"
        )
        print(report)
        return
    feed = statistics.median(times["feed"])
    machine = f"{os.cpu_count()} cores"
    report = (
        f"# Matcher: time to ready\n\n"
        f"A new `takeback matcher` (empty state, the hotline's public key configured) following a "
        f"`takeback serve` on SQLite with {args.entries:,} listed PDQ entries, on loopback, {machine}, "
        f"median of {args.repeats} (alternating):\n\n"
        f"| how the first list is loaded | time to ready (median) | runs (s) |\n|---|---|---|\n"
        f"{snapshot_rows}"
        f"| the feed, page by page (10,000 changes a page, `--no-snapshot`) | {feed:.1f} s | "
        f"{', '.join(f'{t:.1f}' for t in times['feed'])} |\n\n"
        f"The snapshot is {feed / snapshot:.1f}x faster ({feed / first:.1f}x for the first partner). "
        f"All check the hotline's signature.\n"
        f"{split_table}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ready.md").write_text(report)
    (RESULTS / "ready.json").write_text(json.dumps({"entries": args.entries, "times": times, "splits": splits}))
    print(report)


if __name__ == "__main__":
    main()
