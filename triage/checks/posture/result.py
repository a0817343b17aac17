"""The typed results of ``triage posture``: one record per standard, the contract's JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from triage.findings import Finding
from triage.record import Record


@dataclass(frozen=True)
class PolicyFetch(Record):
    url: str
    status: int | None  # HTTP status
    error: str | None  # offline, dns, connect, tls, timeout, too_large, redirect, …; null: read
    detail: str | None
    location: str | None  # a redirect's target (not followed)
    content_type: str | None


@dataclass(frozen=True)
class MtaSts(Record):
    record: str | None  # the one _mta-sts TXT record
    id: str | None
    policy: str | None  # the policy file as received (sanitised)
    mode: str | None  # enforce | testing | none
    mx: tuple[str, ...] | None  # the policy's mx patterns
    max_age: int | None
    fetch: PolicyFetch | None  # null: no record, so no policy was fetched
    mx_hosts: tuple[str, ...]  # the domain's MX records
    unmatched: tuple[str, ...]  # MX hosts that no pattern matches


@dataclass(frozen=True)
class TlsRpt(Record):
    record: str | None
    rua: tuple[str, ...] | None


@dataclass(frozen=True)
class Bimi(Record):
    record: str | None
    logo: str | None  # l=
    authority: str | None  # a= (the mark certificate)
    dmarc_policy: str | None  # the DMARC policy BIMI needs at quarantine or reject


@dataclass(frozen=True)
class PostureResult(Record):
    JSON_OMIT: ClassVar[frozenset[str]] = frozenset({"findings"})

    domain: str
    mta_sts: MtaSts
    tls_rpt: TlsRpt
    bimi: Bimi
    findings: tuple[Finding, ...]
