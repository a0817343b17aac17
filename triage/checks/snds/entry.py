"""SNDS as a registered check: Microsoft's data for the sending IPs."""

from __future__ import annotations

from dataclasses import dataclass

from triage.checks.registry import CheckSpec
from triage.checks.snds.check import DEFAULT_BASE, check_snds
from triage.checks.snds.key import SndsKey
from triage.checks.snds.result import SndsResult
from triage.context import RunContext
from triage.errors import InputError
from triage.sanitize import clean


@dataclass(frozen=True)
class Request:
    key: SndsKey
    base: str  # ends with "/"
    ips: tuple[str, ...] = ()  # empty: every IP of the key
    helo: str | None = None


def base_url(text: str | None) -> str:
    """``--snds-url``: an https:// base without query, fragment or credentials."""
    from urllib.parse import urlsplit

    raw = (text or DEFAULT_BASE).strip()
    bad = InputError(f"invalid --snds-url '{clean(raw, 200)}': an https:// base URL "
                     "without query, fragment or user name")
    try:
        url = urlsplit(raw)
        url.port  # noqa: B018 -- raises on a bad port
    except ValueError:
        raise bad from None
    if (url.scheme.lower() != "https" or not url.hostname or url.query or url.fragment
            or "@" in url.netloc or any(c.isspace() for c in raw)):
        raise bad
    return raw if raw.endswith("/") else raw + "/"


def request(key: str | None, url: str | None = None, ips: tuple[str, ...] = (),
            helo: str | None = None) -> Request:
    from triage.checks.rdns.entry import address

    if not key:
        raise InputError("no SNDS key: give --snds-key or set TRIAGE_SNDS_KEY")
    parsed = SndsKey.parse(key)
    try:  # an error line may quote what was typed: the key, pasted in the wrong place
        addresses = tuple(dict.fromkeys(str(address(ip)) for ip in ips))
        base = parsed.scrub(base_url(url))
    except InputError as exc:
        raise InputError(parsed.scrub(str(exc))) from None
    return Request(parsed, base, addresses, parsed.scrub(clean(helo.strip(), 255)) if helo
                   else None)


async def run(ctx: RunContext, req: Request) -> SndsResult:
    return await check_snds(ctx.fetcher, req.key, req.base, req.ips, req.helo)


SPEC: CheckSpec[Request, SndsResult] = CheckSpec("snds", run)
