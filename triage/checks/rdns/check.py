"""Reverse DNS of the sending IP: PTR names, forward confirmation, generic names, HELO.

Lookups run concurrently: the PTR and the HELO's A/AAAA together, then the A and
AAAA of every checked PTR name at once. A failed lookup is never "missing": a PTR
timeout is ``rdns.temperror`` and ``fcrdns`` is null, because nothing is known.
"""

from __future__ import annotations

import asyncio
import ipaddress

import dns.reversename

from triage.checks.rdns.findings import helo_findings, ptr_findings
from triage.checks.rdns.generic import GenericDetector
from triage.checks.rdns.helo import HeloName, parse_helo
from triage.checks.rdns.result import Forward, HeloResult, IpAddress, PtrOutcome, RdnsResult
from triage.dns.answer import Answer
from triage.dns.names import normalise
from triage.dns.resolver import Resolver
from triage.domains.psl import SuffixList
from triage.sanitize import clean

MAX_FORWARD = 10  # PTR names whose A/AAAA are looked up; all names are reported
NAME_CHARS = 255  # a PTR name is shown at most this long


def parse_ip(text: str) -> IpAddress:
    """The IP to check; ValueError (a usage error) when it is not one."""
    value = text.strip()
    if "%" in value or "/" in value:
        raise ValueError(f"not an IP address: '{clean(text, 80)}'")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"not an IP address: '{clean(text, 80)}'") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


async def check_rdns(
    resolver: Resolver,
    ip: str,
    helo: str | None = None,
    detector: GenericDetector | None = None,
    psl: SuffixList | None = None,
) -> RdnsResult:
    """Check ``ip``'s reverse DNS and, with ``helo``, the HELO name against it.

    A HELO typed with U-labels is judged in its A-label form. ``psl``: the run's
    shared list, for the generic-name test (one is built when None and no
    ``detector`` is given).
    """
    address = parse_ip(ip)
    helo_name = parse_helo(helo) if helo is not None else None
    reverse = normalise(dns.reversename.from_address(str(address)).to_text())
    ptr_answer, helo_answers = await asyncio.gather(
        resolver.query(reverse, "PTR"), _lookup_helo(resolver, helo_name)
    )
    outcome = await _ptr_outcome(resolver, address, ptr_answer, detector or GenericDetector(psl))
    findings = list(ptr_findings(outcome, MAX_FORWARD))
    helo_result = None
    if helo_name is not None:
        helo_result = _judge_helo(helo_name, helo_answers, address, outcome.names)
        findings += helo_findings(helo_name, helo_result, helo_answers, str(address))
    return RdnsResult(
        ip=str(address),
        ptr=outcome.names,
        fcrdns=outcome.fcrdns,
        confirmed=outcome.confirmed,
        generic=outcome.generic,
        helo=helo_result,
        findings=tuple(findings),
    )


async def _ptr_outcome(
    resolver: Resolver, ip: IpAddress, answer: Answer, detector: GenericDetector
) -> PtrOutcome:
    raw = tuple(dict.fromkeys(answer.names())) if answer.ok else ()
    names = tuple(clean(n, NAME_CHARS) for n in raw)
    checked = raw[:MAX_FORWARD]
    forwards = await asyncio.gather(*(_forward(resolver, n, ip) for n in checked))
    generic = tuple(m for m in (detector.match(n, ip) for n in names) if m is not None)
    return PtrOutcome(ip, answer, names, tuple(forwards), generic)


async def _forward(resolver: Resolver, name: str, ip: IpAddress) -> Forward:
    a, aaaa = await asyncio.gather(resolver.query(name, "A"), resolver.query(name, "AAAA"))
    addresses = a.addresses() + aaaa.addresses()
    confirmed = any(_same(ip, text) for text in addresses)
    relevant = a if isinstance(ip, ipaddress.IPv4Address) else aaaa
    failure = relevant.status.value if relevant.status.is_error and not confirmed else None
    return Forward(clean(name, NAME_CHARS), addresses, confirmed, failure)


async def _lookup_helo(resolver: Resolver, helo: HeloName | None) -> tuple[Answer, ...]:
    if helo is None or helo.query is None:
        return ()
    a, aaaa = await asyncio.gather(
        resolver.query(helo.query, "A"), resolver.query(helo.query, "AAAA")
    )
    return (a, aaaa)


def _judge_helo(
    helo: HeloName, answers: tuple[Answer, ...], ip: IpAddress, ptr_names: tuple[str, ...]
) -> HeloResult:
    matches_ptr = helo.query is not None and clean(helo.query, NAME_CHARS) in ptr_names
    if helo.literal is not None:
        return HeloResult(helo.given, None, helo.literal == ip, False, ())
    if not answers:
        return HeloResult(helo.given, False, False, matches_ptr, ())
    addresses = tuple(text for answer in answers for text in answer.addresses())
    if any(_same(ip, text) for text in addresses):
        return HeloResult(helo.given, True, True, matches_ptr, addresses)
    if addresses:
        return HeloResult(helo.given, True, False, matches_ptr, addresses)
    if any(answer.status.is_error for answer in answers):
        return HeloResult(helo.given, None, None, matches_ptr, ())
    return HeloResult(helo.given, False, False, matches_ptr, ())


def _same(ip: IpAddress, text: str) -> bool:
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False


__all__ = ["MAX_FORWARD", "HeloResult", "RdnsResult", "check_rdns", "parse_ip"]
