"""What one DNSBL answer means, per list. Pure: an ``Answer`` in, a ``Reading`` out.

Precedence (docs/commands/dnsbl.md):
1. no usable answer (timeout, SERVFAIL, a name too long to ask) -> error;
   DNS REFUSED -> refused. Never clean, never listed.
2. NXDOMAIN / NODATA -> clean.
3. A records: each value is matched against the list's documented codes (the most
   specific match wins). Any listing or policy code -> listed; else any refusal code
   (Spamhaus 127.255.255.x, SURBL/URIBL bit 1, ...) -> refused; else -> error, as an
   unexpected answer. A value the list does not document is never read as a listing.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from triage.checks.dnsbl.catalog import CodeClass, DnsblList, ReturnCode
from triage.dns.answer import Answer, Status
from triage.findings import Severity

LOOPBACK_NET = ipaddress.IPv4Network("127.0.0.0/8")
TOO_LONG = "the query name is too long for this zone"


class ListStatus(enum.Enum):
    LISTED = "listed"
    CLEAN = "clean"
    REFUSED = "refused"
    ERROR = "error"


@dataclass(frozen=True)
class Code:
    """One A value and what it means on this list (``cls`` None: undocumented)."""

    value: str
    cls: CodeClass | None
    meaning: str
    severity: Severity | None = None


@dataclass(frozen=True)
class Reading:
    status: ListStatus
    codes: tuple[Code, ...] = ()
    detail: str | None = None  # why: "timeout", "DNS REFUSED", "unexpected answer ..."

    @property
    def unexpected(self) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.cls is None)

    def of_class(self, cls: CodeClass) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.cls is cls)


def interpret(dnsbl: DnsblList, answer: Answer) -> Reading:
    if answer.status is Status.REFUSED:
        return Reading(ListStatus.REFUSED, detail="the resolver answered REFUSED")
    if answer.status.is_error:
        return Reading(ListStatus.ERROR, detail=answer.status.value)
    if answer.status is Status.BADNAME:
        return Reading(ListStatus.ERROR, detail=TOO_LONG)
    if answer.status.is_void:
        return Reading(ListStatus.CLEAN)
    values = answer.addresses()
    if not values:
        return Reading(ListStatus.CLEAN)
    codes = tuple(classify(dnsbl, value) for value in dict.fromkeys(values))
    classes = {c.cls for c in codes}
    if CodeClass.LISTED in classes or CodeClass.POLICY in classes:
        return Reading(ListStatus.LISTED, codes)
    if CodeClass.REFUSED in classes:
        return Reading(ListStatus.REFUSED, codes, detail="the list refused the query")
    shown = ", ".join(c.value for c in codes)
    return Reading(ListStatus.ERROR, codes, detail=f"unexpected answer {shown}")


def classify(dnsbl: DnsblList, value: str) -> Code:
    """The meaning of one A value on ``dnsbl``."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return Code(value, None, "not an IPv4 address")
    if not isinstance(address, ipaddress.IPv4Address) or address not in LOOPBACK_NET:
        return Code(value, None, "outside 127.0.0.0/8: not a DNSBL answer (resolver rewriting?)")
    if dnsbl.bitmask:
        return _bitmask(dnsbl, address)
    number = int(address)
    matches = [c for c in dnsbl.codes if c.bit is None and c.low <= number <= c.high]
    if not matches:
        return Code(value, None, f"not a code {dnsbl.name} documents")
    best = min(matches, key=lambda c: c.span)
    return Code(value, best.cls, best.meaning, best.severity)


def _bitmask(dnsbl: DnsblList, address: ipaddress.IPv4Address) -> Code:
    """SURBL/URIBL: 127.0.0.X, X a bit field; bit 1 alone means the query was blocked."""
    value = str(address)
    number = int(address)
    if number & 0xFFFFFF00 != 0x7F000000:  # only 127.0.0.X carries the bit field
        return Code(value, None, f"not a code {dnsbl.name} documents")
    octet = number & 0xFF
    by_bit = {c.bit: c for c in dnsbl.codes if c.bit is not None}
    refusal = by_bit.get(1)
    if octet & 1 and refusal is not None and refusal.cls is CodeClass.REFUSED:
        return Code(value, CodeClass.REFUSED, refusal.meaning)
    found: list[ReturnCode] = []
    for bit in (2, 4, 8, 16, 32, 64, 128):
        if octet & bit:
            code = by_bit.get(bit)
            if code is None:
                return Code(value, None, f"bit {bit} is not documented for {dnsbl.name}")
            found.append(code)
    if not found:
        return Code(value, None, f"not a code {dnsbl.name} documents")
    cls = CodeClass.POLICY if all(c.cls is CodeClass.POLICY for c in found) else CodeClass.LISTED
    severities = [c.severity or dnsbl.severity for c in found]
    severity = max(severities, key=lambda s: s.rank)
    return Code(value, cls, "; ".join(c.meaning for c in found), severity)
