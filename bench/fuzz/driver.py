"""Runs the fuzz targets one after another and writes bench/fuzz/REPORT.md.

Called by bench/fuzz/run (see there). Each run's figures go into bench/fuzz/results.json,
keyed by target, so that running some targets again keeps the others' rows; REPORT.md is
made from it.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from machine import command_output, cpu_model, memory_gib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = ROOT / "bench" / "fuzz"
RESULTS = HERE / "results.json"
WORK = ROOT / "bench" / "results" / "fuzz"
# libFuzzer's options for every run: a crash is an input using more than 2 GiB or
# taking more than 10 s; the final statistics give executions and peak memory.
LIMITS = ["-rss_limit_mb=2048", "-timeout=10"]


def targets():
    """The targets' names, from fuzz/Cargo.toml."""
    text = (ROOT / "fuzz" / "Cargo.toml").read_text()
    return re.findall(r'^name = "([a-z_]+)"', text, re.M)


def cargo_fuzz(*args):
    return ["cargo", "+nightly", "fuzz", *args]


def run(target, seconds):
    """Fuzzes one target; its figures."""
    work = WORK / "corpus" / target
    work.mkdir(parents=True, exist_ok=True)
    corpus = ROOT / "fuzz" / "corpus" / target
    options = [f"-max_total_time={seconds}", *LIMITS, "-print_final_stats=1"]
    command = cargo_fuzz("run", target, str(work.relative_to(ROOT)),
                         str(corpus.relative_to(ROOT)), "--", *options)
    log_path = WORK / f"{target}.log"
    print(f"{target}: fuzzing for {seconds} s (log: {log_path})", file=sys.stderr, flush=True)
    started = time.monotonic()
    with open(log_path, "w") as log:
        status = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    elapsed = time.monotonic() - started
    log = log_path.read_text(errors="replace")
    figures = parse(log)
    artifacts = re.findall(r"Test unit written to (\S+)", log)
    finding = None
    if status != 0 or artifacts:
        kind = re.search(r"ERROR: libFuzzer: ([a-z-]+)|==\d+==ERROR: AddressSanitizer: ([a-z-]+)"
                         r"|(panicked at [^\n]*)", log)
        finding = {
            "what": next((g for g in kind.groups() if g), "unknown") if kind else f"exit {status}",
            "input": artifacts[-1] if artifacts else None,
            "reproduce": " ".join(cargo_fuzz("run", target, artifacts[-1])) if artifacts else None,
        }
    return {
        "target": target,
        "seconds": round(elapsed),
        "asked_seconds": seconds,
        **figures,
        "committed_corpus": corpus_size(corpus),
        "finding": finding,
        "command": "cd fuzz/.. && TMPDIR=/dev/shm " + " ".join(
            cargo_fuzz("run", target, f"bench/results/fuzz/corpus/{target}", f"fuzz/corpus/{target}",
                       "--", *options)),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
    }


def parse(log):
    """Executions, coverage, corpus and memory from libFuzzer's output."""
    figures = {}
    stats = dict(re.findall(r"^stat::(\w+):\s+(\d+)", log, re.M))
    lines = re.findall(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", log, re.M)
    if lines:
        last = lines[-1]
        figures.update(executions=int(last[0]), cov=int(last[2]), ft=int(last[3]),
                       corpus_units=int(last[4]), corpus_bytes=last[5])
    if "number_of_executed_units" in stats:
        figures["executions"] = int(stats["number_of_executed_units"])
    for key in ("average_exec_per_sec", "peak_rss_mb", "new_units_added", "slowest_unit_time_sec"):
        if key in stats:
            figures[key] = int(stats[key])
    return figures


def corpus_size(path):
    files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def commit():
    head = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return head + ("+changes" if dirty not in ("", "unknown") else "")


def merge(target):
    """Folds the work corpus into fuzz/corpus/<target>: the smallest set of inputs that
    keeps every feature either had (libFuzzer's set-cover merge)."""
    corpus = ROOT / "fuzz" / "corpus" / target
    work = WORK / "corpus" / target
    with tempfile.TemporaryDirectory(dir=WORK) as fresh:
        command = cargo_fuzz("run", target, fresh, str(corpus), str(work), "--",
                             "-merge=1", "-set_cover_merge=1", *LIMITS)
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(corpus)
        shutil.copytree(fresh, corpus)
    size = corpus_size(corpus)
    print(f"{target}: {size['files']} files, {size['bytes']} bytes", file=sys.stderr)


def report(results):
    """REPORT.md from every target's latest run."""
    machine = (f"{cpu_model()}, {os.cpu_count()} cores (shared), {memory_gib():.0f} GiB; "
               f"{command_output(['rustc', '+nightly', '--version'])}; "
               f"{command_output(['cargo', 'fuzz', '--version'])}")
    lines = [
        "# Fuzzing report",
        "",
        "Made by `bench/fuzz/run SECONDS` (see README.md): each target's latest run. Do not",
        "edit by hand; the findings and their fixes are in README.md.",
        "",
        f"Machine: {machine}.",
        "",
        "| target | time (s) | executions | exec/s | cov | ft | corpus found (units) | "
        "committed corpus | peak RSS (MB) | result | date, commit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name in targets():
        r = results.get(name)
        if r is None:
            lines.append(f"| {name} | not run yet | | | | | | | | | |")
            continue
        result = "clean" if r["finding"] is None else f"**{r['finding']['what']}**"
        committed = r["committed_corpus"]
        lines.append(
            f"| {name} | {r['seconds']} | {r.get('executions', '?'):,} | "
            f"{r.get('average_exec_per_sec', '?')} | {r.get('cov', '?')} | {r.get('ft', '?')} | "
            f"{r.get('corpus_units', '?')} | {committed['files']} files, "
            f"{committed['bytes'] / 1024:.0f} KiB | {r.get('peak_rss_mb', '?')} | {result} | "
            f"{r['date']}, {r['commit']} |")
    lines += ["", "## Commands", "",
              "Each run, from the repository's root (`bench/fuzz/run` runs exactly these):", ""]
    for name in targets():
        r = results.get(name)
        if r:
            lines += [f"- `{name}`: `{r['command']}`"]
            if r["finding"]:
                lines += [f"  - finding: {r['finding']['what']}, input `{r['finding']['input']}`;"
                          f" reproduce with `{r['finding']['reproduce']}`"]
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n")


def main(argv):
    names = targets()
    if argv and argv[0] == "--merge":
        for target in argv[1:] or names:
            merge(target)
        return 0
    if not argv or not argv[0].isdigit():
        print("usage: bench/fuzz/run SECONDS [TARGET...] | --merge [TARGET...]", file=sys.stderr)
        return 2
    seconds = int(argv[0])
    chosen = argv[1:] or names
    unknown = set(chosen) - set(names)
    if unknown:
        print(f"unknown targets: {sorted(unknown)}; targets: {names}", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(cargo_fuzz("build"), cwd=ROOT, check=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    found = 0
    for target in chosen:
        result = run(target, seconds)
        results[target] = result
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        report(results)
        if result["finding"]:
            found += 1
            print(f"{target}: {result['finding']}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
