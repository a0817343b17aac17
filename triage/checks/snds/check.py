"""Read both SNDS pages through the run's fetcher and keep what covers the IPs.

The key goes into the two request URLs only; the report names the base URL. A page
that does not arrive as CSV is a ``PageRead`` with its error (never an exception).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from triage.checks.snds import findings, sheets
from triage.checks.snds.key import SndsKey
from triage.checks.snds.result import PageRead, SndsResult
from triage.fetch import Fetched, Fetcher
from triage.sanitize import clean

DEFAULT_BASE = "https://sendersupport.olc.protection.outlook.com/snds/"
DATA = "data.aspx"
STATUS = "ipStatus.aspx"
CAPS = {DATA: 8 * 1024 * 1024, STATUS: 1024 * 1024}
TIMEOUT = 30.0  # the fetcher's own deadline may be shorter


async def check_snds(fetcher: Fetcher, key: SndsKey, base: str, ips: tuple[str, ...],
                     helo: str | None = None) -> SndsResult:
    data_fetch, status_fetch = await asyncio.gather(
        _get(fetcher, base, DATA, key), _get(fetcher, base, STATUS, key))
    data_page, data = _read(DATA, data_fetch, key, sheets.data)
    status_page, status = _read(STATUS, status_fetch, key, sheets.ip_status)
    rows = tuple(r for r in data.rows if not ips or r.ip in ips)
    blocked = tuple(b for b in status.blocked if not ips or any(sheets.covers(b, ip)
                                                              for ip in ips))
    pages = (data_page, status_page)
    found = findings.errors(pages, base)
    found += findings.colour(rows) + findings.blocked(blocked, ips)
    found += findings.helo_mismatch(rows, helo)
    if data_page.error is None:
        found += findings.no_data(tuple(ip for ip in ips if not any(r.ip == ip for r in rows)))
    return SndsResult(ips[0] if len(ips) == 1 else None, ips, base, rows, blocked, pages,
                      tuple(found))


async def _get(fetcher: Fetcher, base: str, page: str, key: SndsKey) -> Fetched:
    return await fetcher.get(f"{base}{page}?key={key.reveal()}", max_bytes=CAPS[page],
                             timeout=TIMEOUT)


def _read(page: str, got: Fetched, key: SndsKey,
          parse: Callable[[bytes, str | None], sheets.Parsed]) -> tuple[PageRead, sheets.Parsed]:
    def failed(error: str, detail: str) -> tuple[PageRead, sheets.Parsed]:
        return PageRead(page, got.status, error, clean(key.scrub(detail), 300), 0, 0), \
            sheets.Parsed()

    if got.error is not None:
        detail = got.detail
        if got.location:
            # the Location may echo the query: only scheme, host and path are shown
            where = got.location.split("?", 1)[0].split("#", 1)[0]
            detail = f"{detail} to {where}"
        return failed(got.error.value, detail)
    if got.status != 200:
        return failed("http", f"HTTP {got.status}")
    try:
        parsed = parse(got.body, got.content_type)
    except sheets.NotCsv as exc:
        return failed("not_csv", str(exc))
    lines = len(parsed.rows) + len(parsed.blocked) + parsed.unparsed
    if parsed.unparsed and parsed.unparsed == lines:
        return failed("not_csv", f"none of its {lines} lines has the SNDS columns")
    return PageRead(page, got.status, None, None, lines, parsed.unparsed), parsed
