"""Turn log timestamps into seconds, cheaply, with the clock passed in.

Policy: syslog stamps (``Nov 24 09:13:39``) carry no year and no zone: the year is the
one that puts the stamp at most a day after ``now`` (so a December log read in January
lands in the old year), and the time stays local ("naive"). Stamps with an offset are
converted to UTC. Parsing is cached per minute prefix, since a log repeats each minute
thousands of times. A stamp outside years 1-9999 (or not a finite number) is no time
at all (None): the parsers count such a record as unparsed, never crash on it.
"""

from __future__ import annotations

import calendar
import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.deferrals.aggregate import InputStats

_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_LIMIT = 100_000
FIRST_SECOND = -62135596800.0  # 0001-01-01T00:00:00Z
LAST_SECOND = 253402300799.0  # 9999-12-31T23:59:59Z


def in_range(seconds: float) -> float | None:
    """``seconds`` when a date can be written for it, else None."""
    return seconds if math.isfinite(seconds) and FIRST_SECOND <= seconds <= LAST_SECOND \
        else None


class Clock:
    """Per-run timestamp parser; ``now`` decides the year of year-less stamps."""

    def __init__(self, now: datetime) -> None:
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self._limit = (self.now + timedelta(days=1)).replace(tzinfo=None)
        self._minutes: dict[bytes, float | None] = {}

    def stamp(self, stamp: bytes, stats: InputStats) -> float | None:
        """A syslog line's stamp, classic (``Nov 24 09:13:39``) or RFC 3339; each tells
        ``stats`` whether the input's stamps carry their zone."""
        if stamp[:1].isalpha():
            stats.unzoned = True
            return self.syslog(stamp)
        if stamp.endswith(b"Z") or b"+" in stamp[10:] or b"-" in stamp[10:]:
            stats.zoned = True
        else:
            stats.unzoned = True
        return self.iso(stamp.decode("ascii", "replace"))

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

    def minute(self, minute: bytes, stats: InputStats) -> float | None:
        """A minute read once for many lines (``b"Nov  1 00:00"``, or an RFC 3339 minute
        with its zone, ``b"2025-11-01T00:00+01:00"``) -> epoch seconds; like ``stamp``,
        it tells ``stats`` whether the input's stamps carry their zone."""
        if minute[:1].isalpha():
            stats.unzoned = True
            return self.syslog(minute + b":00")
        stats.zoned = True
        return self.zoned_minute(minute)

    def zoned_minute(self, minute: bytes) -> float | None:
        """``b"2025-11-01T00:00+01:00"`` (an RFC 3339 minute and its zone) -> epoch
        seconds, cached like the syslog minutes."""
        base = self._minutes.get(minute, -1.0)
        if base == -1.0:
            base = self.iso((minute[:16] + b":00" + minute[16:]).decode("ascii", "replace"))
            if len(self._minutes) > _LIMIT:
                self._minutes.clear()
            self._minutes[minute] = base
        return base

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
            if when.tzinfo is None:
                return calendar.timegm(when.timetuple()) + when.microsecond / 1e6
            return in_range(when.timestamp())
        except (ValueError, OverflowError):
            return None

    @staticmethod
    def epoch(value: object) -> float | None:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return None
        return in_range(seconds / 1000 if seconds > 1e11 else seconds)


def render(seconds: float | None, zoned: bool) -> str | None:
    """Seconds -> RFC 3339 (``Z`` when the log carried a zone, none when it did not)."""
    if seconds is None:
        return None
    text = datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + "Z" if zoned else text
