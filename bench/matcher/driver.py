#!/usr/bin/env python3
"""Runs the matcher benchmark end to end; `bench/matcher/run` calls it with the venv's Python.

1. Data (data.py), generated once into RESULTS/matcher-data/: a 10M-entry hash list, the load
   generator's queries, about a thousand generated pictures of which some are listed.
2. Indexes: the reference's PDQIndex pickle (reference_index.py, once), Takeback's saved index
   (`takeback index build`, again whenever the binary changes).
3. Match by hash: starts `takeback matcher` twice (dihedral on, and --no-dihedral) and the
   reference server (gunicorn, HMA's stack) on free loopback ports, all three loaded with the
   same list, then runs matcher-load against each in turn, `--repeats` times (each run: warm-up,
   then `--seconds` measured), dihedral off and on; then one client alone for latency. Runs of
   the two systems alternate, so both see the same moments of a shared machine.
4. Bulk scan: `takeback scan` and reference_scan.py on the same pictures, dihedral off and on,
   alternating, `--scan-repeats` times; compares every side's matches with the expected ones and
   with each other.
5. Prints the markdown report and writes RESULTS/matcher.md and matcher.json.

With --reference-only, Takeback is neither built nor run (to test the reference side alone).
Exits non-zero if an answer is wrong (a query's match missing or unexpected, a non-200, a scan
that misses or adds matches against the expected ones, or the two scans disagree).
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))
import machine  # noqa: E402

sys.path.insert(0, HERE)
import data  # noqa: E402

TAKEBACK = os.path.join(ROOT, "target", "release", "takeback")
LOAD = os.path.join(ROOT, "bench", "target", "release", "matcher-load")
VENV_BIN = os.path.dirname(sys.executable)

# The targets.
TARGET_RPS = {"single": 15_000, "dihedral": 3_000}  # issue 21
TARGET_P99_MS = 10.0
TARGET_SCAN_RATIO = 3.0
HMA_ROADMAP_RPS = 4_000  # "proven up to 4000 images/sec" (ThreatExchange pdq/README.md)

MODES = ("single", "dihedral")
MODE_NAMES = {"single": "dihedral off", "dihedral": "dihedral on"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_pids(pid):
    """pid and its descendants."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            children = []
        pids += children
        frontier += children
    return pids


def pss_bytes(pid):
    """Proportional set size of a process tree: shared pages (a forked worker's copy of the
    index) counted once."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class Server:
    def __init__(self, name, command, env, log_path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [c.replace("{PORT}", str(self.port)) for c in command]
        self.log = open(log_path, "ab")
        self.started = time.perf_counter()
        # A process group of its own, so that stopping it stops gunicorn's workers too.
        self.process = subprocess.Popen(command, stdout=self.log, stderr=self.log, env=env,
                                        start_new_session=True)
        self.ready_s = None
        self.log_path = log_path

    def wait_ready(self, timeout=900):
        while time.perf_counter() - self.started < timeout:
            if self.process.poll() is not None:
                sys.exit(f"driver.py: {self.name} exited with status {self.process.returncode}; "
                         f"see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=5) as response:
                    if response.status == 200:
                        self.ready_s = time.perf_counter() - self.started
                        return self.ready_s
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        sys.exit(f"driver.py: {self.name} was not ready after {timeout} s; see {self.log_path}")

    def memory(self):
        return pss_bytes(self.process.pid)

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def run_load(server, queries, mode, args, concurrency, seconds, offset):
    command = [LOAD, "--url", server.url, "--queries", queries, "--mode", mode,
               "--concurrency", str(concurrency), "--warmup", str(args.warmup),
               "--seconds", str(seconds), "--threads", str(args.load_threads), "--offset", str(offset)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    log(f"  {server.name:<22} {MODE_NAMES[mode]:<13} c={concurrency:<3} {result['requests_per_second']:>9,.0f} req/s  "
        f"p50 {result['p50_ms'] or 0:7.2f} ms  p99 {result['p99_ms'] or 0:7.2f} ms  "
        f"non-200 {result['non_200']}  errors {result['errors']}  missed {result['missed']}  "
        f"unexpected {result['unexpected']}")
    return result


# ---------------------------------------------------------------------------------------------
# Scans


def read_scan_output(path):
    """{file name: {id: distance}} from a scan's JSON lines. Accepts one line per picture with
    `matches: [{id, distance}]`, or one line per match with `id` (and `distance`); the picture is
    `path` (or `file`)."""
    found = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            record = json.loads(line)
            name = os.path.basename(str(record.get("path") or record.get("file") or ""))
            matches = record.get("matches")
            if matches is None and "id" in record:
                matches = [record]
            for m in matches or []:
                entry = found.setdefault(name, {})
                entry[int(m["id"])] = m.get("distance")
    return found


def compare_scan(found, expected, mode):
    """Counts of a scan's matches against the expected ones."""
    want = {name: set(e[mode]) for name, e in expected.items() if e[mode]}
    missed = [(n, i) for n, ids in want.items() for i in ids if i not in found.get(n, {})]
    extra = [(n, i) for n, ids in found.items() for i in ids if i not in want.get(n, set())]
    return {"pictures_matched": len(found), "expected_pictures": len(want),
            "expected_matches": sum(len(ids) for ids in want.values()),
            "missed": len(missed), "extra": len(extra),
            "missed_examples": missed[:10], "extra_examples": extra[:10]}


def disagreements(a, b):
    """(file, id, distance on a, distance on b) where exactly one side matched."""
    out = []
    for name in sorted(set(a) | set(b)):
        ids_a, ids_b = a.get(name, {}), b.get(name, {})
        for i in sorted(set(ids_a) ^ set(ids_b)):
            out.append((name, i, ids_a.get(i), ids_b.get(i)))
    return out


def warm_page_cache(folder):
    total = 0
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as f:
            while chunk := f.read(1 << 20):
                total += len(chunk)
    return total


class ReferenceScanner:
    """reference_scan.py --serve: loads the index once, scans on request."""

    def __init__(self, scan_dir, list_path, index_path, log_path, processes, env):
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "reference_scan.py"), "--serve", "--list", list_path,
             "--index", index_path, "--processes", str(processes), scan_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        self.hello = json.loads(self.process.stdout.readline() or "null") or sys.exit(
            f"driver.py: reference_scan.py failed; see {log_path}")

    def scan(self, mode, output):
        self.process.stdin.write(f"{mode} {output}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit("driver.py: reference_scan.py stopped")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.log.close()


def takeback_scan(scan_dir, index_path, output, mode):
    command = [TAKEBACK, "scan", scan_dir, "--list", index_path, "--output", output, "--no-progress"]
    if mode == "single":
        command.append("--no-dihedral")
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"driver.py: takeback scan failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return {"wall_s": wall, "stderr_tail": completed.stderr[-500:]}


# ---------------------------------------------------------------------------------------------


def ensure_takeback_index(list_path, folder):
    """Takeback's saved index of the list, rebuilt when the list or the binary changes."""
    index_path = os.path.join(folder, "takeback.index")
    stamp_path = index_path + ".stamp"
    st_bin, st_list = os.stat(TAKEBACK), os.stat(list_path)
    stamp = f"{st_bin.st_size}:{st_bin.st_mtime_ns}:{st_list.st_size}:{st_list.st_mtime_ns}"
    if os.path.exists(index_path) and os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        return index_path, None
    log("Building Takeback's index of the list (takeback index build)")
    started = time.perf_counter()
    subprocess.run([TAKEBACK, "index", "build", list_path, "-o", index_path], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with open(stamp_path, "w") as f:
        f.write(stamp)
    return index_path, seconds


def ensure_reference_index(list_path, folder):
    index_path = os.path.join(folder, "reference-pdqindex.pickle")
    if data_reference_up_to_date(list_path, index_path):
        return index_path, None
    log("Building the reference's PDQIndex of the list and pickling it (once; a few minutes)")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, os.path.join(HERE, "reference_index.py"), "--list", list_path,
                          "--cache", index_path], check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    result["wall_s"] = time.perf_counter() - started
    return index_path, result


def data_reference_up_to_date(list_path, index_path):
    return os.path.exists(index_path) and os.path.getmtime(index_path) >= os.path.getmtime(list_path)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    global TAKEBACK
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    parser.add_argument("--data", help="the data folder (default: RESULTS/matcher-data)")
    parser.add_argument("--reference-only", action="store_true", help="run only the reference side")
    parser.add_argument("--takeback", default=TAKEBACK, help="the takeback binary (default: target/release/takeback)")
    parser.add_argument("--repeats", type=int, default=3, help="load runs per system and mode")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per load run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each run")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--load-threads", type=int, default=1, help="threads of the load generator")
    parser.add_argument("--single-client-seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=2, help="the reference's gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="the reference's gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--omp-threads", type=int, default=1,
                        help="OMP_NUM_THREADS for the reference's processes; 0 leaves it unset (FAISS then "
                             "starts one OpenMP thread per core in every worker)")
    parser.add_argument("--scan-repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count(), help="the reference scan's processes")
    parser.add_argument("--skip-load", action="store_true", help="no match-by-hash runs")
    parser.add_argument("--skip-scan", action="store_true", help="no bulk-scan runs")
    parser.add_argument("--list-size", type=int, default=10_000_000)
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--listed", type=int, default=48)
    parser.add_argument("--pngs", type=int, default=48)
    parser.add_argument("--queries", type=int, default=20_000)
    args = parser.parse_args()
    TAKEBACK = os.path.abspath(args.takeback)

    began = time.perf_counter()
    started_utc = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    systems = ["reference"] if args.reference_only else ["takeback", "reference"]
    os.makedirs(args.results, exist_ok=True)
    folder = os.path.abspath(args.data) if args.data else os.path.join(os.path.abspath(args.results), "matcher-data" if args.list_size == 10_000_000
                                       else f"matcher-data-{args.list_size}")
    meta = data.ensure(folder, args.list_size, args.images, args.listed, args.pngs, args.queries,
                       seed=1, processes=os.cpu_count())
    list_path = os.path.join(folder, "list.txt")
    scan_dir = os.path.join(folder, "scan")
    with open(os.path.join(folder, "expected.json")) as f:
        expected = json.load(f)
    work = tempfile.mkdtemp(prefix="takeback-matcher-bench-")
    log(f"Logs and scan outputs in {work}")

    reference_index_path, reference_build = ensure_reference_index(list_path, folder)
    takeback_index_path, takeback_build = (None, None)
    if "takeback" in systems:
        takeback_index_path, takeback_build = ensure_takeback_index(list_path, folder)

    env = dict(os.environ)
    reference_env = dict(env)
    if args.omp_threads:
        reference_env["OMP_NUM_THREADS"] = str(args.omp_threads)
    else:
        reference_env.pop("OMP_NUM_THREADS", None)
    environment = {
        "started_utc": started_utc,
        "command": " ".join(["bench/matcher/run"] + sys.argv[1:]),
        "cpu": machine.cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": machine.memory_gib(),
        "commit": machine.command_output(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "dirty": machine.command_output(["git", "-C", ROOT, "status", "--porcelain", "--", "crates"]) not in ("", "unknown"),
        "load_average_before": os.getloadavg()[0],
        "python": sys.version.split()[0],
        "packages": {p: machine.command_output([sys.executable, "-c", f"import importlib.metadata as m; print(m.version('{p}'))"])
                     for p in ("faiss-cpu", "threatexchange", "pdqhash", "pillow", "numpy", "flask", "flask-openapi3", "gunicorn", "pydantic")},
        "rustc": machine.command_output(["rustc", "--version"]),
        "data": meta,
        "reference_index_build": reference_build,
        "takeback_index_build_s": takeback_build,
        "settings": {k: getattr(args, k) for k in ("repeats", "seconds", "warmup", "concurrency", "load_threads",
                                                   "workers", "worker_class", "threads", "omp_threads", "scan_repeats", "processes")},
    }
    results = {"environment": environment, "load": {}, "scan": {}}

    # -- Match by hash ---------------------------------------------------------------------------
    if not args.skip_load:
        servers = {}
        try:
            if "takeback" in systems:
                for mode in MODES:
                    state = os.path.join(work, f"takeback-state-{mode}")
                    os.makedirs(state)
                    command = [TAKEBACK, "matcher", "--list", takeback_index_path, "--listen", "127.0.0.1:{PORT}",
                               "--state", state]
                    if mode == "single":
                        command.append("--no-dihedral")
                    servers[("takeback", mode)] = Server(f"takeback ({MODE_NAMES[mode]})", command, env,
                                                         os.path.join(work, f"takeback-{mode}.log"))
                    log(f"Starting takeback matcher, {MODE_NAMES[mode]}")
                    servers[("takeback", mode)].wait_ready()
            # One reference server for both modes: with REFERENCE_DIHEDRAL on, a request with
            # one hash looks up that hash alone, exactly as REFERENCE_DIHEDRAL=0 would; one
            # process of 10M entries saves a minute of loading and 5 GB.
            server_env = dict(reference_env, REFERENCE_LIST=list_path, REFERENCE_INDEX=reference_index_path,
                              REFERENCE_DIHEDRAL="1")
            command = [os.path.join(VENV_BIN, "gunicorn"), "--bind", "127.0.0.1:{PORT}", "--workers", str(args.workers),
                       "--worker-class", args.worker_class, "--threads", str(args.threads), "--preload",
                       "--chdir", HERE, "reference_server:create_app()"]
            log(f"Starting the reference server (gunicorn, {args.workers} {args.worker_class} workers; "
                "loading the 10M index takes a while)")
            reference = Server("reference (HMA stack)", command, server_env, os.path.join(work, "reference.log"))
            reference.wait_ready()
            for mode in MODES:
                servers[("reference", mode)] = reference
            ready = {f"{s}/{m}": servers[(s, m)].ready_s for s, m in servers}
            memory = {f"{s}/{m}": servers[(s, m)].memory() for s, m in servers}
            log(f"Ready after {ready} s; memory (PSS) {memory}")

            runs = {f"{s}/{m}": [] for s in systems for m in MODES}
            for repeat in range(args.repeats):
                for mode in MODES:
                    for system in systems:
                        queries = os.path.join(folder, f"queries-{mode}.tsv")
                        runs[f"{system}/{mode}"].append(run_load(
                            servers[(system, mode)], queries, mode, args, args.concurrency, args.seconds,
                            offset=repeat * 7000))
            single = {}
            for mode in MODES:
                for system in systems:
                    queries = os.path.join(folder, f"queries-{mode}.tsv")
                    single[f"{system}/{mode}"] = run_load(servers[(system, mode)], queries, mode, args, 1,
                                                          args.single_client_seconds, offset=3000)
            memory_after = {f"{s}/{m}": servers[(s, m)].memory() for s, m in servers}
        finally:
            for server in set(servers.values()) | ({reference} if "reference" in locals() else set()):
                server.stop()
        results["load"] = {"ready_s": ready, "memory_bytes": memory, "memory_after_bytes": memory_after,
                           "runs": runs, "single_client": single}

    # -- Bulk scan -------------------------------------------------------------------------------
    if not args.skip_scan:
        log(f"Reading the {meta['pictures']} pictures once, so that both scans find them in the page cache")
        warm_page_cache(scan_dir)
        log("Loading the reference scan's index")
        scanner = ReferenceScanner(scan_dir, list_path, reference_index_path, os.path.join(work, "reference-scan.log"),
                                   args.processes, reference_env)
        scans = {f"{s}/{m}": [] for s in systems for m in MODES}
        found = {}
        # One small picture: `takeback scan` on it is start-up plus loading the list.
        empty = os.path.join(work, "one-picture")
        os.makedirs(empty)
        data.synthesise(7, (320, 240)).save(os.path.join(empty, "one.jpg"), quality=90)
        takeback_load = []
        try:
            for repeat in range(args.scan_repeats):
                if "takeback" in systems:
                    # The same command on a folder of one small picture: start-up and loading the list.
                    takeback_load.append(takeback_scan(empty, takeback_index_path,
                                                       os.path.join(work, "empty.jsonl"), "dihedral")["wall_s"])
                for mode in MODES:
                    for system in systems:
                        output = os.path.join(work, f"scan-{system}-{mode}-{repeat}.jsonl")
                        if system == "takeback":
                            result = takeback_scan(scan_dir, takeback_index_path, output, mode)
                            result["images"] = meta["pictures"]
                            result["load_s"] = takeback_load[-1]
                            result["scan_s"] = max(result["wall_s"] - takeback_load[-1], 1e-9)
                            result["images_per_second"] = meta["pictures"] / result["scan_s"]
                        else:
                            result = scanner.scan(mode, output)
                            if result["errors"]:
                                sys.exit(f"driver.py: the reference scan could not read a picture: {result['first_error']}")
                        result["check"] = compare_scan(read_scan_output(output), expected, mode)
                        if repeat == 0:
                            found[f"{system}/{mode}"] = read_scan_output(output)
                        scans[f"{system}/{mode}"].append(result)
                        log(f"  scan {system:<9} {MODE_NAMES[mode]:<13} {result['images_per_second']:7.1f} images/s "
                            f"({result['scan_s']:.1f} s)  missed {result['check']['missed']}  extra {result['check']['extra']}")
        finally:
            scanner.close()
        agreement = {}
        if "takeback" in systems:
            for mode in MODES:
                agreement[mode] = disagreements(found[f"takeback/{mode}"], found[f"reference/{mode}"])
        results["scan"] = {"runs": scans, "reference_load_s": scanner.hello["load_s"],
                           "takeback_load_s": takeback_load, "disagreements": agreement}

    environment["minutes"] = (time.perf_counter() - began) / 60
    environment["load_average_after"] = os.getloadavg()[0]
    with open(os.path.join(args.results, "matcher.json"), "w") as f:
        json.dump(results, f, indent=2)
    text, failures = render(results, systems, args)
    print(text)
    with open(os.path.join(args.results, "matcher.md"), "w") as f:
        f.write(text + "\n")
    shutil.rmtree(work, ignore_errors=True) if not failures else log(f"Kept {work} for inspection")
    if failures:
        sys.exit("driver.py: " + "; ".join(failures))


# ---------------------------------------------------------------------------------------------
# Report


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def fmt_ms(value):
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def render(results, systems, args):
    e = results["environment"]
    d = e["data"]
    failures = []
    names = {"takeback": "Takeback", "reference": "Reference (HMA stack)"}
    lines = [
        "# Matcher benchmark: `takeback matcher` and `takeback scan` against HMA's stack",
        "",
        f"Run {e['started_utc']} with `{e['command']}` ({e['minutes']:.0f} minutes). Machine: {e['cpu']}, "
        f"{e['cpus']} CPUs, {e['memory_gib']:.0f} GiB (load average {e['load_average_before']:.1f} before, "
        f"{e['load_average_after']:.1f} after). Takeback {e['commit']}"
        + (" with uncommitted changes in crates/" if e["dirty"] else "") + f", {e['rustc']}. Reference: "
        + ", ".join(f"{p} {v}" for p, v in e["packages"].items()) + f", Python {e['python']}.",
        "",
        f"Data: a list of {d['params']['list_size']:,} PDQ hashes ({d['listed']} of them hashes of listed pictures, "
        f"the rest uniformly random); {d['params']['queries']:,} queries per mode, 10% of them a listed hash with 0–12 "
        f"bits flipped; {d['pictures']} generated pictures ({d['jpeg']} JPEG, {d['png']} PNG; {d['megapixels']:.0f} "
        f"megapixels, {d['scan_bytes'] / 1e6:.0f} MB), of which {d['listed']} are listed and {d['listed']} are "
        "rotated, mirrored or shrunk copies of those.",
        "",
    ]
    summary = []
    load = results.get("load")
    if load:
        s = e["settings"]
        lines += [
            "## Match by hash",
            "",
            f"`POST /v1/match` on loopback, {s['concurrency']} keep-alive connections in a closed loop (the "
            f"reference's gunicorn sync workers close each connection after answering: the client reconnects), "
            f"{s['warmup']:.0f} s warm-up then {s['seconds']:.0f} s measured, median of {s['repeats']} runs; the runs of "
            f"the two systems alternate. \"One client\": a single connection, {args.single_client_seconds:.0f} s. "
            "Dihedral off: one hash a request, `takeback matcher --no-dihedral`; on: the eight orientations a "
            f"request. Reference: gunicorn, {s['workers']} {s['worker_class']} workers"
            + (f" × {s['threads']} threads" if s["threads"] > 1 else "") + ". The load generator (1 thread) "
            "runs on the same 2 cores as the server.",
            "",
            "| Dihedral | System | Requests/s | p50 ms | p90 ms | p99 ms | max ms | p50 ms, one client | Ready after s | Memory (PSS) GB | Answers checked | Wrong or failed |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for mode in MODES:
            for system in systems:
                key = f"{system}/{mode}"
                runs = load["runs"][key]
                one = load["single_client"][key]
                wrong = sum(r["missed"] + r["unexpected"] + r["non_200"] + r["errors"] + r["unparsable"]
                            for r in runs + [one])
                checked = sum(r["requests"] for r in runs + [one])
                if wrong:
                    failures.append(f"{key}: {wrong} wrong or failed answers")
                if any(r["requests"] == 0 for r in runs + [one]):
                    failures.append(f"{key}: a run got no answer in time")
                lines.append(
                    f"| {MODE_NAMES[mode].split()[1]} | {names[system]} | {fmt(median(r['requests_per_second'] for r in runs))} "
                    f"| {fmt_ms(median(r['p50_ms'] for r in runs))} | {fmt_ms(median(r['p90_ms'] for r in runs))} "
                    f"| {fmt_ms(median(r['p99_ms'] for r in runs))} | {fmt_ms(median(r['max_ms'] for r in runs))} "
                    f"| {fmt_ms(one['p50_ms'])} | {fmt(load['ready_s'][key], 1)} "
                    f"| {load['memory_after_bytes'][key] / 1e9:.2f} | {checked:,} | {wrong} |")
        lines += [""]
        for mode in MODES:
            t = {sys_: median(r["requests_per_second"] for r in load["runs"][f"{sys_}/{mode}"]) for sys_ in systems}
            p99 = {sys_: median(r["p99_ms"] for r in load["runs"][f"{sys_}/{mode}"]) for sys_ in systems}
            ours, p99_ours = t.get("takeback"), p99.get("takeback")
            summary.append((f"Match by hash, {MODE_NAMES[mode]}: requests/s", ours, t["reference"],
                            f"≥ {TARGET_RPS[mode]:,}", None if ours is None else ours >= TARGET_RPS[mode], 0))
            summary.append((f"Match by hash, {MODE_NAMES[mode]}: p99 ms", p99_ours, p99["reference"],
                            f"< {TARGET_P99_MS:.0f}", None if p99_ours is None else p99_ours < TARGET_P99_MS, 2))
    scan = results.get("scan")
    if scan:
        lines += [
            "## Bulk scan",
            "",
            f"Decode, PDQ-hash and match every picture of the folder (in the page cache) against the same list, on all "
            f"{e['cpus']} cores, and write the matches; median of {e['settings']['scan_repeats']} runs, alternating. "
            "Reference: python-threatexchange's `pdq_from_file` (Pillow, numpy, `pdqhash.compute`; "
            "`compute_dihedral` with dihedral on) and `PDQIndex.query`, in a multiprocessing pool of "
            f"{e['settings']['processes']} processes forked after loading the index. Images/s leave out loading "
            "the list: the reference's PDQIndex pickle once per process "
            f"({fmt(scan['reference_load_s'], 1)} s), Takeback's saved index per run (the wall time of the same "
            "`takeback scan` on a folder of one small picture"
            + (f", median {fmt(median(scan['takeback_load_s']), 2)} s" if scan["takeback_load_s"] else "") + ", subtracted).",
            "",
            "| Dihedral | System | Images/s | Seconds | Pictures matched | Expected matches | Missed | Extra |",
            "|---|---|--:|--:|--:|--:|--:|--:|",
        ]
        for mode in MODES:
            for system in systems:
                key = f"{system}/{mode}"
                runs = scan["runs"][key]
                check = runs[0]["check"]
                bad = sum(r["check"]["missed"] + r["check"]["extra"] for r in runs)
                if bad:
                    failures.append(f"scan {key}: {bad} missed or extra matches")
                lines.append(
                    f"| {MODE_NAMES[mode].split()[1]} | {names[system]} | {fmt(median(r['images_per_second'] for r in runs), 1)} "
                    f"| {fmt(median(r['scan_s'] for r in runs), 1)} | {check['pictures_matched']} "
                    f"| {check['expected_matches']} | {check['missed']} | {check['extra']} |")
            rate = {sys_: median(r["images_per_second"] for r in scan["runs"][f"{sys_}/{mode}"]) for sys_ in systems}
            ratio = rate["takeback"] / rate["reference"] if rate.get("takeback") and rate["reference"] else None
            summary.append((f"Bulk scan, {MODE_NAMES[mode]}: images/s", rate.get("takeback"), rate["reference"],
                            f"≥ {TARGET_SCAN_RATIO:.0f}× reference", None if ratio is None else ratio >= TARGET_SCAN_RATIO, 1))
        lines += [""]
        for mode, rows in scan["disagreements"].items():
            if rows:
                failures.append(f"scan {mode}: the two systems disagree on {len(rows)} matches")
                lines.append(f"Disagreements, {MODE_NAMES[mode]} (file, id, Takeback's distance, the reference's): "
                             + "; ".join(f"{n} {i} {a} {b}" for n, i, a, b in rows[:20]))
            else:
                lines.append(f"{MODE_NAMES[mode].capitalize()}: both scans found exactly the same matches.")
        lines += [""]

    table = ["## Summary", "",
             "| Measure | Takeback | Reference (HMA stack) | Takeback / reference | Target (issue) | Met |",
             "|---|--:|--:|--:|---|---|"]
    for name, ours, theirs, target, met, digits in summary:
        ratio = "–" if not ours or not theirs else (f"{ours / theirs:,.1f}×" if "p99" not in name else f"{ours / theirs:.2f}×")
        shown = fmt_ms if "p99" in name else (lambda v, dg=digits: fmt(v, dg))
        table.append(f"| {name} | {shown(ours)} | {shown(theirs)} | {ratio} | {target} | "
                     f"{'–' if met is None else ('yes' if met else '**no**')} |")
    table += ["", f"HMA's own figure for its FAISS matching: \"proven up to {HMA_ROADMAP_RPS:,} images/sec\" "
              "(ThreatExchange pdq/README.md).", ""]
    if failures:
        table = ["**CHECK FAILED**: " + "; ".join(failures), ""] + table
    return "\n".join(lines[:6] + table + lines[6:]).rstrip(), failures


if __name__ == "__main__":
    main()
