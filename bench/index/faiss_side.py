#!/usr/bin/env python3
"""The FAISS half of the hash-index benchmark: times one FAISS binary index on a data folder
written by `index-bench generate`, and prints JSON. `driver.py` runs it once per index kind,
each in a fresh process, so that resident-memory growth is this index's alone.

    faiss_side.py --data DIR --index flat|multihash [--queries N] [--batch-queries N] ...

The indexes, as a PDQ matcher would set them up:

* `flat`: `IndexBinaryFlat(256)`, an exhaustive scan.
* `multihash`: `IndexBinaryMultiHash(256, nhash=16, b=16)` with `nflip=1`: sixteen hash tables
  on 16-bit substrings, each probed at Hamming radius 1. These are python-threatexchange's
  settings (`PDQMultiHashIndex`: nhash 16, b = 256 // 16, nflip = threshold // nhash = 1 at
  threshold 31), the index behind `PdqSignal`, which the hasher-matcher-actioner uses. With
  these settings it is exact up to distance 31: a hash it misses differs from the query in 2
  or more bits of each of the 16 substrings, 32 bits at least (the pigeonhole principle).

Both are searched with `range_search(queries, 32)`: FAISS's radius is exclusive (it returns
distances strictly below it), so 32 means "within 31", as ThreatExchange's `threshold + 1`.
`check_radius_is_exclusive` confirms that on this FAISS before anything is timed.

Measured, on the same list and queries as the Rust side (`list.bin`, `match.bin`,
`unrelated.bin`):

* build: `add()` of the whole list (OpenMP threads as for the batch), and the growth of the
  process's resident memory over it (VmRSS from /proc), which includes the copy of the codes
  every FAISS binary index keeps;
* latency: one query per `range_search` call, with one OpenMP thread, timed one by one
  (`perf_counter_ns` around the call: it includes the Python-to-C++ call, measured separately
  as `call_overhead_us` on a one-entry index);
* batch: one `range_search` call with all the timed queries, on `--threads` OpenMP threads;
* recall against the brute-force truth (`truth-*.bin`): found / expected, false positives.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

# OpenMP reads this when FAISS loads; the threads are also set explicitly below.
os.environ.setdefault("OMP_NUM_THREADS", "2")
import faiss  # noqa: E402

RADIUS = 32  # exclusive: results have distance <= 31


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def make_index(kind):
    if kind == "flat":
        return faiss.IndexBinaryFlat(256)
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    return index


def check_radius_is_exclusive():
    """Entries at distances 30, 31 and 32 from a query: range_search(q, 32) must return exactly
    the first two, on both index kinds."""
    query = np.zeros((1, 32), dtype=np.uint8)
    codes = np.zeros((3, 32), dtype=np.uint8)
    for row, distance in enumerate((30, 31, 32)):
        # The first `distance` bits flipped: the last substrings are untouched, so the
        # multi-hash index finds the entry too.
        bits = np.zeros(256, dtype=np.uint8)
        bits[:distance] = 1
        codes[row] = np.packbits(bits)
    found = {}
    for kind in ("flat", "multihash"):
        index = make_index(kind)
        index.add(codes)
        lims, distances, ids = index.range_search(query, RADIUS)
        found[kind] = sorted(zip(ids.tolist(), distances.astype(np.int64).tolist()))
    expected = [(0, 30), (1, 31)]
    return {"exclusive": all(f == expected for f in found.values()), "found_at_radius_32": found}


def call_overhead_us(repeats=2000):
    """The median time of a range_search call on a one-entry index: the fixed cost of calling
    FAISS from Python, included in every latency sample."""
    index = faiss.IndexBinaryFlat(256)
    index.add(np.zeros((1, 32), dtype=np.uint8))
    query = np.ones((1, 32), dtype=np.uint8)
    samples = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        index.range_search(query, RADIUS)
        samples.append((time.perf_counter_ns() - started) / 1e3)
    return float(np.median(samples))


def read_truth(folder):
    lims = np.fromfile(os.path.join(folder, "truth-lims.bin"), dtype="<u8")
    rows = np.fromfile(os.path.join(folder, "truth-rows.bin"), dtype="<u4")
    distances = np.fromfile(os.path.join(folder, "truth-distances.bin"), dtype=np.uint8)
    return lims, rows, distances


class Check:
    """Answers compared with the truth, as the Rust side's `Check`."""

    def __init__(self, truth):
        self.lims, self.rows, self.distances = truth
        self.answers = self.expected = self.found = self.false_positives = self.inexact = 0

    def add(self, q, ids, distances):
        start, end = int(self.lims[q]), int(self.lims[q + 1])
        expected = set(zip(self.rows[start:end].tolist(), self.distances[start:end].tolist()))
        got = set(zip(ids.tolist(), distances.astype(np.int64).tolist()))
        found = len(got & expected)
        self.answers += 1
        self.expected += len(expected)
        self.found += found
        self.false_positives += len(got) - found
        self.inexact += got != expected or len(ids) != len(got)

    def to_json(self):
        return {"answers": self.answers, "expected": self.expected, "found": self.found,
                "false_positives": self.false_positives, "inexact_answers": self.inexact}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--index", choices=("flat", "multihash"), required=True)
    parser.add_argument("--queries", type=int, help="queries of each sort timed one by one (default all)")
    parser.add_argument("--threads", type=int, default=2, help="OpenMP threads for build and batch")
    parser.add_argument("--batch-repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    radius_check = check_radius_is_exclusive()
    if not radius_check["exclusive"]:
        sys.exit(f"faiss_side.py: range_search radius is not exclusive as assumed: {radius_check}")
    overhead = call_overhead_us()

    codes = np.fromfile(os.path.join(args.data, "list.bin"), dtype=np.uint8).reshape(-1, 32)
    matching = np.fromfile(os.path.join(args.data, "match.bin"), dtype=np.uint8).reshape(-1, 32)
    unrelated = np.fromfile(os.path.join(args.data, "unrelated.bin"), dtype=np.uint8).reshape(-1, 32)
    check = Check(read_truth(args.data))
    n = args.queries if args.queries is not None else max(len(matching), len(unrelated))
    # (query, its number in the truth): matching queries first, then unrelated.
    sets = {"match": [(matching[j], j) for j in range(min(n, len(matching)))],
            "unrelated": [(unrelated[j], len(matching) + j) for j in range(min(n, len(unrelated)))]}

    faiss.omp_set_num_threads(args.threads)
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = make_index(args.index)
    index.add(codes)
    build_seconds = time.perf_counter() - started
    rss_growth = rss_bytes() - rss_before
    entries = index.ntotal
    del codes
    print(f"  faiss {args.index}: built in {build_seconds:.2f} s; timing {n} + {n} queries",
          file=sys.stderr, flush=True)

    faiss.omp_set_num_threads(1)
    latency = {}
    for name, queries in sets.items():
        for query, _ in queries[:args.warmup]:
            index.range_search(query[None, :], RADIUS)
        samples = []
        for query, t in queries:
            started = time.perf_counter_ns()
            lims, distances, ids = index.range_search(query[None, :], RADIUS)
            samples.append((time.perf_counter_ns() - started) / 1e3)
            check.add(t, ids, distances)
        latency[name] = samples

    faiss.omp_set_num_threads(args.threads)
    everything = sets["match"] + sets["unrelated"]
    batch = np.stack([query for query, _ in everything])
    seconds = []
    for repeat in range(args.batch_repeats):
        started = time.perf_counter()
        lims, distances, ids = index.range_search(batch, RADIUS)
        seconds.append(time.perf_counter() - started)
        if repeat == 0:
            for k, (_, t) in enumerate(everything):
                check.add(t, ids[lims[k]:lims[k + 1]], distances[lims[k]:lims[k + 1]])

    json.dump({
        "program": "faiss_side.py",
        "faiss": faiss.__version__,
        "numpy": np.__version__,
        "index": args.index,
        "settings": ({"class": "IndexBinaryFlat", "d": 256} if args.index == "flat" else
                     {"class": "IndexBinaryMultiHash", "d": 256, "nhash": 16, "b": 16,
                      "nflip": int(index.nflip)}),
        "radius": RADIUS,
        "radius_check": radius_check,
        "call_overhead_us": overhead,
        "entries": int(entries),
        "threads": args.threads,
        "build_s": build_seconds,
        "rss_growth_bytes": rss_growth,
        "latency_us": latency,
        "batch": {"queries": len(everything), "seconds": seconds},
        "check": check.to_json(),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
