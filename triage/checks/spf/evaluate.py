"""RFC 7208 check_host(): the result for one IP, in the RFC's own order.

Terms are evaluated left to right and counted as they are reached (§4.6.4), so
the 10-term and void limits bite exactly where a receiver's would; errors end
the evaluation as ``PermError``/``TempError`` (limits.py) and become the result
at the top. DNS failures are temperror everywhere except inside ``ptr``, where
§5.5 says a failed lookup is skipped. Queries go through the run's cached
resolver, so whatever the tree analysis already fetched is not asked twice.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass

from triage.checks.spf import macro
from triage.checks.spf.identity import Identity, valid_domain
from triage.checks.spf.limits import (
    MAX_MX_NAMES,
    MAX_PTR_NAMES,
    Budget,
    PermError,
    QueryRecord,
    SpfError,
    TempError,
)
from triage.checks.spf.record import Kind, Mechanism, Qualifier, Record, parse, select
from triage.checks.spf.result import Outcome
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

_QUALIFIED = {
    Qualifier.PASS: Outcome.PASS,
    Qualifier.FAIL: Outcome.FAIL,
    Qualifier.SOFTFAIL: Outcome.SOFTFAIL,
    Qualifier.NEUTRAL: Outcome.NEUTRAL,
}


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    matched: str | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class Evaluation:
    """What check_host() decided, with the lookups it spent and the error, if any."""

    outcome: Outcome
    matched: str | None
    explanation: str | None
    record: str | None  # the topmost record's text
    dns_terms: int
    void: int
    queries: tuple[QueryRecord, ...]
    error: SpfError | None


def client_ip(ip: IP) -> IP:
    """§5: an IPv4-mapped IPv6 address is the IPv4 address it carries."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


async def check_host(
    resolver: Resolver, ip: IP, who: Identity, now: int, *, upper_hex: bool = False
) -> Evaluation:
    budget = Budget(resolver)
    address = client_ip(ip)
    ctx = macro.MacroContext(
        sender=who.sender, local=who.local, sender_domain=who.sender_domain,
        domain=who.domain, ip=address, helo=who.helo or "unknown", now=now,
        upper_hex=upper_hex,
    )
    run = _Run(budget, address, ctx)
    error: SpfError | None = None
    try:
        verdict = await run.check_host(who.domain, explain=True, via=None)
    except SpfError as exc:
        error = exc
        verdict = Verdict(Outcome(exc.result))
    return Evaluation(
        verdict.outcome, verdict.matched, verdict.explanation, run.top_record,
        budget.dns_terms, budget.void, tuple(budget.log), error,
    )


class _Run:
    """One evaluation's state: the budget, the client address, the macro values."""

    def __init__(self, budget: Budget, ip: IP, ctx: macro.MacroContext) -> None:
        self.budget = budget
        self.ip = ip
        self.ctx = ctx
        self.top_record: str | None = None
        self._ptr_cache: dict[str, str] = {}

    async def check_host(self, domain: str, *, explain: bool, via: str | None) -> Verdict:
        if not valid_domain(domain):
            return Verdict(Outcome.NONE)
        record = await self._record(domain, via)
        if record is None:
            return Verdict(Outcome.NONE)
        if record.errors:
            issue = record.errors[0]
            raise PermError(f"syntax error: {issue.reason}", issue.term, domain, "spf.syntax")
        ctx = self.ctx.with_domain(domain)
        for mech in record.mechanisms:
            if await self._matches(mech, domain, ctx):
                outcome = _QUALIFIED[mech.qualifier]
                text = None
                if explain and outcome is Outcome.FAIL:
                    text = await self._explain(record, domain, ctx)
                return Verdict(outcome, mech.raw, text)
        redirect = record.effective_redirect
        if redirect is None:
            return Verdict(Outcome.NEUTRAL)
        self.budget.charge(redirect.raw, domain)
        target = await self._target(redirect.tokens, ctx, redirect.raw, domain)
        verdict = await self.check_host(target, explain=explain, via=redirect.raw)
        if verdict.outcome is Outcome.NONE:
            raise PermError(
                f"redirect target {target} has no SPF record", redirect.raw, domain,
                "spf.include_missing",
            )
        return verdict

    async def _record(self, domain: str, via: str | None) -> Record | None:
        answer = await self.budget.query(domain, "TXT", term=via, domain=domain, counts_void=False)
        if answer.status.is_error:
            raise TempError(f"TXT lookup for {domain}: {answer.status.value}", via, domain)
        records = select(answer.texts()) if answer.ok else ()
        if not records:
            return None
        if len(records) > 1:
            raise PermError(
                f"{domain} has {len(records)} SPF records", via, domain, "spf.multiple_records"
            )
        record = parse(records[0])
        if via is None:
            self.top_record = record.text
        return record

    async def _matches(self, mech: Mechanism, domain: str, ctx: macro.MacroContext) -> bool:
        kind = mech.kind
        if kind is Kind.ALL:
            return True
        if kind in (Kind.IP4, Kind.IP6):
            return mech.network is not None and self.ip in mech.network
        self.budget.charge(mech.raw, domain)
        target = domain
        if mech.tokens is not None:
            target = await self._target(mech.tokens, ctx, mech.raw, domain)
        if kind is Kind.INCLUDE:
            return await self._include(mech, target, domain)
        if kind is Kind.A:
            return await self._a(mech, target, domain)
        if kind is Kind.MX:
            return await self._mx(mech, target, domain)
        if kind is Kind.PTR:
            return await self._ptr(mech, target, domain)
        answer = await self._query(target, "A", mech.raw, domain)  # exists: always A (§5.7)
        return answer.ok and bool(answer.addresses())

    async def _include(self, mech: Mechanism, target: str, domain: str) -> bool:
        verdict = await self.check_host(target, explain=False, via=mech.raw)
        if verdict.outcome is Outcome.NONE:
            raise PermError(
                f"include target {target} has no SPF record", mech.raw, domain,
                "spf.include_missing",
            )
        return verdict.outcome is Outcome.PASS

    @property
    def _rdtype(self) -> str:
        return "A" if self.ip.version == 4 else "AAAA"

    def _in(self, addresses: tuple[str, ...], mech: Mechanism) -> bool:
        prefix = mech.cidr4 if self.ip.version == 4 else mech.cidr6
        for text in addresses:
            network = ipaddress.ip_network(f"{text}/{prefix}", strict=False)
            if network.version == self.ip.version and self.ip in network:
                return True
        return False

    async def _a(self, mech: Mechanism, target: str, domain: str) -> bool:
        answer = await self._query(target, self._rdtype, mech.raw, domain)
        return answer.ok and self._in(answer.addresses(), mech)

    async def _mx(self, mech: Mechanism, target: str, domain: str) -> bool:
        answer = await self._query(target, "MX", mech.raw, domain)
        if not answer.ok:
            return False
        hosts = [host for _, host in answer.exchanges()]
        if len(hosts) > MAX_MX_NAMES:
            raise PermError(
                f"{target} has {len(hosts)} MX records; at most {MAX_MX_NAMES} may be looked up",
                mech.raw, domain,
            )
        hosts = [h for h in hosts if h not in ("", ".")]  # RFC 7505 null MX: no host
        answers = await asyncio.gather(
            *(self._query(h, self._rdtype, mech.raw, domain, primary=False) for h in hosts)
        )
        return any(a.ok and self._in(a.addresses(), mech) for a in answers)

    async def _ptr(self, mech: Mechanism, target: str, domain: str) -> bool:
        target = target.lower()
        names = await self._validated(mech.raw, domain, candidates=target)
        return any(n == target or n.endswith("." + target) for n in names)

    async def _validated(self, term: str, domain: str, candidates: str | None) -> list[str]:
        """§5.5: PTR names of the client (first 10) that resolve back to it. Errors skip."""
        answer = await self.budget.query(
            self.ip.reverse_pointer, "PTR", term=term, domain=domain,
            counts_void=candidates is not None,
        )
        if not answer.ok:
            return []
        names = list(answer.names()[:MAX_PTR_NAMES])
        if candidates is not None:
            names = [n for n in names if n == candidates or n.endswith("." + candidates)]
        answers = await asyncio.gather(
            *(self.budget.query(n, self._rdtype, term=term, domain=domain, counts_void=False)
              for n in names)
        )
        return [
            n for n, a in zip(names, answers, strict=True)
            if a.ok and any(ipaddress.ip_address(x) == self.ip for x in a.addresses())
        ]

    async def _query(
        self, name: str, rdtype: str, term: str, domain: str, *, primary: bool = True
    ) -> Answer:
        answer = await self.budget.query(name, rdtype, term=term, domain=domain,
                                         counts_void=primary)
        if answer.status.is_error:
            raise TempError(f"{rdtype} lookup for {name}: {answer.status.value}", term, domain)
        return answer

    async def _target(
        self, tokens: tuple[macro.Token, ...], ctx: macro.MacroContext, term: str, domain: str
    ) -> str:
        if macro.uses(tokens, "p"):
            ctx = ctx.with_ptr(await self._ptr_name(domain, term))
        return macro.expand_domain(tokens, ctx).lower()

    async def _ptr_name(self, domain: str, term: str) -> str:
        """§7.3 ``p``: the client's validated name, preferring <domain> or a subdomain."""
        if domain not in self._ptr_cache:
            names = await self._validated(term, domain, candidates=None)
            pick = [n for n in names if n == domain] or [
                n for n in names if n.endswith("." + domain)] or names
            self._ptr_cache[domain] = pick[0] if pick else "unknown"
        return self._ptr_cache[domain]

    async def _explain(self, record: Record, domain: str, ctx: macro.MacroContext) -> str | None:
        """§6.2: any failure (DNS, not one TXT, bad syntax) means no explanation."""
        exp = record.exp
        if exp is None:
            return None
        target = await self._target(exp.tokens, ctx, exp.raw, domain)
        answer = await self.budget.query(target, "TXT", term=exp.raw, domain=domain,
                                         counts_void=False)
        texts = answer.texts() if answer.status is Status.OK else ()
        if len(texts) != 1:
            return None
        try:
            tokens = macro.parse(texts[0].decode("ascii"), explain=True)
        except (UnicodeDecodeError, macro.MacroError):
            return None
        if macro.uses(tokens, "p"):
            ctx = ctx.with_ptr(await self._ptr_name(domain, exp.raw))
        return macro.expand(tokens, ctx)
