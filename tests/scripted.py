"""A test resolver over zone files that can make chosen names time out and records
what was asked and how many lookups ran at once (to prove concurrency)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from triage.dns.answer import Answer, Status
from triage.dns.offline import OfflineResolver
from triage.dns.zonefile import ZoneResolver, load_zone


class ScriptedResolver:
    """Answers from ``zones``; names at or under one of ``broken`` time out."""

    def __init__(self, zones: Iterable[Path], broken: Iterable[str] = ()) -> None:
        self._inner = ZoneResolver([load_zone(p) for p in zones], OfflineResolver())
        self._broken = tuple(broken)
        self.asked: list[tuple[str, str]] = []
        self.in_flight = 0
        self.peak = 0

    async def query(self, name: str, rdtype: str) -> Answer:
        self.asked.append((name, rdtype))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.01)  # let every sibling lookup start
            if any(name == b or name.endswith("." + b) for b in self._broken):
                return Answer(name, rdtype, Status.TIMEOUT, detail="timeout")
            return await self._inner.query(name, rdtype)
        finally:
            self.in_flight -= 1
