#!/usr/bin/env python3
"""The matcher benchmark's data, generated once and cached in a folder (driver.py passes
bench/results/matcher-data/); `data.py --data DIR` makes or checks it on its own.

* `scan/`: benign generated pictures, as platforms receive them: RGB JPEGs of 1 to 3
  megapixels (a few grey), and smaller RGB PNGs (screenshots). Smooth gradients, shapes, blurred
  and fine noise, drawn with numpy and Pillow from a per-picture seed. Some of them are "listed":
  their PDQ hash is in the list, and the scan set also holds an edited copy of each (rotated,
  mirrored, transposed, or shrunk and recompressed), so that a scan must find the picture and its
  copy (the rotated and mirrored copies only with dihedral matching on).
* `list.txt`: the hash list, `hash,id` per line, ids 1 to N (the line numbers): the listed
  pictures' hashes at random lines, the rest uniformly random 256-bit hashes.
* `queries-single.tsv`, `queries-dihedral.tsv`: the load generator's queries, `expected_id TAB
  hex[,hex x7]`; 10% are a listed hash with 0 to 12 bits flipped (expected_id is its id), the
  rest random hashes (expected_id 0: random hashes are hundreds of standard deviations from
  distance 31 of anything). The dihedral file has eight hashes a query, the near one at a random
  position, as a rotated or mirrored re-upload would have it.
* `expected.json`: for every listed picture and copy, the list id it must match, with and
  without dihedral matching.
* `meta.json`: the generator version and parameters; a folder whose meta.json differs is
  regenerated from scratch.

The listed hashes are computed the way the hasher-matcher-actioner hashes a picture for its
bank (python-threatexchange's `pdq_from_file`: Pillow, numpy, PyPI pdqhash). The pictures are
checked on generation: every picture is at distance 64 or more, in every orientation, from every
listed hash but its own original's; every copy within 24 of its original in the orientation it
must match in, and a turned or mirrored copy 64 or more from it as it is; so that a few bits of
difference between two PDQ implementations or JPEG decoders cannot change which pictures match.
"""

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

GENERATOR_VERSION = 1
MAX_DISTANCE = 31
NEAR = 24  # a copy must be this close to its original (in the orientation it matches in)
FAR = 64  # and an unlisted picture this far from every listed one

# Edits of a listed picture, cycled through. "shrink" is the only one dihedral matching is not
# needed for.
EDITS = ("rot90", "rot180", "rot270", "flip_lr", "flip_tb", "transpose", "transverse", "shrink")
TRANSPOSE = {
    "rot90": Image.Transpose.ROTATE_90,
    "rot180": Image.Transpose.ROTATE_180,
    "rot270": Image.Transpose.ROTATE_270,
    "flip_lr": Image.Transpose.FLIP_LEFT_RIGHT,
    "flip_tb": Image.Transpose.FLIP_TOP_BOTTOM,
    "transpose": Image.Transpose.TRANSPOSE,
    "transverse": Image.Transpose.TRANSVERSE,
}

# Phone-photo sizes, 1.2 to 3.1 megapixels, landscape and portrait; screenshots for the PNGs.
JPEG_SIZES = ((1280, 960), (1600, 1200), (1920, 1080), (2048, 1536), (1440, 1080), (2016, 1512))
PNG_SIZES = ((1280, 720), (1080, 1080), (1170, 640), (1024, 768))


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Pictures


def synthesise(seed, size, grey=False, screenshot=False):
    """A benign generated picture: a smooth colour field, shapes, blurred noise, sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    if rng.random() < 0.5:
        w, h = h, w  # portrait
    # Smooth base: a few-by-few random colour field, upsampled bicubically.
    k = int(rng.integers(2, 7))
    field = rng.integers(0, 256, (k, k + 1, 3), dtype=np.uint8)
    image = Image.fromarray(field).resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(4, 14))):
        x0, x1 = sorted(rng.integers(-w // 4, w + w // 4, 2))
        y0, y1 = sorted(rng.integers(-h // 4, h + h // 4, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.ellipse((x0, y0, x1 + 8, y1 + 8), fill=colour)
        elif shape == 1:
            draw.rectangle((x0, y0, x1 + 8, y1 + 8), fill=colour)
        else:
            points = [(int(x), int(y)) for x, y in zip(rng.integers(0, w, 5), rng.integers(0, h, 5))]
            draw.polygon(points, fill=colour)
    if screenshot:
        # Flat bars and text-like lines over the shapes, no noise.
        for _ in range(int(rng.integers(10, 40))):
            y = int(rng.integers(0, h))
            x = int(rng.integers(0, w // 2))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            draw.rectangle((x, y, x + int(rng.integers(w // 8, w // 2)), y + int(rng.integers(6, 24))),
                           fill=colour)
        pixels = np.asarray(image)
    else:
        image = image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(1, 6))))
        pixels = np.asarray(image).astype(np.int16)
        # Blurred noise (texture) and fine noise (sensor): what makes JPEGs phone-photo sized.
        blotches = rng.integers(128 - 24, 128 + 25, (h // 12 + 1, w // 12 + 1, 3), dtype=np.uint8)
        texture = np.asarray(Image.fromarray(blotches, "RGB").resize((w, h), Image.Resampling.BICUBIC))
        pixels = pixels + texture.astype(np.int16) - 128 + rng.integers(-8, 9, (h, w, 1), dtype=np.int16)
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    return image.convert("L") if grey else image


def pdq_from_file(path):
    """(hash hex, quality), as the hasher-matcher-actioner hashes a file (python-threatexchange)."""
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file as tx_pdq_from_file
    return tx_pdq_from_file(path)


def dihedral_from_file(path):
    """([8 hex], quality): the same decoding, pdqhash.compute_dihedral."""
    import pdqhash
    from threatexchange.signal_type.pdq.pdq_hasher import _convert_image_to_correct_array_dimension
    with Image.open(path) as image:
        array = _convert_image_to_correct_array_dimension(image)
    vectors, quality = pdqhash.compute_dihedral(array)
    return [bits_to_hex(v) for v in vectors], quality


def bits_to_hex(bits):
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def distance(a, b):
    return int.bit_count(int(a, 16) ^ int(b, 16))


def save(image, path, rng, kind):
    if kind == "png":
        image.save(path, format="PNG")
    else:
        image.save(path, format="JPEG", quality=int(rng.integers(80, 96)), optimize=False)


def make_picture(job):
    """Writes one unlisted picture, or one listed picture and its copy; returns their records."""
    folder, number, role, seed = job
    rng = np.random.default_rng(seed + 1_000_003)
    scan = os.path.join(folder, "scan")
    if role == "png":
        size = PNG_SIZES[int(rng.integers(len(PNG_SIZES)))]
        image = synthesise(seed, size, screenshot=True)
        name = f"p{number:05d}.png"
    else:
        size = JPEG_SIZES[int(rng.integers(len(JPEG_SIZES)))]
        grey = role == "jpeg" and rng.random() < 0.05
        image = synthesise(seed, size, grey=grey)
        name = f"{'l' if role == 'listed' else 'j'}{number:05d}.jpg"
    path = os.path.join(scan, name)
    save(image, path, rng, "png" if role == "png" else "jpeg")
    hashes, quality = dihedral_from_file(path)
    records = [{"file": name, "role": role, "hashes": hashes, "quality": int(quality),
                "size": list(image.size), "mode": image.mode, "bytes": os.path.getsize(path)}]
    if role == "listed":
        pdq, _ = pdq_from_file(path)
        records[0]["listed_hash"] = pdq
        edit = EDITS[number % len(EDITS)]
        if edit == "shrink":
            with Image.open(path) as original:
                copy = original.resize((original.width * 3 // 4, original.height * 3 // 4),
                                       Image.Resampling.LANCZOS)
        else:
            with Image.open(path) as original:
                copy = original.transpose(TRANSPOSE[edit])
        copy_name = f"c{number:05d}-{edit}.jpg"
        copy_path = os.path.join(scan, copy_name)
        copy.save(copy_path, format="JPEG", quality=75)
        copy_hashes, copy_quality = dihedral_from_file(copy_path)
        records.append({"file": copy_name, "role": "copy", "edit": edit, "of": name,
                        "hashes": copy_hashes, "quality": int(copy_quality),
                        "size": list(copy.size), "mode": copy.mode,
                        "bytes": os.path.getsize(copy_path)})
    return number, role, seed, records


def picture_jobs(folder, count, listed, pngs, base_seed):
    """(folder, number, role, seed): `listed` listed pictures (each adds a copy), `pngs` PNGs, the
    rest unlisted JPEGs, `count` files in all."""
    jpegs = count - 2 * listed - pngs
    if jpegs < 0:
        sys.exit("data.py: --images must be at least 2 x --listed + --pngs")
    roles = ["listed"] * listed + ["png"] * pngs + ["jpeg"] * jpegs
    return [(folder, n, role, base_seed * 1_000_000 + n) for n, role in enumerate(roles)]


def check_separation(records):
    """(picture, reason) for the pictures that break the NEAR/FAR rules (regenerated with
    another seed): every orientation of every file must be FAR from the listed hashes other than
    its own original's, and a copy NEAR its original in the orientation it must match in."""
    listed = [r for r in records if r["role"] == "listed"]
    listed_words = as_words([r["listed_hash"] for r in listed])
    bad = []
    for r in records:
        own = r["file"] if r["role"] == "listed" else r.get("of")
        d = popcount64(as_words(r["hashes"])[:, None, :] ^ listed_words[None, :, :]).sum(-1)
        others = [k for k, l in enumerate(listed) if l["file"] != own]
        if others and int(d[:, others].min()) < FAR:
            bad.append((own or r["file"], f"{r['file']} at {int(d[:, others].min())} from another listed picture"))
        if r["role"] == "copy":
            k = next(k for k, l in enumerate(listed) if l["file"] == own)
            need = int(d[0, k]) if r["edit"] == "shrink" else int(d[:, k].min())
            if need > NEAR:
                bad.append((own, f"copy {r['file']} at {need} from its original"))
            if r["edit"] != "shrink" and int(d[0, k]) < FAR:
                # A turned or mirrored copy must not match as it is (only with dihedral on).
                bad.append((own, f"copy {r['file']} as it is at {int(d[0, k])} from its original"))
    return bad


def as_words(hexes):
    """(n, 4) uint64 of 64-hex hashes."""
    return np.frombuffer(b"".join(bytes.fromhex(h) for h in hexes), dtype=">u8").astype(np.uint64).reshape(-1, 4)


def popcount64(x):
    """Per-element popcount of a uint64 array."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def make_pictures(folder, count, listed, pngs, seed, processes):
    scan = os.path.join(folder, "scan")
    os.makedirs(scan, exist_ok=True)
    jobs = picture_jobs(folder, count, listed, pngs, seed)
    by_number = {}
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for done, (number, role, s, records) in enumerate(pool.imap_unordered(make_picture, jobs, chunksize=4)):
            by_number[number] = (role, s, records)
            if done % 250 == 249:
                log(f"  {done + 1} of {len(jobs)} pictures ({time.perf_counter() - started:.0f} s)")
        for attempt in range(1, 6):
            records = [r for _, _, rs in by_number.values() for r in rs]
            bad = check_separation(records)
            if not bad:
                break
            log(f"  regenerating {len(bad)} pictures that are too near or too far: {bad[:3]}")
            names = {name for name, _ in bad}
            redo = []
            for number, (role, s, rs) in by_number.items():
                if rs[0]["file"] in names:
                    for r in rs:
                        os.remove(os.path.join(scan, r["file"]))
                    redo.append((folder, number, role, s + 7919 * attempt * 1_000_000_000))
            for number, role, s, records in pool.imap_unordered(make_picture, redo):
                by_number[number] = (role, s, records)
        else:
            sys.exit(f"data.py: could not generate well-separated pictures: {bad[:5]}")
    return [r for n in sorted(by_number) for r in by_number[n][2]]


# ---------------------------------------------------------------------------------------------
# List and queries


def hex_rows(codes):
    """64-hex strings of the rows of an (n, 32) uint8 array."""
    text = codes.tobytes().hex()
    return [text[i:i + 64] for i in range(0, len(text), 64)]


def make_list(folder, size, records, rng):
    """Writes list.txt; returns the list's codes (n x 32 uint8) and {picture file: id}."""
    listed = [r for r in records if r["role"] == "listed"]
    codes = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    rows = rng.choice(size, len(listed), replace=False)
    ids = {}
    for r, row in zip(listed, rows):
        codes[row] = np.frombuffer(bytes.fromhex(r["listed_hash"]), dtype=np.uint8)
        ids[r["file"]] = int(row) + 1
    path = os.path.join(folder, "list.txt")
    with open(path + ".part", "w") as f:
        chunk = 1_000_000
        for start in range(0, size, chunk):
            hexes = hex_rows(codes[start:start + chunk])
            f.write("".join(f"{h},{start + i + 1}\n" for i, h in enumerate(hexes)))
    os.replace(path + ".part", path)
    return codes, ids


def flip_bits(code, count, rng):
    bits = np.unpackbits(code)
    positions = rng.choice(256, count, replace=False)
    bits[positions] ^= 1
    return np.packbits(bits)


def make_queries(folder, codes, count, match_fraction, rng):
    """queries-single.tsv and queries-dihedral.tsv: `count` queries each."""
    size = len(codes)
    for name, width in (("single", 1), ("dihedral", 8)):
        lines = []
        for _ in range(count):
            hashes = [rng.integers(0, 256, 32, dtype=np.uint8) for _ in range(width)]
            expected = 0
            if rng.random() < match_fraction:
                row = int(rng.integers(size))
                position = int(rng.integers(width))
                hashes[position] = flip_bits(codes[row], int(rng.integers(0, 13)), rng)
                expected = row + 1
            lines.append(f"{expected}\t{','.join(h.tobytes().hex() for h in hashes)}\n")
        with open(os.path.join(folder, f"queries-{name}.tsv"), "w") as f:
            f.writelines(lines)


def expected_matches(records, ids):
    """{file: {"single": [ids], "dihedral": [ids]}} for every file that must match."""
    out = {}
    for r in records:
        if r["role"] == "listed":
            out[r["file"]] = {"single": [ids[r["file"]]], "dihedral": [ids[r["file"]]]}
        elif r["role"] == "copy":
            i = ids[r["of"]]
            out[r["file"]] = {"single": [i] if r["edit"] == "shrink" else [], "dihedral": [i]}
    return out


# ---------------------------------------------------------------------------------------------


def ensure(folder, size, images, listed, pngs, queries, seed, processes):
    """Generates the folder unless a complete one with the same parameters is there; returns
    its meta.json."""
    params = {"generator_version": GENERATOR_VERSION, "list_size": size, "images": images,
              "listed": listed, "pngs": pngs, "queries": queries, "seed": seed,
              "max_distance": MAX_DISTANCE}
    meta_path = os.path.join(folder, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("params") == params:
            log(f"Reusing the data in {os.path.relpath(folder)}")
            return meta
    log(f"Generating the data into {os.path.relpath(folder)} (once; later runs reuse it)")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    started = time.perf_counter()
    records = make_pictures(folder, images, listed, pngs, seed, processes)
    pictures_s = time.perf_counter() - started
    log(f"  {len(records)} pictures in {pictures_s:.0f} s; writing the {size:,}-entry list")
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    codes, ids = make_list(folder, size, records, rng)
    make_queries(folder, codes, queries, 0.10, rng)
    list_s = time.perf_counter() - started
    del codes
    with open(os.path.join(folder, "pictures.json"), "w") as f:
        json.dump(records, f)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected_matches(records, ids), f, indent=0)
    scan = os.path.join(folder, "scan")
    meta = {
        "params": params,
        "pictures": len(records),
        "jpeg": sum(r["file"].endswith(".jpg") for r in records),
        "png": sum(r["file"].endswith(".png") for r in records),
        "grey": sum(r["mode"] == "L" for r in records),
        "listed": listed,
        "scan_bytes": sum(os.path.getsize(os.path.join(scan, f)) for f in os.listdir(scan)),
        "megapixels": sum(r["size"][0] * r["size"][1] for r in records) / 1e6,
        "min_quality": min(r["quality"] for r in records),
        "generate_s": {"pictures": pictures_s, "list_and_queries": list_s},
    }
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)
    log(f"  list and queries in {list_s:.0f} s")
    return meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--list-size", type=int, default=10_000_000)
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--listed", type=int, default=48)
    parser.add_argument("--pngs", type=int, default=48)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args()
    meta = ensure(args.data, args.list_size, args.images, args.listed, args.pngs, args.queries,
                  args.seed, args.processes)
    json.dump(meta, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
