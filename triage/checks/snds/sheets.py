"""The SNDS CSV pages, parsed (reference §6.4: no header row, CRLF line ends).

    data.aspx      ip, activity_start, activity_end, rcpt_commands, data_commands,
                   message_recipients, filter_result, complaint_rate, trap_message_start,
                   trap_message_end, traphits, sample_helo, sample_mailfrom, comments
    ipStatus.aspx  first_ip, last_ip, blocked ("Yes"), reason

A page that is HTML (SNDS answers a bad or expired key with its sign-in page) is not
CSV: ``NotCsv``. Lines that do not fit the columns are counted, never guessed at.
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass

from triage.checks.snds.result import BlockedRange, SndsRow
from triage.sanitize import clean

FILTER_RESULTS = ("GREEN", "YELLOW", "RED")


class NotCsv(ValueError):
    """The page is not the SNDS CSV (HTML, binary)."""


@dataclass(frozen=True)
class Parsed:
    rows: tuple[SndsRow, ...] = ()
    blocked: tuple[BlockedRange, ...] = ()
    unparsed: int = 0


def _lines(body: bytes, content_type: str | None) -> list[list[str]]:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    head = text.lstrip()[:200].lower()
    if (content_type or "").lower().startswith(("text/html", "application/xhtml")) or \
            head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body", "<")):
        raise NotCsv("an HTML page, not CSV (a sign-in page: is the key right and active?)")
    if "\x00" in text:
        raise NotCsv("binary data, not CSV")
    return [row for row in csv.reader(text.splitlines()) if any(c.strip() for c in row)]


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _count(text: str) -> int | None:
    value = text.strip().replace(",", "")
    return int(value) if value.isdigit() else None


def _text(text: str) -> str | None:
    value = clean(text.strip(), 255)
    return value or None


def data(body: bytes, content_type: str | None) -> Parsed:
    rows: list[SndsRow] = []
    unparsed = 0
    for cells in _lines(body, content_type):
        ip = _ip(cells[0]) if cells else None
        verdict = cells[6].strip().upper() if len(cells) > 6 else ""
        if len(cells) < 11 or ip is None or verdict not in FILTER_RESULTS:
            unparsed += 1
            continue
        cells = [*cells, "", "", ""][:14]
        rows.append(SndsRow(
            ip=ip, activity_start=_text(cells[1]), activity_end=_text(cells[2]),
            rcpt_commands=_count(cells[3]), data_commands=_count(cells[4]),
            message_recipients=_count(cells[5]), filter_result=verdict,
            complaint_rate=_text(cells[7]), trap_hits=_count(cells[10]) or 0,
            sample_helo=_text(cells[11]), sample_mailfrom=_text(cells[12]),
            trap_start=_text(cells[8]), trap_end=_text(cells[9]), comments=_text(cells[13]),
        ))
    return Parsed(rows=tuple(rows), unparsed=unparsed)


def ip_status(body: bytes, content_type: str | None) -> Parsed:
    ranges: list[BlockedRange] = []
    unparsed = 0
    for cells in _lines(body, content_type):
        first = _ip(cells[0]) if cells else None
        last = _ip(cells[1]) if len(cells) > 1 else None
        if first is None or last is None:
            unparsed += 1
            continue
        if len(cells) > 2 and cells[2].strip().lower() not in ("yes", ""):
            continue  # listed as not blocked
        reason = _text(",".join(cells[3:])) if len(cells) > 3 else None
        ranges.append(BlockedRange(first, last, reason))
    return Parsed(blocked=tuple(ranges), unparsed=unparsed)


def covers(block: BlockedRange, ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    first, last = ipaddress.ip_address(block.first_ip), ipaddress.ip_address(block.last_ip)
    return (address.version == first.version == last.version
            and int(first) <= int(address) <= int(last))
