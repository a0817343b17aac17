"""Read several inputs oldest first, whatever order they were given in.

Policy: retry outcomes ("deferred, then delivered") follow the log's own order, and a
rotated set given by a shell glob (``maillog maillog.1 maillog.2.gz``) comes newest
first. Each file's first time stamp at the start of a line (syslog, with or without a
``<PRI>``, or RFC 3339 / Exim's ``YYYY-MM-DD hh:mm:ss``) is peeked from the stream that
is then read (nothing is opened or decompressed twice); when every input has one they
are read in that order (stable for equal stamps), otherwise (stdin, JSON or CSV inputs,
no stamp) in the order given.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import BinaryIO

from triage.deferrals import source
from triage.deferrals.timeparse import Clock

_FIRST = re.compile(
    rb"^(?:<\d{1,3}>\d? ?)?(?:(?P<syslog>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)"
    rb"|(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?))[ \t]",
    re.M,
)


def oldest_first(inputs: Sequence[tuple[str, BinaryIO]], clock: Clock) -> list[int]:
    """The indices of ``inputs`` (path, opened stream) in reading order."""
    given = list(range(len(inputs)))
    if len(inputs) < 2 or any(path == "-" for path, _ in inputs):
        return given
    stamps = [first_stamp(stream, clock) for _, stream in inputs]
    if any(stamp is None for stamp in stamps):
        return given
    return sorted(given, key=lambda i: stamps[i] or 0.0)


def first_stamp(stream: BinaryIO, clock: Clock) -> float | None:
    """Seconds of the first line-start time stamp in what the stream has buffered (None:
    none, or the head cannot be read; reading the stream for real reports that)."""
    peek = getattr(stream, "peek", None)
    if peek is None:
        return None
    try:
        head = peek(source.HEAD)[: source.HEAD]
    except (EOFError, OSError, ValueError, zlib.error):
        return None
    m = _FIRST.search(head)
    if m is None:
        return None
    if m.group("syslog"):
        return clock.syslog(m.group("syslog"))
    return clock.iso(m.group("iso").decode("ascii"))
