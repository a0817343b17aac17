"""Find the DMARC records that govern a domain: RFC 7489 (PSL) and RFC 9989 (DNS Tree Walk).

Every name either method may need is queried at once: ``_dmarc.<domain>``, then
the RFC 9989 walk (at most 8 names: after the domain, jump to 7 labels when it
has more, then one label less each time, down to the TLD), which includes the
PSL Organizational Domain. Each name's outcome is a value (``NameLookup``): a
timeout is ``error``, never "no record".
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass

from triage.checks.dmarc.orgdomain import SuffixList
from triage.checks.dmarc.record import DmarcRecord, is_dmarc, parse_record
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver
from triage.sanitize import clean

MAX_WALK = 8
SHOWN = 600


class State(enum.Enum):
    FOUND = "found"
    NONE = "none"  # NXDOMAIN, NODATA, or no TXT starting with v=DMARC1
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


def walk_domains(domain: str) -> list[str]:
    """RFC 9989's DNS Tree Walk, as the domains whose ``_dmarc`` names are queried."""
    labels = domain.split(".")
    out = [domain]
    count = len(labels)
    count = 7 if count >= MAX_WALK else count - 1
    while count >= 1 and len(out) < MAX_WALK:
        out.append(".".join(labels[-count:]))
        count -= 1
    return out


def judge(domain: str, answer: Answer) -> NameLookup:
    status, cnames = answer.status.value, tuple(answer.cnames)
    detail = clean(answer.detail, 120)
    if answer.status.is_error:
        if cnames and not detail:
            detail = "CNAME chain failed"
        return NameLookup(domain, State.ERROR, dns_status=status, detail=detail, cnames=cnames)
    texts = [t.decode("utf-8", "replace") for t in answer.texts()] if answer.ok else []
    dmarc = [t for t in texts if is_dmarc(t)]
    others = tuple(clean(t, SHOWN) for t in texts if not is_dmarc(t))
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
        found = [lk for lk in self.walked() if lk.state is State.FOUND and lk.record]
        if not found:
            return None
        start = self.lookups[0].domain
        for lookup in found:  # longest name first
            assert lookup.record is not None
            if lookup.record.value("psd") == "n":
                return lookup.domain
            if lookup.record.value("psd") == "y" and lookup.domain != start:
                below = start.split(".")[-(len(lookup.domain.split(".")) + 1):]
                return ".".join(below)
        return found[-1].domain

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


async def org_domains(resolver: Resolver, name: str, psl: SuffixList) -> tuple[str, str | None]:
    """(PSL Organizational Domain, Tree Walk one or None when the walk found no record)."""
    found = await walk(resolver, name, psl)
    return psl.org_domain(name), found.tree_org()


def status_is_void(answer: Answer) -> bool:
    return answer.status in (Status.NXDOMAIN, Status.NODATA)
