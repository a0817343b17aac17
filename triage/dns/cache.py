"""Per-run cache that also merges identical queries in flight.

The first ``query`` for (name, type) starts a task; every later caller awaits
the same task, so a name that five checks need is asked once per run. TTLs are
ignored on purpose: a run is short and must see one consistent view of DNS.
"""

from __future__ import annotations

import asyncio

from triage.dns.answer import Answer, Stats
from triage.dns.names import normalise
from triage.dns.resolver import Resolver


class CachingResolver:
    def __init__(self, inner: Resolver, stats: Stats) -> None:
        self._inner = inner
        self._stats = stats
        self._tasks: dict[tuple[str, str], asyncio.Task[Answer]] = {}

    async def query(self, name: str, rdtype: str) -> Answer:
        key = (normalise(name), rdtype.upper())
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._inner.query(*key))
            self._tasks[key] = task
        else:
            self._stats.cache_hits += 1
        # shield: one caller being cancelled must not cancel the shared lookup
        return await asyncio.shield(task)

    async def close(self) -> None:
        pending = [t for t in self._tasks.values() if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
