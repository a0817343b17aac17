"""Turn log timestamps into seconds, cheaply, with the clock passed in.

Policy: syslog stamps (``Nov 24 09:13:39``) carry no year and no zone: the year is the
one that puts the stamp at most a day after ``now`` (so a December log read in January
lands in the old year), and the time stays local ("naive"). Stamps with an offset are
converted to UTC. Parsing is cached per minute prefix, since a log repeats each minute
thousands of times.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_LIMIT = 100_000


class Clock:
    """Per-run timestamp parser; ``now`` decides the year of year-less stamps."""

    def __init__(self, now: datetime) -> None:
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self._limit = (self.now + timedelta(days=1)).replace(tzinfo=None)
        self._minutes: dict[bytes, float | None] = {}

    def syslog(self, stamp: bytes) -> float | None:
        """``b"Nov 24 09:13:39"`` -> naive epoch seconds (None when malformed)."""
        head = stamp[:12]
        base = self._minutes.get(head, -1.0)
        if base == -1.0:
            base = self._syslog_minute(head)
            if len(self._minutes) > _LIMIT:
                self._minutes.clear()
            self._minutes[head] = base
        if base is None:
            return None
        try:
            return base + int(stamp[13:15])
        except ValueError:
            return None

    def _syslog_minute(self, head: bytes) -> float | None:
        try:
            month = _MONTHS[head[:3].decode("ascii")]
            day, hour, minute = int(head[4:6]), int(head[7:9]), int(head[10:12])
            when = datetime(self.now.year, month, day, hour, minute)
            if when > self._limit:
                when = when.replace(year=self.now.year - 1)
        except (KeyError, ValueError, UnicodeDecodeError):
            return None
        return calendar.timegm(when.timetuple())

    def iso(self, stamp: str) -> float | None:
        """RFC 3339 / ISO 8601 (``T`` or space; offset optional) -> epoch seconds."""
        text = stamp.strip().replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
            text = text[:-2] + ":" + text[-2:]
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
        if when.tzinfo is None:
            return calendar.timegm(when.timetuple()) + when.microsecond / 1e6
        return when.timestamp()

    @staticmethod
    def epoch(value: object) -> float | None:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return seconds / 1000 if seconds > 1e11 else seconds


def render(seconds: float | None, zoned: bool) -> str | None:
    """Seconds -> RFC 3339 (``Z`` when the log carried a zone, none when it did not)."""
    if seconds is None:
        return None
    text = datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + "Z" if zoned else text
