"""The `threatexchange` command from PyPI with the extension enabled, as the issue writes
the sequence: fetch a Takeback hotline's list, match a picture with it, and report a false
positive that reaches the hotline's quorum (here one partner) and takes the entry off the
list."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import typing as t

import pytest
from threatexchange.signal_type.pdq.signal import PdqSignal

from conftest import Hotline, Proxy, picture, takeback

BIN = pathlib.Path(sys.executable).parent


def command(state: pathlib.Path, *args: str, expect: int = 0, verbose: bool = False) -> str:
    """Runs `threatexchange ARGS…` (or another of the environment's commands) with its
    state in `state`; returns stdout and stderr together. `verbose` shows its log, where
    the reason for a failed fetch is."""
    program, *rest = args
    done = subprocess.run(
        [str(BIN / program), *rest],
        capture_output=True,
        text=True,
        env={**os.environ, "TX_STATEDIR": str(state), "TX_VERBOSE": "1" if verbose else "0"},
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == expect, f"{' '.join(args)} exited {done.returncode}:\n{output}"
    return output


def add_collab(state: pathlib.Path, hotline: Hotline, url: str) -> None:
    """The issue's sequence: the extension enabled, and the collab `hotline` following
    `url` (the hotline, or a proxy in front of it) as a new partner."""
    config = {
        "name": "hotline",
        "hotline_url": url,
        "api_key": hotline.partner("platform"),
        "public_key": hotline.public_key(),
    }
    command(state, "threatexchange", "config", "extensions", "add", "takeback_threatexchange")
    command(state, "threatexchange", "config", "collab", "edit", "takeback", "--create", "--json", json.dumps(config))


@pytest.fixture
def quorum_of_one(tmp_path: pathlib.Path) -> t.Iterator[Hotline]:
    dir = tmp_path / "hotline"
    dir.mkdir()
    server = Hotline(dir, "--false-positive-partners-to-suspend", "1")
    yield server
    server.stop()


def test_fetch_match_and_a_false_positive_with_the_threatexchange_command(
    quorum_of_one: Hotline, tmp_path: pathlib.Path
) -> None:
    hotline = quorum_of_one
    pictures = [picture(tmp_path / f"picture{n}.png", n) for n in range(5)]
    hashes = [PdqSignal.hash_from_file(p) for p in pictures]
    # The third is the platform's own, never reported. (Two more are listed so that the
    # list never falls to one PDQ hash, which python-threatexchange's index cannot reload:
    # facebook/ThreatExchange#1318.)
    hotline.report(hashes[:2] + hashes[3:])
    state = tmp_path / "state"
    add_collab(state, hotline, hotline.url)
    command(state, "threatexchange", "fetch")

    matched = command(state, "threatexchange", "match", "photo", str(pictures[0]))
    assert "pdq" in matched and "(hotline)" in matched and "takeback entry" in matched, matched
    assert "(hotline)" not in command(state, "threatexchange", "match", "photo", str(pictures[2]))

    told = command(state, "takeback-threatexchange", "label", "photo", str(pictures[0]), "--false-positive")
    assert "told hotline that entry" in told, told
    # One partner is the quorum here: the entry is suspended and leaves the list.
    command(state, "threatexchange", "fetch")
    assert "(hotline)" not in command(state, "threatexchange", "match", "photo", str(pictures[0]))
    assert "(hotline)" in command(state, "threatexchange", "match", "photo", str(pictures[1]))

    # The released `label` command: a positive opinion of a hash given by hand, which the
    # tag false_positive turns into a false positive.
    command(
        state, "threatexchange", "label", "-H", "pdq", "-l", "false_positive",
        "hotline", "photo", "--", hashes[1],
    )
    command(state, "threatexchange", "fetch")
    assert "(hotline)" not in command(state, "threatexchange", "match", "photo", str(pictures[1]))

    # A picture that matches nothing is not reported, and says so.
    output = command(
        state, "takeback-threatexchange", "label", "photo", str(pictures[2]), "--false-positive", expect=1
    )
    assert "matches no Takeback entry" in output


def test_the_threatexchange_command_refuses_an_altered_page(hotline: Hotline, tmp_path: pathlib.Path) -> None:
    listed = picture(tmp_path / "listed.png", 10)
    hotline.report([PdqSignal.hash_from_file(listed), PdqSignal.hash_from_file(picture(tmp_path / "b.png", 11))])
    proxy = Proxy(hotline.url)
    try:
        proxy.tamper = "flip"
        state = tmp_path / "state"
        add_collab(state, hotline, proxy.url)
        output = command(state, "threatexchange", "fetch", expect=3, verbose=True)
        assert "failed to fetch" in output, output
        assert "altered on the way" in output, output
        proxy.tamper = None
        command(state, "threatexchange", "fetch")
        assert "(hotline)" in command(state, "threatexchange", "match", "photo", str(listed))
    finally:
        proxy.close()


def test_an_export_loads_into_python_threatexchanges_local_file_collab(
    hotline: Hotline, tmp_path: pathlib.Path
) -> None:
    pictures = [picture(tmp_path / f"picture{n}.png", 20 + n) for n in range(3)]
    hotline.report([PdqSignal.hash_from_file(p) for p in pictures[:2]])
    exported = tmp_path / "list.txt"
    hotline.run("partner", "export", "--format", "threatexchange", "--output", str(exported))
    takeback("verify", str(exported), "--public-key", hotline.public_key())

    state = tmp_path / "state"
    command(
        state, "threatexchange", "config", "collab", "edit", "local_file", "--create",
        "--filename", str(exported), "exported",
    )
    command(state, "threatexchange", "fetch")
    assert "(exported)" in command(state, "threatexchange", "match", "photo", str(pictures[0]))
    assert "(exported)" not in command(state, "threatexchange", "match", "photo", str(pictures[2]))
