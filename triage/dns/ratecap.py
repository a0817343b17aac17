"""A per-DNSBL rate cap: queries under one DNSBL zone leave at most N per second.

DNSBL operators throttle or ban resolvers that ask too fast (Spamhaus refuses
answers to them: 127.255.255.254/255), and a fleet asks every list about every
sending IP. Each capped zone has its own schedule: the k-th query of a zone may
leave no earlier than ``start + k / rate``, so a burst is spread evenly and other
names (SPF, DKIM, DMARC, PTR) are never held up by a slow list. The wait happens
before the in-flight limiter, so a waiting DNSBL query holds no slot.
"""

from __future__ import annotations

import asyncio
import time

from triage.dns.answer import Answer
from triage.dns.names import normalise
from triage.dns.resolver import Resolver


class RateCapResolver:
    def __init__(self, inner: Resolver, zones: tuple[str, ...], per_second: float) -> None:
        if per_second <= 0:
            raise ValueError("the DNSBL rate cap must be above 0 queries per second")
        self._inner = inner
        # longest first: a DQS zone inside a public one is its own list
        self._zones = tuple(sorted({normalise(z) for z in zones}, key=len, reverse=True))
        self._interval = 1.0 / per_second
        self._next: dict[str, float] = {}

    def zone_of(self, name: str) -> str | None:
        for zone in self._zones:
            if name.endswith("." + zone):
                return zone
        return None

    async def query(self, name: str, rdtype: str) -> Answer:
        zone = self.zone_of(normalise(name))
        if zone is not None:
            now = time.monotonic()
            slot = max(now, self._next.get(zone, now))
            self._next[zone] = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)
        return await self._inner.query(name, rdtype)
