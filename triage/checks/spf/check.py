"""The SPF check: the tree analysis and check_host() side by side, then the findings.

Both walk the same cached resolver at the same time: the tree fetches every
branch at once and check_host() follows in RFC order, picking the answers up as
they land. Without an IP only the record is analysed and the result is null.
"""

from __future__ import annotations

import asyncio

from triage.checks.spf import lint, macro
from triage.checks.spf.evaluate import IP, Evaluation, check_host, client_ip
from triage.checks.spf.identity import Identity
from triage.checks.spf.result import Lookups, SpfResult
from triage.checks.spf.tree import analyze
from triage.dns.resolver import Resolver


async def check_spf(
    resolver: Resolver, who: Identity, ip: IP | None, now: int, *, upper_hex: bool = False
) -> SpfResult:
    """``upper_hex``: the address was written in upper-case hex (see macro.upper_hex)."""
    address = client_ip(ip) if ip is not None else None
    ctx = macro.MacroContext(
        sender=who.sender, local=who.local, sender_domain=who.sender_domain,
        domain=who.domain, ip=address, helo=who.helo or "unknown", now=now,
        upper_hex=upper_hex,
    )
    rdtype = None if address is None else ("A" if address.version == 4 else "AAAA")
    tree_job = analyze(resolver, who.domain, ctx, rdtype)
    evaluation: Evaluation | None = None
    if ip is None:
        tree = await tree_job
    else:
        tree, evaluation = await asyncio.gather(
            tree_job, check_host(resolver, ip, who, now, upper_hex=upper_hex)
        )
    ip_text = str(ip) if ip is not None else None
    record = tree.record.text if tree.record is not None else None
    return SpfResult(
        domain=who.domain,
        ip=ip_text,
        sender=who.sender,
        helo=who.helo,
        outcome=evaluation.outcome if evaluation else None,
        explanation=evaluation.explanation if evaluation else None,
        matched=evaluation.matched if evaluation else None,
        record=evaluation.record if evaluation and evaluation.record else record,
        lookups=Lookups(evaluation.dns_terms, evaluation.void) if evaluation else None,
        tree_lookups=tree.lookups,
        tree=tree,
        queries=evaluation.queries if evaluation else (),
        findings=lint.findings(tree, evaluation, ip_text, who.domain),
    )
