"""Void lookups the include tree can show without a client (RFC 7208 §4.6.4).

A void lookup is a term's own query answered NXDOMAIN or with no records; the third
one in an evaluation is a permerror. Whether a term's query is void rarely depends on
the client: the A/AAAA of an ``a`` target, the MX of an ``mx`` target, the A of an
``exists`` name and the SPF record of an ``include``/``redirect`` target are the same
for every client. Those are counted here (``static``). A ``ptr`` term (the client's
PTR record), a name built from client macros (``%{i}``, ``%{v}``, ``%{p}``) and, when
the address family is unknown, an ``a`` target with only A or only AAAA records are
void for some clients and not others: they are listed per term (``depends``), never
counted. With an IP, the family and the macros are known and only ``ptr`` (looked up
for that IP) remains a question of that client.

A client that matches no earlier term reaches every term, so the static count of a
tree is what a failing client meets (at most; a match stops the evaluation early).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from triage.checks.spf import macro
from triage.checks.spf.limits import MAX_DNS_TERMS, lookup
from triage.checks.spf.record import Kind, Mechanism, Record
from triage.dns.answer import Answer
from triage.dns.resolver import Resolver
from triage.sanitize import clean

Expand = Callable[[tuple[macro.Token, ...] | None], str | None]


@dataclass(frozen=True)
class VoidLookup:
    """One query of a term that is void for every client (or for the given one)."""

    term: str
    name: str
    rdtype: str  # A, AAAA, A/AAAA (both empty), MX, PTR, TXT (include/redirect target)
    status: str  # nxdomain | nodata

    def to_dict(self) -> dict[str, Any]:
        return {"term": clean(self.term, 300), "name": clean(self.name, 300),
                "type": self.rdtype, "status": self.status}


@dataclass(frozen=True)
class ClientVoid:
    """A term whose query is void for some clients: not counted, said why."""

    term: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"term": clean(self.term, 300), "reason": self.reason}


@dataclass(frozen=True)
class Voids:
    static: tuple[VoidLookup, ...] = ()
    depends: tuple[ClientVoid, ...] = ()

    def __add__(self, other: Voids) -> Voids:
        return Voids(self.static + other.static, self.depends + other.depends)

    def ordered(self, terms: list[str]) -> Voids:
        """In the order of the record's terms (a redirect, not among them, last)."""
        def key(term: str) -> int:
            return terms.index(term) if term in terms else len(terms)
        return Voids(tuple(sorted(self.static, key=lambda v: key(v.term))),
                     tuple(sorted(self.depends, key=lambda v: key(v.term))))


NO_VOIDS = Voids()
_MACROS = "its name uses client macros (%{i}, %{v} or %{p}): void or not depends on the client"


async def of_record(
    resolver: Resolver, record: Record, domain: str, ip: str | None, rdtype: str | None,
    expand: Expand, spent: int = 0,
) -> Voids:
    """The void lookups of ``record``'s own a/mx/ptr/exists terms (includes: see
    ``of_target``). ``ip``/``rdtype``: the client's reverse name and family, or None.
    ``spent``: DNS terms an evaluation passes before this record (a lower bound); terms
    past the 10th are never evaluated (permerror first), so they are not looked up,
    which also bounds the queries a record of thousands of terms can cause."""
    jobs = [_term(resolver, mech, domain, ip, rdtype, expand)
            for mech in reachable(record, spent)
            if mech.kind in (Kind.A, Kind.MX, Kind.PTR, Kind.EXISTS)]
    found = await asyncio.gather(*jobs)
    return sum(found, NO_VOIDS)


def reachable(record: Record, spent: int) -> list[Mechanism]:
    """The DNS-querying mechanisms an evaluation can reach: at most the 10th term."""
    out: list[Mechanism] = []
    for mech in record.mechanisms:
        if mech.kind.queries_dns:
            if spent + len(out) + 1 > MAX_DNS_TERMS:
                break
            out.append(mech)
    return out


def of_target(term: str, target: str, status: str, unexpanded: bool) -> Voids:
    """An include/redirect target: its TXT lookup found nothing (void), or its name needs
    the client (depends)."""
    if unexpanded:
        return Voids(depends=(ClientVoid(term, _MACROS),))
    if status in ("nxdomain", "nodata"):
        return Voids(static=(VoidLookup(term, target, "TXT", status),))
    return NO_VOIDS


async def _term(
    resolver: Resolver, mech: Mechanism, domain: str, ip: str | None, rdtype: str | None,
    expand: Expand,
) -> Voids:
    if mech.kind is Kind.PTR:
        if ip is None:
            return Voids(depends=(ClientVoid(mech.raw, "void for every client whose address "
                                                       "has no PTR record"),))
        return _void(mech.raw, await lookup(resolver, ip, "PTR"))
    target = domain if mech.tokens is None else expand(mech.tokens)
    if target is None:
        return Voids(depends=(ClientVoid(mech.raw, _MACROS),))
    if mech.kind is Kind.MX:
        return _void(mech.raw, await lookup(resolver, target, "MX"))
    if mech.kind is Kind.EXISTS:  # always an A query (§5.7)
        return _void(mech.raw, await lookup(resolver, target, "A"))
    if rdtype is not None:
        return _void(mech.raw, await lookup(resolver, target, rdtype))
    return await _a_both(resolver, mech.raw, target)


async def _a_both(resolver: Resolver, term: str, target: str) -> Voids:
    """``a`` without a client: void for all when neither A nor AAAA answers."""
    four, six = await asyncio.gather(*_pair(resolver, target))
    if four.status.is_void and six.status.is_void:
        return Voids(static=(VoidLookup(term, four.name, "A/AAAA", four.status.value),))
    if four.status.is_void and six.ok:
        return Voids(depends=(ClientVoid(term, f"void for IPv4 clients: {target} has no A "
                                               "record"),))
    if six.status.is_void and four.ok:
        return Voids(depends=(ClientVoid(term, f"void for IPv6 clients: {target} has no "
                                               "AAAA record"),))
    return NO_VOIDS


def _pair(resolver: Resolver, target: str) -> tuple[Awaitable[Answer], Awaitable[Answer]]:
    return lookup(resolver, target, "A"), lookup(resolver, target, "AAAA")


def _void(term: str, answer: Answer) -> Voids:
    if answer.status.is_void:
        return Voids(static=(VoidLookup(term, answer.name, answer.rdtype, answer.status.value),))
    return NO_VOIDS
