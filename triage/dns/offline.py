"""The offline backend: nothing leaves the machine; every name is NXDOMAIN."""

from __future__ import annotations

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise


class OfflineResolver:
    async def query(self, name: str, rdtype: str) -> Answer:
        return Answer(normalise(name), rdtype, Status.NXDOMAIN, source="offline",
                      detail="--offline: not in any --zone file")
