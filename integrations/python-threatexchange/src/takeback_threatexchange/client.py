"""The hotline's partner API, over HTTP: the feed, the keys, look-ups and feedback."""

from __future__ import annotations

import typing as t
import uuid

import requests

#: How long one request may take, in seconds (connect, read).
TIMEOUT = (10, 120)


class HotlineError(Exception):
    """The hotline answered with an error, or could not be reached."""

    def __init__(self, message: str, status: t.Optional[int] = None) -> None:
        super().__init__(message)
        self.status = status


class HotlineClient:
    """A partner's client of one Takeback hotline, authenticated with its partner key."""

    def __init__(self, hotline_url: str, api_key: str) -> None:
        self.base = hotline_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["User-Agent"] = "takeback-threatexchange"

    def _get(self, path: str, params: t.Optional[dict] = None) -> t.Any:
        return self._call("GET", path, params=params)

    def _call(self, method: str, path: str, **kwargs: t.Any) -> t.Any:
        url = f"{self.base}{path}"
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise HotlineError(f"cannot reach the hotline at {self.base}: {error}") from None
        if response.status_code >= 400:
            try:
                message = response.json().get("message") or response.text
            except ValueError:
                message = response.text
            raise HotlineError(
                f"{method} {path}: {response.status_code}: {message}",
                response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise HotlineError(f"{method} {path}: the answer is not JSON") from None

    def page(self, after: int, limit: int) -> t.Any:
        """`GET /api/v1/hashlist`: the changes after `after`, at most `limit`."""
        return self._get("/api/v1/hashlist", {"after": after, "limit": limit})

    def keys(self) -> t.Any:
        """`GET /api/v1/keys`: the public keys the feed is signed with."""
        return self._get("/api/v1/keys")

    def entry_id(self, algorithm: str, value: str) -> t.Optional[int]:
        """The id of the list entry with this fingerprint, or None if it was never listed."""
        try:
            answer = self._get(
                "/api/v1/hashlist/entry", {"algorithm": algorithm, "value": value}
            )
        except HotlineError as error:
            if error.status == 404:
                return None
            raise
        entry_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(entry_id, int):
            raise HotlineError("GET /api/v1/hashlist/entry: no id in the answer")
        return entry_id

    def feedback(self, entry_id: int, **counts: int) -> t.Any:
        """`POST /api/v1/feedback` for one entry, with a fresh batch id so that a retry
        is counted once."""
        batch = {"batch_id": str(uuid.uuid4()), "items": [{"id": entry_id, **counts}]}
        for attempt in range(3):
            try:
                return self._call("POST", "/api/v1/feedback", json=batch)
            except HotlineError as error:
                # Sent again only when it may not have arrived; the batch id makes that safe.
                if attempt == 2 or (error.status is not None and error.status < 500):
                    raise
        raise AssertionError("unreachable")
