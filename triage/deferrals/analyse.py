"""``analyse(paths, now)``: read every input, aggregate, assess, return one result.

Policy: one pass per input, constant memory, the clock passed in. Unreadable paths raise
``InputUnreadable`` before any output; everything else that is wrong with an input
(binary, invalid UTF-8, truncated gzip, wrong JSON shape) becomes unparsed lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import BinaryIO

from triage.deferrals import parsers, source
from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.assess import assess
from triage.deferrals.classify import Classifier
from triage.deferrals.result import DeferralResult, summarise
from triage.deferrals.timeparse import Clock

Progress = Callable[[str, int], None]


def analyse(paths: Sequence[str], now: datetime, *, stdin: BinaryIO | None = None,
            progress: Progress | None = None,
            classifier: Classifier | None = None, block: int = source.BLOCK) -> DeferralResult:
    """Analyse MTA logs or reply samples (format detected per file); ``block`` is the
    read size (tests use tiny ones to prove that chunking never changes a result)."""
    streams = [(path, source.open_input(path, stdin)) for path in paths]
    agg = Aggregator(classifier or Classifier())
    clock = Clock(now)
    try:
        for path, stream in streams:
            _read(path, stream, agg, clock, progress, block)
    finally:
        for _, stream in streams:
            stream.close()
    body = summarise(agg)
    return DeferralResult(body=body, findings=assess(agg, body))


def _read(path: str, stream: BinaryIO, agg: Aggregator, clock: Clock,
          progress: Progress | None, block: int) -> None:
    stats = agg.begin(path)
    parser: parsers.Parser | None = None
    done = 0
    last = time.monotonic()

    def overlong(sample: bytes) -> None:
        stats.lines += 1
        agg.unparsed(stats, sample + b"... [line longer than 1 MiB skipped]")

    def broken(message: str) -> None:
        stats.error = message
        agg.unparsed(stats, f"[{message}]")

    held: list[bytes] = []  # the first chunks, until there is HEAD to detect the format on
    for chunk in source.chunks(stream, overlong, broken, block):
        if parser is None:
            held.append(chunk)
            if sum(map(len, held)) < source.HEAD:
                continue
            parser = _start(held, agg, stats, clock)
        for piece in held or (chunk,):
            done += _feed(parser, piece, stats)
        held = []
        if progress is not None and time.monotonic() - last > 0.5:
            progress(path, done)
            last = time.monotonic()
    if parser is None and held:
        parser = _start(held, agg, stats, clock)
        for piece in held:
            _feed(parser, piece, stats)
    if parser is not None:
        parser.close()
    if stats.format == "unknown" and stats.lines == 0:
        stats.format = "empty"


def _start(held: list[bytes], agg: Aggregator, stats: InputStats, clock: Clock) -> parsers.Parser:
    """Detect the format on the first ``HEAD`` bytes, whatever the read size."""
    stats.format = parsers.detect(b"".join(held)[: source.HEAD])
    return parsers.make(stats.format, agg, stats, clock)


def _feed(parser: parsers.Parser, chunk: bytes, stats: InputStats) -> int:
    stats.lines += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
    parser.feed(chunk)
    return len(chunk)
