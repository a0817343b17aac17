"""A Postfix log read a minute at a time: runs of lines that share one syslog minute.

Policy: a run is found and checked with ``bytes.rfind`` and ``count`` (C speed, no
Python per line); its delivery records are matched by one ``findall`` from the ``/``
before each agent, so the minute is read once per run and a failed record's second from
its own line. ``read`` returns None when a status line of the run is not a plain record
(another field order, a second ``status=`` in a reply, a malformed second): the parser
then reads that run line by line, so the two ways never disagree on a line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import compress, filterfalse
from operator import itemgetter

from triage.deferrals.replykey import reply_keys

# agent, "QID: to=<RCPT" (the retry key), domain, relay, dsn, failed status, reply. Only
# single-byte negated classes ([^,]*), which sre scans fastest; a record it does not
# take (no "@" or two, another field order) leaves its run to the line-by-line reader.
# A delivery's reply is not read (the line reader does not read it either); a failure's
# is taken to the end of its line and its closing parenthesis checked in Python: a
# pattern that had to find it would scan to the line's end from every "/" of a hostile
# line full of record prefixes, quadratic in the line's length.
ROW = re.compile(
    rb"/(smtp|lmtp|error|retry|local|virtual|pipe|discard)\[\d+\]: "
    rb"([0-9A-Za-z]+: to=<[^@>]*@([^>@]*))>, (?:orig_to=<[^>]*>, )?relay=([^,]*), "
    rb"(?:conn_use=[^,]*, )?delay=[^,]*, delays=[^,]*, dsn=(\d\.\d{1,3}\.\d{1,3}), "
    rb"status=(?:sent|(deferred|bounced)(?: \(([^\n]*))?[ \t\r\f\v]*$)",
    re.M,
)
Row = tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes]
AGENT, WHO, DOMAIN, RELAY, DSN, STATUS, TEXT = (itemgetter(i) for i in range(7))
RELAY_DOMAIN = itemgetter(3, 2)
EXPIRED = re.compile(rb": from=<[^>]*>, status=(?:force-)?expired")
LOCAL_AGENTS = frozenset({b"local", b"virtual", b"pipe", b"discard"})
STAMP = re.compile(rb"[A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d ")
# rsyslog's high-precision stamp (RFC 3339 with an offset): a run is its minute and zone
ISO_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9}+)?+(Z|[+-]\d\d:\d\d) ")
SYSLOG_SECOND, ISO_SECOND = 13, 17  # where a line's second is, after its minute
SLOW_LINES = 64  # lines read one by one after a line without a syslog stamp
MIN_WINDOW = 16 << 10
_NEAR = 8 << 10  # bytes searched first for the next failed record
_NEEDLES = {b"deferred": b", status=deferred", b"bounced": b", status=bounced"}


@dataclass
class Run:
    """The remote agents' records of one run, in log order, and its failed ones."""

    rows: list[Row]
    sent: Counter[tuple[bytes, bytes]]  # deliveries per (relay, domain)
    failed: list[Row]
    seconds: list[int]  # each failed record's second
    texts: list[bytes]  # each failed record's reply
    keys: list[bytes]  # each failed record's reply key
    expired: int  # qmgr expiries (not attempts)


def find(chunk: bytes, pos: int, size: int, window: int) -> tuple[int, bytes | None, int]:
    """The run of lines from ``pos`` that all begin with the minute of the line at
    ``pos`` (``b"Nov  1 00:00"``, or ``b"2025-11-01T00:00"`` and its zone): its end, that
    minute (and zone: ``b"2025-11-01T00:00+01:00"``) and its line count; the minute is
    None for a stretch of lines from one without a syslog or zoned RFC 3339 stamp. The
    run's last line is looked for backwards from ``window`` bytes ahead (doubled while
    the run goes on past it); a line logged out of order ends the run (found by
    bisection) instead of joining it, and so does a line in another zone."""
    zone = None
    if STAMP.match(chunk, pos) is not None:
        minute = chunk[pos : pos + 12]
    elif (iso := ISO_STAMP.match(chunk, pos)) is not None:
        minute, zone = chunk[pos : pos + 16], iso.group(1)
    else:
        end = pos
        for _ in range(SLOW_LINES):
            end = line_end(chunk, end, size)
            if end >= size:
                break
        return end, None, lines_in(chunk, pos, end)
    probe = b"\n" + minute
    while True:
        limit = min(size, pos + window)
        last = chunk.rfind(probe, pos, limit)
        end = line_end(chunk, pos if last < 0 else last + 1, size)
        if limit >= size or not chunk.startswith(minute, end):
            break
        window *= 2
    lines = lines_in(chunk, pos, end)
    if chunk.count(probe, pos, end) != lines - 1:
        good, bad = line_end(chunk, pos, size), end
        while True:
            middle = line_end(chunk, (good + bad) // 2, size)
            if middle >= bad:  # the middle fell in the last line: try the next one
                middle = line_end(chunk, good, size)
                if middle >= bad:
                    break
            if chunk.count(probe, pos, middle) == lines_in(chunk, pos, middle) - 1:
                good = middle
            else:
                bad = middle
        end = good
        lines = lines_in(chunk, pos, end)
    if zone is not None:  # a line of the minute in another zone (or malformed) ends it
        other = _other_zone(zone).search(chunk, pos, end - 1)
        if other is not None:
            end = other.start() + 1
            lines = lines_in(chunk, pos, end)
        minute += zone
    return end, minute, lines


def _other_zone(zone: bytes) -> re.Pattern[bytes]:
    """A line whose RFC 3339 stamp is not ``:SS[.fraction]ZONE`` after the minute (every
    line of the run begins with the minute: checked before). re's own cache keeps the
    few zones a log has compiled."""
    return re.compile(rb"\n.{16}(?!:\d\d(?:\.\d{1,9}+)?+" + re.escape(zone) + rb" )", re.S)


def read(chunk: bytes, start: int, end: int, second: int = SYSLOG_SECOND) -> Run | None:
    """The records of the run ``chunk[start:end]``, whose lines have their second at
    ``second``; None when one of its status lines is not a plain record."""
    rows: list[Row] = ROW.findall(chunk, start, end)
    expired = 0
    statuses = chunk.count(b" status=", start, end)
    if len(rows) != statuses:
        expired = len(EXPIRED.findall(chunk, start, end))
        if len(rows) + expired != statuses:
            return None
    failed = list(filter(STATUS, rows))
    seconds = _seconds(chunk, start, end, failed, second) if failed else []
    if seconds is None:
        return None
    if not LOCAL_AGENTS.isdisjoint(map(AGENT, rows)):  # local delivery is no attempt
        remote = [row[0] not in LOCAL_AGENTS for row in failed]
        failed, seconds = list(compress(failed, remote)), list(compress(seconds, remote))
        rows = [row for row in rows if row[0] not in LOCAL_AGENTS]
    texts = _replies(failed)
    if texts is None:
        return None
    sent = Counter(map(RELAY_DOMAIN, filterfalse(STATUS, rows)))
    return Run(rows, sent, failed, seconds, texts, reply_keys(texts), expired)


def _replies(failed: list[Row]) -> list[bytes] | None:
    """Each failed record's reply (``closed``); None when one is not closed."""
    out = []
    for raw in map(TEXT, failed):
        if raw.endswith(b")"):  # the usual case, without a call
            out.append(raw[:-1])
            continue
        reply = closed(raw)
        if reply is None:
            return None
        out.append(reply)
    return out


def closed(raw: bytes) -> bytes | None:
    """A record's reply from its ``(`` to the end of the line, without the closing
    ``)`` (only white space may follow it); None when it is not closed. b"" stays b""."""
    if not raw:
        return raw
    raw = raw.rstrip(b" \t\r\f\v")
    return raw[:-1] if raw[-1:] == b")" else None


def _seconds(chunk: bytes, start: int, end: int, failed: list[Row],
             second: int) -> list[int] | None:
    """Each failed record's second, read from its line (found by its status after the
    previous one's: the run's status lines are all records, so they align). None when
    one is not two digits."""
    out = []
    find, rfind = chunk.find, chunk.rfind
    at = dict.fromkeys(_NEEDLES, start)
    for status in map(STATUS, failed):
        needle, pos = _NEEDLES[status], at[status]
        # a short haystack keeps bytes.find on its cheap path (no per-call setup)
        i = find(needle, pos, pos + _NEAR)
        if i < 0:
            i = find(needle, pos, end)
            if i < 0:
                return None
        line = rfind(b"\n", start, i) + 1 or start
        tens, ones = chunk[line + second] - 48, chunk[line + second + 1] - 48
        if not (0 <= tens <= 9 and 0 <= ones <= 9):
            return None
        out.append(tens * 10 + ones)
        at[status] = i + len(needle)
    return out


def sent_stamp(chunk: bytes, who: bytes, start: int, end: int, first: bool) -> bytes:
    """The stamp of the first (or last) delivered record of ``who`` in a run (the same
    recipient may have failed there before)."""
    needle = who + b">"
    while True:
        i = chunk.find(needle, start, end) if first else chunk.rfind(needle, start, end)
        line = chunk.rfind(b"\n", 0, i) + 1
        stop = line_end(chunk, i, end)
        if i < 0 or chunk.find(b" status=sent", i, stop) >= 0:
            space = chunk.find(b" ", line + 15, line + 48)  # after the stamp
            return chunk[line : space if space > 0 else line + 15]
        if first:
            start = stop
        else:
            end = line


def line_end(chunk: bytes, pos: int, size: int) -> int:
    end = chunk.find(b"\n", pos)
    return size if end < 0 else end + 1


def lines_in(chunk: bytes, start: int, end: int) -> int:
    """Lines in ``chunk[start:end]`` (the last one may lack its newline)."""
    return chunk.count(b"\n", start, end) + (end > start and chunk[end - 1] != 10)
