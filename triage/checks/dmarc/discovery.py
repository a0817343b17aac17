"""Find the DMARC records that govern a domain: RFC 7489 (PSL) and RFC 9989 (DNS Tree Walk).

Every name either method may need is queried at once: ``_dmarc.<domain>``, then
the RFC 9989 walk (``triage.domains.treewalk``: at most 8 names, down to the TLD),
which includes the PSL Organizational Domain. Each name's outcome is a value
(``NameLookup``): a timeout is ``error``, never "no record".
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass

from triage.checks.dmarc.record import DmarcRecord, parse_record, version_exact
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver
from triage.domains.psl import SuffixList
from triage.domains.treewalk import tree_org, walk_domains
from triage.sanitize import clean

SHOWN = 600


class State(enum.Enum):
    FOUND = "found"
    NONE = "none"  # NXDOMAIN, NODATA, or no TXT starting with exactly v=DMARC1
    MULTIPLE = "multiple"
    ERROR = "error"  # timeout, SERVFAIL (a CNAME loop too), refused


@dataclass(frozen=True)
class NameLookup:
    domain: str
    state: State
    record: DmarcRecord | None = None
    records: tuple[str, ...] = ()  # every v=DMARC1 text, cleaned
    others: tuple[str, ...] = ()  # other TXT at the name, cleaned
    dns_status: str = ""
    detail: str = ""
    cnames: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"_dmarc.{self.domain}"

    def evidence(self) -> dict[str, object]:
        return {"name": self.name, "state": self.state.value, "dns_status": self.dns_status,
                "detail": self.detail or None, "records": list(self.records),
                "cname_chain": list(self.cnames)}


def judge(domain: str, answer: Answer) -> NameLookup:
    status, cnames = answer.status.value, tuple(answer.cnames)
    detail = clean(answer.detail, 120)
    if answer.status.is_error:
        if cnames and not detail:
            detail = "CNAME chain failed"
        return NameLookup(domain, State.ERROR, dns_status=status, detail=detail, cnames=cnames)
    texts = [t.decode("utf-8", "replace") for t in answer.texts()] if answer.ok else []
    # "v=dmarc1", "v=DMARC 1": discarded like any other TXT (RFC 7489 §6.4, §6.6.3)
    dmarc = [t for t in texts if version_exact(t)]
    others = tuple(clean(t, SHOWN) for t in texts if not version_exact(t))
    shown = tuple(clean(t, SHOWN) for t in dmarc)
    state = State.NONE if not dmarc else State.FOUND if len(dmarc) == 1 else State.MULTIPLE
    record = parse_record(dmarc[0]) if state is State.FOUND else None
    return NameLookup(domain, state, record, shown, others, dns_status=status, detail=detail,
                      cnames=cnames)


@dataclass(frozen=True)
class Walk:
    """The lookups of one discovery, in walk order (the domain first)."""

    lookups: tuple[NameLookup, ...]

    def at(self, domain: str) -> NameLookup | None:
        return next((lk for lk in self.lookups if lk.domain == domain), None)

    def walked(self) -> tuple[NameLookup, ...]:
        """The walk up to where it stops: a single record with psd=y or psd=n."""
        out = []
        for lookup in self.lookups:
            out.append(lookup)
            if lookup.state is State.FOUND and lookup.record and lookup.record.psd in ("y", "n"):
                break
        return tuple(out)

    def tree_org(self) -> str | None:
        """RFC 9989 Organizational Domain, or None when the walk found no record."""
        found = [(lk.domain, lk.record.psd) for lk in self.lookups
                 if lk.state is State.FOUND and lk.record]
        return tree_org(self.lookups[0].domain, found)

    def psd_record(self) -> NameLookup | None:
        """A Public Suffix Domain's record (psd=y) found by the walk, if any."""
        for lookup in self.walked()[1:]:
            if lookup.state is State.FOUND and lookup.record and lookup.record.psd == "y":
                return lookup
        return None


async def walk(resolver: Resolver, domain: str, psl: SuffixList) -> Walk:
    domains = walk_domains(domain)
    psl_org = psl.org_domain(domain)
    if psl_org not in domains:
        domains.append(psl_org)
    answers = await asyncio.gather(*(resolver.query(f"_dmarc.{d}", "TXT") for d in domains))
    return Walk(tuple(judge(d, a) for d, a in zip(domains, answers, strict=True)))


def status_is_void(answer: Answer) -> bool:
    return answer.status in (Status.NXDOMAIN, Status.NODATA)
