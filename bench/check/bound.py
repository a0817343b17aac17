"""The critical path of ``triage check`` on a world: the longest chain of answers that
depend on each other, read off the world's table.

A step is one round trip to the resolver: the answers a step needs all come from
earlier steps, so no client can ask it sooner. Queries that need nothing are in
step 1. Per check (``chains``):

- SPF: the TXT of the sending domain, then one step per level of ``include:`` or
  ``redirect=`` below it; an ``a``, ``mx`` or ``exists`` term adds the steps of its own
  lookups (A; MX then the hosts' A) below its record. The longest path of the tree
  counts: the analysis reads every record, and check_host() may match anywhere.
- DKIM: every selector's TXT in step 1. The resolver returns a CNAME chain with the
  target's record in the same answer, so the hops (kept as evidence) cost no step.
- DMARC: every ``_dmarc`` name of the RFC 9989 walk in step 1 (all are known from the
  domain); when the record found lists ``rua``/``ruf`` hosts outside the
  organizational domain, their ``_report._dmarc`` authorizations in step 2. The
  domain's A (does it exist? for ``np=``) needs no answer first: step 1.
- rDNS: the PTR (and the HELO's A/AAAA) in step 1, the PTR names' A/AAAA in step 2
  (in step 1 when the PTR name is the HELO given).
- DNSBL: the IP and the RFC 5782 test entries on every list, all in step 1.

The bound is the longest chain's steps × the server's delay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bigsender import ORG, World

_TERM = re.compile(r"^[+?~-]?(include:|redirect=|exists:|a(?=$|[:/])|mx(?=$|[:/]))(.*)$",
                   re.IGNORECASE)


Key = tuple[str, str]  # (name, type) of a query


@dataclass(frozen=True)
class Step:
    label: str
    keys: tuple[Key, ...]  # the queries of the step (it is done when the last is answered)


@dataclass(frozen=True)
class Chain:
    check: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "length": len(self.steps),
                "steps": [s.label for s in self.steps]}


def _step(rdtype: str, name: str) -> Step:
    return Step(f"{rdtype} {name}", ((name, rdtype),))


def spf_path(world: World, domain: str, seen: frozenset[str] = frozenset()) -> tuple[Step, ...]:
    """The longest path of dependent lookups from ``domain``'s SPF record down."""
    record = _spf_record(world, domain)
    if record is None or domain in seen:
        return (_step("TXT", domain),)
    below: list[tuple[Step, ...]] = [()]
    for term in record.split()[1:]:
        match = _TERM.match(term)
        if match is None:
            continue
        kind, target = match.group(1).lower(), match.group(2).lstrip(":").split("/")[0]
        name = target or domain
        if kind in ("include:", "redirect="):
            below.append(spf_path(world, name, seen | {domain}))
        elif kind in ("a", "exists:"):
            below.append((_step("A", name),))
        elif kind == "mx":
            hosts = [r.split()[-1].rstrip(".") for r in world.table.get((name, "MX"), [])]
            below.append((_step("MX", name),
                          Step(f"A <the MX hosts of {name}>", tuple((h, "A") for h in hosts))))
    return (_step("TXT", domain), *max(below, key=len))


def spf_lookups(world: World, domain: str, seen: frozenset[str] = frozenset()) -> int:
    """The DNS-querying terms of the whole tree (RFC 7208 §4.6.4; ``ptr`` left out)."""
    total = 0
    for term in (_spf_record(world, domain) or "").split()[1:]:
        match = _TERM.match(term)
        if match is None:
            continue
        total += 1
        target = match.group(2).lstrip(":")
        if match.group(1).lower() in ("include:", "redirect=") and target not in seen:
            total += spf_lookups(world, target, seen | {domain})
    return total


def _spf_record(world: World, domain: str) -> str | None:
    for rdata in world.table.get((domain, "TXT"), []):
        text = "".join(re.findall(r'"([^"]*)"', rdata))
        if text.lower().startswith("v=spf1 ") or text.lower() == "v=spf1":
            return text
    return None


def cname_hops(world: World, name: str) -> tuple[str, ...]:
    hops: list[str] = []
    while (name, "CNAME") in world.table and len(hops) < 8:
        name = world.table[(name, "CNAME")][0].rstrip(".")
        hops.append(name)
    return tuple(hops)


def dmarc_path(world: World, domain: str) -> tuple[Step, ...]:
    labels = domain.split(".")
    walk = Step(f"TXT _dmarc.<{domain} and its parents, at once>",
                tuple((f"_dmarc.{'.'.join(labels[i:])}", "TXT") for i in range(len(labels))))
    for i in range(len(labels) - 1):
        owner = ".".join(labels[i:])
        for rdata in world.table.get((f"_dmarc.{owner}", "TXT"), []):
            text = "".join(re.findall(r'"([^"]*)"', rdata))
            if text.startswith("v=DMARC1"):
                hosts = re.findall(r"mailto:[^@,;\s]+@([^,;!\s]+)", text)
                external = [h for h in hosts if h != ORG and not h.endswith("." + ORG)]
                if external:
                    return (walk, Step(f"TXT {owner}._report._dmarc.<{', '.join(external)}>",
                                       tuple((f"{owner}._report._dmarc.{h}", "TXT")
                                             for h in external)))
                return (walk,)
    return (walk,)


def chains(world: World, domain: str, ip: str, helo: str | None, selectors: Sequence[str],
           zones: Sequence[str]) -> tuple[Chain, ...]:
    """``zones``: the DNSBL zones the run asks. A PTR name that is also the HELO has its
    A/AAAA asked with the PTR (for the HELO), so the rDNS chain is one step."""
    reverse = ".".join(reversed(ip.split(".")))
    ptr = f"{reverse}.in-addr.arpa"
    names = [n.rstrip(".") for n in world.table.get((ptr, "PTR"), [])]
    hops = {s: cname_hops(world, f"{s}._domainkey.{domain}") for s in selectors}
    dkim = Step(f"TXT <{len(selectors)} selectors>._domainkey.{domain} "
                f"(+{max(len(h) for h in hops.values())} CNAME hop(s), same answer)",
                tuple((f"{s}._domainkey.{domain}", "TXT") for s in selectors))
    forward = ((names[0], "A"), (names[0], "AAAA")) if names else ()
    if helo is not None and names and names[0] == helo:
        rdns: tuple[Step, ...] = (Step(f"PTR {ptr} + A/AAAA {helo} (the HELO)",
                                       ((ptr, "PTR"), *forward)),)
    else:
        rdns = (_step("PTR", ptr), *([Step(f"A/AAAA {names[0]}", forward)] if names else []))
    probes = (reverse, "1.0.0.127", "2.0.0.127")
    dnsbl = Step(f"A <{ip} and the test entries on {len(zones)} lists>",
                 tuple((f"{p}.{z}", "A") for z in zones for p in probes))
    return (
        Chain("spf", spf_path(world, domain)),
        Chain("dkim", (dkim,)),
        Chain("dmarc", dmarc_path(world, domain)),
        Chain("rdns", rdns),
        Chain("dnsbl", (dnsbl,)),
    )


def critical(all_chains: Sequence[Chain]) -> Chain:
    return max(all_chains, key=lambda c: len(c.steps))
