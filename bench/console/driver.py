"""Drives the console benchmark (see `run`): a hotline database seeded with 100,000 cases
and 1,000,000 list entries (and takedown items, feedback, the audit log), `takeback serve`
on it, a signed-in analyst (an admin), and each console page requested many times in turn;
the figures are each page's median and 99th percentile answer time, on SQLite and on
PostgreSQL. Issue 18 asks for under 50 ms at the 99th percentile.

Seeding goes straight into the tables with SQL (a recursive CTE on SQLite,
generate_series on PostgreSQL) after `takeback analyst add` has created the schema: making
a million entries through the API would take hours and measure the writer, not the console.
"""

import argparse
import json
import os
import pathlib
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
import machine  # noqa: E402

DAY_MS = 86_400_000


def seed_sql(engine, cases, entries, items, now_ms):
    """Statements that fill a migrated database. Entry i is reported by case i % cases; the
    last 300 entries are held (250) or suspended (50), the rest listed; one list change per
    entry; a takedown item per `cases // items` cases; 50,000 audit rows; feedback from
    three partners on every 100th entry. Times spread over the last 90 days."""
    if engine == "sqlite":
        series = lambda n: f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"
        hexval = "printf('%064x', i)"
        case_id = lambda expr: f"printf('%04d-%04d-%04d', ({expr}) / 100000000, (({expr}) / 10000) % 10000, ({expr}) % 10000)"
        text = lambda expr: f"CAST({expr} AS TEXT)"
    else:
        series = lambda n: f"SELECT i FROM generate_series(1::bigint, {n}) AS s(i)"
        hexval = "lpad(to_hex(i), 64, '0')"
        case_id = lambda expr: f"lpad((({expr}) / 100000000)::text, 4, '0') || '-' || lpad(((({expr}) / 10000) % 10000)::text, 4, '0') || '-' || lpad((({expr}) % 10000)::text, 4, '0')"
        text = lambda expr: f"({expr})::text"
    span = 90 * DAY_MS
    held_from = entries - 300
    return [
        f"INSERT INTO partners (name, key_hash, created_at) VALUES ('Partner A', 'a', {now_ms - span}), ('Partner B', 'b', {now_ms - span}), ('Partner C', 'c', {now_ms - span})",
        f"INSERT INTO cases (id, secret_hash, reporter, state, created_at) SELECT {case_id('i')}, 'x', CASE WHEN i % 3 = 0 THEN 'trusted_adult' ELSE 'young_person' END, CASE WHEN i % 50 = 0 THEN 'withdrawn' ELSE 'open' END, {now_ms} - (i * {span // cases}) FROM ({series(cases)}) AS s",
        f"INSERT INTO entries (algorithm, value, quality, state, verified, reason, created_at, updated_at) SELECT 'pdq', {hexval}, 90, CASE WHEN i > {held_from + 50} THEN 'held' WHEN i > {held_from} THEN 'suspended' ELSE 'listed' END, 0, CASE WHEN i > {held_from + 50} THEN 'hold_for_analyst' WHEN i > {held_from} THEN 'false_positives' ELSE NULL END, {now_ms} - (({entries} - i) * {span // entries}), {now_ms} - (({entries} - i) * {span // entries}) FROM ({series(entries)}) AS s",
        f"INSERT INTO case_hashes (case_id, entry_id) SELECT {case_id(f'(i % {cases}) + 1')}, i FROM ({series(entries)}) AS s",
        f"INSERT INTO list_changes (seq, op, entry_id, algorithm, value, quality, verified, at) SELECT i, 'add', i, 'pdq', {hexval}, 90, 0, {now_ms} - (({entries} - i) * {span // entries}) FROM ({series(held_from)}) AS s",
        f"UPDATE sequences SET last = {held_from} WHERE name = 'list_changes'",
        f"INSERT INTO feedback (entry_id, partner_id, matched, removed, blocked_upload, false_positive, last_false_positive_at) SELECT i * 100, p.id, 3, 2, 1, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, {now_ms} FROM ({series(entries // 100)}) AS s CROSS JOIN partners p",
        f"INSERT INTO takedown_items (url, host, state, first_reported_at, last_reported_at, state_changed_at, first_notice_at, removed_at) SELECT 'https://host' || {text(f'i % 500')} || '.example/p/' || {text('i')}, 'host' || {text(f'i % 500')} || '.example', CASE WHEN i % 10 = 0 THEN 'reported' WHEN i % 10 = 1 THEN 'escalated' WHEN i % 10 < 5 THEN 'notice_sent' ELSE 'removed' END, {now_ms} - (i * {span // items}), {now_ms} - (i * {span // items}), {now_ms} - (i * {span // items}), {now_ms} - (i * {span // items}) + 3600000, CASE WHEN i % 10 >= 5 THEN {now_ms} - (i * {span // items}) + (i % 72) * 3600000 ELSE NULL END FROM ({series(items)}) AS s",
        f"INSERT INTO takedown_links (case_id, item_id, reported_url, state, linked_at) SELECT {case_id(f'(i * {cases // items}) % {cases} + 1')}, i, 'https://host' || {text(f'i % 500')} || '.example/p/' || {text('i')}, 'open', {now_ms} - (i * {span // items}) FROM ({series(items)}) AS s",
        f"INSERT INTO audit_log (at, actor_kind, actor, action, subject, detail) SELECT {now_ms} - (i * {span // 50000}), 'analyst', CASE WHEN i % 2 = 0 THEN 'alice' ELSE 'bob' END, CASE WHEN i % 3 = 0 THEN 'decision' ELSE 'entry_read' END, 'entry ' || {text('i')}, NULL FROM ({series(50000)}) AS s",
    ]


BINARY = [ROOT / "target" / "release" / "takeback"]


def takeback_binary():
    return BINARY[0]


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def seed(engine, url, sqlite_path, args):
    now_ms = int(time.time() * 1000)
    token = run([str(takeback_binary()), "analyst", "add", "bench", "--role", "admin", "--database", url]).stdout.strip()
    statements = seed_sql(engine, args.cases, args.entries, args.items, now_ms)
    started = time.time()
    if engine == "sqlite":
        db = sqlite3.connect(sqlite_path)
        for statement in statements:
            db.execute(statement)
        db.commit()
        db.execute("ANALYZE")
        db.close()
    else:
        script = ";\n".join(statements) + ";\nANALYZE;\n"
        run(["psql", "-v", "ON_ERROR_STOP=1", "-q", url], input=script)
    return token, time.time() - started


class Session:
    """A signed-in browser without redirects followed."""

    def __init__(self, base, token):
        self.base = base
        self.cookie = None
        opener = urllib.request.build_opener(NoRedirect)
        self.opener = opener
        body = urllib.parse.urlencode({"token": token}).encode()
        request = urllib.request.Request(base + "/console/sign-in", data=body, method="POST",
                                         headers={"content-type": "application/x-www-form-urlencoded"})
        try:
            opener.open(request)
        except urllib.error.HTTPError as answer:
            cookie = answer.headers.get("set-cookie", "")
            self.cookie = cookie.split(";")[0]
        if not self.cookie:
            raise SystemExit("could not sign in")

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"cookie": self.cookie})
        started = time.perf_counter()
        try:
            with self.opener.open(request) as answer:
                body = answer.read()
                status = answer.status
        except urllib.error.HTTPError as answer:
            body = answer.read()
            status = answer.code
        return status, (time.perf_counter() - started) * 1000, body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def serve(url, workdir):
    log = open(workdir / "serve.log", "w")
    child = subprocess.Popen([str(takeback_binary()), "serve", "--database", url, "--listen", "127.0.0.1:0"],
                             stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    # Up to 20 minutes: at start the server chains the seeded feed changes (issue 19).
    for _ in range(12000):
        text = (workdir / "serve.log").read_text()
        found = re.search(r"listening on (?:http://)?([0-9.]+:[0-9]+)", text) or re.search(r"\b(127\.0\.0\.1:[0-9]+)", text)
        if found:
            return child, "http://" + found.group(1)
        if child.poll() is not None:
            raise SystemExit("takeback serve stopped:\n" + text)
        time.sleep(0.1)
    raise SystemExit("takeback serve did not start")


def pages(args, entries):
    held = entries  # the last entries are the held ones
    return [
        ("sign-in form", "/console"),
        ("dashboard", "/console/dashboard"),
        ("review queue", "/console/queue"),
        ("entry (held)", f"/console/entries/{held}"),
        ("addresses", "/console/addresses"),
        ("addresses, to assess", "/console/addresses?state=assess"),
        ("address", "/console/addresses/1"),
        ("cases (form)", "/console/cases"),
        ("case", "/console/cases/0000-0000-0007"),
        ("audit log", "/console/audit"),
        ("audit log, filtered", "/console/audit?actor=alice&action=decision"),
        ("audit log, one case", "/console/audit?subject=0000-0000-0007"),
        ("partners", "/console/partners"),
        ("analysts", "/console/analysts"),
    ]


def measure(engine, url, sqlite_path, args, workdir):
    token, seconds = seed(engine, url, sqlite_path, args)
    child, base = serve(url, workdir)
    try:
        session = Session(base, token)
        rows = []
        for name, path in pages(args, args.entries):
            status, _, _ = session.get(path)
            if status == 404:
                rows.append({"page": name, "path": path, "status": 404})
                continue
            for _ in range(args.warmup):
                session.get(path)
            times = []
            for _ in range(args.requests):
                status, ms, _ = session.get(path)
                times.append(ms)
            times.sort()
            rows.append({"page": name, "path": path, "status": status,
                         "median_ms": round(statistics.median(times), 2),
                         "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                         "max_ms": round(times[-1], 2)})
        return {"engine": engine, "seed_seconds": round(seconds, 1), "pages": rows}
    finally:
        child.terminate()
        child.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("TAKEBACK_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL server's URL (its database is replaced by a fresh one)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "console.json"))
    parser.add_argument("--binary", default=str(BINARY[0]))
    args = parser.parse_args()
    BINARY[0] = pathlib.Path(args.binary).resolve()
    results = {"machine": {"cpu": machine.cpu_model(), "memory_gib": round(machine.memory_gib(), 1),
                           "commit": machine.command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
                           "load_before": os.getloadavg()},
               "settings": {k: v for k, v in vars(args).items() if k != "postgres"}, "runs": []}
    with tempfile.TemporaryDirectory() as temp:
        workdir = pathlib.Path(temp)
        for engine in args.engines.split(","):
            if engine == "sqlite":
                path = workdir / "console.db"
                results["runs"].append(measure("sqlite", f"sqlite://{path}", path, args, workdir))
            elif engine == "postgres":
                if not args.postgres:
                    raise SystemExit("--postgres URL (or TAKEBACK_TEST_POSTGRES_URL) is needed")
                admin = args.postgres
                run(["psql", "-q", admin, "-c", "DROP DATABASE IF EXISTS takeback_console_bench"])
                run(["psql", "-q", admin, "-c", "CREATE DATABASE takeback_console_bench"])
                url = re.sub(r"/[^/?]*(\?|$)", r"/takeback_console_bench\1", admin.split("://", 1)[1], count=1)
                url = admin.split("://", 1)[0] + "://" + url
                results["runs"].append(measure("postgres", url, None, args, workdir))
    for run_ in results["runs"]:
        print(f"\n{run_['engine']} (seeded in {run_['seed_seconds']} s)")
        print(f"{'page':<22} {'status':>6} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
        for row in run_["pages"]:
            print(f"{row['page']:<22} {row['status']:>6} {row.get('median_ms', '-'):>10} {row.get('p99_ms', '-'):>8} {row.get('max_ms', '-'):>8}")
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
