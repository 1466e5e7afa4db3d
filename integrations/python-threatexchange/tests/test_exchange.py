"""The `takeback` exchange as HMA or a script calls it, against a real `takeback serve`:
fetching checks the chain and signatures and refuses altered pages; removals delete; a
restored backup is recognised; feedback reaches the hotline."""

import base64
import json
import random
import time
import typing as t

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal

from takeback_threatexchange import (
    DivergedHistory,
    TakebackCheckpoint,
    TakebackCollabConfig,
    TakebackSignalExchangeAPI,
    TamperedPage,
)

from conftest import Hotline, Proxy, random_hash


def exchange(url: str, api_key: str, public_key: str, **options: t.Any) -> TakebackSignalExchangeAPI:
    config = TakebackCollabConfig(
        name="hotline", api="takeback", enabled=True, hotline_url=url,
        api_key=api_key, public_key=public_key, **options,
    )
    return TakebackSignalExchangeAPI.for_collab(config)


def fetch(
    api: TakebackSignalExchangeAPI,
    held: t.Dict[int, t.Any],
    checkpoint: t.Optional[TakebackCheckpoint] = None,
) -> t.Optional[TakebackCheckpoint]:
    """Applies every delta to `held` as the CLI's store does; returns the last checkpoint."""
    for delta in api.fetch_iter([PdqSignal, VideoMD5Signal], checkpoint):
        TakebackSignalExchangeAPI.naive_fetch_merge(held, delta.updates)
        checkpoint = delta.checkpoint
    return checkpoint


def listed(held: t.Dict[int, t.Any]) -> t.Set[t.Tuple[str, str]]:
    return {(record.algorithm, record.value) for record in held.values()}


def test_fetching_follows_the_list_with_removals_as_deletes(hotline: Hotline) -> None:
    rng = random.Random(1)
    a, b, c = (random_hash(rng) for _ in range(3))
    md5 = f"{rng.getrandbits(128):032x}"
    first = hotline.report([a, b], md5=[md5])
    api = exchange(hotline.url, hotline.partner("P"), hotline.public_key(), page_size=2)
    held: t.Dict[int, t.Any] = {}
    checkpoint = fetch(api, held)
    assert listed(held) == {("pdq", a), ("pdq", b), ("md5", md5)}
    assert all(not record.verified for record in held.values())

    hotline.report([c])
    hotline.withdraw(first)
    checkpoint = fetch(api, held, checkpoint)
    assert listed(held) == {("pdq", c)}
    assert checkpoint is not None and not checkpoint.is_stale()

    signals = TakebackSignalExchangeAPI.naive_convert_to_signal_type([PdqSignal], api.collab, held)
    (metadata,) = signals[PdqSignal].values()
    assert list(signals[PdqSignal]) == [c]
    assert "takeback entry" in str(metadata) and "INVESTIGATION_SEED" in str(metadata)


@pytest.mark.parametrize("tamper", ["flip", "drop", "reorder", "replay"])
def test_a_page_altered_on_the_way_is_refused(hotline: Hotline, tamper: str) -> None:
    rng = random.Random(2)
    hotline.report([random_hash(rng) for _ in range(3)])
    proxy = Proxy(hotline.url)
    try:
        api = exchange(proxy.url, hotline.partner("P"), hotline.public_key(), page_size=10)
        held: t.Dict[int, t.Any] = {}
        checkpoint = fetch(api, held)
        good = dict(held)
        hotline.report([random_hash(rng) for _ in range(3)])
        proxy.tamper = tamper
        with pytest.raises(TamperedPage):
            fetch(api, held, checkpoint)
        # Nothing of the bad page was used.
        assert held == good
        # Once the page comes through unaltered, the list catches up.
        proxy.tamper = None
        fetch(api, held, checkpoint)
        assert len(held) == 6
    finally:
        proxy.close()


def test_an_old_answer_served_again_is_refused_by_its_age(hotline: Hotline) -> None:
    rng = random.Random(7)
    hotline.report([random_hash(rng)])
    proxy = Proxy(hotline.url)
    try:
        api = exchange(proxy.url, hotline.partner("P"), hotline.public_key(), max_checkpoint_age_seconds=1)
        held: t.Dict[int, t.Any] = {}
        checkpoint = fetch(api, held)
        hotline.report([random_hash(rng)])
        time.sleep(1.5)
        # "Nothing new", as the hotline signed it a moment ago: withholds the new entry.
        proxy.tamper = "stale"
        with pytest.raises(TamperedPage, match="signed .* ago"):
            fetch(api, held, checkpoint)
        proxy.tamper = None
        fetch(api, held, checkpoint)
        assert len(held) == 2
    finally:
        proxy.close()


def test_a_wrong_or_malformed_key_is_refused(hotline: Hotline) -> None:
    hotline.report([random_hash(random.Random(3))])
    stranger = base64.b64encode(
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    key = hotline.partner("P")
    with pytest.raises(TamperedPage, match="not signed by the hotline's key"):
        fetch(exchange(hotline.url, key, stranger), {})
    with pytest.raises(ValueError, match="public key"):
        exchange(hotline.url, key, "not a key")
    with pytest.raises(ValueError, match="api_key"):
        exchange(hotline.url, "", stranger)


def test_a_rotated_key_is_followed_through_the_old_ones_announcement(hotline: Hotline) -> None:
    rng = random.Random(4)
    hotline.report([random_hash(rng)])
    old = hotline.public_key()
    api = exchange(hotline.url, hotline.partner("P"), old)
    held: t.Dict[int, t.Any] = {}
    checkpoint = fetch(api, held)
    new = hotline.run("partner", "rotate-key").strip()
    assert new != old
    hotline.restart()
    hotline.report([random_hash(rng)])
    # A partner configured with the old key only, starting afresh.
    api = exchange(hotline.url, hotline.partner("Q"), old)
    checkpoint = fetch(api, held, checkpoint)
    assert len(held) == 2
    assert new in api.trusted


def test_a_hotline_restored_from_a_backup_is_recognised(hotline: Hotline, tmp_path: t.Any) -> None:
    rng = random.Random(5)
    hotline.report([random_hash(rng) for _ in range(2)])
    key = hotline.partner("P")
    hotline.backup(tmp_path / "backup")
    hotline.report([random_hash(rng) for _ in range(2)])
    api = exchange(hotline.url, key, hotline.public_key())
    held: t.Dict[int, t.Any] = {}
    checkpoint = fetch(api, held)
    assert len(held) == 4

    # Restored, then written to: the same positions, another history.
    hotline.restore(tmp_path / "backup")
    after_restore = {random_hash(rng) for _ in range(3)}
    hotline.report(sorted(after_restore))
    api = exchange(hotline.url, key, hotline.public_key())
    stale: t.List[TakebackCheckpoint] = []
    with pytest.raises(DivergedHistory):
        for delta in api.fetch_iter([PdqSignal], checkpoint):
            assert delta.updates == {}
            stale.append(delta.checkpoint)
    assert stale and stale[-1].is_stale()

    # What the CLI and HMA do with a stale checkpoint: clear, and fetch it all again.
    held = {}
    fetch(api, held)
    assert len(held) == 5
    assert after_restore <= {value for _, value in listed(held)}


def test_opinions_reach_the_hotline_as_feedback(hotline: Hotline) -> None:
    rng = random.Random(6)
    value = random_hash(rng)
    hotline.report([value])
    api = exchange(hotline.url, hotline.partner("P"), hotline.public_key())
    held: t.Dict[int, t.Any] = {}
    fetch(api, held)
    (entry_id,) = held
    analyst = hotline.analyst("A")

    api.report_seen(PdqSignal, value)
    api.report_false_positive(PdqSignal, value)
    entry = hotline.analyst_entry(analyst, entry_id)
    assert entry["false_positive_partners"] == 1, entry

    with pytest.raises(ValueError, match="not on hotline's list"):
        api.report_false_positive(PdqSignal, random_hash(rng))


class VpdqSignal:
    """Stands in for python-threatexchange's vpdq extension (`vpdq` from PyPI, which
    needs FFmpeg's libraries to build): the exchange knows the type by its name."""

    @staticmethod
    def get_name() -> str:
        return "vpdq"


def test_a_video_is_a_vpdq_signal_of_its_frames(hotline: Hotline) -> None:
    rng = random.Random(8)
    frames = [random_hash(rng) for _ in range(3)]
    hotline.report(videos=[frames])
    api = exchange(hotline.url, hotline.partner("P"), hotline.public_key())
    held: t.Dict[int, t.Any] = {}
    fetch(api, held)
    signals = TakebackSignalExchangeAPI.naive_convert_to_signal_type(
        [PdqSignal, VpdqSignal], api.collab, held  # type: ignore[list-item]
    )
    ((signal, metadata),) = signals[VpdqSignal].items()  # type: ignore[index]
    assert metadata.algorithm == "vpdq"
    listed_frames = json.loads(signal)
    assert [f.split(",")[0] for f in listed_frames] == frames
    assert all(f.split(",")[1] == "90" for f in listed_frames)
    # Without the vpdq type (no extension), the video is left out rather than garbled.
    assert TakebackSignalExchangeAPI.naive_convert_to_signal_type([PdqSignal], api.collab, held) == {}
    # Feedback on the video finds its entry from its frames.
    api.report_false_positive(VpdqSignal, signal)  # type: ignore[arg-type]
