"""The HTTPS fetcher port: one async method, like the resolver's.

Checks that read the web (MTA-STS policies, SNDS) get a ``Fetcher`` from the run
context and never import an HTTP client. ``OfflineFetcher`` answers every fetch
with the error "offline" (``--offline``); ``triage.fetch_httpx.HttpxFetcher`` is the
live backend. A fetch failure is a value, never an exception above this port.

Policy every backend keeps (RFC 8461 §3.3 for MTA-STS, and the SNDS key's secrecy):
no redirect is ever followed (a 3xx comes back as ``error="redirect"`` with its
``location``), the body is cut at ``max_bytes`` while it arrives, ``timeout`` bounds
the whole fetch, certificates are always validated.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class FetchError(enum.Enum):
    """Why no usable response came back (the checks map these to finding codes)."""

    OFFLINE = "offline"  # --offline: nothing was sent
    DNS = "dns"  # the host name did not resolve
    CONNECT = "connect"  # no TCP connection
    TLS = "tls"  # the certificate did not validate (or the handshake failed)
    TIMEOUT = "timeout"  # the connect or the total deadline passed
    TOO_LARGE = "too_large"  # the body passed max_bytes
    REDIRECT = "redirect"  # a 3xx: never followed
    PROTOCOL = "protocol"  # not HTTP, or the connection broke mid-response
    BAD_URL = "bad_url"  # not an https:// URL a request can be made for


@dataclass(frozen=True)
class Fetched:
    url: str = field(repr=False)  # may carry a secret in its query (the SNDS key)
    status: int | None  # HTTP status, None when no response arrived
    body: bytes = b""
    content_type: str | None = None
    error: FetchError | None = None
    detail: str = ""  # one line about the error (never holds the URL's query)
    location: str | None = None  # a redirect's Location header, as received

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class Fetcher(Protocol):
    async def get(self, url: str, *, max_bytes: int, timeout: float) -> Fetched:
        """GET ``url`` without following redirects; never raises."""
        ...

    async def close(self) -> None:
        """Release connections; called once, on the run's event loop, at its end."""
        ...


class OfflineFetcher:
    async def get(self, url: str, *, max_bytes: int, timeout: float) -> Fetched:
        return Fetched(url=url, status=None, error=FetchError.OFFLINE,
                       detail="no request sent (--offline)")

    async def close(self) -> None:
        return None
