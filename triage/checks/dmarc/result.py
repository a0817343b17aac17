"""The DMARC check's result: the contract's ``dmarc`` fields plus findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.checks.dmarc.alignment import Alignment
from triage.checks.dmarc.discovery import NameLookup
from triage.checks.dmarc.reports import Destination
from triage.findings import Finding


@dataclass(frozen=True)
class DmarcResult:
    domain: str
    chosen: NameLookup | None  # the lookup whose record governs the domain
    source: str | None  # domain | organizational | psd
    org_domain: str
    org_domain_psl: str
    org_domain_tree_walk: str | None
    policy: str | None
    subdomain_policy: str | None
    nonexistent_policy: str | None
    domain_exists: bool | None
    alignment: Alignment
    destinations: tuple[Destination, ...]
    lookups: tuple[NameLookup, ...]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        record = self.chosen.record if self.chosen else None
        return {
            "domain": self.domain,
            "record": self.chosen.records[0] if record and self.chosen else None,
            "found_at": self.chosen.name if self.chosen else None,
            "org_domain": self.org_domain,
            "policy": self.policy,
            "subdomain_policy": self.subdomain_policy,
            "nonexistent_policy": self.nonexistent_policy,
            "testing": record.testing if record else None,
            "tags": dict(record.tags) if record else None,
            "alignment": self.alignment.to_dict(),
            "source": self.source,
            "org_domain_psl": self.org_domain_psl,
            "org_domain_tree_walk": self.org_domain_tree_walk,
            "domain_exists": self.domain_exists,
            "report_destinations": [d.to_dict() for d in self.destinations],
            "alignment_detail": self.alignment.detail(),
            "lookups": [lk.evidence() for lk in self.lookups],
        }
