"""The live HTTPS backend of the fetcher port (``triage.fetch``), on httpx.

The only module that imports httpx; its exceptions become ``FetchError`` values here
and nowhere else. Policy:

* host names resolve through the run's resolver (``--nameserver``, ``--zone`` apply);
  the connection goes to that address with the name as SNI and Host, so the
  certificate is checked against the name;
* certificates validate against the system store, or ``SSL_CERT_FILE`` /
  ``SSL_CERT_DIR`` when set (OpenSSL's default paths); no proxy from the environment;
* redirects are never followed: a 3xx is returned as ``FetchError.REDIRECT``;
* the body is counted while it arrives and cut at ``max_bytes`` (a declared
  Content-Length over it is refused before reading); no compression is asked for;
* ``connect_timeout`` bounds each connection attempt, ``total_timeout`` (or the caller's
  shorter ``timeout``) the whole fetch: a slow body that completes in time is read, a
  trickling one is cut.

Error details are built here from fixed words and the TLS library's reason, never
from the URL, so a secret in a query string (the SNDS key) cannot leak through them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from triage import __version__
from triage.fetch import Fetched, FetchError

if TYPE_CHECKING:
    from triage.dns.resolver import Resolver

MAX_ADDRESSES = 3  # addresses of one name tried in turn


@dataclass(frozen=True)
class FetchConfig:
    connect_timeout: float = 5.0
    total_timeout: float = 10.0  # no fetch takes longer, whatever its caller asks
    # connect here when a URL names no port (a test hook: TRIAGE_HTTPS_PORT, docs/testing.md)
    default_port: int = 443


class HttpxFetcher:
    def __init__(self, resolver: Resolver, config: FetchConfig | None = None) -> None:
        self._resolver = resolver
        self._config = config or FetchConfig()
        self._client: httpx.AsyncClient | None = None

    def _session(self) -> httpx.AsyncClient:
        if self._client is None:  # made on the run's loop, at first use
            context = ssl.create_default_context()  # system store, SSL_CERT_FILE/DIR
            # no keep-alive: a connection checked for one name is never reused for another
            # name that resolves to the same address
            transport = httpx.AsyncHTTPTransport(
                verify=context, retries=0, trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=0))
            self._client = httpx.AsyncClient(transport=transport, follow_redirects=False,
                                             trust_env=False)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, *, max_bytes: int, timeout: float) -> Fetched:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return _failed(url, FetchError.BAD_URL, "not a valid URL")
        if parsed.scheme != "https" or not parsed.host:
            return _failed(url, FetchError.BAD_URL, "only https:// URLs are fetched")
        timeout = min(timeout, self._config.total_timeout)
        try:
            async with asyncio.timeout(timeout):
                return await self._fetch(url, parsed, max_bytes, timeout)
        except TimeoutError:
            return _failed(url, FetchError.TIMEOUT, f"no complete response within {timeout:g} s")
        except Exception as exc:  # noqa: BLE001 -- the port never raises; the text never
            # quotes the exception, which could hold the URL (and a key in its query)
            return _failed(url, FetchError.PROTOCOL, f"unexpected {type(exc).__name__}")

    async def _fetch(self, url: str, parsed: httpx.URL, max_bytes: int,
                     timeout: float) -> Fetched:
        host = parsed.host
        addresses = await self._addresses(host)
        if isinstance(addresses, str):
            return _failed(url, FetchError.DNS, addresses)
        port = parsed.port or self._config.default_port
        last = _failed(url, FetchError.CONNECT, "no address to connect to")
        for address in addresses[:MAX_ADDRESSES]:
            result = await self._attempt(url, parsed, address, port, max_bytes, timeout)
            if result.error not in (FetchError.CONNECT,):
                return result
            last = result
        return last

    async def _addresses(self, host: str) -> tuple[str, ...] | str:
        """The addresses to connect to, or why there are none."""
        try:
            ipaddress.ip_address(host)
            return (host,)
        except ValueError:
            pass
        answers = await asyncio.gather(self._resolver.query(host, "A"),
                                       self._resolver.query(host, "AAAA"))
        found = tuple(str(getattr(r, "address", "")) for a in answers if a.ok for r in a.rdata)
        found = tuple(a for a in found if a)
        if found:
            return found
        states = sorted({a.status.value for a in answers})
        return f"{host} has no address ({'/'.join(states)})"

    async def _attempt(self, url: str, parsed: httpx.URL, address: str, port: int,
                       max_bytes: int, timeout: float) -> Fetched:
        host_header = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
        target = parsed.copy_with(host=address, port=port)
        extensions: dict[str, object] = {}
        if address != parsed.host:
            extensions["sni_hostname"] = parsed.host
        headers = {"Host": host_header, "Accept-Encoding": "identity",
                   "User-Agent": f"triage/{__version__}"}
        limits = httpx.Timeout(timeout, connect=min(self._config.connect_timeout, timeout))
        request = self._session().build_request("GET", target, headers=headers,
                                                extensions=extensions, timeout=limits)
        try:
            response = await self._session().send(request, stream=True)
        except httpx.HTTPError as exc:
            return _failed(url, *_translate(exc))
        try:
            return await _read(url, response, max_bytes)
        except httpx.HTTPError as exc:
            return _failed(url, *_translate(exc), status=response.status_code)
        finally:
            await response.aclose()


async def _read(url: str, response: httpx.Response, max_bytes: int) -> Fetched:
    status = response.status_code
    ctype = response.headers.get("content-type")
    if 300 <= status < 400:
        return Fetched(url, status, content_type=ctype, error=FetchError.REDIRECT,
                       detail=f"HTTP {status} redirect (not followed)",
                       location=response.headers.get("location"))
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return Fetched(url, status, content_type=ctype, error=FetchError.TOO_LARGE,
                       detail=f"Content-Length {declared} is over the {max_bytes}-byte cap")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return Fetched(url, status, bytes(body[:max_bytes]), ctype, FetchError.TOO_LARGE,
                           f"the body passed the {max_bytes}-byte cap")
    return Fetched(url, status, bytes(body), ctype)


def _failed(url: str, error: FetchError, detail: str, status: int | None = None) -> Fetched:
    return Fetched(url=url, status=status, error=error, detail=detail)


def _translate(exc: httpx.HTTPError) -> tuple[FetchError, str]:
    """httpx's exception tree, mapped once: the only place that reads it."""
    if isinstance(exc, httpx.TimeoutException):
        what = "connect" if isinstance(exc, httpx.ConnectTimeout) else "response"
        return FetchError.TIMEOUT, f"{what} timed out"
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or cause.reason or "verification failed"
            return FetchError.TLS, f"certificate not valid: {reason}"
        if isinstance(cause, ssl.SSLError):
            return FetchError.TLS, f"TLS failed: {cause.reason or 'handshake error'}"
    if isinstance(exc, httpx.ConnectError):
        # the errno's own words: an OSError's text may quote the address tuple
        why = next((os.strerror(c.errno) for c in _causes(exc)
                    if isinstance(c, OSError) and c.errno), None)
        return FetchError.CONNECT, f"connection failed ({why})" if why else "connection failed"
    if isinstance(exc, httpx.DecodingError):
        return FetchError.PROTOCOL, "the body could not be decoded"
    return FetchError.PROTOCOL, "the connection broke or did not speak HTTP"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what caused it, outermost first (bounded: a cycle ends the walk)."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain
