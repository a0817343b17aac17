"""Is the target on a DNS block list? Every list is asked at once; every answer is read
per list (interpret.py), so a refusal or an unknown code is never a listing.

The Spamhaus DQS key goes into query names only; everything that can reach a report
(zone, query, reason, detail) is built from the key-free form or has it redacted.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import replace

from triage.checks.dnsbl.catalog import Catalog, DnsblList, load_catalog
from triage.checks.dnsbl.findings import (
    dead_finding,
    inconclusive_finding,
    list_findings,
    public_resolver_finding,
    skipped_finding,
)
from triage.checks.dnsbl.interpret import TOO_LONG, ListStatus, Reading, interpret
from triage.checks.dnsbl.query import (
    KEY_SHOWN,
    Target,
    parse_target,
    query_name,
    registrable,
)
from triage.checks.dnsbl.result import DnsblResult, ListResult, SelfTest
from triage.checks.dnsbl.select import select_lists
from triage.checks.dnsbl.selftest import (
    MUST_LIST,
    MUST_NOT_LIST,
    OVERRULED,
    applies,
    broken_finding,
    missing_finding,
)
from triage.dns.answer import Answer
from triage.dns.names import to_wire_name
from triage.dns.resolver import Resolver
from triage.domains.psl import SuffixList
from triage.findings import Finding
from triage.sanitize import clean

REASON_CHARS = 300  # a TXT reason is shown at most this long


async def check_dnsbl(
    resolver: Resolver,
    target: str,
    zones: Sequence[str] = (),
    key: str | None = None,
    nameservers: Sequence[str | tuple[str, int]] = (),
    *,
    defaults: bool = True,
    catalog: Catalog | None = None,
    psl: SuffixList | None = None,
) -> DnsblResult:
    """Ask the default lists (unless ``defaults`` is false) and ``zones`` about ``target``.

    ``nameservers`` are the resolvers the run uses, to warn about public ones.
    ValueError when ``target`` is neither an IP address nor a domain name (U-labels
    are converted). ``psl``: the run's shared list, for lists that take the registrable
    domain (one is built when None and such a list is asked).
    """
    parsed = parse_target(target)
    catalog = catalog or load_catalog()
    selection = select_lists(catalog, parsed.kind, zones, defaults, key)
    base = (registrable(parsed, psl or SuffixList())
            if any(d.registrable for d in selection.lists) else parsed)
    tested = [d for d in selection.lists if applies(parsed, d)]
    # the target's queries and the test entries' all go out at once
    answers = await asyncio.gather(
        *(_ask(resolver, base if d.registrable else parsed, d, key) for d in selection.lists),
        *(_ask(resolver, probe, d, key, explain=False)
          for d in tested for probe in (MUST_NOT_LIST, MUST_LIST)),
    )
    probes = iter(answers[len(selection.lists):])
    tests = {d.zone: SelfTest(next(probes).reading, next(probes).reading) for d in tested}
    findings: list[Finding] = []
    results = []
    for result in answers[: len(selection.lists)]:
        test = tests.get(result.dnsbl.zone)
        if test is not None and test.lists_everything:
            findings.append(broken_finding(parsed.text, result, test))
            result = replace(result, reading=OVERRULED, reason=None)
        else:
            findings += list_findings(parsed.text, result)
        results.append(replace(result, self_test=test))
    missing = missing_finding(results)
    if missing is not None:
        findings.append(missing)
    inconclusive = inconclusive_finding(parsed.text, results)
    if inconclusive is not None:
        findings.insert(0, inconclusive)
    findings += [dead_finding(zone, dead) for zone, dead in selection.dead]
    findings += [skipped_finding(zone, why) for zone, why in selection.skipped]
    hosts = [ns[0] if isinstance(ns, tuple) else ns for ns in nameservers]
    used = [(h, op) for h in dict.fromkeys(hosts) if (op := catalog.public_resolver(h))]
    public = public_resolver_finding(used)
    if public is not None:
        findings.append(public)
    return DnsblResult(parsed.text, tuple(results), tuple(findings))


async def _ask(resolver: Resolver, target: Target, dnsbl: DnsblList, key: str | None,
               explain: bool = True) -> ListResult:
    name = query_name(target, dnsbl.zone, key if dnsbl.key else None)
    if to_wire_name(name.wire) is None:  # over 255 octets: no backend may call it clean
        return ListResult(dnsbl, name.shown, Reading(ListStatus.ERROR, detail=TOO_LONG), None)
    answer = await resolver.query(name.wire, "A")
    reading = _redacted(interpret(dnsbl, answer), key)
    reason = None
    explained = reading.status is ListStatus.REFUSED and bool(reading.codes)
    if explain and (reading.status is ListStatus.LISTED or explained):
        reason = _reason(await resolver.query(name.wire, "TXT"), key)
    return ListResult(dnsbl, name.shown, reading, reason)


def _reason(answer: Answer, key: str | None) -> str | None:
    if not answer.ok:
        return None
    texts = [_redact(clean(t), key) for t in answer.texts()]
    joined = " | ".join(t for t in texts if t)
    return clean(joined, REASON_CHARS) if joined else None


def _redacted(reading: Reading, key: str | None) -> Reading:
    if key is None or reading.detail is None:
        return reading
    return Reading(reading.status, reading.codes, _redact(reading.detail, key))


def _redact(text: str, key: str | None) -> str:
    return re.sub(re.escape(key), KEY_SHOWN, text, flags=re.IGNORECASE) if key else text


__all__ = ["DnsblResult", "ListResult", "check_dnsbl"]
