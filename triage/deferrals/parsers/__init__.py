"""One parser module per log format, and per-file format detection.

Every parser module exposes ``NAME``, ``detect(head: bytes) -> int`` (a score from the
first 64 KiB: higher is likelier, 0 is "not this format") and ``Parser(agg, stats,
clock)`` with ``feed(chunk)`` and ``close()``. Detection picks the best score; a file no
parser recognises is read as unparsed lines ("unknown").

Detection imports a parser module only when ``_may_score`` says its ``detect`` can score
above 0 on the head: a cheap necessary condition (a byte string, or a line start, that
the format's signature cannot match without). A run so imports and compiles the parser
it uses and rarely another; tests/test_deferrals_detect.py holds the conditions to that.
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol

from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.timeparse import Clock

FORMATS = ("postfix", "exim", "sendmail", "pmta", "kumo", "esp", "bare")

# an Exim stamp at a line start: at 0 or after a newline (as ``^`` with re.M, but the
# newline lets sre skip ahead instead of trying every position)
_EXIM_STAMP = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_EXIM_LINE = re.compile(rb"\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_PMTA_TYPES = (b"type,", b"d,", b"b,", b"t,", b"tq,")
_ESP_KEYS = (b'"eventType"', b'"notificationType"', b'"RecordType"', b'"sg_event_id"',
             b'"delivery-status"', b'"event-data"', b'"event"')


def _may_score(name: str, head: bytes) -> bool:
    """False only when parser ``name``'s ``detect`` cannot score above 0 on ``head``."""
    if name == "postfix":
        return b"postfix" in head.lower()  # its signature is case-insensitive (ASCII)
    if name == "exim":
        return _EXIM_STAMP.match(head) is not None or _EXIM_LINE.search(head) is not None
    if name == "sendmail":
        return b"sm-mta[" in head or b"sendmail[" in head
    if name == "pmta":  # a line that starts with a record type
        return head.startswith(_PMTA_TYPES) or any(b"\n" + t in head for t in _PMTA_TYPES)
    if name == "kumo":
        return b'"type"' in head
    if name == "esp":
        return any(key in head for key in _ESP_KEYS)
    return True  # bare replies: no test cheaper than its own


class Parser(Protocol):
    def feed(self, chunk: bytes) -> int | None: ...  # the chunk's lines, if it counted them

    def close(self) -> None: ...


def detect(head: bytes) -> str:
    best, score = "unknown", 0
    for name in FORMATS:
        if not _may_score(name, head):
            continue
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
