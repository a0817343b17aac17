"""Input no parser recognises (binary, another program's log): every line is unparsed."""

from __future__ import annotations

from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.timeparse import Clock

NAME = "unknown"


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats = agg, stats

    def feed(self, chunk: bytes) -> None:
        for line in chunk.split(b"\n"):
            if line.strip():
                self.agg.unparsed(self.stats, line)

    def close(self) -> None:
        return
