"""``analyse(paths, now)``: read every input, aggregate, assess, return one result.

Policy: one pass per input, oldest input first (order.py), constant memory, the clock
passed in. Unreadable paths raise ``InputUnreadable`` before any output; everything
else that is wrong with an input (binary, invalid UTF-8, truncated gzip, wrong JSON
shape) becomes unparsed lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO

from triage.deferrals import order, parsers, source, workers
from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.classify import Classifier
from triage.deferrals.timeparse import Clock

if TYPE_CHECKING:
    from triage.deferrals.result import DeferralResult
    from triage.deferrals.thresholds import Thresholds

Progress = Callable[[str, int], None]


def analyse(paths: Sequence[str], now: datetime, *, stdin: BinaryIO | None = None,
            progress: Progress | None = None,
            classifier: Classifier | None = None, block: int = source.BLOCK,
            split: int = workers.SPLIT,
            thresholds: Thresholds | None = None) -> DeferralResult:
    """Analyse MTA logs or reply samples (format detected per file); ``block`` is the
    read size (tests use tiny ones to prove that chunking never changes a result);
    a Postfix log of ``split`` bytes or more is read by two processes (workers.py);
    ``thresholds`` are the bands and escalation window to judge by (the defaults)."""
    streams = [(path, source.open_input(path, stdin)) for path in paths]
    agg = Aggregator(classifier or Classifier())
    clock = Clock(now)
    stats: dict[int, InputStats] = {}
    try:
        for index in order.oldest_first(streams, clock):
            path, stream = streams[index]
            reader = _Reader(path, agg, progress, block)
            stats[index] = reader.stats
            _read(path, stream, agg, clock, reader, split)
    finally:
        for _, stream in streams:
            stream.close()
    agg.inputs = [stats[i] for i in range(len(paths))]  # reported in the order given
    from triage.deferrals.summary import build  # see _read

    return build(agg, thresholds)


def _read(path: str, stream: BinaryIO, agg: Aggregator, clock: Clock, reader: _Reader,
          split: int) -> None:
    half = workers.start(path, stream, clock, agg, reader.block, split)
    if half is None:
        reader.run(stream, clock)
    else:
        try:
            reader.run(workers.head(stream, half), clock)
            reader.flush()  # this half's counts go in before the child's
            import triage.deferrals.summary  # noqa: F401 - the report's code, loaded while the child finishes
        except BaseException:
            workers.abandon(half)
            raise
        if not workers.join(half, agg):
            reader.run(stream, clock)  # the stream stands at the seam
    reader.close()


class _Reader:
    """Feeds one input's chunks to its parser, detecting the format on the first HEAD
    bytes whatever the read size; ``run`` may be called again to read on."""

    def __init__(self, path: str, agg: Aggregator, progress: Progress | None,
                 block: int) -> None:
        self.path, self.agg, self.progress, self.block = path, agg, progress, block
        self.stats = agg.begin(path)
        self.parser: parsers.Parser | None = None
        self.held: list[bytes] = []  # the first chunks, until there is HEAD to detect on
        self.done = 0

    def run(self, stream: BinaryIO, clock: Clock) -> None:
        stats, last = self.stats, time.monotonic()
        for chunk in source.chunks(stream, *workers.handlers(self.agg, stats), self.block):
            if self.parser is None:
                self.held.append(chunk)
                if sum(map(len, self.held)) < source.HEAD:
                    continue
                self.parser = _start(self.held, self.agg, stats, clock)
            for piece in self.held or (chunk,):
                self.done += _feed(self.parser, piece, stats)
            self.held = []
            if self.progress is not None and time.monotonic() - last > 0.5:
                self.progress(self.path, self.done)
                last = time.monotonic()
        if self.parser is None and self.held:
            self.parser = _start(self.held, self.agg, stats, clock)
            for piece in self.held:
                _feed(self.parser, piece, stats)
            self.held = []

    def flush(self) -> None:
        """Hand the aggregator what the parser holds back (a parser may batch)."""
        flush = getattr(self.parser, "flush", None)
        if flush is not None:
            flush()

    def close(self) -> None:
        if self.parser is not None:
            self.parser.close()
        if self.stats.format == "unknown" and self.stats.lines == 0:
            self.stats.format = "empty"


def _start(held: list[bytes], agg: Aggregator, stats: InputStats, clock: Clock) -> parsers.Parser:
    """Detect the format on the first ``HEAD`` bytes, whatever the read size."""
    stats.format = parsers.detect(b"".join(held)[: source.HEAD])
    return parsers.make(stats.format, agg, stats, clock)


def _feed(parser: parsers.Parser, chunk: bytes, stats: InputStats) -> int:
    lines = parser.feed(chunk)
    stats.lines += chunk.count(b"\n") + (not chunk.endswith(b"\n")) if lines is None else lines
    return len(chunk)
