"""The reference pipeline on a file, for bench/pages: Pillow decode, RGB, PyPI pdqhash
(Meta's C++ core), and hashlib's MD5 and SHA-256 of the bytes, as HMA's tooling does.

    python reference.py RUNS FILE

Prints JSON: the median milliseconds of RUNS runs (in this process, after one warm-up)
and the PDQ hash, so the driver can check it against the page's.
"""

import hashlib
import json
import statistics
import sys
import time

import numpy as np
import pdqhash
from PIL import Image


def fingerprint(path):
    with open(path, "rb") as f:
        data = f.read()
    md5 = hashlib.md5(data).hexdigest()
    sha256 = hashlib.sha256(data).hexdigest()
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    bits, quality = pdqhash.compute(pixels)
    pdq = "%064x" % int("".join(str(int(b)) for b in bits), 2)
    return pdq, quality, md5, sha256


def main():
    runs, path = int(sys.argv[1]), sys.argv[2]
    result = fingerprint(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fingerprint(path)
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"ms": statistics.median(times), "pdq": result[0], "quality": result[1]}))


if __name__ == "__main__":
    main()
