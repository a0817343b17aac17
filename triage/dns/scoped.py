"""One part of a run's view of a shared resolver stack: its own accounting and deadline.

``triage fleet`` checks many senders on one stack (one cache, one in-flight cap).
Each sender sees the stack through a ``ScopedResolver``: it counts what that sender
asked (the ``dns`` object of its report), notes the names a replayed cassette did not
hold, and gives the sender its own deadline, so a sender whose DNS hangs ends
inconclusive without holding up the rest. The shared lookup behind a timed-out wait
goes on (the cache shields it) and serves any other sender that needs it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from triage.dns.answer import Answer, Status
from triage.dns.cassette import MISSING
from triage.dns.names import normalise
from triage.dns.resolver import Resolver

DEADLINE = "sender deadline reached"


@dataclass
class ScopeStats:
    queries: int = 0
    failed: int = 0
    answered: int = 0
    elapsed_ms: float = 0.0  # the sum of the answers' own times: the same on replay
    missing: list[str] = field(default_factory=list)  # "name TYPE" not in the cassette

    @property
    def unreachable(self) -> bool:
        return self.queries > 0 and self.answered == 0

    def to_dict(self) -> dict[str, float | int]:
        return {"queries": self.queries, "failed": self.failed,
                "elapsed_ms": round(self.elapsed_ms, 1)}


class ScopedResolver:
    def __init__(self, inner: Resolver, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline  # a time.monotonic() value
        self.stats = ScopeStats()

    async def query(self, name: str, rdtype: str) -> Answer:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            answer = Answer(normalise(name), rdtype, Status.TIMEOUT, detail=DEADLINE)
        else:
            try:
                async with asyncio.timeout(remaining):  # no task per query, unlike wait_for
                    answer = await self._inner.query(name, rdtype)
            except TimeoutError:
                answer = Answer(normalise(name), rdtype, Status.TIMEOUT, detail=DEADLINE)
        self._count(answer, rdtype)
        return answer

    def _count(self, answer: Answer, rdtype: str) -> None:
        stats = self.stats
        stats.queries += 1
        # as a cassette writes it (0.1 ms), so a replay sums to the recorded run's figure
        stats.elapsed_ms += float(f"{answer.elapsed_ms:.1f}")
        if answer.status.is_error:
            stats.failed += 1
        if answer.status not in (Status.TIMEOUT, Status.BADNAME):
            stats.answered += 1
        if answer.detail == MISSING and len(stats.missing) < 1000:
            stats.missing.append(f"{answer.name} {rdtype.upper()}")
