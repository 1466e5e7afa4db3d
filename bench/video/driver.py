#!/usr/bin/env python3
"""Times Takeback's vPDQ against the reference `vpdq-hash-video`; `bench/video/run` calls it.

1. Makes the test clips with the ffmpeg command (cached in RESULTS/videos): benign,
   generated pictures (FFmpeg's testsrc2 pattern with light film grain), 1920×1080, 30 frames
   a second, H.264 High at 8 Mbit/s with a keyframe every 2 seconds, one per --lengths.
2. On the --timing-length clip, for one hash a second (S=1, Takeback's default) and every
   frame (S=0, the reference CLI's default), runs `takeback hash --format vpdq` and the
   reference `vpdq-hash-video -t 1` --runs times each, taking turns (the side that goes
   first alternates too), every process pinned to one CPU with taskset and measured by
   /usr/bin/time (wall seconds, user + system CPU seconds, peak RSS). `ffmpeg -threads 1
   ... -f null -` on the same clip gives the cost of decoding alone, for scale.
3. Runs each side once more on the other clips, for peak RSS against length, and the
   reference once with its default thread count (see README.md).
4. Checks the outputs agree (the same frame numbers, timestamps, and hashes within a small
   Hamming distance), writes RESULTS/video.md and RESULTS/video.json and prints the report.

Exits with status 1, after writing the report, if the outputs disagree.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from machine import command_output, cpu_model, memory_gib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# Generated pictures only: a test pattern with moving parts, plus temporal grain so that
# the encoder spends its bitrate the way it would on a camera's noisy footage (a clean
# pattern decodes unrealistically fast). x264's "fast" preset keeps B-frames (as phones and
# most uploads do not, and as most re-encodes on the web do).
CLIP_FILTER = "testsrc2=s=1920x1080:r=30:d={seconds},noise=alls=10:allf=t"
CLIP_ENCODE = ["-c:v", "libx264", "-preset", "fast", "-b:v", "8M", "-maxrate", "10M",
               "-bufsize", "16M", "-g", "60", "-pix_fmt", "yuv420p", "-threads", "1",
               "-movflags", "+faststart"]

# Bounds of the agreement check: both sides decode with the same system FFmpeg, so they
# should agree bit for bit; 31 is vPDQ's usual match threshold.
MAX_DISTANCE = 31

TARGET_SPEEDUP = 2.0


def log(message):
    print(message, file=sys.stderr, flush=True)


def make_clip(folder, seconds):
    """The clip of `seconds`, made once and reused; returns its path and the command."""
    path = os.path.join(folder, f"clip-{seconds}s.mp4")
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
               "-i", CLIP_FILTER.format(seconds=seconds), *CLIP_ENCODE, path]
    if not os.path.exists(path):
        log(f"Making {os.path.relpath(path)} (about 3.5 s per second of video, one thread)")
        partial = path + ".partial.mp4"
        subprocess.run([*command[:-1], partial], check=True)
        os.replace(partial, path)
    return path, command


def timed(command, cpu, stdout_path=None):
    """Runs `command` pinned to `cpu` under /usr/bin/time; wall and CPU seconds, peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = ["taskset", "-c", str(cpu), "/usr/bin/time", "-f", "%e %U %S %M",
                "-o", report.name, *command]
        stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        try:
            done = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE)
        finally:
            if stdout_path:
                stdout.close()
        if done.returncode != 0:
            sys.exit(f"driver.py: {shlex.join(command)} failed ({done.returncode}): "
                     f"{done.stderr.decode(errors='replace')[-2000:]}")
        wall, user, system, rss_kib = report.read().split()[-4:]
    return {"wall_s": float(wall), "cpu_s": float(user) + float(system),
            "rss_mib": int(rss_kib) / 1024}


def takeback_command(binary, clip, seconds_per_hash):
    return [binary, "hash", "--format", "vpdq", "--seconds-per-hash", seconds_per_hash, clip]


def reference_command(binary, clip, seconds_per_hash, out, threads="1"):
    command = [binary, "-i", clip, "-o", out, "-r", seconds_per_hash]
    return command + ["-t", threads] if threads is not None else command


def decode_command(clip):
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-threads", "1", "-i", clip,
            "-map", "0:v:0", "-f", "null", "-"]


def run_pair(args, clip, seconds_per_hash, outputs, tag):
    """One run of each side on `clip`; the outputs are kept under `outputs` for the check."""
    tb_out = os.path.join(outputs, f"{tag}-takeback.txt")
    ref_out = os.path.join(outputs, f"{tag}-reference.txt")
    tb = lambda: timed(takeback_command(args.takeback, clip, seconds_per_hash), args.cpu, tb_out)
    ref = lambda: timed(reference_command(args.reference, clip, seconds_per_hash, ref_out), args.cpu)
    return tb, ref, tb_out, ref_out


def stats(samples, key):
    values = sorted(sample[key] for sample in samples)
    return {"median": statistics.median(values), "min": values[0], "max": values[-1]}


def parse_vpdq(path):
    """The reference's text format: frame number, quality, hex hash, timestamp per line."""
    frames = []
    with open(path) as f:
        for line in f:
            if line.strip():
                number, quality, hash_hex, timestamp = line.strip().split(",")
                frames.append((int(number), int(quality), hash_hex, timestamp))
    return frames


def compare(tb_path, ref_path):
    """How the two outputs differ: frame numbers, timestamps, qualities and hash distances."""
    tb, ref = parse_vpdq(tb_path), parse_vpdq(ref_path)
    with open(tb_path, "rb") as a, open(ref_path, "rb") as b:
        identical = a.read() == b.read()
    distances = [bin(int(x[2], 16) ^ int(y[2], 16)).count("1") for x, y in zip(tb, ref)]
    buckets = {"0": 0, "1-4": 0, "5-15": 0, "16-31": 0, ">31": 0}
    for d in distances:
        key = "0" if d == 0 else "1-4" if d <= 4 else "5-15" if d <= 15 else "16-31" if d <= 31 else ">31"
        buckets[key] += 1
    return {
        "frames": [len(tb), len(ref)],
        "same_frame_numbers": [x[0] for x in tb] == [y[0] for y in ref],
        "same_timestamps": [x[3] for x in tb] == [y[3] for y in ref],
        "max_quality_difference": max((abs(x[1] - y[1]) for x, y in zip(tb, ref)), default=0),
        "identical_bytes": identical,
        "distance_buckets": buckets,
        "max_distance": max(distances, default=0),
        "mean_distance": statistics.fmean(distances) if distances else 0.0,
    }


def check(comparisons):
    failures = []
    for label, c in comparisons.items():
        if c["frames"][0] != c["frames"][1] or not c["same_frame_numbers"]:
            failures.append(f"{label}: Takeback hashed {c['frames'][0]} frames, the reference {c['frames'][1]}"
                            " (or other frame numbers)")
        elif c["max_distance"] > MAX_DISTANCE:
            failures.append(f"{label}: a frame's hashes are {c['max_distance']} bits apart")
    return failures


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--takeback", required=True, help="the built takeback binary")
    parser.add_argument("--reference", default=os.environ.get("TAKEBACK_REF_VPDQ"),
                        help="the reference vpdq-hash-video (default: $TAKEBACK_REF_VPDQ)")
    parser.add_argument("--reference-version", default=os.environ.get("TAKEBACK_REF_VPDQ_VERSION", "unknown"),
                        help="what the reference was built from, for the report "
                             "(e.g. the ThreatExchange commit; default $TAKEBACK_REF_VPDQ_VERSION)")
    parser.add_argument("--results", required=True, help="folder for the clips and the report")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each side at each setting")
    parser.add_argument("--lengths", default="30,60,120",
                        help="clip lengths in seconds, for peak RSS against length")
    parser.add_argument("--timing-length", type=int, default=60, help="the clip the timings use")
    parser.add_argument("--cpu", type=int, help="CPU to pin to (default: the last one allowed)")
    args = parser.parse_args()
    if not args.reference or not os.access(args.reference, os.X_OK):
        parser.error("give the reference vpdq-hash-video with --reference or $TAKEBACK_REF_VPDQ "
                     "(bench/video/README.md says how to build it)")
    lengths = sorted({int(x) for x in args.lengths.split(",")} | {args.timing_length})
    if args.runs < 1 or lengths[0] < 1:
        parser.error("--runs and the lengths must be positive")
    args.cpu = sorted(os.sched_getaffinity(0))[-1] if args.cpu is None else args.cpu

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    videos = os.path.join(args.results, "videos")
    outputs = os.path.join(args.results, "video-outputs")
    os.makedirs(videos, exist_ok=True)
    os.makedirs(outputs, exist_ok=True)
    clips = {seconds: make_clip(videos, seconds) for seconds in lengths}
    clip = clips[args.timing_length][0]

    timings, comparisons, commands = {}, {}, {}
    for seconds_per_hash in ("1", "0"):
        tag = f"S{seconds_per_hash}-{args.timing_length}s"
        tb, ref, tb_out, ref_out = run_pair(args, clip, seconds_per_hash, outputs, tag)
        samples = {"takeback": [], "reference": [], "decode": []}
        for i in range(args.runs):
            log(f"S={seconds_per_hash}: run {i + 1} of {args.runs} on {os.path.basename(clip)}")
            for side in (("takeback", "reference") if i % 2 == 0 else ("reference", "takeback")):
                samples[side].append(tb() if side == "takeback" else ref())
            if seconds_per_hash == "1":  # decoding alone does not depend on S
                samples["decode"].append(timed(decode_command(clip), args.cpu))
        timings[seconds_per_hash] = {side: {"samples": s, "wall_s": stats(s, "wall_s"),
                                            "cpu_s": stats(s, "cpu_s"), "rss_mib": stats(s, "rss_mib")}
                                     for side, s in samples.items() if s}
        comparisons[tag] = compare(tb_out, ref_out)
        shown = os.path.relpath(clip, REPO)
        commands[seconds_per_hash] = {
            "takeback": shlex.join(["taskset", "-c", str(args.cpu),
                                    *takeback_command("takeback", shown, seconds_per_hash)]) + " > out.txt",
            "reference": shlex.join(["taskset", "-c", str(args.cpu),
                                     *reference_command("vpdq-hash-video", shown, seconds_per_hash, "out.txt")]),
        }
    commands["decode"] = shlex.join(["taskset", "-c", str(args.cpu), *decode_command(shown)])

    # Peak RSS against length: the timing clip's runs, plus one run of each side per other clip.
    memory = {}
    for seconds_per_hash in ("1", "0"):
        for seconds in lengths:
            if seconds == args.timing_length:
                t = timings[seconds_per_hash]
                memory[f"{seconds_per_hash}/{seconds}"] = {
                    side: t[side]["rss_mib"]["max"] for side in ("takeback", "reference")}
                continue
            log(f"S={seconds_per_hash}: peak RSS on the {seconds} s clip")
            tag = f"S{seconds_per_hash}-{seconds}s"
            tb, ref, tb_out, ref_out = run_pair(args, clips[seconds][0], seconds_per_hash, outputs, tag)
            memory[f"{seconds_per_hash}/{seconds}"] = {"takeback": tb()["rss_mib"], "reference": ref()["rss_mib"]}
            comparisons[tag] = compare(tb_out, ref_out)

    # The reference as its CLI runs by default: one hashing thread per online CPU (2 here,
    # whatever taskset allows), fed by an unbounded queue of RGB frames.
    default_threads = {}
    for seconds_per_hash in ("1", "0"):
        log(f"S={seconds_per_hash}: the reference with its default thread count")
        out = os.path.join(outputs, f"S{seconds_per_hash}-{args.timing_length}s-reference-default.txt")
        default_threads[seconds_per_hash] = timed(
            reference_command(args.reference, clip, seconds_per_hash, out, threads=None), args.cpu)
        comparisons[f"S{seconds_per_hash}-{args.timing_length}s default threads"] = compare(
            os.path.join(outputs, f"S{seconds_per_hash}-{args.timing_length}s-takeback.txt"), out)
    load_after = os.getloadavg()

    environment = {
        "started_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cpus_online": os.cpu_count(),
        "memory_gib": round(memory_gib(), 1),
        "pinned_cpu": args.cpu,
        "load_average_before": load_before[0],
        "load_average_after": load_after[0],
        "kernel": platform.release(),
        "os": command_output(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "ffmpeg": command_output(["ffmpeg", "-version"]).split("\n")[0],
        "libavcodec": command_output(["sh", "-c", "pkg-config --modversion libavcodec"]),
        "rustc": command_output(["rustc", "--version"]),
        "takeback_commit": command_output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
        "takeback_crates_modified": command_output(
            ["git", "-C", REPO, "status", "--porcelain", "--", "crates"]) not in ("", "unknown"),
        "reference": args.reference,
        "reference_version": args.reference_version,
        "reference_sha256": sha256_file(args.reference),
        "runs": args.runs,
        "clips": {str(s): {"command": shlex.join(c).replace(REPO + "/", ""), "bytes": os.path.getsize(p)} for s, (p, c) in clips.items()},
    }
    failures = check(comparisons)
    report = render(environment, timings, memory, default_threads, comparisons, commands, failures, args)
    with open(os.path.join(args.results, "video.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.results, "video.json"), "w") as f:
        json.dump({"environment": environment, "timings": timings, "memory_mib": memory,
                   "reference_default_threads": default_threads, "comparisons": comparisons,
                   "commands": commands, "failures": failures}, f, indent=1)
    print(report)
    log(f"Wrote {os.path.relpath(os.path.join(args.results, 'video.md'))} and video.json")
    if failures:
        log("\nAGREEMENT CHECK FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)


def render(e, timings, memory, default_threads, comparisons, commands, failures, args):
    lines = ["# vPDQ video benchmark: Takeback beside the reference `vpdq-hash-video`", ""]
    if failures:
        lines += ["**AGREEMENT CHECK FAILED**: see the end of this report.", ""]
    lines += [
        f"Run {e['started_utc']} with `bench/video/run`. Seconds to fingerprint the "
        f"{args.timing_length} s 1080p30 H.264 clip, **median** (min–max) of {e['runs']} run(s) each, "
        "the two programs taking turns; every process pinned to one CPU. Ratios divide medians: "
        "reference ÷ Takeback, above 1× Takeback is faster. Wall time is the target's measure; "
        "CPU time (user + system) is less disturbed by other work on the same CPU.",
        "",
        f"- Machine: {e['cpu']}, {e['cpus_online']} CPUs, {e['memory_gib']} GiB, {e['os']}, Linux {e['kernel']}; "
        f"pinned to CPU {e['pinned_cpu']} (load average {e['load_average_before']:.1f} before, "
        f"{e['load_average_after']:.1f} after: other work on the machine shows up as noise).",
        f"- {e['ffmpeg']} (libavcodec {e['libavcodec']}), the same shared libraries for both programs.",
        f"- Takeback {e['takeback_commit']}" + (" with uncommitted changes in crates/" if e["takeback_crates_modified"] else "")
        + f", {e['rustc']}, release profile.",
        f"- Reference: `vpdq-hash-video` built from {e['reference_version']} (sha256 {e['reference_sha256'][:12]}…), "
        "run with `-t 1` (hashes on the decoding thread: one core).",
        "",
        "| S (seconds per hash) | Takeback wall s | reference wall s | **ratio** (wall) | Takeback CPU s | reference CPU s | ratio (CPU) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s, label in (("1", "1 (one hash a second)"), ("0", "0 (every frame)")):
        t = timings[s]
        tb, ref = t["takeback"], t["reference"]
        wall = ref["wall_s"]["median"] / tb["wall_s"]["median"]
        cpu = ref["cpu_s"]["median"] / tb["cpu_s"]["median"]
        lines.append(
            f"| {label} | {fmt(tb['wall_s'])} | {fmt(ref['wall_s'])} | **{wall:.2f}×** | "
            f"{tb['cpu_s']['median']:.2f} | {ref['cpu_s']['median']:.2f} | {cpu:.2f}× | "
            f"{'met' if wall >= TARGET_SPEEDUP else 'not met'} (≥ {TARGET_SPEEDUP:g}×) |")
    d = timings["1"]["decode"]
    lines += [
        "",
        f"For scale, decoding alone (`ffmpeg -threads 1 … -f null -`, the same libavcodec): "
        f"{fmt(d['wall_s'])} s wall, {d['cpu_s']['median']:.2f} s CPU.",
        "",
        "Peak RSS (MiB, `/usr/bin/time` maximum resident set size; at the timing length the largest of its runs):",
        "",
        "| S | clip | Takeback | reference |",
        "|---|---|---|---|",
    ]
    for key, m in memory.items():
        s, seconds = key.split("/")
        lines.append(f"| {s} | {seconds} s | {m['takeback']:.0f} | {m['reference']:.0f} |")
    lines += ["", "The reference with its default thread count (no `-t`: one hashing thread per online CPU, "
              f"{e['cpus_online']} here, still pinned to one CPU), {args.timing_length} s clip:", ""]
    for s, r in default_threads.items():
        lines.append(f"- S={s}: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU, peak RSS {r['rss_mib']:.0f} MiB")
    lines += ["", "Agreement (Takeback's output against the reference's on the same clip):", "",
              "| run | frames (Takeback, reference) | same frame numbers | same timestamps | byte-identical | "
              "distances 0 / 1-4 / 5-15 / 16-31 / >31 | max | max quality difference |",
              "|---|---|---|---|---|---|---|---|"]
    for label, c in comparisons.items():
        b = c["distance_buckets"]
        lines.append(f"| {label} | {c['frames'][0]}, {c['frames'][1]} | {yes(c['same_frame_numbers'])} | "
                     f"{yes(c['same_timestamps'])} | {yes(c['identical_bytes'])} | "
                     f"{' / '.join(str(b[k]) for k in ('0', '1-4', '5-15', '16-31', '>31'))} | "
                     f"{c['max_distance']} | {c['max_quality_difference']} |")
    lines += ["", "Commands (clip, then each timed run):", "", "```"]
    for seconds, clip in e["clips"].items():
        lines.append(clip["command"])
    for s in ("1", "0"):
        lines += [commands[s]["takeback"], commands[s]["reference"]]
    lines += [commands["decode"], "```"]
    if failures:
        lines += ["", "**AGREEMENT CHECK FAILED:**", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def fmt(s):
    return f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})"


def yes(flag):
    return "yes" if flag else "no"


if __name__ == "__main__":
    main()
