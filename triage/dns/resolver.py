"""The resolver protocol every backend and wrapper implements.

One async method: checks ``await resolver.query(name, "TXT")`` and gather
independent lookups with ``asyncio.gather``; the wrappers below the check
deduplicate and bound them, so a check never manages concurrency itself.
"""

from __future__ import annotations

from typing import Protocol

from triage.dns.answer import Answer


class Resolver(Protocol):
    async def query(self, name: str, rdtype: str) -> Answer:
        """Look up ``rdtype`` (e.g. "TXT", "A") at ``name``; never raises."""
        ...
