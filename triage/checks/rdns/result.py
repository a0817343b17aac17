"""The typed results of the reverse-DNS check: what check.py builds and findings.py reads."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from triage.checks.rdns.generic import GenericMatch
from triage.dns.answer import Answer
from triage.findings import Finding

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Forward:
    """The A/AAAA answers of one PTR name, judged against the IP."""

    name: str  # as shown (sanitised)
    addresses: tuple[str, ...]
    confirmed: bool
    failure: str | None  # the IP family's lookup failed: "timeout", "servfail", ...

    def evidence(self) -> dict[str, object]:
        return {"name": self.name, "addresses": list(self.addresses), "failure": self.failure}


@dataclass(frozen=True)
class HeloResult:
    name: str
    resolves: bool | None  # null: the lookup failed, or an address literal
    matches_ip: bool | None
    matches_ptr: bool
    addresses: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "resolves": self.resolves,
            "matches_ip": self.matches_ip,
            "matches_ptr": self.matches_ptr,
        }


@dataclass(frozen=True)
class RdnsResult:
    ip: str
    ptr: tuple[str, ...]
    fcrdns: bool | None  # null: a lookup failed before anything was confirmed
    confirmed: tuple[str, ...]  # the PTR names whose A/AAAA contain the IP
    generic: tuple[GenericMatch, ...]
    helo: HeloResult | None
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "ip": self.ip,
            "ptr": list(self.ptr),
            "fcrdns": self.fcrdns,
            "confirmed": list(self.confirmed),
            "helo": self.helo.to_dict() if self.helo is not None else None,
        }


@dataclass(frozen=True)
class PtrOutcome:
    """Everything the PTR side found, for the finding builders."""

    ip: IpAddress
    answer: Answer
    names: tuple[str, ...]  # sanitised, deduplicated, in answer order
    forwards: tuple[Forward, ...]
    generic: tuple[GenericMatch, ...]

    @property
    def failed(self) -> bool:
        return self.answer.status.is_error

    @property
    def confirmed(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.forwards if f.confirmed)

    @property
    def fcrdns(self) -> bool | None:
        if self.failed:
            return None
        if self.confirmed:
            return True
        if any(f.failure for f in self.forwards):
            return None
        return False
