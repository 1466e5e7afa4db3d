#!/usr/bin/env python3
"""Runs the hash-index benchmark end to end and writes the table; `bench/index/run` calls it.

For each list size (1M, and 10M unless --quick) and kind (uniform, clustered, realistic):

1. `index-bench generate` writes the list, its queries and their brute-force results into
   RESULTS/index-data/KIND-SIZE/, unless a complete folder from the same generator version is
   already there (the realistic lists take minutes to hash; the rest seconds).
2. `index-bench measure` times takeback-index and its brute-force scan on that folder.
3. `faiss_side.py` times FAISS's IndexBinaryFlat, then IndexBinaryMultiHash, on the same
   folder, each in a fresh process.

Every answer of every system is checked against the brute-force results. The script computes
the statistics, prints a markdown report and writes it to RESULTS/index.md, with every raw
sample in RESULTS/index.json. It exits with status 1, after writing the report, if
takeback-index gave any answer that is not exactly the brute-force one.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from machine import command_output, cpu_model, memory_gib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

KINDS = ("uniform", "clustered", "realistic")
QUERIES = 500  # matching queries per list, and as many that match nothing
DISTANCE = 31
GENERATOR_VERSION = 2  # must equal data::GENERATOR_VERSION in src/data.rs

# scikit-image's sample photos that ship in its wheel (no download). The realistic lists are
# made of the first set; their unrelated queries of the second.
LISTED_PHOTOS = ("astronaut", "brick", "camera", "chelsea", "coffee", "coins", "grass", "gravel",
                 "hubble_deep_field", "ihc", "moon", "motorcycle_left", "page", "rocket", "text")
UNRELATED_PHOTOS = ("cell", "clock_motion", "logo", "microaneurysms", "retina")

SYSTEMS = (
    ("takeback", "takeback-index `query`"),
    ("takeback_scan", "takeback-index `query_by_scan` (brute force)"),
    ("faiss_flat", "FAISS IndexBinaryFlat (brute force)"),
    ("faiss_multihash", "FAISS IndexBinaryMultiHash 16×16, nflip 1"),
)
FAISS = ("faiss_flat", "faiss_multihash")

# Targets at 10M, distance 31, one thread.
TARGET_SPEEDUP = 10.0
TARGET_MEDIAN_US = {"uniform": 80.0, "clustered": 150.0, "realistic": 250.0}
TARGET_DIHEDRAL_RATIO = 4.0
# takeback-index's own measurement runs per list (a fresh build each); its figures are the
# medians of the runs' figures, since this shared machine's noise moves one run by 20%.
TAKEBACK_REPEATS = 3
TARGET_BUILD_S = 10.0
TARGET_BYTES = 128.0


def plan(size):
    """Queries of each sort and batch repeats per system: fewer for the slow brute-force ones
    and at 10M, so that the whole run stays well under half an hour on two cores."""
    big = size >= 5_000_000
    slow = 100 if big else 200
    return {
        "takeback": {"queries": QUERIES, "batch_repeats": 3},
        "takeback_scan": {"queries": slow, "batch_repeats": 1 if big else 3},
        "faiss_flat": {"queries": slow, "batch_repeats": 1 if big else 3},
        "faiss_multihash": {"queries": 200 if big else QUERIES, "batch_repeats": 1 if big else 3},
    }


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_json(command):
    log("  $ " + " ".join(shlex.quote(os.path.relpath(c) if c.startswith("/") else c) for c in command))
    completed = subprocess.run(command, stdout=subprocess.PIPE, check=False)
    if completed.returncode != 0:
        sys.exit(f"driver.py: {os.path.basename(command[0])} failed with status {completed.returncode}")
    return json.loads(completed.stdout)


def photo_paths():
    """The sample photos' files in the installed scikit-image (PNG or JPEG)."""
    import skimage
    folder = os.path.join(os.path.dirname(skimage.__file__), "data")
    files = {os.path.splitext(f)[0]: os.path.join(folder, f) for f in os.listdir(folder)
             if f.endswith((".png", ".jpg"))}
    missing = [name for name in LISTED_PHOTOS + UNRELATED_PHOTOS if name not in files]
    if missing:
        sys.exit(f"driver.py: scikit-image {skimage.__version__} lacks the photos {missing} in {folder}")
    return [files[n] for n in LISTED_PHOTOS], [files[n] for n in UNRELATED_PHOTOS], skimage.__version__


def ensure_data(binary, folder, kind, size, photos):
    """Generates the folder unless a complete one from this generator is there."""
    meta_path = os.path.join(folder, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if (meta.get("generator_version"), meta.get("queries"), meta.get("distance")) == \
                (GENERATOR_VERSION, QUERIES, DISTANCE):
            log(f"{kind} {size:,}: reusing {os.path.relpath(folder)}")
            return meta, False
    shutil.rmtree(folder, ignore_errors=True)
    log(f"{kind} {size:,}: generating into {os.path.relpath(folder)}")
    command = [binary, "generate", "--kind", kind, "--size", str(size), "--queries", str(QUERIES),
               "--distance", str(DISTANCE), "--out", folder]
    if kind == "realistic":
        listed, unrelated = photos
        command += [a for p in listed for a in ("--photo", p)]
        command += [a for p in unrelated for a in ("--unrelated-photo", p)]
    meta = run_json(command)
    if meta.get("generator_version") != GENERATOR_VERSION:
        sys.exit("driver.py: GENERATOR_VERSION differs from index-bench's; update driver.py")
    return meta, True


def measure(binary, folder, size):
    p = plan(size)
    results = {}
    repeats = []
    for repeat in range(TAKEBACK_REPEATS):
        # The brute-force scan only once: it is the baseline, not a target.
        scan_queries = p["takeback_scan"]["queries"] if repeat == 0 else 1
        repeats.append(run_json([binary, "measure", "--data", folder, "--distance", str(DISTANCE),
                                 "--queries", str(p["takeback"]["queries"]),
                                 "--scan-queries", str(scan_queries),
                                 "--batch-repeats", str(p["takeback"]["batch_repeats"]),
                                 "--scan-batch-repeats", str(p["takeback_scan"]["batch_repeats"]),
                                 "--threads", "2"]))
    rust = repeats[0]
    # A copy: the first repeat is also kept, as it was, in the list of repeats.
    results["takeback"] = dict(rust["systems"]["takeback"])
    results["takeback"]["segments"] = rust["segments"]
    results["takeback"]["repeats"] = [r["systems"]["takeback"] for r in repeats]
    results["takeback_scan"] = rust["systems"]["takeback_scan"]
    for system in FAISS:
        index = system.split("_", 1)[1]
        results[system] = run_json([sys.executable, os.path.join(HERE, "faiss_side.py"), "--data", folder,
                                    "--index", index, "--queries", str(p[system]["queries"]),
                                    "--batch-repeats", str(p[system]["batch_repeats"]), "--threads", "2"])
    return results


def summarise(result):
    """Statistics of one system's raw samples; for takeback-index, the median over its repeated
    runs of each figure (every run must be exact)."""
    if "repeats" in result:
        each = [summarise_one(r) for r in result["repeats"]]
        out = summarise_one(result)
        for sort in ("match", "unrelated"):
            for stat in ("median", "p99", "mean"):
                out[sort][stat] = float(np.median([e[sort][stat] for e in each]))
            if "dihedral" in out:
                out["dihedral"][sort] = float(np.median([e["dihedral"][sort] for e in each]))
        for key in ("single_thread_qps", "batch_qps"):
            out[key] = float(np.median([e[key] for e in each]))
        out["exact"] = all(e["exact"] for e in each)
        out["dihedral_exact"] = all(e.get("dihedral_exact", True) for e in each)
        out["repeats"] = len(each)
        out["build_s"] = float(np.median([r["build_s"] for r in result["repeats"]]))
        return out
    return summarise_one(result)


def summarise_one(result):
    """Statistics of one run's raw samples."""
    latency = result["latency_us"]
    out = {}
    for sort in ("match", "unrelated"):
        samples = np.array(latency[sort])
        out[sort] = {"n": len(samples), "median": float(np.median(samples)),
                     "p99": float(np.percentile(samples, 99)), "mean": float(samples.mean())}
    everything = np.array(latency["match"] + latency["unrelated"])
    out["single_thread_qps"] = len(everything) / (everything.sum() / 1e6)
    batch = result["batch"]
    out["batch_qps"] = batch["queries"] / float(np.median(batch["seconds"]))
    out["batch_queries"] = batch["queries"]
    check = result["check"]
    out["recall"] = check["found"] / check["expected"] if check["expected"] else None
    out["exact"] = check["inexact_answers"] == 0
    if "dihedral_latency_us" in result:
        out["dihedral"] = {sort: float(np.median(result["dihedral_latency_us"][sort]))
                           for sort in ("match", "unrelated")}
        out["dihedral_exact"] = result["dihedral_check"]["inexact_answers"] == 0
    return out


RESULT_BANDS = (("1", 1, 2), ("2–49", 2, 50), ("50–299", 50, 300), ("300–999", 300, 1000), ("≥ 1000", 1000, None))


def latency_by_results(folder, result):
    """takeback-index's matching-query latencies grouped by the query's number of results."""
    counts = np.diff(np.fromfile(os.path.join(folder, "truth-lims.bin"), dtype="<u8"))
    latency = np.array(result["latency_us"]["match"])
    counts = counts[:len(latency)].astype(float)
    bands = []
    for _, low, high in RESULT_BANDS:
        selected = (counts >= low) & (counts < (high if high is not None else np.inf))
        bands.append({"n": int(selected.sum()),
                      "median": float(np.median(latency[selected])) if selected.any() else None})
    slope = float(np.polyfit(counts, latency, 1)[0]) if counts.std() > 0 else None
    return {"bands": bands, "us_per_result": slope}


# ---------------------------------------------------------------------------------------------
# Report


def fmt_us(us):
    return f"{us:,.0f}" if us >= 100 else f"{us:.1f}"


def fmt_qps(qps):
    return f"{qps:,.0f}" if qps >= 100 else f"{qps:.1f}"


def fmt_size(size):
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size:,}"


def fmt_recall(recall):
    if recall is None:
        return "–"
    return "100%" if recall == 1.0 else f"{100 * recall:.2f}%"


def bytes_per_entry(system, result, size):
    if system == "takeback":
        return result["memory_bytes"] / size
    if system in FAISS:
        return result["rss_growth_bytes"] / size
    return None


SCALE_SIZES = (1_000_000, 10_000_000, 100_000_000)


def scale(args):
    """How takeback-index grows from 1M to 100M uniform entries: one measurement run per size
    (100M takes minutes to build, and FAISS's multi-hash index would need some 28 GB there)."""
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    load_before = os.getloadavg()
    rows = []
    failures = []
    for size in SCALE_SIZES:
        folder = os.path.join(args.results, "index-data", f"uniform-{fmt_size(size)}")
        ensure_data(args.binary, folder, "uniform", size, None)
        log(f"uniform {size:,}: measuring")
        result = run_json([args.binary, "measure", "--data", folder, "--distance", str(DISTANCE),
                           "--scan-queries", "1", "--batch-repeats", "1", "--scan-batch-repeats", "1",
                           "--threads", "2"])["systems"]["takeback"]
        stats = summarise_one(result)
        for name, check in (("plain", result["check"]), ("dihedral", result["dihedral_check"])):
            if check["inexact_answers"] or check["found"] != check["expected"]:
                failures.append(f"uniform {fmt_size(size)}: {name} answers differ from brute force ({check})")
        everything = np.array(result["latency_us"]["match"] + result["latency_us"]["unrelated"])
        rows.append({"size": size, "build_s": result["build_s"], "bytes": result["memory_bytes"] / size,
                     "median": float(np.median(everything)), "p99": float(np.percentile(everything, 99)),
                     "dihedral": float(np.median(result["dihedral_latency_us"]["match"]
                                                 + result["dihedral_latency_us"]["unrelated"])),
                     "batch_qps": stats["batch_qps"], "exact": stats["exact"] and stats["dihedral_exact"]})
    load_after = os.getloadavg()
    lines = [
        "# takeback-index from 1M to 100M entries",
        "",
        f"Run {started.strftime('%Y-%m-%d %H:%M UTC')} with `bench/index/run --scale` "
        f"({(time.monotonic() - clock) / 60:.0f} minutes) on {cpu_model()}, {os.cpu_count()} CPUs, "
        f"{memory_gib():.0f} GiB (load average {load_before[0]:.1f} before, {load_after[0]:.1f} after), "
        f"takeback-index {command_output(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'])}. Uniform random "
        f"lists, {QUERIES} matching and {QUERIES} unrelated queries, distance {DISTANCE}, one query per call on "
        "one thread (median and p99 over both sorts), the eight-orientation call likewise, batch on 2 threads; "
        "every answer checked against brute force. One run per size.",
        "",
        "| Entries | Build s | Bytes/entry | Median µs | p99 µs | Eight orientations, median µs | "
        "Batch q/s, 2 threads | × median of the size before | Exact |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for i, row in enumerate(rows):
        growth = f"{row['median'] / rows[i - 1]['median']:.1f}×" if i else "–"
        lines.append(f"| {fmt_size(row['size'])} | {row['build_s']:.1f} | {row['bytes']:.0f} | {fmt_us(row['median'])} "
                     f"| {fmt_us(row['p99'])} | {fmt_us(row['dihedral'])} | {fmt_qps(row['batch_qps'])} | {growth} "
                     f"| {'yes' if row['exact'] else '**NO**'} |")
    if failures:
        lines += ["", "## CORRECTNESS CHECK FAILED", ""] + [f"- {f}" for f in failures]
    report = "\n".join(lines) + "\n"
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "index-scale.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.results, "index-scale.json"), "w") as f:
        json.dump({"rows": rows, "failures": failures}, f)
    print(report)
    if failures:
        sys.exit(1)


def render(runs, environment, failures):
    e = environment
    lines = ["# Hash index benchmark: takeback-index against FAISS and brute force", ""]
    if failures:
        lines += ["**CORRECTNESS CHECK FAILED**: see the end of this report.", ""]
    lines += [
        f"Run {e['started_utc']} with `{e['command']}` ({e['minutes']:.0f} minutes). Every system answers the "
        f"same queries on the same list, read from the same files: \"every entry within distance {DISTANCE}\" "
        "of 256-bit hashes. Latencies are single-threaded, one query per call; batch throughput is one call "
        "with all the system's queries on 2 threads. Recall is against a brute-force scan computed when the "
        "data was generated.",
        "",
        f"- Machine: {e['cpu']}, {e['cpus_online']} CPUs, {e['memory_gib']:.0f} GiB, Linux {e['kernel']} (load average "
        f"{e['load_average_before']:.1f} before, {e['load_average_after']:.1f} after; other work on the machine "
        "shows up as noise).",
        f"- takeback-index {e['takeback_commit']}"
        + (" with uncommitted changes in crates/" if e["takeback_crates_modified"] else "")
        + f", {e['rustc']}, release profile as in the main workspace (thin LTO, x86-64-v2).",
        f"- FAISS: PyPI faiss-cpu {e['faiss']} (Python {e['python']}, numpy {e['numpy']}), OpenMP threads set "
        "with `faiss.omp_set_num_threads`: 1 for latency, 2 for build and batch. FAISS latencies include the "
        f"Python call into FAISS, about {e['faiss_call_overhead_us']:.0f} µs a call (median `range_search` on a "
        "one-entry index), as a Python matcher such as ThreatExchange's pays it.",
        f"- FAISS's `range_search` radius is exclusive (checked: at radius 32 it returns the entries at 30 and "
        f"31 but not the one at 32: {'confirmed' if e['faiss_radius_exclusive'] else '**NOT confirmed**'}), so "
        "both FAISS indexes are searched with radius 32.",
        "- IndexBinaryMultiHash settings: nhash 16, b 16, nflip 1, those of python-threatexchange's "
        "`PDQMultiHashIndex` (nflip = threshold // nhash = 31 // 16), the index behind `PdqSignal` that "
        "the hasher-matcher-actioner uses.",
        "",
        "## Results",
        "",
        "| List | Size | System | Build s | Bytes/entry | Median µs, match | p99 µs, match | Median µs, "
        "no match | p99 µs, no match | Batch q/s, 2 threads | Recall |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        for system, label in SYSTEMS:
            result, s = run["results"][system], run["stats"][system]
            build_s = s.get("build_s", result.get("build_s"))
            build = f"{build_s:.2f}" if build_s is not None else "(same)"
            per_entry = bytes_per_entry(system, result, run["size"])
            lines.append(
                f"| {run['kind']} | {fmt_size(run['size'])} | {label} | {build} | "
                + (f"{per_entry:.0f}" if per_entry is not None else "(same)")
                + f" | {fmt_us(s['match']['median'])} | {fmt_us(s['match']['p99'])} "
                f"| {fmt_us(s['unrelated']['median'])} | {fmt_us(s['unrelated']['p99'])} "
                f"| {fmt_qps(s['batch_qps'])} | {fmt_recall(s['recall'])} |")
    lines += [
        "",
        "Bytes/entry: takeback-index's `memory_bytes()` (hashes, ids, tables); FAISS's growth of the "
        "process's resident memory over `add()` (the codes and the hash tables), measured in a fresh process. "
        "The scan runs on the same takeback index.",
        "",
        "Queries timed one by one, of each sort (match, no match), and then together in the batch: "
        + "; ".join(label.split(" (")[0] + ": " + ", ".join(
            f"{run['stats'][system]['match']['n']} at {fmt_size(run['size'])}"
            for run in runs if run["kind"] == runs[0]["kind"]) for system, label in SYSTEMS)
        + ". With 100 samples, p99 is close to the maximum.",
        "",
        "## Against the faster FAISS index",
        "",
        "The faster FAISS index is the one with the higher single-thread throughput (queries ÷ total time, "
        "matching and non-matching queries alike). Ratios above 1× mean takeback-index is faster.",
        "",
        "| List | Size | Faster FAISS | takeback q/s, 1 thread | FAISS q/s, 1 thread | Throughput × "
        "| Median match × | Median no match × | Batch × | Memory ÷ |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        best = run["faster_faiss"]
        ours, theirs = run["stats"]["takeback"], run["stats"][best]
        memory = bytes_per_entry(best, run["results"][best], run["size"]) / bytes_per_entry(
            "takeback", run["results"]["takeback"], run["size"])
        lines.append(
            f"| {run['kind']} | {fmt_size(run['size'])} | {dict(SYSTEMS)[best].split(' (')[0]} "
            f"| {fmt_qps(ours['single_thread_qps'])} | {fmt_qps(theirs['single_thread_qps'])} "
            f"| {ours['single_thread_qps'] / theirs['single_thread_qps']:.1f}× "
            f"| {theirs['match']['median'] / ours['match']['median']:.1f}× "
            f"| {theirs['unrelated']['median'] / ours['unrelated']['median']:.1f}× "
            f"| {ours['batch_qps'] / theirs['batch_qps']:.1f}× | {memory:.1f}× |")

    targets = [run for run in runs if run["size"] >= 10_000_000]
    lines += ["", "## Targets (10M, distance 31, one thread)", ""]
    if not targets:
        lines.append("Not measured: a --quick run has no 10M lists.")
    for run in targets:
        ours, result = run["stats"]["takeback"], run["results"]["takeback"]
        best = run["stats"][run["faster_faiss"]]
        speedup = ours["single_thread_qps"] / best["single_thread_qps"]
        median = max(ours["match"]["median"], ours["unrelated"]["median"])
        target_median = TARGET_MEDIAN_US[run["kind"]]
        per_entry = bytes_per_entry("takeback", result, run["size"])
        checks = [
            (f"throughput {speedup:.1f}× the faster FAISS index (≥ {TARGET_SPEEDUP:g}×)", speedup >= TARGET_SPEEDUP),
            (f"recall {fmt_recall(ours['recall'])}, every answer exact", ours["exact"] and ours["recall"] in (1.0, None)),
            (f"median {median:.0f} µs (the slower of match / no match; < {target_median:g})", median < target_median),
            (f"build {ours['build_s']:.1f} s (< {TARGET_BUILD_S:g})", ours["build_s"] < TARGET_BUILD_S),
            (f"{per_entry:.0f} bytes/entry (≤ {TARGET_BYTES:g})", per_entry <= TARGET_BYTES),
        ]
        if "dihedral" in ours:
            ratio = max(ours["dihedral"][s] / ours[s]["median"] for s in ("match", "unrelated"))
            checks.append((f"dihedral {ratio:.1f}× a plain query (< {TARGET_DIHEDRAL_RATIO:g}×), exact",
                           ratio < TARGET_DIHEDRAL_RATIO and ours["dihedral_exact"]))
        lines.append(f"- **{run['kind']}**: " + "; ".join(
            f"{text}: {'met' if ok else '**NOT MET**'}" for text, ok in checks) + ".")

    lines += floor_section(runs, e.get("floor"))
    lines += [
        "",
        "## Eight orientations at once",
        "",
        "`query_dihedral`: a picture's eight orientations searched together, one call at a time on one "
        "thread (each query with seven other queries of the set standing in for its other orientations; "
        "answers checked against the union of the eight's brute-force results). Medians µs, and the ratio to "
        f"one plain query; takeback-index figures are medians of {TAKEBACK_REPEATS} runs.",
        "",
        "| List | Size | Plain, match | Eight, match | × | Plain, no match | Eight, no match | × | Exact |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for run in runs:
        ours = run["stats"]["takeback"]
        if "dihedral" not in ours:
            continue
        d, m, u = ours["dihedral"], ours["match"]["median"], ours["unrelated"]["median"]
        lines.append(f"| {run['kind']} | {fmt_size(run['size'])} | {fmt_us(m)} | {fmt_us(d['match'])} "
                     f"| {d['match'] / m:.1f} | {fmt_us(u)} | {fmt_us(d['unrelated'])} | {d['unrelated'] / u:.1f} "
                     f"| {'yes' if ours['dihedral_exact'] else '**NO**'} |")
    lines += [
        "",
        "## Where takeback-index is slow",
        "",
        "Its single-thread latency on matching queries, by how many results the query has (median µs, "
        "and how many queries): the work of a probe grows with the rows in the buckets it visits, those that "
        "match and those that only share a part with the query, so crowded buckets (clusters of "
        "near-duplicates, see the bucket skew below) cost time even when few rows match.",
        "",
        "| List | Size | " + " | ".join(f"{label} result{'s' * (label != '1')}" for label, _, _ in RESULT_BANDS)
        + " | µs per extra result (least squares) |",
        "|---|---|" + "--:|" * (len(RESULT_BANDS) + 1),
    ]
    for run in runs:
        bands = run["latency_by_results"]
        slope = bands["us_per_result"]
        lines.append(f"| {run['kind']} | {fmt_size(run['size'])} | " + " | ".join(
            f"{fmt_us(b['median'])} ({b['n']})" if b["n"] else "–" for b in bands["bands"])
            + (f" | {slope:.2f} |" if slope is not None else " | – |"))
    lines += [
        "",
        "## Data",
        "",
        "Generated by `index-bench generate`, deterministic (the same on every run and machine), cached in "
        "`bench/results/index-data/`. Matching queries: uniform and clustered, a random entry with 1 to 16 "
        "random bits flipped; realistic, another edit of a random entry's picture (re-sampled to a new size, "
        "re-edited, the crop moved by up to 0.5%), kept if within 31 of that entry. Non-matching queries: "
        "random hashes; realistic, pictures of photos that are not in the list "
        f"({', '.join(UNRELATED_PHOTOS)}). Realistic lists: PDQ hashes (quality ≥ 50) of crops, rotations, "
        f"flips, resampling and edits of {len(LISTED_PHOTOS)} scikit-image {e['skimage']} sample photos "
        f"({', '.join(LISTED_PHOTOS)}). Clustered lists: 4,096 random seeds, each entry a seed with 0 to 40 "
        "random bits flipped.",
        "",
        "Bucket skew: how much more crowded a substring bucket is, for a query that looks like the data, than "
        "for uniform random hashes (1.0), averaged over the substrings: FAISS's 16-bit ones, and "
        "takeback-index's parts of round(log2(size)) bits (at most 23). A probe's work grows with it.",
        "",
        "| List | Size | Results per matching query: mean / median / max | Non-matching queries with a result "
        "| Bucket skew, FAISS 16-bit | Bucket skew, takeback parts (bits) | takeback segments | Generated in |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        meta = run["meta"]
        r = meta["results_per_query"]
        skew = meta["bucket_skew"]
        lines.append(
            f"| {run['kind']} | {fmt_size(run['size'])} | {r['match']['mean']:.1f} / {r['match']['median']} / "
            f"{r['match']['max']} | {100 * r['unrelated']['nonzero_share']:.1f}% | {skew['faiss_16bit']:.1f} "
            f"| {skew['takeback_parts']:.1f} ({skew['takeback_parts_bits']}) | {run['results']['takeback']['segments']} "
            f"| {meta['generate_seconds'] + meta['truth_seconds']:.0f} s"
            + (" (cached)" if not run["generated_now"] else "") + " |")
    lines += [
        "",
        "takeback-index's memory as the process saw it (resident-memory growth over the build, for comparison "
        "with FAISS's figures): "
        + ", ".join(f"{run['kind']} {fmt_size(run['size'])} "
                    f"{run['results']['takeback']['rss_growth_bytes'] / run['size']:.0f}" for run in runs)
        + " bytes/entry.",
    ]
    if failures:
        lines += ["", "## CORRECTNESS CHECK FAILED", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def measure_floor(binary):
    """This machine's random reads (`index-bench floor`): nanoseconds a read, medians."""
    result = run_json([binary, "floor"])
    by_lookahead = {int(k): float(np.median(v)) for k, v in result["ns_per_read_by_lookahead"].items()}
    best = min(by_lookahead, key=by_lookahead.get)
    return {"bytes": result["bytes"], "latency_ns": float(np.median(result["latency_ns"])),
            "ns_per_read_by_lookahead": by_lookahead, "best_lookahead": best,
            "best_ns_per_read": by_lookahead[best]}


def floor_section(runs, floor):
    """The reads each query makes (counted by `HashIndex::query_reads`), times the machine's
    best time a random read, against the measured median."""
    if not floor:
        return []
    lines = [
        "",
        "## Against the memory floor",
        "",
        f"`index-bench floor` on a {floor['bytes'] / 1e9:.1f} GB buffer in huge pages: one random 64-byte read "
        f"waits {floor['latency_ns']:.0f} ns when it is the only one in flight; with the addresses known ahead it "
        f"takes {floor['best_ns_per_read']:.1f} ns a read (prefetching {floor['best_lookahead']} ahead; by "
        "lookahead: " + ", ".join(f"{k}: {v:.1f}" for k, v in sorted(floor["ns_per_read_by_lookahead"].items()))
        + " ns). A query's reads (median over its queries: lines of slots, spilled buckets, distinct candidate "
        "hashes) times that is a floor under its time that no arrangement of the same reads goes below here.",
        "",
        "| List | Size | Sort | Slot lines | Spilled | Candidates (distinct) | Reads | Floor µs | Median µs | × floor |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        reads = run["results"]["takeback"].get("reads")
        if not reads:
            continue
        for sort in ("match", "unrelated"):
            counted = reads[sort]
            med = {k: float(np.median([r[k] for r in counted])) for k in counted[0]}
            total = med["slot_lines"] + med["spilled_buckets"] + med["distinct_candidates"]
            floor_us = total * floor["best_ns_per_read"] / 1000
            median = run["stats"]["takeback"][sort]["median"]
            lines.append(
                f"| {run['kind']} | {fmt_size(run['size'])} | {sort} | {med['slot_lines']:,.0f} "
                f"| {med['spilled_buckets']:,.0f} | {med['candidates']:,.0f} ({med['distinct_candidates']:,.0f}) "
                f"| {total:,.0f} | {floor_us:.0f} | {fmt_us(median)} | {median / floor_us:.1f} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="the built index-bench")
    parser.add_argument("--results", required=True, help="folder for the data and reports")
    parser.add_argument("--quick", action="store_true", help="1M lists only")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset of " + ",".join(KINDS))
    parser.add_argument("--scale", action="store_true",
                        help="takeback-index alone on uniform lists of 1M, 10M and 100M entries "
                             "(index-scale.md; 100M needs about 13 GB of memory)")
    args = parser.parse_args()
    if args.scale:
        return scale(args)
    kinds = [k for k in args.kinds.split(",") if k]
    if not set(kinds) <= set(KINDS):
        sys.exit(f"driver.py: unknown kinds {set(kinds) - set(KINDS)}")
    sizes = [1_000_000] if args.quick else [1_000_000, 10_000_000]

    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    load_before = os.getloadavg()
    listed, unrelated, skimage_version = photo_paths()
    log("the memory floor: timing random reads")
    floor = measure_floor(args.binary)
    runs = []
    for size in sizes:
        for kind in kinds:
            folder = os.path.join(args.results, "index-data", f"{kind}-{fmt_size(size)}")
            meta, generated_now = ensure_data(args.binary, folder, kind, size, (listed, unrelated))
            log(f"{kind} {size:,}: measuring")
            results = measure(args.binary, folder, size)
            stats = {system: summarise(results[system]) for system, _ in SYSTEMS}
            faster = max(FAISS, key=lambda s: stats[s]["single_thread_qps"])
            runs.append({"kind": kind, "size": size, "meta": meta, "generated_now": generated_now,
                         "results": results, "stats": stats, "faster_faiss": faster,
                         "latency_by_results": latency_by_results(folder, results["takeback"])})
    load_after = os.getloadavg()

    import faiss
    faiss_result = runs[0]["results"]["faiss_flat"]
    environment = {
        "started_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "minutes": (time.monotonic() - clock) / 60,
        "command": "bench/index/run" + (" --quick" if args.quick else "")
                   + (f" --kinds {args.kinds}" if kinds != list(KINDS) else ""),
        "cpu": cpu_model(),
        "cpus_online": os.cpu_count(),
        "memory_gib": memory_gib(),
        "load_average_before": load_before[0],
        "load_average_after": load_after[0],
        "kernel": platform.release(),
        "rustc": command_output(["rustc", "--version"]),
        "takeback_commit": command_output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
        "takeback_crates_modified": command_output(
            ["git", "-C", REPO, "status", "--porcelain", "--", "crates"]) not in ("", "unknown"),
        "faiss": faiss.__version__,
        "numpy": np.__version__,
        "skimage": skimage_version,
        "python": platform.python_version(),
        "faiss_call_overhead_us": faiss_result["call_overhead_us"],
        "faiss_radius_exclusive": faiss_result["radius_check"]["exclusive"],
        "floor": floor,
    }
    failures = []
    for run in runs:
        for system in ("takeback", "takeback_scan"):
            result = run["results"][system]
            checks = [(system, result["check"])]
            for r in result.get("repeats", []):
                checks += [(system, r["check"]), (system + " dihedral", r["dihedral_check"])]
            for name, check in checks:
                if check["inexact_answers"] or check["found"] != check["expected"]:
                    failures.append(f"{run['kind']} {fmt_size(run['size'])}: {name} gave {check['inexact_answers']} "
                                    f"answers that differ from brute force ({check})")
    report = render(runs, environment, failures)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "index.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.results, "index.json"), "w") as f:
        json.dump({"environment": environment, "runs": runs, "failures": failures}, f)
    print(report)
    log(f"Wrote {os.path.relpath(os.path.join(args.results, 'index.md'))} and index.json")
    if failures:
        log("\nCORRECTNESS CHECK FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
