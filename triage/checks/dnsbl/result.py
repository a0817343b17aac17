"""The typed results of the DNSBL check: one ``ListResult`` per list asked, with the
RFC 5782 self-test beside it, and the ``DnsblResult`` of one target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.checks.dnsbl.catalog import CodeClass, DnsblList, Kind
from triage.checks.dnsbl.interpret import ListStatus, Reading
from triage.findings import Finding


@dataclass(frozen=True)
class SelfTest:
    """How the list read its two test entries."""

    loopback: Reading  # 127.0.0.1: must be clean
    test_entry: Reading  # 127.0.0.2: must be listed

    @property
    def lists_everything(self) -> bool:
        return self.loopback.status is ListStatus.LISTED

    @property
    def test_entry_missing(self) -> bool:
        return self.test_entry.status is ListStatus.CLEAN

    def to_dict(self) -> dict[str, Any]:
        return {"127.0.0.1": self.loopback.status.value,
                "127.0.0.2": self.test_entry.status.value}


@dataclass(frozen=True)
class ListResult:
    dnsbl: DnsblList
    query: str  # the query name as shown (key replaced)
    reading: Reading
    reason: str | None  # the list's TXT record for a listing or refusal, sanitised
    self_test: SelfTest | None = None  # RFC 5782 test entries (IPv4 lists, IP targets)

    @property
    def kind(self) -> Kind:
        """A mixed list (ZEN) reports ``policy`` when every listing code is a policy code."""
        listing = [c for c in self.reading.codes if c.cls in (CodeClass.LISTED, CodeClass.POLICY)]
        if listing and all(c.cls is CodeClass.POLICY for c in listing):
            return Kind.POLICY
        return self.dnsbl.kind

    def evidence(self) -> dict[str, Any]:
        return {
            "zone": self.dnsbl.zone,
            "query": self.query,
            "codes": [c.value for c in self.reading.codes],
            "meanings": [c.meaning for c in self.reading.codes],
            "reason": self.reason,
            "detail": self.reading.detail,
            "delist_url": self.dnsbl.delist_url,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "zone": self.dnsbl.zone,
            "name": self.dnsbl.name,
            "kind": self.kind.value,
            "status": self.reading.status.value,
            "codes": [c.value for c in self.reading.codes],
            "meanings": [c.meaning for c in self.reading.codes],
            "reason": self.reason,
            "delist_url": self.dnsbl.delist_url,
            "detail": self.reading.detail,
            "self_test": None if self.self_test is None else self.self_test.to_dict(),
        }


@dataclass(frozen=True)
class DnsblResult:
    target: str
    lists: tuple[ListResult, ...]
    findings: tuple[Finding, ...]

    @property
    def listed(self) -> bool:
        return any(r.reading.status is ListStatus.LISTED for r in self.lists)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "lists": [r.to_dict() for r in self.lists]}
