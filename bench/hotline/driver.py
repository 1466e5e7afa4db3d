"""Runs the hotline load benchmark: the real `takeback serve` on SQLite and on PostgreSQL,
loaded by hotline-load on loopback. Prints a markdown table and writes
bench/results/hotline.md and hotline.json.

Both the server and the load generator share this machine's cores, so the figures are a
lower bound for a server with the machine to itself.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import machine  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TAKEBACK = ROOT / "target" / "release" / "takeback"
LOAD = ROOT / "bench" / "target" / "release" / "hotline-load"
RESULTS = ROOT / "bench" / "results"


def psql(server_url, *statements):
    args = ["psql", server_url, "-v", "ON_ERROR_STOP=1", "-qAt"]
    for statement in statements:
        args += ["-c", statement]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def start_server(database, log_path):
    env = dict(os.environ)
    env.update(
        TAKEBACK_REPORTS_PER_SOURCE_PER_HOUR="0",  # one source (loopback) sends everything
        # The load is a flood by the service-wide brake's measure; measure listing, not holding.
        TAKEBACK_NEW_LISTINGS_PER_HOUR="0",
        TAKEBACK_EXACT_HASHES_PER_SOURCE_PER_HOUR="0",
        TAKEBACK_LOG_FORMAT="json",
    )
    log = open(log_path, "ab")
    server = subprocess.Popen(
        [str(TAKEBACK), "serve", "--listen", "127.0.0.1:0", "--database", database],
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
    )
    line = server.stdout.readline().decode().strip()
    prefix = "takeback hotline listening on "
    if not line.startswith(prefix):
        server.kill()
        raise SystemExit(f"the server did not start: {line!r}; see {log_path}")
    return server, line[len(prefix):]


def load(url, requests, seconds, concurrency, seed):
    out = subprocess.run(
        [str(LOAD), "--url", url, "--requests", str(requests), "--seconds", str(seconds),
         "--concurrency", str(concurrency), "--seed", str(seed)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get(
        "TAKEBACK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="takeback-hotline-bench-"))
    rows, raw = [], {}
    seed = int(time.time())
    for backend in args.backends.split(","):
        if backend == "sqlite":
            database = f"sqlite://{work / 'hotline.db'}"
            durability = "WAL, synchronous=FULL (fsync per commit)"
        else:
            psql(args.postgres, "DROP DATABASE IF EXISTS takeback_bench",
                 "CREATE DATABASE takeback_bench")
            database = args.postgres.rsplit("/", 1)[0] + "/takeback_bench"
            sync = psql(database, "SHOW synchronous_commit")
            fsync = psql(database, "SHOW fsync")
            if sync != "on" or fsync != "on":
                raise SystemExit(f"PostgreSQL is not durable: synchronous_commit={sync}, fsync={fsync}")
            durability = "synchronous_commit=on, fsync=on"
        server, address = start_server(database, work / f"{backend}.log")
        try:
            url = address
            load(url, 1000, 10, args.concurrency, seed)  # warm-up
            seed += 1
            single = load(url, 500, 10, 1, seed)
            seed += 1
            runs = []
            for _ in range(args.repeats):
                runs.append(load(url, args.requests, args.seconds, args.concurrency, seed))
                seed += 1
        finally:
            server.terminate()
            server.wait(timeout=30)
        raw[backend] = {"single_client": single, "runs": runs, "durability": durability}
        failed = sum(r["failed"] for r in runs)
        rows.append((
            "SQLite (embedded)" if backend == "sqlite" else "PostgreSQL 15 (loopback)",
            durability,
            statistics.median(r["reports_per_second"] for r in runs),
            statistics.median(r["p50_ms"] for r in runs),
            statistics.median(r["p99_ms"] for r in runs),
            single["p50_ms"],
            failed,
        ))
        print(f"{backend}: {json.dumps(raw[backend])}", file=sys.stderr)

    lines = [
        f"Hotline load: {args.concurrency} concurrent clients on loopback, up to "
        f"{args.requests} reports or {args.seconds:.0f} s per run, median of {args.repeats} runs; "
        "each report: PDQ + MD5 + SHA-256 and one URL; only 201 (committed) counts.",
        "",
        f"Machine: {machine.cpu_model()}, {os.cpu_count()} cores, {machine.memory_gib():.0f} GiB; "
        f"commit {machine.command_output(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}",
        "",
        "| database | durability | reports/s | p50 ms | p99 ms | p50 ms, one client | failed |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, durability, rps, p50, p99, single, failed in rows:
        lines.append(f"| {name} | {durability} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {single:.2f} | {failed} |")
    text = "\n".join(lines)
    print(text)
    (RESULTS / "hotline.md").write_text(text + "\n")
    (RESULTS / "hotline.json").write_text(json.dumps(raw, indent=2))
    if any(row[-1] for row in rows):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
