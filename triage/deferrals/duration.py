"""How long deferrals to one provider went on without recovery (the escalation clock).

Policy (microsoft-deferral-playbook.md §2; the numbers in thresholds.py): 0-15 min
monitor, 15-60 min tune retries, 60+ min escalate. A streak is a run of time buckets whose
deferral rate is out of the normal band (1 % or more, or the ``--watch-rate`` given); it
ends at a bucket where the provider took mail in the normal band again
("recovery"); buckets without any attempt neither extend nor end it. Its length runs
from the first deferral of its first bucket to the last deferral of its last bucket. A
streak still open at the end of the input has recovered when the provider took a
delivery after its last deferral (deliveries counted per minute count from the minute's
start, so only a later minute is taken as proof).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.deferrals.buckets import DEFERRED, Buckets
from triage.deferrals.thresholds import Thresholds


@dataclass(frozen=True)
class Streak:
    start: float
    end: float
    recovered: bool

    @property
    def minutes(self) -> float:
        return round((self.end - self.start) / 60, 1)


def spoken(minutes: object) -> str:
    """Minutes as a reader takes them in: "4.1 min", "3 h 20 min", "765 days 3 h" (JSON
    keeps the minutes; a span of days in minutes reads as noise)."""
    if not isinstance(minutes, int | float) or isinstance(minutes, bool):
        return "unknown duration"
    if minutes < 120:
        return f"{minutes:.1f} min"
    hours, mins = divmod(int(round(minutes)), 60)
    if hours < 48:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def longest(buckets: Buckets, provider: str, watch: float = Thresholds.watch) -> Streak | None:
    """The longest streak for ``provider`` (ties: the latest), from its first deferral to
    its last one; a bucket is in a streak at a deferral rate of ``watch`` or more."""
    rows = sorted((index, row) for (name, index), row in buckets.counts.items()
                  if name == provider)
    best: Streak | None = None
    start: float | None = None
    end = 0.0
    for index, row in rows:
        attempts, deferred = row[0], row[DEFERRED]
        if not attempts:
            continue
        if deferred and deferred / attempts >= watch:
            t = float(index * buckets.width)
            first, last = buckets.deferred_span.get((provider, index), (t, t))
            start = first if start is None else start
            end = last
        elif start is not None:
            best = _better(best, Streak(start, end, recovered=True))
            start = None
    if start is not None:  # still open at the end: recovered if mail went through since
        recovered = any(ts > end for (name, _), ts in buckets.delivered_last.items()
                        if name == provider)
        best = _better(best, Streak(start, end, recovered=recovered))
    return best


def _better(best: Streak | None, new: Streak) -> Streak:
    return new if best is None or new.end - new.start >= best.end - best.start else best
