"""Query accounting: what the run really asked of DNS (below the cache), for the report."""

from __future__ import annotations

import time

from triage.dns.answer import Answer, Stats, Status
from triage.dns.resolver import Resolver


class AccountingResolver:
    def __init__(self, inner: Resolver, stats: Stats) -> None:
        self._inner = inner
        self._stats = stats

    async def query(self, name: str, rdtype: str) -> Answer:
        started = time.monotonic()
        answer = await self._inner.query(name, rdtype)
        stats = self._stats
        stats.queries += 1
        stats.elapsed_ms += (time.monotonic() - started) * 1000
        if answer.status.is_error:
            stats.failed += 1
        # SERVFAIL and REFUSED are answers too: only silence means "unreachable"
        if answer.status not in (Status.TIMEOUT, Status.BADNAME):
            stats.answered += 1
        stats.log.append((answer.name, rdtype, answer.status.value))
        return answer
