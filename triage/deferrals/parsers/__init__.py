"""One parser module per log format, and per-file format detection.

Every parser module exposes ``NAME``, ``detect(head: bytes) -> int`` (a score from the
first 64 KiB: higher is likelier, 0 is "not this format") and ``Parser(agg, stats,
clock)`` with ``feed(chunk)`` and ``close()``. Detection picks the best score; a file no
parser recognises is read as unparsed lines ("unknown").
"""

from __future__ import annotations

import importlib
from typing import Protocol

from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.timeparse import Clock

FORMATS = ("postfix", "exim", "sendmail", "pmta", "kumo", "esp", "bare")


class Parser(Protocol):
    def feed(self, chunk: bytes) -> None: ...

    def close(self) -> None: ...


def detect(head: bytes) -> str:
    best, score = "unknown", 0
    for name in FORMATS:
        module = importlib.import_module(f"triage.deferrals.parsers.{name}")
        value: int = module.detect(head)
        if value > score:
            best, score = name, value
    return best


def make(name: str, agg: Aggregator, stats: InputStats, clock: Clock) -> Parser:
    if name == "unknown":
        from triage.deferrals.parsers.unknown import Parser as Unknown

        return Unknown(agg, stats, clock)
    module = importlib.import_module(f"triage.deferrals.parsers.{name}")
    parser: Parser = module.Parser(agg, stats, clock)
    return parser
