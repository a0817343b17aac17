"""``check_dmarc``: discovery, policy, report destinations and alignment for one domain."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from triage.checks.dmarc import judge
from triage.checks.dmarc.alignment import align
from triage.checks.dmarc.discovery import NameLookup, State, Walk, walk
from triage.checks.dmarc.policy import for_domain, policies
from triage.checks.dmarc.reports import Destination, check_destinations
from triage.checks.dmarc.result import DmarcResult
from triage.dns.answer import Status
from triage.dns.resolver import Resolver
from triage.domains.names import canonical, to_ascii
from triage.domains.psl import SuffixList


@dataclass(frozen=True)
class Choice:
    """Which record governs the domain, and what stood in the way."""

    chosen: NameLookup | None
    source: str | None
    multiple: NameLookup | None
    errors: tuple[NameLookup, ...]
    psl_view: NameLookup | None  # what an RFC 7489 (PSL) receiver would use


def choose(found: Walk, psl_org: str) -> Choice:
    own = found.lookups[0]
    psl_lookup = found.at(psl_org)
    psl_view = own if own.state is not State.NONE else psl_lookup
    if own.state is State.FOUND:
        return Choice(own, "domain", None, (), psl_view)
    if own.state is State.MULTIPLE:
        return Choice(None, None, own, (), psl_view)
    if own.state is State.ERROR:
        return Choice(None, None, None, (own,), psl_view)
    tree_org = found.tree_org()
    candidates = [(found.at(tree_org) if tree_org else None, "organizational"),
                  (found.psd_record(), "psd"), (psl_lookup, "organizational")]
    for lookup, source in candidates:
        if lookup is not None and lookup.state is State.FOUND and lookup.domain != own.domain:
            before = found.lookups[: found.lookups.index(lookup)]
            return Choice(lookup, source, None, _errors(before, psl_org), psl_view)
    multiple = psl_lookup if psl_lookup and psl_lookup.state is State.MULTIPLE else None
    return Choice(None, None, multiple, _errors(found.lookups, psl_org), psl_view)


def _errors(lookups: Sequence[NameLookup], psl_org: str) -> tuple[NameLookup, ...]:
    """Failed lookups that could have changed the answer: at or below the PSL org domain.

    Failures above it (``_dmarc.<tld>``) only matter for rare PSD records, and
    are kept as evidence rather than turning every answer into ``temperror``.
    """
    return tuple(lk for lk in lookups if lk.state is State.ERROR
                 and (lk.domain == psl_org or lk.domain.endswith("." + psl_org)))


async def check_dmarc(
    resolver: Resolver,
    domain: str,
    mail_from: str | None = None,
    dkim_domains: Sequence[str] = (),
    psl: SuffixList | None = None,
) -> DmarcResult:
    """``domain`` may be typed with U-labels; ValueError when it cannot be a domain name.

    ``psl``: the run's shared list (one is built when None).
    """
    domain = to_ascii(domain)
    psl = psl or SuffixList()
    found = await walk(resolver, domain, psl)
    psl_org = psl.org_domain(domain)
    tree_org = found.tree_org()
    choice = choose(found, psl_org)
    chosen = choice.chosen
    record = chosen.record if chosen else None
    exists: bool | None = None
    policy = sub = nonexistent = None
    destinations: tuple[Destination, ...] = ()
    modes = (record.mode("aspf"), record.mode("adkim")) if record else ("r", "r")
    # the domain's existence (np=), the report authorizations and the alignment walks
    # need only the record: they go out together, one round trip after the walk
    aligning = align(resolver, domain, (psl_org, tree_org), modes, _domain_of(mail_from),
                     [canonical(d) for d in dkim_domains], psl)
    if chosen is not None and record is not None:
        own = chosen.domain == domain
        answer, destinations, alignment = await asyncio.gather(
            _no_answer() if own else resolver.query(domain, "A"),
            check_destinations(resolver, record, chosen.domain, (psl_org, tree_org or domain)),
            aligning)
        if answer is not None:
            exists = None if answer.status.is_error else answer.status is not Status.NXDOMAIN
        policy = for_domain(record, own, exists is not False)
        org_lookup = _org_lookup(found, tree_org, psl_org) or chosen
        assert org_lookup.record is not None
        sub, nonexistent = policies(org_lookup.record).sp, policies(org_lookup.record).np
    else:
        alignment = await aligning
    findings = judge.findings(domain, choice, policy, destinations, alignment, found.lookups)
    return DmarcResult(
        domain=domain, chosen=chosen, source=choice.source,
        org_domain=tree_org or psl_org, org_domain_psl=psl_org, org_domain_tree_walk=tree_org,
        policy=policy, subdomain_policy=sub, nonexistent_policy=nonexistent,
        domain_exists=exists, alignment=alignment, destinations=destinations,
        lookups=found.lookups, findings=tuple(findings),
    )


async def _no_answer() -> None:
    return None


def _org_lookup(found: Walk, tree_org: str | None, psl_org: str) -> NameLookup | None:
    for lookup in (found.at(tree_org) if tree_org else None, found.at(psl_org),
                   found.psd_record()):
        if lookup is not None and lookup.state is State.FOUND and lookup.record is not None:
            return lookup
    return None


def _domain_of(value: str | None) -> str | None:
    if not value:
        return None
    return canonical(value.rsplit("@", 1)[-1]) or None
