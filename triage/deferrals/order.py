"""Read several inputs oldest first, whatever order they were given in.

Policy: retry outcomes ("deferred, then delivered") follow the log's own order, and a
rotated set given by a shell glob (``maillog maillog.1 maillog.2.gz``) comes newest
first. Each file's first time stamp at the start of a line (syslog, with or without a
``<PRI>``, or RFC 3339 / Exim's ``YYYY-MM-DD hh:mm:ss``) is read from its first 64 KiB;
when every input has one they are read in that order (stable for equal stamps),
otherwise (stdin, JSON or CSV inputs, no stamp) in the order given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triage.deferrals import source
from triage.deferrals.timeparse import Clock

_FIRST = re.compile(
    rb"^(?:<\d{1,3}>\d? ?)?(?:(?P<syslog>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)"
    rb"|(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?))[ \t]",
    re.M,
)


def oldest_first(paths: Sequence[str], clock: Clock) -> list[int]:
    """The indices of ``paths`` in reading order."""
    given = list(range(len(paths)))
    if len(paths) < 2 or "-" in paths:
        return given
    stamps = [first_stamp(path, clock) for path in paths]
    if any(stamp is None for stamp in stamps):
        return given
    return sorted(given, key=lambda i: stamps[i] or 0.0)


def first_stamp(path: str, clock: Clock) -> float | None:
    """Seconds of the first line-start time stamp in the file's head (None: none, or the
    file cannot be read; reading it for real reports that)."""
    try:
        stream = source.open_input(path)
        try:
            head = stream.read(source.HEAD)
        finally:
            stream.close()
    except (source.InputUnreadable, OSError, EOFError, ValueError):
        return None
    m = _FIRST.search(head)
    if m is None:
        return None
    if m.group("syslog"):
        return clock.syslog(m.group("syslog"))
    return clock.iso(m.group("iso").decode("ascii"))
