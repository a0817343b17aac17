"""Per-run cache that also merges identical queries in flight.

The first ``query`` for (name, type) starts a task; every later caller awaits
the same task, so a name that five checks need is asked once per run. TTLs are
ignored on purpose: a run is short and must see one consistent view of DNS.

With ``entries`` the cache is bounded (``triage fleet``: thousands of senders would
otherwise keep every answer until the end): finished answers leave least recently
used first, so the names many senders share (a provider's SPF include, a DNSBL's
self-test entry) stay while one sender's own names leave after it is done.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from triage.dns.answer import Answer, Stats
from triage.dns.names import normalise
from triage.dns.resolver import Resolver


class CachingResolver:
    def __init__(self, inner: Resolver, stats: Stats, entries: int | None = None) -> None:
        if entries is not None and entries < 1:
            raise ValueError("the cache needs room for at least one answer")
        self._inner = inner
        self._stats = stats
        self._entries = entries
        self._tasks: OrderedDict[tuple[str, str], asyncio.Task[Answer]] = OrderedDict()

    async def query(self, name: str, rdtype: str) -> Answer:
        key = (normalise(name), rdtype.upper())
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._inner.query(*key))
            self._tasks[key] = task
            if self._entries is not None:
                self._evict(self._entries)
        else:
            if self._entries is not None:
                self._tasks.move_to_end(key)
            self._stats.cache_hits += 1
        # shield: one caller being cancelled must not cancel the shared lookup
        return await asyncio.shield(task)

    def _evict(self, entries: int) -> None:
        """Drop the oldest finished answers beyond the bound (never one in flight)."""
        excess = len(self._tasks) - entries
        if excess <= 0:
            return
        victims = []
        for key, task in self._tasks.items():  # oldest first: usually done long ago
            if task.done():
                victims.append(key)
                if len(victims) == excess:
                    break
        for key in victims:
            del self._tasks[key]

    async def close(self) -> None:
        pending = [t for t in self._tasks.values() if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
