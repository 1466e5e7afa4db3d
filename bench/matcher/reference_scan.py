#!/usr/bin/env python3
"""The reference bulk scan: the hasher-matcher-actioner's hashing and matching of pictures, on all
cores. Walks the given folders, decodes and PDQ-hashes every picture as python-threatexchange does
for HMA's hasher (`pdq_from_file`: Pillow `Image.open`, `np.asarray`, PyPI `pdqhash.compute`, the
bits turned to hex), looks each hash up in the same index as the reference server (`PDQIndex`:
FAISS IndexBinaryMultiHash 16x16, nflip 1, distance 31) and writes the pictures that match.
Pictures whose PDQ quality is under 50 are not looked up (HMA's `PdqSignal.QUALITY_THRESHOLD`,
and `takeback scan`'s default floor).

With dihedral matching on (the default, as `takeback scan`), the eight orientations come from
`pdqhash.compute_dihedral` on the same array (the same decoding, luma and hash as `compute`), and
each distinct one is looked up. HMA itself has no dihedral matching.

pdqhash holds Python's GIL while it hashes, so the work is spread over processes
(`multiprocessing`, one per core by default). The index is loaded once, before the workers are
forked, so they share it; each worker hashes and looks up its pictures, as one HMA instance with
the hasher and matcher roles would. Pillow's decoders are single-threaded here.

    reference_scan.py --list LIST --index PICKLE --output OUT.jsonl [--no-dihedral] PATH...
    reference_scan.py --list LIST --index PICKLE --serve PATH...   # driver.py's way

Prints JSON timings: `load_s` (the index), `scan_s` (walk, decode, hash, look up, write: from the
first file to the last answer), `images`, `images_per_second` (= images / scan_s). Each line of
OUT.jsonl: {"path", "matches": [{"id", "distance"}], "quality"} for a picture with matches.
With --serve the index is loaded once and the driver asks for scans in turn, interleaved with
Takeback's, so that both see the same moments of a shared machine.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time

import numpy as np
import pdqhash
from PIL import Image
from threatexchange.signal_type.pdq import pdq_hasher
from threatexchange.signal_type.pdq.signal import PdqSignal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_index  # noqa: E402

INDEX = None  # set before the workers fork
DIHEDRAL = True


def bits_to_hex(bits):
    """pdq_hasher's conversion of pdqhash's 256 bits to hex, verbatim."""
    bin_str = "".join([str(x) for x in bits])
    return ("%0*X" % ((len(bin_str) + 3) // 4, int(bin_str, 2))).lower()


def scan_one(path):
    try:
        if DIHEDRAL:
            array = pdq_hasher._convert_image_to_correct_array_dimension(Image.open(path))
            vectors, quality = pdqhash.compute_dihedral(array)
            hashes = [bits_to_hex(v) for v in vectors]
        else:
            hash_hex, quality = pdq_hasher.pdq_from_file(path)
            hashes = [hash_hex]
    except Exception as e:  # a file that is not a picture, or a damaged one
        return path, None, f"{type(e).__name__}: {e}"
    # HMA's PdqSignal.hash_from_bytes drops hashes under its quality threshold (50), as
    # `takeback scan`'s --quality-floor does by default.
    found = reference_index.lookup(INDEX, hashes) if quality >= PdqSignal.QUALITY_THRESHOLD else {}
    return path, (found, int(quality)), None


def walk(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files += [os.path.join(root, n) for n in sorted(names)]
        else:
            files.append(path)
    return files


def scan(paths, output, processes):
    """Scans once with the current DIHEDRAL setting; returns the timings."""
    started = time.perf_counter()
    files = walk(paths)
    images = errors = matched = 0
    first_error = None
    with open(output, "w") as out, \
            multiprocessing.get_context("fork").Pool(processes) as pool:
        for path, result, error in pool.imap_unordered(scan_one, files, chunksize=2):
            if error is not None:
                errors += 1
                first_error = first_error or f"{path}: {error}"
                continue
            images += 1
            found, quality = result
            if found:
                matched += 1
                out.write(json.dumps({
                    "path": path,
                    "matches": [{"id": i, "distance": d} for i, d in sorted(found.items())],
                    "quality": quality,
                }) + "\n")
    scan_s = time.perf_counter() - started
    return {
        "scan_s": scan_s,
        "files": len(files),
        "images": images,
        "errors": errors,
        "first_error": first_error,
        "matched_images": matched,
        "images_per_second": images / scan_s if scan_s > 0 else 0.0,
        "processes": processes,
        "dihedral": DIHEDRAL,
    }


def main():
    global INDEX, DIHEDRAL
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--list", required=True)
    parser.add_argument("--index", required=True, help="the PDQIndex pickle (built from --list if older)")
    parser.add_argument("--output", help="where to write the matches (one scan)")
    parser.add_argument("--no-dihedral", action="store_true")
    parser.add_argument("--serve", action="store_true",
                        help="load the index once, then scan once for each line `single|dihedral OUTPUT` "
                             "read from standard input, printing one JSON line each")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if not args.serve and not args.output:
        parser.error("give --output, or --serve")

    INDEX, timings = reference_index.load(args.list, args.index)
    versions = {"pdqhash": pdqhash.__version__, "numpy": np.__version__, "entries": timings["entries"],
                "load_s": timings["load_s"]}
    if not args.serve:
        DIHEDRAL = not args.no_dihedral
        print(json.dumps({**versions, **scan(args.paths, args.output, args.processes)}), flush=True)
        return
    print(json.dumps({"ready": True, **versions}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        mode, output = line.split(maxsplit=1)
        DIHEDRAL = mode == "dihedral"
        print(json.dumps({**versions, **scan(args.paths, output.strip(), args.processes)}), flush=True)


if __name__ == "__main__":
    main()
