"""The HTTPS fetcher port: one async method, like the resolver's.

Checks that read the web (MTA-STS policies, SNDS) get a ``Fetcher`` from the run
context and never import an HTTP client. ``OfflineFetcher`` answers every fetch
with the error "offline" (``--offline`` and every run until an HTTP backend is
plugged in); a fetch failure is a value, never an exception above this port.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int | None  # HTTP status, None when no response arrived
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None  # "offline", "timeout", "too large", "redirect", ...

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class Fetcher(Protocol):
    async def get(self, url: str, *, max_bytes: int, timeout: float) -> Fetched:
        """GET ``url`` without following redirects; never raises."""
        ...


class OfflineFetcher:
    async def get(self, url: str, *, max_bytes: int, timeout: float) -> Fetched:
        return Fetched(url=url, status=None, error="offline")
