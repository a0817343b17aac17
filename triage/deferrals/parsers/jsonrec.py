"""JSON records for the JSON-based formats: JSON lines, or one JSON document.

Policy: a file whose first line is a complete JSON value is read as JSON lines (one
record per line; a bad line is unparsed). Otherwise the whole document is buffered (up
to ``DOCUMENT_LIMIT``) and parsed at ``close``: an array yields its items, an object
yields itself. Anything that is not an object is unparsed, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from triage.deferrals.aggregate import Aggregator, InputStats
from triage.deferrals.timeparse import Clock

DOCUMENT_LIMIT = 256 << 20
Record = Callable[[dict[str, Any]], None]
Unparsed = Callable[[bytes], None]


class JsonRecords:
    def __init__(self, on_record: Record, on_unparsed: Unparsed) -> None:
        self.on_record, self.on_unparsed = on_record, on_unparsed
        self.mode: str | None = None
        self.parts: list[bytes] = []
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if self.mode is None:
            first = chunk.lstrip().split(b"\n", 1)[0]
            self.mode = "lines" if _loads(first) is not None else "document"
        if self.mode == "lines":
            for line in chunk.split(b"\n"):
                if line.strip():
                    self._value(_loads(line), line)
            return
        self.size += len(chunk)
        if self.size <= DOCUMENT_LIMIT:
            self.parts.append(chunk)

    def close(self) -> None:
        if self.mode != "document":
            return
        data = b"".join(self.parts)
        self.parts = []
        if self.size > DOCUMENT_LIMIT:
            self.on_unparsed(b"[JSON document larger than 256 MiB: not read]")
            return
        value = _loads(data)
        if isinstance(value, list):
            for item in value:
                self._value(item, json.dumps(item)[:500].encode())
        else:
            self._value(value, data[:500])

    def _value(self, value: Any, raw: bytes) -> None:
        if isinstance(value, dict):
            self.on_record(value)
        else:
            self.on_unparsed(raw)


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def dig(record: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(record, dict):
            return None
        record = record.get(name)
    return record


class JsonParser:
    """The shell of a parser whose input is a stream of JSON records (one per line,
    or arrays): subclasses implement ``_record`` for one decoded object."""

    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self.stats.zoned = True  # JSON events carry zoned (or epoch) timestamps
        self.records = JsonRecords(self._record, lambda raw: agg.unparsed(stats, raw))

    def feed(self, chunk: bytes) -> None:
        self.records.feed(chunk)

    def close(self) -> None:
        self.records.close()

    def _record(self, r: dict[str, Any]) -> None:
        raise NotImplementedError
