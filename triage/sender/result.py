"""The result of ``triage check``: every check's typed result, the verdict, the JSON.

``checks.spf``, ``checks.rdns`` and ``checks.dnsbl`` are the first IP's (the contract's
one object per check); ``checks.ips`` holds the same three for every IP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from triage.findings import Finding, Severity
from triage.sender.overview import overview
from triage.sender.request import SenderRequest

if TYPE_CHECKING:
    from triage.checks.dkim.result import DkimResult
    from triage.checks.dmarc.result import DmarcResult
    from triage.checks.dnsbl.result import DnsblResult
    from triage.checks.posture.result import PostureResult
    from triage.checks.rdns.result import RdnsResult
    from triage.checks.snds.result import SndsResult
    from triage.checks.spf.result import SpfResult
    from triage.deferrals.result import DeferralResult
    from triage.verdict import Signals, Verdict


@dataclass(frozen=True)
class IpResults:
    ip: str
    spf: SpfResult
    rdns: RdnsResult
    dnsbl: DnsblResult
    helo_source: str | None  # "given", "ptr" (the one PTR name) or None (no HELO judged)

    def to_dict(self) -> dict[str, Any]:
        return {"ip": self.ip, "spf": self.spf.to_dict(), "rdns": self.rdns.to_dict(),
                "dnsbl": self.dnsbl.to_dict(), "helo_source": self.helo_source}


@dataclass(frozen=True)
class SenderResult:
    request: SenderRequest
    ips: tuple[IpResults, ...]
    dkim: DkimResult
    dmarc: DmarcResult
    deferrals: DeferralResult | None
    verdict: Verdict
    signals: Signals = field(repr=False)
    chart: str | None = None  # the SVG timeline written beside the report
    posture: PostureResult | None = None  # MTA-STS, TLS-RPT, BIMI
    snds: SndsResult | None = None  # with an SNDS key

    @property
    def findings(self) -> tuple[Finding, ...]:
        parts: list[Iterable[Finding]] = [_inconclusive(self.verdict)]
        for ip in self.ips:
            parts += [ip.spf.findings, ip.rdns.findings, ip.dnsbl.findings]
        parts += [self.dkim.findings, self.dmarc.findings]
        if self.snds is not None:
            parts.append(self.snds.findings)
        if self.posture is not None:
            parts.append(self.posture.findings)
        if self.deferrals is not None:
            parts.append(self.deferrals.findings)
        seen: dict[tuple[str, str], Finding] = {}
        for finding in (f for part in parts for f in part):
            seen.setdefault((finding.code, finding.message), finding)
        return tuple(seen.values())

    def gating(self) -> tuple[Finding, ...]:
        """The findings that count for --fail-on: a ``wait`` for a clean sender exits 0,
        so receiver-side deferral findings do not count then."""
        if self.verdict.action == "wait":
            return tuple(f for f in self.findings if f.check != "deferrals")
        return self.findings

    def to_dict(self) -> dict[str, Any]:
        first = self.ips[0]
        return {
            "verdict": self.verdict.to_dict(),
            "overview": [row.to_dict() for row in overview(self)],
            "checks": {
                "spf": first.spf.to_dict(),
                "dkim": self.dkim.to_dict(),
                "dmarc": self.dmarc.to_dict(),
                "rdns": first.rdns.to_dict(),
                "dnsbl": first.dnsbl.to_dict(),
                "posture": self.posture.to_dict() if self.posture is not None else None,
                "snds": self.snds.to_dict() if self.snds is not None else None,
                "ips": [ip.to_dict() for ip in self.ips],
            },
            "deferrals": self.deferrals.to_dict() if self.deferrals is not None else None,
            "chart": self.chart,
        }


def _inconclusive(verdict: Verdict) -> tuple[Finding, ...]:
    if not verdict.inconclusive:
        return ()
    parts = ", ".join(verdict.inconclusive)
    return (Finding(
        "verdict.inconclusive", Severity.ERROR, "verdict",
        f"Not every part could be checked ({parts}): the verdict cannot call this sender "
        "healthy or prove it clean for an escalation.",
        "Run the check again with a resolver that answers (--nameserver, a higher --timeout) "
        "and deferral files in a supported format.",
        {"parts": list(verdict.inconclusive)},
    ),)
