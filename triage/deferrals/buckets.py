"""Counter rows and the timeline's time buckets.

A row is ``[attempts, delivered, deferred, bounced]``, indexed by the slot constants.
The timeline keeps one row per (provider, bucket); its buckets are ``BUCKET_SECONDS``
wide and double in width when there are more than ``BUCKET_LIMIT`` of them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TypeVar

DELIVERED, DEFERRED, BOUNCED = 1, 2, 3
BUCKET_SECONDS = 300  # the timeline's narrowest bucket
BUCKET_LIMIT = 20_000

K = TypeVar("K", bound=Hashable)


@dataclass
class Buckets:
    """Counts per time bucket; the width doubles when there are too many buckets. Each
    bucket also keeps the times of its first and last deferral, so a streak is measured
    from deferral to deferral, not from bucket edge to bucket edge."""

    width: int = BUCKET_SECONDS
    counts: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    deferred_span: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    # the latest delivery per bucket (a minute's start for deliveries counted per minute)
    delivered_last: dict[tuple[str, int], float] = field(default_factory=dict)

    def add(self, name: str, ts: float, slot: int, count: int = 1,
            last: float | None = None) -> None:
        """``count`` outcomes from ``ts`` to ``last`` (default ``ts``), all in one bucket."""
        key = (name, int(ts) // self.width)
        row = self.counts.get(key)
        if row is None:
            if len(self.counts) >= BUCKET_LIMIT:
                self._widen()
                key = (name, int(ts) // self.width)
            row = self.counts.setdefault(key, [0, 0, 0, 0])
        row[0] += count
        row[slot] += count
        if slot == DEFERRED:
            merge_span(self.deferred_span, key, ts, ts if last is None else last)
        elif slot == DELIVERED:
            latest = ts if last is None else last
            self.delivered_last[key] = max(latest, self.delivered_last.get(key, latest))

    def merge(self, later: Buckets) -> None:
        """Add ``later``'s buckets (of the same width)."""
        add_rows(self.counts, later.counts)
        for key, (lo, hi) in later.deferred_span.items():
            merge_span(self.deferred_span, key, lo, hi)
        for key, ts in later.delivered_last.items():
            self.delivered_last[key] = max(ts, self.delivered_last.get(key, ts))

    def _widen(self) -> None:
        self.width *= 2
        merged: dict[tuple[str, int], list[int]] = {}
        for (name, index), row in self.counts.items():
            into = merged.setdefault((name, index // 2), [0, 0, 0, 0])
            for i, value in enumerate(row):
                into[i] += value
        self.counts = merged
        spans: dict[tuple[str, int], list[float]] = {}
        for (name, index), (lo, hi) in self.deferred_span.items():
            merge_span(spans, (name, index // 2), lo, hi)
        self.deferred_span = spans
        latest: dict[tuple[str, int], float] = {}
        for (name, index), ts in self.delivered_last.items():
            latest[name, index // 2] = max(ts, latest.get((name, index // 2), ts))
        self.delivered_last = latest


def merge_span(spans: dict[tuple[str, int], list[float]], key: tuple[str, int], lo: float,
               hi: float) -> None:
    span = spans.get(key)
    if span is None:
        spans[key] = [lo, hi]
    else:
        span[0], span[1] = min(span[0], lo), max(span[1], hi)


def add_rows(ours: dict[K, list[int]], theirs: dict[K, list[int]]) -> None:
    """Add ``theirs`` rows into ``ours``, key by key."""
    for key, row in theirs.items():
        into = ours.setdefault(key, [0, 0, 0, 0])
        for i, value in enumerate(row):
            into[i] += value
