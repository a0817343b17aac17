"""Bounded concurrency: independent lookups go out together, but never more than a cap."""

from __future__ import annotations

import asyncio

from triage.dns.answer import Answer
from triage.dns.resolver import Resolver


class LimitingResolver:
    def __init__(self, inner: Resolver, max_in_flight: int) -> None:
        self._inner = inner
        self._slots = asyncio.Semaphore(max_in_flight)

    async def query(self, name: str, rdtype: str) -> Answer:
        async with self._slots:
            return await self._inner.query(name, rdtype)
