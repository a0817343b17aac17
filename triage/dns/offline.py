"""The offline backend: nothing leaves the machine; every name is NXDOMAIN."""

from __future__ import annotations

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise, to_wire_name


class OfflineResolver:
    async def query(self, name: str, rdtype: str) -> Answer:
        key = normalise(name)
        if to_wire_name(key) is None:
            return Answer(key, rdtype, Status.BADNAME, detail="name cannot be queried")
        return Answer(
            key,
            rdtype,
            Status.NXDOMAIN,
            source="offline",
            detail="--offline: not in any --zone file",
        )
