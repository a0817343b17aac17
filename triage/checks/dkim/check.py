"""``check_dkim``: selectors and keys of a domain, and optionally one message's signatures."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from triage.checks.dkim import judge
from triage.checks.dkim.headers import (
    load_meanings,
    microsoft_summary,
    parse_authentication_results,
)
from triage.checks.dkim.lookup import Origin, lookup_selectors
from triage.checks.dkim.message import Message, verify_signatures
from triage.checks.dkim.result import DkimResult, MessageReport
from triage.checks.dkim.selectors import Catalog, load_catalog
from triage.dns.names import normalise
from triage.dns.resolver import Resolver
from triage.domains.names import to_ascii
from triage.domains.psl import SuffixList


def plan_selectors(
    domain: str, given: Sequence[str], message: Message | None, catalog: Catalog
) -> list[tuple[str, Origin]]:
    """Given selectors, else the built-in list; plus the s= of signatures for ``domain``."""
    plan: list[tuple[str, Origin]] = []
    if given:
        plan = [(normalise(s), Origin.GIVEN) for s in dict.fromkeys(given)]
    else:
        plan = [(entry.name, Origin.BUILTIN) for entry in catalog.selectors]
    if message is not None:
        for value in message.values("dkim-signature"):
            tags = dict(_pair(p) for p in value.split(";") if "=" in p)
            d, s = normalise(tags.get("d", "")), normalise(tags.get("s", ""))
            if d == domain and s and s not in {name for name, _ in plan}:
                plan.append((s, Origin.MESSAGE))
    return [(name, origin) for name, origin in plan if name]


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key.strip().lower(), "".join(value.split())


async def check_dkim(
    resolver: Resolver,
    domain: str,
    selectors: Sequence[str] = (),
    message: Message | None = None,
    catalog: Catalog | None = None,
    psl: SuffixList | None = None,
) -> DkimResult:
    """``domain`` may be typed with U-labels; ValueError when it cannot be a domain name.

    ``psl``: the run's shared list, for signature alignment (one is built when None).
    """
    domain = to_ascii(domain)
    catalog = catalog or load_catalog()
    plan = plan_selectors(domain, selectors, message, catalog)
    if message is None:
        results = await lookup_selectors(resolver, domain, plan, catalog)
        findings = judge.selector_findings(results, guessed=not selectors)
        return DkimResult(domain, results, None, tuple(findings))
    psl = psl or SuffixList()
    results, sigs = await asyncio.gather(
        lookup_selectors(resolver, domain, plan, catalog),
        verify_signatures(resolver, message, psl),
    )
    findings = judge.selector_findings(results, guessed=not selectors)
    findings += judge.signature_findings(sigs, message.from_domain)
    report = MessageReport(
        from_domain=message.from_domain,
        signatures=sigs,
        authentication_results=tuple(
            parse_authentication_results(v) for v in message.values("authentication-results")
        ),
        microsoft=microsoft_summary(message.values, load_meanings()),
    )
    return DkimResult(domain, results, report, tuple(findings))
