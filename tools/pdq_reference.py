#!/usr/bin/env python3
"""Meta's reference PDQ core, called through the PyPI package `pdqhash`.

`pdqhash` compiles facebook/ThreatExchange's C++ core (pdq/cpp/hashing, downscaling) into
its extension module. Its Python `compute()` computes luma in float64 with numpy, which is
not what the C++ core does (`fillFloatLumaFromRGB`, float32), so this module calls the core's
own exported functions through ctypes: luma, hash and dihedral hashes exactly as the
reference C++ computes them.

Images are decoded with Pillow the way the reference tooling does (python-threatexchange,
HMA): mode L takes the grey path; every other mode is converted with Image.convert("RGB"),
which drops alpha without compositing. EXIF orientation is not applied.

Used by the golden-hash generator (run this file) and by bench/pdq/reference.py.

    pip install pdqhash pillow numpy
    python3 tools/pdq_reference.py IMAGE_OR_DIR...   # prints CSV: name,width,height,quality,hash,<7 dihedral hashes>
"""

import ctypes
import glob
import os
import sys

import numpy as np
import pdqhash
from PIL import Image

_SO = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(pdqhash.__file__), "bindings*.so"))[0])
_LUMA_RGB = _SO._ZN8facebook3pdq7hashing20fillFloatLumaFromRGBEPhS2_S2_iiiiPf
_LUMA_GREY = _SO._ZN8facebook3pdq7hashing21fillFloatLumaFromGreyEPhiiiiPf
_HASH = _SO._ZN8facebook3pdq7hashing23pdqHash256FromFloatLumaEPfS2_iiPA64_fS4_PA16_fRNS1_7Hash256ERi
_DIHEDRAL = _SO._ZN8facebook3pdq7hashing33pdqDihedralHash256esFromFloatLumaEPfS2_iiPA64_fS4_PA16_fS6_PNS1_7Hash256ES8_S8_S8_S8_S8_S8_S8_Ri
_Hash256 = ctypes.c_uint16 * 16

DIHEDRAL_NAMES = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"]


def _ptr(array):
    return ctypes.c_void_p(array.ctypes.data)


def _hex(words):
    # Hash256::format: word 15 first.
    return "".join("%04x" % words[15 - i] for i in range(16))


def luma(pixels):
    """Float32 luma of a uint8 array, HxW (grey path) or HxWx3 (RGB path), via the C++ core."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape[:2]
    out = np.zeros((height, width), np.float32)
    if pixels.ndim == 2:
        _LUMA_GREY(_ptr(pixels), height, width, width, 1, _ptr(out))
    else:
        base = pixels.ctypes.data
        stride = pixels.shape[2]
        _LUMA_RGB(ctypes.c_void_p(base), ctypes.c_void_p(base + 1), ctypes.c_void_p(base + 2),
                  height, width, width * stride, stride, _ptr(out))
    return out


def hash_luma(luma_array):
    """(hex hash, quality) of float32 luma. The array is clobbered, as in the reference."""
    height, width = luma_array.shape
    scratch = np.zeros_like(luma_array)
    b64, b16x64, b16 = (ctypes.c_float * 4096)(), (ctypes.c_float * 1024)(), (ctypes.c_float * 256)()
    words, quality = _Hash256(), ctypes.c_int()
    _HASH(_ptr(luma_array), _ptr(scratch), height, width, b64, b16x64, b16,
          ctypes.byref(words), ctypes.byref(quality))
    return _hex(words), quality.value


def hash_pixels(pixels):
    """(hex hash, quality) of a uint8 HxW or HxWx3 array: luma and hash in the C++ core."""
    return hash_luma(luma(pixels))


def dihedral_luma(luma_array):
    """([8 hex hashes in the reference's order], quality) of float32 luma."""
    height, width = luma_array.shape
    scratch = np.zeros_like(luma_array)
    b64, b16x64 = (ctypes.c_float * 4096)(), (ctypes.c_float * 1024)()
    b16, aux = (ctypes.c_float * 256)(), (ctypes.c_float * 256)()
    hashes, quality = [_Hash256() for _ in range(8)], ctypes.c_int()
    _DIHEDRAL(_ptr(luma_array), _ptr(scratch), height, width, b64, b16x64, b16, aux,
              *[ctypes.byref(h) for h in hashes], ctypes.byref(quality))
    return [_hex(h) for h in hashes], quality.value


def pixels_like_reference_tooling(path):
    """Decode with Pillow as the reference tooling does: L stays grey, all else to RGB."""
    with Image.open(path) as image:
        if image.mode != "L":
            image = image.convert("RGB")
        return np.asarray(image)


def main(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(glob.glob(os.path.join(path, "*.png")))
        else:
            files.append(path)
    print("name,width,height,quality,hash," + ",".join(DIHEDRAL_NAMES[1:]))
    for path in files:
        pixels = pixels_like_reference_tooling(path)
        hashes, quality = dihedral_luma(luma(pixels))
        name = os.path.splitext(os.path.basename(path))[0]
        print(f"{name},{pixels.shape[1]},{pixels.shape[0]},{quality}," + ",".join(hashes))


if __name__ == "__main__":
    main(sys.argv[1:])
