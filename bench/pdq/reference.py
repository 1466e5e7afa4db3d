#!/usr/bin/env python3
"""The Python half of Takeback's PDQ benchmark: times Meta's reference PDQ as people run it.

    python reference.py --repeats N [--warmup W] STEM...   # STEM.png and STEM.jpg must exist

Prints JSON in the shape `pdq-bench measure` prints, for `driver.py` to merge. Implementations:

* `ref_core`: the reference C++ core (facebook/ThreatExchange pdq/cpp) that the PyPI package
  `pdqhash` compiles into its extension, called through ctypes exactly as
  tools/pdq_reference.py does (`luma()` = fillFloatLumaFromRGB, then `hash_luma()` =
  pdqHash256FromFloatLuma). This is the hash Takeback must equal bit for bit.
* `ref_compute`: `pdqhash.compute(pixels)`, the call the package's users make. It computes luma
  in float64 with numpy before the same C++ hash, so its hash can differ in a few bits.

Tasks, as in `pdq-bench`: `hash` times hashing of RGB pixels already in memory (the PNG decoded
once beforehand; PNG is lossless, so these are exactly the pixels the Rust side hashes), and
`png`/`jpeg` time decoding the file's bytes (read into memory beforehand, so no file I/O is
timed) with Pillow the way the reference tooling does (`Image.open`, `convert("RGB")`,
`np.asarray`; tools/pdq_reference.pixels_like_reference_tooling) and then hashing.

Each repeat runs every task once, in turn; each task first runs `--warmup` times untimed. All
samples are reported, in milliseconds, with the hash of the first run; a later run with a
different hash stops the benchmark.
"""

import argparse
import io
import json
import os
import platform
import sys
import time

import numpy as np
import pdqhash
import PIL
from PIL import Image, features

# tools/ belongs to the main project: import from it without leaving a __pycache__ there.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import pdq_reference  # noqa: E402  (needs the path above)


def decode(data):
    """RGB (or grey) uint8 pixels of an image file's bytes, decoded as the reference tooling does."""
    return pdq_reference.pixels_like_reference_tooling(io.BytesIO(data))


def core(pixels):
    return pdq_reference.hash_luma(pdq_reference.luma(pixels))


def compute(pixels):
    bits, quality = pdqhash.compute(pixels)
    # compute() returns 256 bits, most significant first: pack them into the reference's hex.
    return np.packbits(bits.astype(np.uint8)).tobytes().hex(), quality


def measure_image(stem, repeats, warmup):
    with open(stem + ".png", "rb") as f:
        png = f.read()
    with open(stem + ".jpg", "rb") as f:
        jpeg = f.read()
    pixels = decode(png)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        sys.exit(f"reference.py: {stem}.png decodes to shape {pixels.shape}; the benchmark images are RGB")

    tasks = {
        "hash/ref_core": lambda: core(pixels),
        "hash/ref_compute": lambda: compute(pixels),
        "png/ref_core": lambda: core(decode(png)),
        "png/ref_compute": lambda: compute(decode(png)),
        "jpeg/ref_core": lambda: core(decode(jpeg)),
        "jpeg/ref_compute": lambda: compute(decode(jpeg)),
    }
    samples = {key: [] for key in tasks}
    outputs = {}

    def run(key):
        start = time.perf_counter()
        hash_hex, quality = tasks[key]()
        elapsed_ms = (time.perf_counter() - start) * 1e3
        first = outputs.setdefault(key, (hash_hex, quality))
        if first != (hash_hex, quality):
            sys.exit(f"reference.py: {key} is not deterministic: {first} then {(hash_hex, quality)}")
        return elapsed_ms

    for _ in range(warmup):
        for key in tasks:
            run(key)
    for _ in range(repeats):
        for key in tasks:
            samples[key].append(run(key))

    return {
        "stem": stem,
        "width": int(pixels.shape[1]),
        "height": int(pixels.shape[0]),
        "results": {
            key: {"ms": samples[key], "hash": outputs[key][0], "quality": outputs[key][1]}
            for key in tasks
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("stems", nargs="+", metavar="STEM")
    args = parser.parse_args()
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be at least 1 and --warmup at least 0")
    images = [measure_image(stem, args.repeats, args.warmup) for stem in args.stems]
    print(json.dumps({
        "program": "reference.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "pillow_libjpeg_turbo": features.version("libjpeg_turbo"),
        "pillow_zlib": features.version("zlib"),
        "pdqhash": pdqhash.__version__,
        "repeats": args.repeats,
        "warmup": args.warmup,
        "images": images,
    }, indent=1))


if __name__ == "__main__":
    main()
