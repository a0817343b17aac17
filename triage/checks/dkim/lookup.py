"""Look up selectors concurrently and judge each key.

All selectors of a run are queried at once (``asyncio.gather``); the DNS stack
below merges duplicates and bounds how many are in flight.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from triage.checks.dkim.keyrecord import KeyRecord, KeyStatus, judge_texts
from triage.checks.dkim.selectors import Catalog
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver
from triage.sanitize import clean


class Origin(enum.Enum):
    """Where a selector came from: it decides how loud a missing key is."""

    GIVEN = "given"  # --selector
    MESSAGE = "message"  # s= of a DKIM-Signature in --message
    BUILTIN = "builtin"  # the common-selector list


@dataclass(frozen=True)
class SelectorResult:
    selector: str
    name: str  # <selector>._domainkey.<domain>
    origin: Origin
    key: KeyRecord
    cname_chain: tuple[str, ...] = ()
    sender: str | None = None
    dns_status: str = ""
    dns_detail: str = ""

    @property
    def status(self) -> KeyStatus:
        return self.key.status

    def to_dict(self) -> dict[str, Any]:
        key = self.key
        present = key.status in (KeyStatus.VALID, KeyStatus.REVOKED, KeyStatus.INVALID)
        return {
            "selector": self.selector,
            "status": key.status.value,
            "key_type": key.key_type if present else None,
            "key_bits": key.key_bits,
            "testing": key.testing if present else None,
            "cname": self.cname_chain[0] if self.cname_chain else None,
            "record": key.record,
            "name": self.name,
            "origin": self.origin.value,
            "flags": list(key.flags),
            "cname_chain": list(self.cname_chain),
            "sender": self.sender,
            "problem": key.problem,
            "dns_status": self.dns_status,
        }


def key_name(selector: str, domain: str) -> str:
    return f"{selector}._domainkey.{domain}"


def judge_answer(answer: Answer) -> KeyRecord:
    """A DNS answer at a selector name, as a key verdict (a timeout is never "missing")."""
    if answer.status is Status.OK:
        return judge_texts(answer.texts())
    if answer.status.is_error:
        why = answer.detail or answer.status.value
        return KeyRecord(KeyStatus.TEMPERROR, problem=f"lookup failed: {clean(why, 120)}")
    if answer.status is Status.BADNAME:
        return KeyRecord(KeyStatus.MISSING, problem="the name cannot be queried")
    return KeyRecord(KeyStatus.MISSING, problem=f"{answer.status.value}")


async def lookup_selectors(
    resolver: Resolver,
    domain: str,
    selectors: Sequence[tuple[str, Origin]],
    catalog: Catalog,
) -> tuple[SelectorResult, ...]:
    names = [key_name(sel, domain) for sel, _ in selectors]
    answers = await asyncio.gather(*(resolver.query(n, "TXT") for n in names))
    results = []
    for (selector, origin), name, answer in zip(selectors, names, answers, strict=True):
        chain = tuple(answer.cnames)
        results.append(SelectorResult(
            selector=selector,
            name=name,
            origin=origin,
            key=judge_answer(answer),
            cname_chain=chain,
            sender=catalog.sender_of(selector, chain),
            dns_status=answer.status.value,
            dns_detail=clean(answer.detail, 120),
        ))
    return tuple(results)
