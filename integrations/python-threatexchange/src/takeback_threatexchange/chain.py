"""The feed's hash chain and signed checkpoints, as the Takeback matcher checks them.

Every change of a Takeback hotline's feed extends a chain: its link is the SHA-256 of the
link before it and of the change's fields. The hotline signs checkpoints (position, chain
head, list size, time) with an Ed25519 key. A reader that recomputes the chain as it reads
and finds the signed head holds the hotline's list, whoever carried it. The formats here
are the ones `crates/wire/src/chain.rs` writes; the tests check them against a real
`takeback serve`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import typing as t
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

#: The head before the first change.
GENESIS = bytes(32)

ALGORITHMS = {"pdq": 64, "md5": 32, "sha256": 64, "vpdq": 64}
_HEX = re.compile(r"^[0-9a-f]*$")


class FeedError(Exception):
    """A page or checkpoint that must not be used: altered, out of order, or unsigned."""


class TamperedPage(FeedError):
    """A page whose chain or signature does not verify: altered on the way."""


class DivergedHistory(FeedError):
    """The hotline vouches for a history other than the one held: it was restored from a
    backup and written to. The whole list must be fetched again."""


@dataclass(frozen=True)
class Change:
    """One change of the feed, checked for shape."""

    seq: int
    op: str
    id: int
    algorithm: str
    value: str
    quality: t.Optional[int]
    verified: bool
    frames: t.Optional[t.List[t.Dict[str, t.Any]]]

    @classmethod
    def from_json(cls, raw: t.Any) -> "Change":
        """Reads a change as the hotline sends it; refuses anything else."""
        if not isinstance(raw, dict):
            raise FeedError("a change is not an object")

        def integer(name: str) -> int:
            value = raw.get(name)
            # bool is an int in Python; a change never holds one where a number goes.
            if not isinstance(value, int) or isinstance(value, bool):
                raise FeedError(f"a change's {name} is not a whole number")
            return value

        seq, entry_id = integer("seq"), integer("id")
        op = raw.get("op")
        if op not in ("add", "remove"):
            raise FeedError(f"unknown operation {op!r}")
        algorithm = raw.get("algorithm")
        if algorithm not in ALGORITHMS:
            raise FeedError(f"unknown algorithm {algorithm!r}")
        value = raw.get("value")
        if (
            not isinstance(value, str)
            or len(value) != ALGORITHMS[algorithm]
            or not _HEX.match(value)
        ):
            raise FeedError(f"a malformed {algorithm} value")
        quality = raw.get("quality")
        if quality is not None and (
            not isinstance(quality, int)
            or isinstance(quality, bool)
            or not 0 <= quality <= 100
        ):
            raise FeedError("a change's quality is not 0 to 100")
        verified = raw.get("verified")
        if not isinstance(verified, bool):
            raise FeedError("a change's verified flag is not true or false")
        frames = raw.get("frames")
        if frames is not None and not isinstance(frames, list):
            raise FeedError("a change's frames are not a list")
        return cls(seq, op, entry_id, algorithm, value, quality, verified, frames)


def extend(head: bytes, change: Change) -> bytes:
    """The head after `change`, which follows `head`."""
    quality = "-" if change.quality is None else str(change.quality)
    fields = (
        f"\n{change.seq}\n{change.op}\n{change.id}\n{change.algorithm}\n"
        f"{change.value}\n{quality}\n{int(change.verified)}\n"
    )
    return hashlib.sha256(
        b"takeback feed v1\n" + head + fields.encode("ascii")
    ).digest()


def video_identity(frame_hashes: t.Iterable[str]) -> str:
    """A video's `value` in the feed: the SHA-256 of its sorted distinct frame hashes, each
    followed by a newline."""
    text = "".join(f"{h}\n" for h in sorted(set(frame_hashes)))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def read_public_key(text: str) -> Ed25519PublicKey:
    """The hotline's public key as `GET /api/v1/keys` gives it: 32 bytes in base64."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a public key is 32 bytes of Ed25519 key in base64") from None
    if len(raw) != 32:
        raise ValueError("a public key is 32 bytes of Ed25519 key in base64")
    return Ed25519PublicKey.from_public_bytes(raw)


def _verify(key_text: str, signature: t.Any, message: str) -> bool:
    if not isinstance(signature, str):
        return False
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
        read_public_key(key_text).verify(raw, message.encode("utf-8"))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Checkpoint:
    """A point of the feed the hotline vouches for."""

    seq: int
    head: bytes
    size: int
    time: int
    key_id: str
    signature: str

    @classmethod
    def from_json(cls, raw: t.Any) -> "Checkpoint":
        """Reads a checkpoint as a page carries it."""
        if not isinstance(raw, dict):
            raise FeedError("the page carries no checkpoint")
        try:
            head = bytes.fromhex(raw["head"])
            numbers = [raw[name] for name in ("seq", "size", "time")]
            if len(head) != 32 or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in numbers
            ):
                raise ValueError
            key_id, signature = raw["key_id"], raw["signature"]
            if not isinstance(key_id, str) or not isinstance(signature, str):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise FeedError("a malformed checkpoint") from None
        return cls(numbers[0], head, numbers[1], numbers[2], key_id, signature)

    def signed_text(self) -> str:
        """What the signature covers."""
        return (
            f"takeback checkpoint v1\n{self.seq}\n{self.head.hex()}\n"
            f"{self.size}\n{self.time}\n"
        )

    def verifies_under(self, public_key: str) -> bool:
        """Whether it names `public_key` and its signature verifies under it."""
        return self.key_id == public_key and _verify(
            public_key, self.signature, self.signed_text()
        )


def endorsed_keys(trusted: t.Iterable[str], published: t.Any) -> t.Set[str]:
    """The keys trusted after reading `GET /api/v1/keys`: those given, and every published
    key announced (endorsed) by one of them, transitively (a rotation, or several)."""
    keys = set(trusted)
    entries = published.get("keys", []) if isinstance(published, dict) else []
    grew = True
    while grew:
        grew = False
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            key, by = entry.get("public_key"), entry.get("endorsed_by")
            if not isinstance(key, str) or key in keys or by not in keys:
                continue
            text = f"takeback key v1\n{key}\n{entry.get('created_at')}\n"
            if isinstance(entry.get("created_at"), int) and _verify(
                by, entry.get("endorsement"), text
            ):
                keys.add(key)
                grew = True
    return keys
