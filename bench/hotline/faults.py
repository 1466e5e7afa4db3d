"""Turns the fault scenario's JSON summary (see `faults`) into bench/hotline/FAULTS.md on
stdout: the load held during the faults, the faults and how soon the load recovered from
each, and the invariants checked afterwards.

    python3 faults.py SUMMARY.json BUILD COMMAND
"""

import json
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import machine  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    summary_path, build, command = sys.argv[1:4]
    summary = json.loads(pathlib.Path(summary_path).read_text())
    load, checked, faults = summary["load"], summary["checked"], summary["faults"]
    commit = machine.command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    recoveries = sorted(f["recovered_after_seconds"] for f in faults)
    lines = [
        "# Faults under load",
        "",
        "Two `takeback serve` on one PostgreSQL 15 database (a private cluster started by "
        "the test, `fsync=off`: the faults stop processes, never the machine), under "
        "4 reporters sending reports (PDQ + MD5 + SHA-256 and a URL) to each server in turn, "
        "2 partners following the feed through each server in turn (pages of 50), and an "
        "analyst listing or rejecting held entries and taking some listed ones off the "
        "list. A fault every 15 s, in turn: PostgreSQL stopped as a crash would "
        "(`pg_ctl stop -m immediate`) and started again, or one server killed with -9 and "
        "started again. Every client retries after an error (refused connection, 503); a "
        "report retried is a new report, so only a 201 counts as acknowledged.",
        "",
        f"Command: `{command}` ({build}). Machine: {machine.cpu_model()}, "
        f"{os.cpu_count()} cores shared by the servers, PostgreSQL and the clients, "
        f"{machine.memory_gib():.0f} GiB; commit {commit}.",
        "",
        "## Load held",
        "",
        f"Over {summary['seconds']:.0f} s, faults included:",
        "",
        "| | done | per second | refused or lost during faults |",
        "|---|--:|--:|--:|",
        f"| reports acknowledged (201) | {load['reports_acknowledged']:,} | "
        f"{load['reports_per_second']:,.1f} | {load['reports_refused_or_lost']:,} |",
        f"| feed pages read (200) | {load['feed_reads']:,} | "
        f"{load['feed_reads_per_second']:,.1f} | {load['feed_reads_refused']:,} |",
        f"| analyst decisions (200) | {load['decisions']:,} | "
        f"{load['decisions_per_second']:,.1f} | {load['decisions_refused']:,} |",
        "",
        "## Faults survived",
        "",
        f"{len(faults)} faults; after each, reports were acknowledged again through both "
        f"servers within {recoveries[-1]:.1f} s of the fault (median "
        f"{recoveries[len(recoveries) // 2]:.1f} s; the time includes PostgreSQL's "
        "restart and recovery, or the killed server's start).",
        "",
        "| # | fault | recovered after (s) |",
        "|--:|---|--:|",
    ]
    for n, fault in enumerate(faults, 1):
        lines.append(f"| {n} | {fault['fault']} | {fault['recovered_after_seconds']:.1f} |")
    lines += [
        "",
        "## Invariants checked afterwards",
        "",
        f"- Every acknowledged report is stored exactly once: "
        f"{checked['acknowledged_reports_stored_exactly_once']:,} reports, each its case "
        f"with its three fingerprints, and no other case with its PDQ hash "
        f"({checked['cases_stored']:,} cases stored in all: the others were written, but their "
        "answer was lost to a fault, so their reporters would send them again); a sample "
        "opened with their reporters' secrets.",
        f"- The feed replayed from 0 (pages of 1,000) is consecutive and folds into exactly "
        f"the {checked['listed_entries']:,} listed entries ({checked['feed_changes']:,} "
        "changes).",
        f"- Each of the {checked['partners_matching_the_replay']} partners read every change "
        "in order, each page continuing from its cursor, and its list equals the replay.",
        "",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
