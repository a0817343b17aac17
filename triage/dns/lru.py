"""A bounded per-run cache for long runs (``triage fleet``): at most N answers kept.

Like ``CachingResolver`` it merges identical queries in flight and keeps one view
of DNS, but a fleet of thousands of senders would otherwise keep every answer of
every sender until the end. Finished answers are kept least-recently-used first out,
so the names many senders share (a provider's SPF include, a DNSBL's self-test
entry) stay while one sender's own names leave after it is done.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from triage.dns.answer import Answer, Stats
from triage.dns.names import normalise
from triage.dns.resolver import Resolver


class BoundedCache:
    def __init__(self, inner: Resolver, stats: Stats, entries: int) -> None:
        if entries < 1:
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
            self._evict()
        else:
            self._tasks.move_to_end(key)
            self._stats.cache_hits += 1
        return await asyncio.shield(task)

    def _evict(self) -> None:
        """Drop the oldest finished answers beyond the bound (never one in flight)."""
        excess = len(self._tasks) - self._entries
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
