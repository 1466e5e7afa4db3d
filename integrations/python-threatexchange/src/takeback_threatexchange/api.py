"""The `takeback` SignalExchangeAPI: a Takeback hotline's hash list as a python-threatexchange
collaboration.

Fetching follows the hotline's feed (`GET /api/v1/hashlist`) from the position the
checkpoint holds, recomputes the feed's hash chain and accepts a page only when the
hotline's signed checkpoint vouches for the head it reaches. Records are keyed by the
list entry's id, so that a removal (a withdrawn report, a suspended entry) deletes for
real. Opinions go back to the hotline as feedback counts on the entry.

No `from __future__ import annotations` here: the `threatexchange` command makes its
options from the config dataclass's field types, which must be types, not strings.
"""


import json
import logging
import os
import time
import typing as t
from dataclasses import dataclass, field, replace

from threatexchange.exchanges import fetch_state as state
from threatexchange.exchanges.collab_config import CollaborationConfigWithDefaults
from threatexchange.exchanges.signal_exchange_api import SignalExchangeAPI
from threatexchange.signal_type.signal_base import SignalType

from . import chain
from .client import HotlineClient, HotlineError

log = logging.getLogger(__name__)

#: The signal type each of Takeback's algorithms is given as. python-threatexchange has no
#: MD5 or SHA-256 type for pictures: exact copies of files are `video_md5`/`video_sha256`.
SIGNAL_TYPE_OF = {
    "pdq": "pdq",
    "md5": "video_md5",
    "sha256": "video_sha256",
    "vpdq": "vpdq",
}
ALGORITHM_OF = {name: algorithm for algorithm, name in SIGNAL_TYPE_OF.items()}

#: Tags of an opinion that say "not the reported picture", for `threatexchange label`,
#: which sends only positive opinions.
FALSE_POSITIVE_TAGS = {"false_positive", "false-positive", "falsepositive"}


@dataclass
class TakebackCollabConfig(CollaborationConfigWithDefaults):
    """A Takeback hotline to follow."""

    # Every field has a default: the `threatexchange` command makes options of the fields,
    # and a field without one would be a required option even beside --json.
    hotline_url: str = field(
        default="",
        metadata={"help": "the hotline's address, e.g. https://hotline.example.org"},
    )
    api_key: str = field(
        default="",
        metadata={
            "help": "the partner key `takeback partner add` gave "
            "(else the environment variable TAKEBACK_API_KEY)"
        },
    )
    public_key: str = field(
        default="",
        metadata={
            "help": "the hotline's public key, as GET /api/v1/keys lists it: pages are "
            "accepted only when signed by it (or a key it announced)"
        },
    )
    page_size: int = field(
        default=5000, metadata={"help": "changes asked for per request"}
    )
    max_checkpoint_age_seconds: int = field(
        default=3600,
        metadata={
            "help": "refuse a page whose checkpoint was signed longer ago than this: an "
            "old answer replayed to withhold the list's news"
        },
    )


@dataclass
class TakebackCheckpoint(state.FetchCheckpointBase):
    """Where in the feed the held list is: the position and the chain head there."""

    seq: int
    head: str
    fetched_at: int
    #: Set when the hotline vouched for another history: the next fetch starts again.
    diverged: bool = False

    def is_stale(self) -> bool:
        return self.diverged

    def get_progress_timestamp(self) -> t.Optional[int]:
        return self.fetched_at


@dataclass
class TakebackSignalMetadata(state.FetchedSignalMetadata):
    """A list entry: what a match with it says."""

    entry_id: int
    algorithm: str
    value: str
    verified: bool
    quality: t.Optional[int] = None
    #: For `vpdq`: the frames, as python-threatexchange's `vpdq` signal writes them.
    frames: t.Optional[t.List[str]] = None

    def get_as_opinions(self) -> t.Sequence[state.SignalOpinion]:
        # Checked by an analyst, or self-reported by a young person: the second wants a
        # person's review before anything drastic.
        category = (
            state.SignalOpinionCategory.POSITIVE_CLASS
            if self.verified
            else state.SignalOpinionCategory.INVESTIGATION_SEED
        )
        tags = {"takeback", "verified" if self.verified else "unverified"}
        return [state.SignalOpinion(False, category, tags)]

    def __str__(self) -> str:
        category = self.get_as_aggregate_opinion().category.name
        checked = "verified" if self.verified else "unverified"
        return f"{category} takeback entry {self.entry_id} ({checked})"


_Delta = state.FetchDelta[int, t.Optional[TakebackSignalMetadata], TakebackCheckpoint]


class TakebackSignalExchangeAPI(
    SignalExchangeAPI[
        TakebackCollabConfig,
        TakebackCheckpoint,
        TakebackSignalMetadata,
        int,
        TakebackSignalMetadata,
    ]
):
    """A Takeback hotline's hash list, verified against the hotline's signing key."""

    def __init__(self, collab: TakebackCollabConfig, client: HotlineClient) -> None:
        super().__init__()
        self.collab = collab
        self.client = client
        self.trusted: t.Set[str] = set()
        if collab.public_key:
            chain.read_public_key(collab.public_key)  # refuse a malformed key at once
            self.trusted.add(collab.public_key.strip())
        else:
            log.warning(
                "%s: no public_key configured: the chain is checked, signatures are not. "
                "Set it to the public_key of %s/api/v1/keys, checked out of band.",
                collab.name,
                collab.hotline_url,
            )

    @classmethod
    def get_name(cls) -> str:
        return "takeback"

    @staticmethod
    def get_config_cls() -> t.Type[TakebackCollabConfig]:
        return TakebackCollabConfig

    @staticmethod
    def get_checkpoint_cls() -> t.Type[TakebackCheckpoint]:
        return TakebackCheckpoint

    @staticmethod
    def get_record_cls() -> t.Type[TakebackSignalMetadata]:
        return TakebackSignalMetadata

    @classmethod
    def for_collab(cls, collab: TakebackCollabConfig) -> "TakebackSignalExchangeAPI":
        api_key = collab.api_key or os.environ.get("TAKEBACK_API_KEY", "")
        if not api_key:
            raise ValueError(
                f"{collab.name}: no api_key: set it in the collab's config or in "
                "TAKEBACK_API_KEY (the partner key `takeback partner add` printed)"
            )
        if not collab.hotline_url.startswith(("http://", "https://")):
            raise ValueError(
                f"{collab.name}: hotline_url must be the hotline's http:// or https:// address"
            )
        return cls(collab, HotlineClient(collab.hotline_url, api_key))

    # Fetching.

    def fetch_iter(
        self,
        supported_signal_types: t.Sequence[t.Type[SignalType]],
        checkpoint: t.Optional[TakebackCheckpoint],
    ) -> t.Iterator[_Delta]:
        after = 0 if checkpoint is None else checkpoint.seq
        head = chain.GENESIS if checkpoint is None else bytes.fromhex(checkpoint.head)
        limit = max(1, self.collab.page_size)
        while True:
            try:
                page = self.client.page(after, limit)
            except HotlineError as error:
                if error.status == 409:
                    # The hotline's list ends before our position: a restored backup.
                    yield from self._diverged(checkpoint, after, head)
                raise
            changes, next_seq, signed = self._read_page(page, after)
            new_head = head
            for change in changes:
                new_head = chain.extend(new_head, change)
            if signed is not None:
                self._check_signature(signed)
                if signed.head != new_head:
                    if self._signed_head_at(after) == head:
                        raise chain.TamperedPage(
                            f"{self.collab.name}: the page after {after} does not chain to "
                            "the head the hotline signed: it was altered on the way; "
                            "nothing of it was used"
                        )
                    yield from self._diverged(checkpoint, after, head)
            updates = {change.id: _record(change) for change in changes}
            checkpoint = TakebackCheckpoint(next_seq, new_head.hex(), int(time.time()))
            yield state.FetchDelta(updates, checkpoint)
            if not changes:
                return
            after, head = next_seq, new_head

    def _read_page(
        self, page: t.Any, after: int
    ) -> t.Tuple[t.List[chain.Change], int, t.Optional[chain.Checkpoint]]:
        if not isinstance(page, dict) or not isinstance(page.get("changes"), list):
            raise chain.TamperedPage("the answer is not a page of the feed")
        changes = [chain.Change.from_json(raw) for raw in page["changes"]]
        for offset, change in enumerate(changes, start=1):
            if change.seq != after + offset:
                raise chain.TamperedPage(
                    f"the page after {after} holds change {change.seq} at place {offset}: "
                    "changes are missing, reordered or replayed"
                )
        next_seq = page.get("next")
        if next_seq != (changes[-1].seq if changes else after):
            raise chain.TamperedPage(f"the page after {after} ends at the wrong place")
        raw = page.get("checkpoint")
        if raw is None:
            if self.trusted:
                raise chain.TamperedPage(
                    f"the page after {after} carries no signed checkpoint"
                )
            return changes, next_seq, None
        signed = chain.Checkpoint.from_json(raw)
        if signed.seq != next_seq:
            raise chain.TamperedPage(f"the page after {after} carries another checkpoint")
        return changes, next_seq, signed

    def _check_signature(self, signed: chain.Checkpoint) -> None:
        if not self.trusted:
            return
        if signed.key_id not in self.trusted:
            # Perhaps a rotation: trust a key announced by one trusted.
            self.trusted = chain.endorsed_keys(self.trusted, self.client.keys())
        if not any(signed.verifies_under(key) for key in self.trusted):
            raise chain.TamperedPage(
                f"the checkpoint at {signed.seq} is not signed by the hotline's key"
            )
        age_ms = time.time() * 1000 - signed.time
        if age_ms > self.collab.max_checkpoint_age_seconds * 1000:
            raise chain.TamperedPage(
                f"the checkpoint at {signed.seq} was signed {age_ms / 1000:.0f} s ago: an "
                "old answer replayed, withholding the list's news"
            )

    def _signed_head_at(self, seq: int) -> bytes:
        """The head the hotline signs at `seq`, asked afresh (the page holding only `seq`)."""
        if seq == 0:
            return chain.GENESIS
        page = self.client.page(seq - 1, 1)
        _, _, signed = self._read_page(page, seq - 1)
        if signed is None:
            raise chain.TamperedPage(f"the hotline signs no checkpoint at {seq}")
        self._check_signature(signed)
        return signed.head

    def _diverged(
        self, checkpoint: t.Optional[TakebackCheckpoint], after: int, head: bytes
    ) -> t.Iterator[_Delta]:
        held = checkpoint or TakebackCheckpoint(after, head.hex(), int(time.time()))
        # Marked stale, so that the next fetch clears the list and starts again.
        yield state.FetchDelta({}, replace(held, diverged=True, fetched_at=int(time.time())))
        raise chain.DivergedHistory(
            f"{self.collab.name}: the hotline vouches for another history of the list than "
            f"the one held at {after} (it was restored from a backup): fetch again to "
            "replace the whole list"
        )

    @classmethod
    def naive_convert_to_signal_type(
        cls,
        signal_types: t.Sequence[t.Type[SignalType]],
        collab: TakebackCollabConfig,
        fetched: t.Mapping[int, TakebackSignalMetadata],
    ) -> t.Dict[t.Type[SignalType], t.Dict[str, TakebackSignalMetadata]]:
        by_name = {s.get_name(): s for s in signal_types}
        converted: t.Dict[t.Type[SignalType], t.Dict[str, TakebackSignalMetadata]] = {}
        for record in fetched.values():
            if record is None:
                continue
            signal_type = by_name.get(SIGNAL_TYPE_OF.get(record.algorithm, ""))
            if signal_type is None:
                continue  # e.g. `vpdq` without python-threatexchange's vpdq extension
            signal = record.value
            if record.algorithm == "vpdq":
                if not record.frames:
                    continue
                signal = json.dumps(record.frames)
            converted.setdefault(signal_type, {})[signal] = record
        return converted

    # Feedback.

    def report_opinion(
        self,
        s_type: t.Type[SignalType],
        signal: str,
        opinion: state.SignalOpinion,
    ) -> None:
        """An opinion on a listed signal, sent as feedback on its entry: a negative one
        (or one tagged `false_positive`) as a false positive, any other as a match."""
        false_positive = (
            opinion.category == state.SignalOpinionCategory.NEGATIVE_CLASS
            or bool(FALSE_POSITIVE_TAGS & {tag.lower() for tag in opinion.tags})
        )
        entry_id = self.entry_id(s_type, signal)
        if false_positive:
            self.client.feedback(entry_id, false_positive=1)
        else:
            self.client.feedback(entry_id, matched=1)

    def report_seen(self, s_type: t.Type[SignalType], signal: str) -> None:
        """A copy of the listed signal was found."""
        self.client.feedback(self.entry_id(s_type, signal), matched=1)

    def report_true_positive(self, s_type: t.Type[SignalType], signal: str) -> None:
        """A match was reviewed and is the reported picture or video."""
        self.client.feedback(self.entry_id(s_type, signal), matched=1)

    def report_false_positive(self, s_type: t.Type[SignalType], signal: str) -> None:
        """A match was reviewed and is not the reported picture or video: counts towards
        the hotline suspending the entry for an analyst to look at again."""
        self.client.feedback(self.entry_id(s_type, signal), false_positive=1)

    def report_removed(self, entry_id: int, blocked_upload: bool = False) -> None:
        """A copy was taken down (or, with `blocked_upload`, an upload stopped)."""
        if blocked_upload:
            self.client.feedback(entry_id, blocked_upload=1)
        else:
            self.client.feedback(entry_id, removed=1)

    def entry_id(self, s_type: t.Type[SignalType], signal: str) -> int:
        """The id of the list entry a listed signal comes from."""
        name = s_type.get_name()
        algorithm = ALGORITHM_OF.get(name)
        if algorithm is None:
            raise ValueError(f"a Takeback list holds no {name} signals")
        value = signal.strip().lower()
        if algorithm == "vpdq":
            value = chain.video_identity(_vpdq_frame_hashes(signal))
        entry_id = self.client.entry_id(algorithm, value)
        if entry_id is None:
            raise ValueError(
                f"this {name} signal is not on {self.collab.name}'s list: give the listed "
                "signal the match was with"
            )
        return entry_id


def _record(change: chain.Change) -> t.Optional[TakebackSignalMetadata]:
    if change.op == "remove":
        return None
    frames = None
    if change.frames is not None:
        frames = []
        for frame in change.frames:
            if not isinstance(frame, dict):
                raise chain.TamperedPage("a malformed video frame")
            frames.append(
                f"{frame.get('value')},{frame.get('quality')},{frame.get('timestamp')}"
            )
    return TakebackSignalMetadata(
        entry_id=change.id,
        algorithm=change.algorithm,
        value=change.value,
        verified=change.verified,
        quality=change.quality,
        frames=frames,
    )


def _vpdq_frame_hashes(signal: str) -> t.List[str]:
    """The frame hashes of python-threatexchange's `vpdq` signal: a JSON array of
    `"hash,quality,timestamp"`."""
    try:
        frames = json.loads(signal)
        return [str(frame).split(",", 1)[0].strip().lower() for frame in frames]
    except (ValueError, TypeError):
        raise ValueError("a vpdq signal is a JSON array of \"hash,quality,timestamp\"") from None
