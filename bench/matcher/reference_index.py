#!/usr/bin/env python3
"""The reference side's hash index: python-threatexchange's `PDQIndex`, the index the
hasher-matcher-actioner (HMA) matches PDQ hashes with, built from the benchmark's hash list and
kept as HMA keeps it. Used by reference_server.py and reference_scan.py.

`PDQIndex` wraps `PDQMultiHashIndex`: `faiss.IndexBinaryIDMap2(faiss.IndexBinaryMultiHash(256,
nhash=16, b=16))`, searched with `nflip = 31 // 16 = 1` and `range_search(query, 31 + 1)` (FAISS's
radius is exclusive), and maps FAISS ids back to the entries' ids. HMA's curator builds it with
`PDQIndex.build(entries)` and stores `index.serialize()` (a pickle) in PostgreSQL; each matcher
loads it with `PDQIndex.deserialize()`. Here the pickle is a file next to the list: built once,
then loaded by every server and scan (`load` says how long each step took).

    reference_index.py --list LIST --cache FILE    # builds FILE unless it is up to date
"""

import argparse
import gc
import json
import os
import sys
import time

from threatexchange.signal_type.pdq.pdq_index import PDQIndex

MAX_DISTANCE = PDQIndex.get_match_threshold()  # 31, PDQ_CONFIDENT_MATCH_THRESHOLD


def read_list(path):
    """(hash, id) of every line of a `hash,id` list (the id is the line number when absent)."""
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            hash_hex, _, entry_id = line.partition(",")
            yield hash_hex.lower(), int(entry_id) if entry_id else number


def up_to_date(list_path, cache_path):
    return os.path.exists(cache_path) and os.path.getmtime(cache_path) >= os.path.getmtime(list_path)


def build(list_path, cache_path):
    """Builds the index from the list as HMA's curator does, and stores its pickle."""
    started = time.perf_counter()
    index = PDQIndex.build(read_list(list_path))
    built = time.perf_counter() - started
    started = time.perf_counter()
    with open(cache_path + ".part", "wb") as f:
        index.serialize(f)
    os.replace(cache_path + ".part", cache_path)
    return {"entries": len(index), "build_s": built, "serialize_s": time.perf_counter() - started}


def load(list_path, cache_path):
    """(index, timings): the stored index, built first if the list is newer."""
    timings = {}
    if not up_to_date(list_path, cache_path):
        print(f"reference: building the PDQIndex of {list_path} into {cache_path}", file=sys.stderr, flush=True)
        timings.update(build(list_path, cache_path))
        gc.collect()
    started = time.perf_counter()
    with open(cache_path, "rb") as f:
        index = PDQIndex.deserialize(f)
    timings["load_s"] = time.perf_counter() - started
    timings["entries"] = len(index)
    # The index lives as long as the process: keep the garbage collector from walking (and, in
    # forked workers, copying) its tens of millions of objects.
    gc.collect()
    gc.freeze()
    return index, timings


def lookup(index, hashes):
    """{id: smallest distance} over the given hashes, each looked up with `PDQIndex.query` as
    HMA's lookup routes do (the same hash twice is looked up once)."""
    found = {}
    for h in dict.fromkeys(hashes):
        for match in index.query(h):
            entry_id, d = match.metadata, match.similarity_info.distance
            if entry_id not in found or d < found[entry_id]:
                found[entry_id] = d
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", required=True)
    parser.add_argument("--cache", required=True)
    args = parser.parse_args()
    if up_to_date(args.list, args.cache):
        json.dump({"cached": True}, sys.stdout)
    else:
        json.dump(build(args.list, args.cache), sys.stdout)
    print()


if __name__ == "__main__":
    main()
