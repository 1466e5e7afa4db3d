#!/usr/bin/env python3
"""Runs Takeback's PDQ benchmark end to end and writes the table; `bench/pdq/run` calls it.

1. `pdq-bench generate` writes the benchmark images (PNG and JPEG) into RESULTS/images.
2. For each image in turn, `pdq-bench measure` (Takeback and the Rust `pdqhash` crate) and
   `reference.py` (the reference C++ core through PyPI `pdqhash`) time the same files, with
   the same number of repeats, split over `--rounds` runs of each taking turns (Rust, Python,
   Rust, Python). Both processes are pinned to one CPU, so everything is single threaded (and
   RAYON_NUM_THREADS=1 stops image 0.23's JPEG decoder from spawning threads).
3. `pdq-bench decode` writes Takeback's decoding of each JPEG, to compare with Pillow's.
4. This script checks the hashes (Takeback must equal the reference core bit for bit on the
   same pixels), computes median, p10 and p90 of every timing, prints a markdown report and
   writes it to RESULTS/pdq.md, with every raw sample in RESULTS/pdq.json.

It exits with status 1, after writing the report, if a correctness check fails.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from machine import command_output, cpu_model  # noqa: E402
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# (task key, row label). The implementation is appended to the key, e.g. "jpeg/takeback".
TASKS = [
    ("hash", "hash only (RGB pixels in memory)"),
    ("png", "PNG decode + hash (bytes in memory)"),
    ("jpeg", "JPEG decode + hash (bytes in memory)"),
]

# Targets: (task, width, height, baseline implementation, minimum baseline ÷ Takeback).
TARGETS = [
    ("hash", 4032, 3024, "ref_core", 8.0),
    ("hash", 512, 512, "ref_core", 2.0),
    ("jpeg", 4032, 3024, "ref_core", 3.0),
    ("jpeg", 4032, 3024, "ref_compute", 3.0),
]

# How the targets' baselines are named in the report.
NAMES = {
    "ref_core": "reference C++ core (ctypes)",
    "ref_compute": "`pdqhash.compute`",
}


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_json(command):
    log("  $ " + " ".join(shlex.quote(os.path.relpath(c) if c.startswith("/") else c) for c in command))
    completed = subprocess.run(command, stdout=subprocess.PIPE, check=False)
    if completed.returncode != 0:
        sys.exit(f"driver.py: {command[0]} failed with status {completed.returncode}")
    return json.loads(completed.stdout)


def repeats_for(width, height, scale):
    """Fewer repeats for bigger images: about 40 megapixels of each task, 10 to 120 times."""
    megapixels = width * height / 1e6
    return max(1, round(scale * min(120, max(10, 40 / megapixels))))


def stats(samples):
    p10, median, p90 = np.percentile(samples, [10, 50, 90])
    return {"median": float(median), "p10": float(p10), "p90": float(p90), "min": float(min(samples)),
            "n": len(samples)}


def cell(result):
    if result is None:
        return "–"
    s = result["stats"]
    return f"**{fmt_ms(s['median'])}** ({fmt_ms(s['p10'])}–{fmt_ms(s['p90'])})"


def fmt_ms(ms):
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def ratio(baseline, takeback):
    if baseline is None or takeback is None:
        return None
    return baseline["stats"]["median"] / takeback["stats"]["median"]


def fmt_ratio(value):
    return "–" if value is None else f"{value:.1f}×"


def distance(hex_a, hex_b):
    return bin(int(hex_a, 16) ^ int(hex_b, 16)).count("1")


def cargo_lock_versions(names):
    """Versions of the named crates in bench/pdq/Cargo.lock (what the binary was built with),
    oldest first: the pdqhash crate's image 0.23 stack, then Takeback's image 0.25 stack."""
    with open(os.path.join(HERE, "Cargo.lock")) as f:
        packages = re.findall(r'name = "([^"]+)"\nversion = "([^"]+)"', f.read())
    return {name: sorted({v for n, v in packages if n == name}, key=version_key) for name in names}


def version_key(version):
    return tuple(int(part) for part in re.findall(r"\d+", version))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="the built pdq-bench")
    parser.add_argument("--results", required=True, help="folder for images and reports")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every repeat count (0.2 for a quick smoke run)")
    parser.add_argument("--cpu", type=int, help="CPU to pin to (default: the last one allowed)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="split the repeats over this many alternating Rust and Python runs, so "
                             "that a change in the machine's load falls on both")
    args = parser.parse_args()
    if args.rounds < 1 or args.scale <= 0:
        parser.error("--rounds must be at least 1 and --scale positive")

    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1] if args.cpu is None else args.cpu
    os.sched_setaffinity(0, {cpu})  # inherited by both benchmark processes
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()

    log(f"Generating images in {os.path.relpath(args.results)}/images")
    manifest = run_json([args.binary, "generate", os.path.join(args.results, "images")])
    images = []
    for image in manifest["images"]:
        repeats = repeats_for(image["width"], image["height"], args.scale)
        per_round = -(-repeats // args.rounds)
        log(f"{image['name']}: {args.rounds} rounds of {per_round} repeats")
        samples, outputs, runs = {}, {}, []
        for _ in range(args.rounds):
            runs.append(run_json([args.binary, "measure", "--repeats", str(per_round), image["stem"]]))
            runs.append(run_json([sys.executable, os.path.join(HERE, "reference.py"),
                                  "--repeats", str(per_round), image["stem"]]))
            for side in runs[-2:]:
                [measured] = side["images"]
                if (measured["width"], measured["height"]) != (image["width"], image["height"]):
                    sys.exit(f"driver.py: {side['program']} measured a different image than {image['stem']}")
                for key, result in measured["results"].items():
                    samples.setdefault(key, []).extend(result["ms"])
                    output = (result["hash"], result["quality"])
                    if outputs.setdefault(key, output) != output:
                        sys.exit(f"driver.py: {key} gave {outputs[key]}, then {output} in a later round")
        rust, python = runs[0], runs[1]
        results = {key: {"ms": samples[key], "hash": outputs[key][0], "quality": outputs[key][1],
                         "stats": stats(samples[key])} for key in samples}
        repeats = per_round * args.rounds
        images.append({**image, "repeats": repeats, "rounds": args.rounds, "results": results,
                       "jpeg_pixels": compare_jpeg_decoders(args.binary, image["stem"])})
    load_after = os.getloadavg()

    environment = {
        "started_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cpus_online": os.cpu_count(),
        "pinned_cpu": cpu,
        "load_average_before": load_before[0],
        "load_average_after": load_after[0],
        "kernel": platform.release(),
        "rustc": command_output(["rustc", "--version"]),
        "takeback_commit": command_output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
        "takeback_crates_modified": command_output(
            ["git", "-C", REPO, "status", "--porcelain", "--", "crates"]) not in ("", "unknown"),
        "takeback_engine": rust["takeback_engine"],
        "crates": cargo_lock_versions(["pdqhash", "image", "zune-jpeg", "png", "jpeg-decoder"]),
        **{k: python[k] for k in ("python", "numpy", "pillow", "pillow_libjpeg_turbo", "pillow_zlib", "pdqhash")},
    }
    failures = check(images)
    report = render(images, environment, failures)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "pdq.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.results, "pdq.json"), "w") as f:
        json.dump({"environment": environment, "images": images, "failures": failures}, f, indent=1)
    print(report)
    log(f"Wrote {os.path.relpath(os.path.join(args.results, 'pdq.md'))} and pdq.json")
    if failures:
        log("\nCORRECTNESS CHECK FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)


def compare_jpeg_decoders(binary, stem):
    """How far Takeback's JPEG pixels are from Pillow's (libjpeg-turbo's), which the reference
    tooling hashes: max and mean absolute difference per channel, and the share that differ."""
    raw = stem + ".takeback-pixels"
    try:
        decoded = run_json([binary, "decode", stem + ".jpg", raw])
        takeback = np.fromfile(raw, dtype=np.uint8)
    finally:
        if os.path.exists(raw):
            os.remove(raw)
    with Image.open(stem + ".jpg") as image:
        pillow = np.asarray(image.convert("RGB"))
    if decoded["layout"] != "Rgb8" or takeback.size != pillow.size:
        sys.exit(f"driver.py: Takeback decodes {stem}.jpg to {decoded}, Pillow to {pillow.shape}")
    difference = np.abs(takeback.reshape(pillow.shape).astype(np.int16) - pillow.astype(np.int16))
    return {"max": int(difference.max()), "mean": float(difference.mean()),
            "differing": float((difference > 0).mean())}


def check(images):
    """The checks that must hold; returns what failed."""
    failures = []
    for image in images:
        r = image["results"]
        reference = r["hash/ref_core"]["hash"]
        # Bit-exactness: the same pixels must give the reference core's hash and quality.
        for key in ("hash/takeback", "hash/takeback_portable"):
            if (r[key]["hash"], r[key]["quality"]) != (reference, r["hash/ref_core"]["quality"]):
                failures.append(f"{image['name']}: {key} gives {r[key]['hash']} quality {r[key]['quality']}, "
                                f"the reference core {reference} quality {r['hash/ref_core']['quality']}")
        # PNG is lossless, so decoding it must give the same pixels, hence the same hash.
        if r["png/takeback"]["hash"] != r["png/ref_core"]["hash"]:
            failures.append(f"{image['name']}: PNG decode + hash differs from Pillow + reference core by "
                            f"{distance(r['png/takeback']['hash'], r['png/ref_core']['hash'])} bits")
    return failures


def render(images, environment, failures):
    e = environment
    lines = [
        "# PDQ benchmark: Takeback against the reference implementations",
        "",
    ]
    if failures:
        lines += ["**CORRECTNESS CHECK FAILED**: see the end of this report.", ""]
    lines += [
        f"Run {e['started_utc']} with `bench/pdq/run`. Milliseconds per image, **median** (p10–p90) "
        "over the repeats; medians are the numbers to quote. Ratios divide medians: above 1× "
        "Takeback is faster.",
        "",
        f"- Machine: {e['cpu']}, {e['cpus_online']} CPUs, Linux {e['kernel']}; every process pinned "
        f"to CPU {e['pinned_cpu']}, one thread (load average {e['load_average_before']:.1f} before, "
        f"{e['load_average_after']:.1f} after: other work on the machine shows up as noise).",
        f"- Takeback {e['takeback_commit']}" + (" with uncommitted changes in crates/" if e["takeback_crates_modified"] else "")
        + f", engine {e['takeback_engine']}, {e['rustc']}, release profile as in the main workspace; "
        f"decoding by image {e['crates']['image'][-1]} (zune-jpeg {', '.join(e['crates']['zune-jpeg'])}, "
        f"png {e['crates']['png'][-1]}).",
        f"- Reference: PyPI pdqhash {e['pdqhash']} (facebook/ThreatExchange's C++ core, built from the sdist "
        f"with the interpreter's flags, -O3), Python {e['python']}, numpy {e['numpy']}, Pillow {e['pillow']} "
        f"(libjpeg-turbo {e['pillow_libjpeg_turbo']}, zlib {e['pillow_zlib']}).",
        f"- `pdqhash` crate {', '.join(e['crates']['pdqhash'])} (darwinium-com's Rust port), which decodes with its "
        f"own image {e['crates']['image'][0]} (jpeg-decoder {', '.join(e['crates']['jpeg-decoder'])}, "
        f"png {e['crates']['png'][0]}). Its full-size function `generate_pdq_full_size` hashes every pixel and "
        "is timed in the main table; its default `generate_pdq` first shrinks the image to at most 512×512 "
        "(ignoring the aspect ratio) and is a different, approximate hash: it is listed separately.",
        "",
        "Columns: **Takeback** is `takeback_pdq::hash` on `Pixels` (Rgb8), after `takeback_fingerprint::decode` "
        "for files. **Reference core** is the C++ core called through ctypes as tools/pdq_reference.py does "
        "(`fillFloatLumaFromRGB` + `pdqHash256FromFloatLuma`), after Pillow `Image.open` + `convert(\"RGB\")` + "
        "`np.asarray` for files. **`pdqhash.compute`** is the package's own entry point on the same array "
        "(its luma is float64 numpy). **`pdqhash` crate** is `generate_pdq_full_size` on an image 0.23 "
        "`DynamicImage`, after `image::load_from_memory` for files. Hash only starts from the PNG's pixels, "
        "decoded once beforehand; decode + hash starts from the file's bytes, read into memory beforehand.",
        "",
        "| Image | Task | Takeback | Reference core | `pdqhash.compute` | `pdqhash` crate | core ÷ Takeback "
        "| compute ÷ Takeback | crate ÷ Takeback |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for image in images:
        r = image["results"]
        for task, label in TASKS:
            tb = r.get(f"{task}/takeback")
            row = [tb, r.get(f"{task}/ref_core"), r.get(f"{task}/ref_compute"), r.get(f"{task}/pdqhash_crate")]
            ratios = [ratio(x, tb) for x in row[1:]]
            lines.append(f"| {image_label(image)} | {label} | " + " | ".join(cell(x) for x in row) + " | "
                         + " | ".join(fmt_ratio(x) for x in ratios) + " |")

    lines += ["", "## Targets", ""]
    for task, width, height, baseline, minimum in TARGETS:
        for image in images:
            if (image["width"], image["height"]) != (width, height):
                continue
            value = ratio(image["results"][f"{task}/{baseline}"], image["results"][f"{task}/takeback"])
            verdict = "met" if value >= minimum else "**NOT MET**"
            what = dict(TASKS)[task].split(" (")[0]
            base = "Pillow + " + NAMES[baseline] if task != "hash" else NAMES[baseline]
            lines.append(f"- {what}, {image_label(image)}: {base} ÷ Takeback = {value:.1f}× "
                         f"(target ≥ {minimum:g}×): {verdict}")

    lines += [
        "",
        "## Hashes",
        "",
        "Takeback's hash of the pixels against the reference core's on the same pixels: they must be "
        "bit-identical, and so must the hashes after decoding the (lossless) PNG; the run fails otherwise. "
        "Then Hamming distances to the reference core on the same input: on pixels; on the PNG, decoded by "
        "each implementation's decoder; on the JPEG, where each decoder's pixels differ a little from "
        "Pillow's (see Images).",
        "",
        "| Image | Takeback, hash only (quality) | Reference core, same pixels (quality) | Identical "
        "| Takeback: PNG / JPEG | `pdqhash.compute`: pixels / PNG / JPEG | crate full size: pixels / PNG / JPEG "
        "| crate `generate_pdq`: pixels / JPEG | crate quality ×100 |",
        "|---|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for image in images:
        r = image["results"]

        def d(task, impl):
            key = f"{task}/{impl}"
            return str(distance(r[key]["hash"], r[f"{task}/ref_core"]["hash"])) if key in r else "–"

        tb, ref = r["hash/takeback"], r["hash/ref_core"]
        same = (tb["hash"], tb["quality"]) == (ref["hash"], ref["quality"])
        lines.append(
            f"| {image_label(image)} | `{tb['hash']}` ({tb['quality']:g}) | `{ref['hash']}` ({ref['quality']}) "
            f"| {'yes' if same else '**NO**'} "
            f"| {d('png', 'takeback')} / {d('jpeg', 'takeback')} "
            f"| {d('hash', 'ref_compute')} / {d('png', 'ref_compute')} / {d('jpeg', 'ref_compute')} "
            f"| {d('hash', 'pdqhash_crate')} / {d('png', 'pdqhash_crate')} / {d('jpeg', 'pdqhash_crate')} "
            f"| {d('hash', 'pdqhash_crate_resized')} / {d('jpeg', 'pdqhash_crate_resized')} "
            f"| {r['hash/pdqhash_crate']['quality']:.0f} |")
    lines += [
        "",
        "The crate's quality is its own formula (a fraction; shown ×100), not the reference's integer "
        "quality, so it is not comparable.",
    ]

    lines += [
        "",
        "## Other variants",
        "",
        "| Image | Task | Takeback | Takeback, portable engine (no SIMD, as in WebAssembly) "
        "| crate `generate_pdq` (pre-resizes) | `generate_pdq` ÷ Takeback |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for image in images:
        r = image["results"]
        for task, label in TASKS:
            extras = [r.get(f"{task}/takeback_portable"), r.get(f"{task}/pdqhash_crate_resized")]
            if not any(extras):
                continue
            tb = r[f"{task}/takeback"]
            lines.append(f"| {image_label(image)} | {label} | {cell(tb)} | " + " | ".join(cell(x) for x in extras)
                         + f" | {fmt_ratio(ratio(extras[1], tb))} |")

    lines += ["", "## Images", "",
              "Generated by `pdq-bench generate`: `takeback-testimages` patterns plus deterministic grain (each "
              "channel moved by up to ± the amount shown), so that the JPEGs are as large as a phone's. JPEG: "
              f"{images[0]['jpeg']}. The same files every run, on every machine.", "",
              "| Image | Pixels | PNG | JPEG | JPEG bits/pixel | JPEG pixels, Takeback vs Pillow: max / mean "
              "difference, share differing | Repeats |", "|---|--:|--:|--:|--:|--:|--:|"]
    for image in images:
        pixels, jp = image["width"] * image["height"], image["jpeg_pixels"]
        lines.append(f"| {image['name']} | {pixels / 1e6:.2f} MP | {image['png_bytes'] / 1e6:.2f} MB "
                     f"| {image['jpeg_bytes'] / 1e6:.2f} MB | {8 * image['jpeg_bytes'] / pixels:.2f} "
                     f"| {jp['max']} / {jp['mean']:.2f}, {100 * jp['differing']:.1f}% "
                     f"| {image['repeats']} ({image['rounds']} × {image['repeats'] // image['rounds']}, "
                     "each after 1 warm-up) |")
    lines += [
        "",
        "Each repeat runs every task of one process once, in turn, so that noise spreads over all of them. "
        "For each image the Rust and the Python process take turns, in rounds, so that a change in the "
        "machine's load falls on both.",
    ]
    if failures:
        lines += ["", "## CORRECTNESS CHECK FAILED", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def image_label(image):
    grain = f", grain ±{image['grain']}" if image.get("grain") else ", no grain"
    return f"{image['width']}×{image['height']} {image['pattern']}{grain}"


if __name__ == "__main__":
    main()
