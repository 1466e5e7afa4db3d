"""The reference match-by-hash server: the hasher-matcher-actioner's (HMA, facebook/ThreatExchange)
lookup, on HMA's web stack, with the request and response shape of `takeback matcher`, so that one
load generator drives both.

What is HMA's and what is not:

* Web stack: a `flask_openapi3.OpenAPI` app (HMA's `create_app`), the route's JSON validated by a
  pydantic model and the answer built as a pydantic model and `model_dump()`ed, as HMA's
  `/m/raw_lookup` does; served by gunicorn (HMA's Docker image runs `gunicorn --bind
  0.0.0.0:5100 "OpenMediaMatch.app:create_app()"`: sync workers, no access log). driver.py
  chooses the number of workers (`--workers`; HMA's image has gunicorn's default, 1).
* Lookup: `PdqSignal.validate_signal_str` then `PDQIndex.query` (HMA's `query_index`), which is
  FAISS `IndexBinaryMultiHash(256, 16, 16)` inside `IndexBinaryIDMap2`, nflip 1, radius 31 + 1.
  HMA's `/m/lookup` also reads the matched entries' banks from PostgreSQL; this server, like
  `/m/raw_lookup`, does not (it has no database, so it does less than HMA per match).
* Index: loaded once before gunicorn forks its workers (`--preload`), from the pickle HMA's
  curator would store (reference_index.py); HMA's workers each load their own copy. Per request
  this changes nothing; it saves the workers' memory and start-up time.
* Not HMA: the route. `POST /v1/match` takes `{"pdq": hex}` or, with dihedral matching on,
  `{"pdq": hex, "dihedral": [8 hex]}` (the first equal to pdq), and looks up each distinct hash
  (HMA has no dihedral matching). With REFERENCE_DIHEDRAL=0 only `pdq` is looked up, as
  `takeback matcher --no-dihedral`. It answers `{"matches": [{"id", "distance", "algorithm"}]}`.
  `GET /readyz` answers 200 (the index is loaded before the port opens).

    REFERENCE_LIST=list.txt REFERENCE_INDEX=list.pickle [REFERENCE_DIHEDRAL=0] \\
        gunicorn --bind 127.0.0.1:PORT --workers 2 --preload "reference_server:create_app()"
"""

import os
import sys
import typing as t

from flask import abort
from flask_openapi3 import Info, OpenAPI
from pydantic import BaseModel, Field
from threatexchange.signal_type.pdq.signal import PdqSignal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_index  # noqa: E402


class MatchRequest(BaseModel):
    pdq: str = Field(..., description="PDQ hash, 64 hex digits")
    dihedral: t.Optional[list[str]] = Field(None, description="the eight orientations' hashes")


class Match(BaseModel):
    id: int
    distance: int
    algorithm: str = "pdq"


class MatchResponse(BaseModel):
    matches: list[Match]


def create_app():
    index, timings = reference_index.load(os.environ["REFERENCE_LIST"], os.environ["REFERENCE_INDEX"])
    print(f"reference: index of {timings['entries']:,} entries loaded in {timings['load_s']:.1f} s",
          file=sys.stderr, flush=True)
    dihedral = os.environ.get("REFERENCE_DIHEDRAL", "1") != "0"

    app = OpenAPI(__name__, info=Info(title="HMA-style reference matcher", version="1"))

    @app.post("/v1/match", responses={"200": MatchResponse})
    def match(body: MatchRequest):
        hashes = [body.pdq]
        if dihedral and body.dihedral:
            if len(body.dihedral) != 8:
                abort(400, "dihedral must hold eight hashes")
            hashes = body.dihedral
        try:
            hashes = [PdqSignal.validate_signal_str(h) for h in hashes]
        except Exception as e:
            abort(400, f"invalid signal: {e}")
        found = reference_index.lookup(index, hashes)
        return MatchResponse(matches=[Match(id=i, distance=d) for i, d in found.items()]).model_dump()

    @app.get("/readyz")
    def readyz():
        return {"ready": True, "entries": timings["entries"]}

    return app
