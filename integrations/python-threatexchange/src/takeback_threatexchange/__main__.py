"""`takeback-threatexchange label`: tell a Takeback hotline what a match turned out to be.

The `threatexchange` command's own `label` sends only positive opinions, of a hash given
by hand. This one matches a file the way `threatexchange match` does, with the state that
`threatexchange fetch` keeps (TX_STATEDIR, or ~/.threatexchange), and sends the verdict
on every Takeback entry it matches:

    takeback-threatexchange label photo picture.png --false-positive
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import typing as t

from threatexchange.signal_type.signal_base import FileHasher

from .api import TakebackSignalExchangeAPI, TakebackSignalMetadata
from .client import HotlineError

VERDICTS = {
    "false_positive": "not the reported picture or video",
    "matched": "a copy of it",
    "removed": "a copy of it, taken down",
    "blocked_upload": "a copy of it, stopped at upload",
}


def _settings() -> t.Any:
    # The threatexchange command's own settings: its collabs, extensions and indices.
    from threatexchange.cli.cli_config import CliState
    from threatexchange.cli.main import _get_settings

    state_dir = pathlib.Path(os.getenv("TX_STATEDIR", "~/.threatexchange"))
    config = CliState([], state_dir).get_persistent_config()
    settings, _ = _get_settings(config, state_dir)
    return settings


def label(args: argparse.Namespace) -> int:
    settings = _settings()
    try:
        content_type = settings.get_content_type(args.content_type)
    except Exception:
        print(f"error: unknown content type {args.content_type!r}", file=sys.stderr)
        return 2
    if args.collab and settings.get_collab(args.collab) is None:
        print(f"error: no collab named {args.collab!r}", file=sys.stderr)
        return 2
    apis: t.Dict[str, TakebackSignalExchangeAPI] = {}
    sent = 0
    for path in args.files:
        if not path.is_file():
            print(f"error: {path} is not a file", file=sys.stderr)
            return 2
        entries: t.Dict[t.Tuple[str, int], TakebackSignalMetadata] = {}
        for s_type in settings.get_signal_types_for_content(content_type):
            if not issubclass(s_type, FileHasher):
                continue
            index = settings.index.load(s_type)
            if index is None:
                continue
            for match in index.query(s_type.hash_from_file(path)):
                for collab, metadata in match.metadata:
                    if isinstance(metadata, TakebackSignalMetadata) and args.collab in (
                        None,
                        collab,
                    ):
                        entries[(collab, metadata.entry_id)] = metadata
        if not entries:
            print(f"{path}: matches no Takeback entry (have you fetched?)", file=sys.stderr)
            return 1
        for (collab, entry_id), _ in sorted(entries.items()):
            api = apis.get(collab)
            if api is None:
                api = TakebackSignalExchangeAPI.for_collab(settings.get_collab(collab))
                apis[collab] = api
            try:
                api.client.feedback(entry_id, **{args.verdict: 1})
            except HotlineError as error:
                print(f"error: {collab}: {error}", file=sys.stderr)
                return 1
            print(f"{path}: told {collab} that entry {entry_id} matched {VERDICTS[args.verdict]}")
            sent += 1
    return 0 if sent else 1


def main(argv: t.Optional[t.Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="takeback-threatexchange",
        description="Send a Takeback hotline feedback on what matched its list.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    labelling = commands.add_parser(
        "label",
        help="match files as `threatexchange match` does and report the verdict",
    )
    labelling.add_argument("content_type", help="photo or video")
    labelling.add_argument("files", nargs="+", type=pathlib.Path)
    labelling.add_argument("--collab", help="only this collab (default: every takeback one)")
    verdict = labelling.add_mutually_exclusive_group(required=True)
    verdict.add_argument(
        "--false-positive",
        dest="verdict",
        action="store_const",
        const="false_positive",
        help="the match is not the reported picture or video",
    )
    verdict.add_argument(
        "--true-positive",
        "--seen",
        dest="verdict",
        action="store_const",
        const="matched",
        help="the match is a copy of it",
    )
    verdict.add_argument(
        "--removed",
        dest="verdict",
        action="store_const",
        const="removed",
        help="the match was a copy, and it was taken down",
    )
    verdict.add_argument(
        "--blocked-upload",
        dest="verdict",
        action="store_const",
        const="blocked_upload",
        help="the match was a copy, stopped at upload",
    )
    args = parser.parse_args(argv)
    return label(args)


if __name__ == "__main__":
    sys.exit(main())
