"""The chain and checkpoint rules, without a server: the same figures as the Rust side's
tests (`crates/wire/src/chain.rs`), and the shapes a change must have."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from takeback_threatexchange import chain

MD5 = "9e107d9d372bb6826bd81d3542a419d6"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def change(**fields: object) -> dict:
    raw = {"seq": 1, "op": "add", "id": 7, "algorithm": "md5", "value": MD5, "quality": None, "verified": False}
    raw.update(fields)
    return raw


def test_a_known_feed_chains_to_the_head_the_rust_side_computes() -> None:
    changes = [
        change(),
        change(seq=2, op="remove", verified=True),
        change(seq=3, id=8, algorithm="pdq", value=PDQ, quality=100, verified=True),
    ]
    head = chain.GENESIS
    for raw in changes:
        head = chain.extend(head, chain.Change.from_json(raw))
    assert head.hex() == "25256e989ed882b4f55c46e2e9fbe3bafb86cd39028fa533755120299598316c"


@pytest.mark.parametrize(
    "fields",
    [
        {"seq": True},
        {"seq": "1"},
        {"id": None},
        {"op": "drop"},
        {"algorithm": "sha1"},
        {"value": MD5.upper()},
        {"value": MD5[:-1]},
        {"quality": 101},
        {"quality": True},
        {"verified": 1},
        {"frames": "x"},
    ],
)
def test_a_malformed_change_is_refused(fields: dict) -> None:
    with pytest.raises(chain.FeedError):
        chain.Change.from_json(change(**fields))


def key_pair() -> tuple:
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    return private, public


def sign(private: Ed25519PrivateKey, text: str) -> str:
    return base64.b64encode(private.sign(text.encode())).decode()


def test_a_checkpoint_verifies_under_its_key_only() -> None:
    private, public = key_pair()
    _, stranger = key_pair()
    checkpoint = chain.Checkpoint(3, bytes(32), 1, 1_700_000_000_000, public, "")
    signed = chain.Checkpoint(3, bytes(32), 1, 1_700_000_000_000, public, sign(private, checkpoint.signed_text()))
    assert signed.verifies_under(public)
    assert not signed.verifies_under(stranger)
    forged = chain.Checkpoint(3, bytes(32), 2, 1_700_000_000_000, public, signed.signature)
    assert not forged.verifies_under(public)
    assert not chain.Checkpoint(3, bytes(32), 1, 0, public, "not base64!").verifies_under(public)
    with pytest.raises(chain.FeedError):
        chain.Checkpoint.from_json({"seq": 3, "head": "zz"})


def test_keys_are_trusted_through_endorsements_only() -> None:
    old, old_public = key_pair()
    new, new_public = key_pair()
    newer, newer_public = key_pair()
    stranger, stranger_public = key_pair()
    published = {
        "keys": [
            {"public_key": newer_public, "created_at": 3, "endorsed_by": new_public,
             "endorsement": sign(new, f"takeback key v1\n{newer_public}\n3\n")},
            {"public_key": new_public, "created_at": 2, "endorsed_by": old_public,
             "endorsement": sign(old, f"takeback key v1\n{new_public}\n2\n")},
            # Announced by a key nobody trusts, or with a signature over another time.
            {"public_key": stranger_public, "created_at": 4, "endorsed_by": stranger_public,
             "endorsement": sign(stranger, f"takeback key v1\n{stranger_public}\n4\n")},
        ]
    }
    assert chain.endorsed_keys({old_public}, published) == {old_public, new_public, newer_public}
    assert chain.endorsed_keys({newer_public}, published) == {newer_public}
    published["keys"][1]["created_at"] = 5
    assert chain.endorsed_keys({old_public}, published) == {old_public}
    assert chain.endorsed_keys({old_public}, {"keys": "garbage"}) == {old_public}


def test_a_videos_identity_is_its_sorted_distinct_frames() -> None:
    assert chain.video_identity(["cd" * 32, "ab" * 32, "ab" * 32]) == chain.video_identity(["ab" * 32, "cd" * 32])
    with pytest.raises(ValueError):
        chain.read_public_key("c2hvcnQ=")
