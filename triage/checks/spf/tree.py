"""The include/redirect tree: every record a receiver might evaluate, fetched at once.

As soon as a record is parsed, all its include and redirect targets are asked
for together, and, when an IP is known, the address, MX, PTR and exists lookups
of the terms check_host() can still reach within its 10-term budget (a lower
bound on the terms before each one): check_host() walks the same cached
resolver a step behind and finds its answers already in flight, so a run costs
the depth of the tree in round trips, not the number of lookups. Counting is
static and worst-case: a node's ``lookups`` is its own DNS-querying terms plus
its subtrees' (§4.6.4); ``void_lookups`` likewise counts the void lookups every
client would meet (``voids.py``), after the record fetches of the level.
Depth and node caps keep a 50-deep chain or a 64 KB record bounded.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from typing import Any

from triage.checks.spf import macro
from triage.checks.spf.identity import valid_domain
from triage.checks.spf.limits import MAX_DNS_TERMS, MAX_MX_NAMES, lookup
from triage.checks.spf.record import Kind, Mechanism, Record, SyntaxIssue, parse, select
from triage.checks.spf.voids import NO_VOIDS, Voids, of_record, of_target, reachable
from triage.dns.answer import Answer
from triage.dns.resolver import Resolver
from triage.sanitize import clean

MAX_DEPTH = 12  # a chain deeper than 11 includes is over the limit whatever it holds
MAX_NODES = 400
_NEEDS_IP = ("i", "v", "c")


class NodeStatus(enum.Enum):
    OK = "ok"
    MISSING = "missing"  # no v=spf1 record (NXDOMAIN, no TXT, or none is SPF)
    MULTIPLE = "multiple"  # more than one v=spf1 record
    ERROR = "error"  # the TXT lookup failed (timeout, servfail, refused)
    INVALID = "invalid"  # not a domain check_host() accepts (§4.3)
    LOOP = "loop"  # the domain is already on the path from the root
    TRUNCATED = "truncated"  # past the depth or node cap: not fetched
    UNEXPANDED = "unexpanded"  # the target needs macro values this run lacks


@dataclass(frozen=True)
class Node:
    domain: str
    via: str | None  # the include/redirect term that leads here
    status: NodeStatus
    record: Record | None = None
    lookups: int = 0  # worst case for this subtree
    children: tuple[Node, ...] = ()
    answer_bytes: int = 0
    records: tuple[str, ...] = ()  # every v=spf1 record seen (more than one: multiple)
    detail: str = ""
    voids: Voids = NO_VOIDS  # of this record's own terms
    void_lookups: int = 0  # static void lookups of this subtree

    @property
    def own(self) -> int:
        return self.record.dns_terms() if self.record is not None else 0

    @property
    def syntax(self) -> tuple[SyntaxIssue, ...]:
        return self.record.errors if self.record is not None else ()

    def walk(self, path: tuple[Node, ...] = ()) -> Iterator[tuple[Node, tuple[Node, ...]]]:
        """Every node with its ancestors, root first."""
        yield self, path
        for child in self.children:
            yield from child.walk((*path, self))

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": clean(self.domain, 300),
            "via": clean(self.via, 300) if self.via is not None else None,
            "status": self.status.value,
            "record": clean(self.record.text, 4096) if self.record is not None else None,
            "lookups": self.lookups,
            "own_lookups": self.own,
            "void_lookups": self.void_lookups,
            "void": [v.to_dict() for v in self.voids.static],
            "void_depends": [v.to_dict() for v in self.voids.depends],
            "children": [c.to_dict() for c in self.children],
        }


async def analyze(
    resolver: Resolver, domain: str, ctx: macro.MacroContext, rdtype: str | None
) -> Node:
    """Fetch and count the tree under ``domain``; ``rdtype`` (A/AAAA) enables prefetch."""
    return await _Walk(resolver, ctx, rdtype).node(domain, None, (), 0)


class _Walk:
    def __init__(self, resolver: Resolver, ctx: macro.MacroContext, rdtype: str | None) -> None:
        self.resolver = resolver
        self.ctx = ctx
        self.rdtype = rdtype
        self.nodes = 0

    async def node(
        self, domain: str, via: str | None, path: tuple[str, ...], depth: int, spent: int = 0
    ) -> Node:
        """``spent``: DNS terms check_host() must pass before this record (a lower bound)."""
        if domain in path:
            return Node(domain, via, NodeStatus.LOOP, detail=" -> ".join((*path, domain)))
        if depth > MAX_DEPTH or self.nodes >= MAX_NODES:
            return Node(domain, via, NodeStatus.TRUNCATED)
        self.nodes += 1
        if not valid_domain(domain):
            return Node(domain, via, NodeStatus.INVALID)
        answer = await lookup(self.resolver, domain, "TXT")
        if answer.status.is_error:
            return Node(domain, via, NodeStatus.ERROR, detail=answer.status.value)
        size = _answer_bytes(answer)
        found = select(answer.texts()) if answer.ok else ()
        texts = tuple(t.decode("utf-8", errors="backslashreplace") for t in found)
        if not found:
            return Node(domain, via, NodeStatus.MISSING, answer_bytes=size,
                        detail=answer.status.value)
        if len(found) > 1:
            return Node(domain, via, NodeStatus.MULTIPLE, answer_bytes=size, records=texts)
        record = parse(found[0])
        children, own = await asyncio.gather(
            self._children(record, domain, (*path, domain), depth, spent),
            self._voids(record, domain, spent))
        own = _with_targets(own, record, children, spent)
        lookups = record.dns_terms() + sum(c.lookups for c in children)
        void = len(own.static) + sum(c.void_lookups for c in children)
        return Node(domain, via, NodeStatus.OK, record, lookups, children, size, texts,
                    voids=own, void_lookups=void)

    async def _voids(self, record: Record, domain: str, spent: int) -> Voids:
        """After a turn, like the prefetch: the record fetches are the critical path."""
        await asyncio.sleep(0)
        ctx = self.ctx.with_domain(domain)
        ptr = ctx.ip.reverse_pointer if ctx.ip is not None else None
        return await of_record(self.resolver, record, domain, ptr, self.rdtype,
                                     lambda tokens: self._expand(tokens, ctx), spent)

    async def _children(
        self, record: Record, domain: str, path: tuple[str, ...], depth: int, spent: int
    ) -> tuple[Node, ...]:
        ctx = self.ctx.with_domain(domain)
        edges: list[Awaitable[Node]] = []
        prefetch: list[Awaitable[object]] = []
        position = spent  # the evaluation cannot reach a term earlier than this
        for mech in record.mechanisms:
            if not mech.kind.queries_dns:
                continue
            position += 1
            if mech.kind is Kind.INCLUDE:
                edges.append(self._edge(mech.raw, mech.spec or "", mech.tokens, ctx, path,
                                        depth, position))
            elif position <= MAX_DNS_TERMS:
                prefetch.extend(self._prefetch(mech, ctx))
        redirect = record.effective_redirect
        if redirect is not None:
            edges.append(self._edge(redirect.raw, redirect.value, redirect.tokens, ctx, path,
                                    depth, position + 1))
        results = await asyncio.gather(*edges, _after_a_turn(prefetch))
        return tuple(r for r in results if isinstance(r, Node))

    def _edge(
        self, raw: str, spec: str, tokens: tuple[macro.Token, ...] | None,
        ctx: macro.MacroContext, path: tuple[str, ...], depth: int, position: int,
    ) -> Awaitable[Node]:
        target = self._expand(tokens, ctx)
        if target is None:
            return _ready(Node(spec, raw, NodeStatus.UNEXPANDED))
        return self.node(target, raw, path, depth + 1, position)

    def _expand(
        self, tokens: tuple[macro.Token, ...] | None, ctx: macro.MacroContext
    ) -> str | None:
        if tokens is None:
            return None
        if macro.uses(tokens, "p") or (
            ctx.ip is None and any(macro.uses(tokens, x) for x in _NEEDS_IP)
        ):
            return None
        return macro.expand_domain(tokens, ctx).lower()

    def _prefetch(self, mech: Mechanism, ctx: macro.MacroContext) -> list[Awaitable[object]]:
        """Start the lookups check_host() will make for a term it may reach (IP known)."""
        if self.rdtype is None or ctx.ip is None:
            return []
        if mech.kind is Kind.PTR:
            return [lookup(self.resolver, ctx.ip.reverse_pointer, "PTR")]
        target = ctx.domain if mech.tokens is None else self._expand(mech.tokens, ctx)
        if target is None:
            return []
        if mech.kind is Kind.MX:
            return [self._mx(target)]
        return [lookup(self.resolver, target, "A" if mech.kind is Kind.EXISTS else self.rdtype)]

    async def _mx(self, target: str) -> None:
        answer = await lookup(self.resolver, target, "MX")
        hosts = [h for _, h in answer.exchanges()][:MAX_MX_NAMES] if answer.ok else []
        assert self.rdtype is not None
        await asyncio.gather(*(lookup(self.resolver, h, self.rdtype) for h in hosts if h))


def _with_targets(own: Voids, record: Record, children: tuple[Node, ...], spent: int) -> Voids:
    """Add the include/redirect targets without a record (or that need the client) among
    the terms an evaluation can reach; order everything as the record does."""
    terms = {m.raw for m in reachable(record, spent)}
    if record.effective_redirect is not None and spent + record.dns_terms() <= MAX_DNS_TERMS:
        terms.add(record.effective_redirect.raw)
    for child in children:
        if child.via is not None and child.via in terms and child.status in (
                NodeStatus.MISSING, NodeStatus.UNEXPANDED):
            own += of_target(child.via, child.domain, child.detail,
                             child.status is NodeStatus.UNEXPANDED)
    return own.ordered([m.raw for m in record.mechanisms])


async def _ready(node: Node) -> Node:
    return node


async def _after_a_turn(jobs: list[Awaitable[object]]) -> None:
    """Let the record fetches of this level leave first: they are the critical path."""
    if jobs:
        await asyncio.sleep(0)
        await asyncio.gather(*jobs)


def _answer_bytes(answer: Answer) -> int:
    """Size of the TXT RRset's data: each character-string plus its length octet."""
    return sum(len(s) + 1 for r in answer.rdata for s in getattr(r, "strings", ()))
