"""The HELO/EHLO name: is it a fully-qualified host name, and is it this sender's?

RFC 5321 §2.3.5 and §4.1.4: the EHLO argument is the client's primary host name
(an FQDN that resolves) or, lacking one, an address literal. A server MAY check
that the name matches the client, but MUST NOT refuse on that basis, so a
mismatch is a reputation signal (warning), not a protocol error.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from triage.dns.names import to_wire_name
from triage.domains.names import canonical
from triage.sanitize import clean

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")  # ASCII without spaces or controls
_LDH = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
SHOWN_CHARS = 255  # a HELO is shown at most this long in reports


@dataclass(frozen=True)
class HeloName:
    """The HELO as given, judged on syntax alone."""

    given: str  # sanitised for display
    query: str | None  # the name to look up, or None when it cannot be queried
    fqdn: bool
    literal: IpAddress | None  # "[192.0.2.1]" / "[IPv6:2001:db8::1]"
    problem: str | None  # why it is not a fully-qualified host name


def parse_helo(raw: str) -> HeloName:
    shown = clean(raw, SHOWN_CHARS)
    text = raw.strip()
    if text.startswith("[") and text.endswith("]"):
        literal = _address_literal(text[1:-1])
        why = "is an address literal, not a host name" if literal else "is a malformed literal"
        return HeloName(shown, None, False, literal, why)
    name = canonical(text)
    problem: str | None = fqdn_problem(name)
    printable = _PRINTABLE.match(name) is not None
    queryable = "." in name and printable and to_wire_name(name) is not None
    return HeloName(shown, name if queryable else None, problem is None, None, problem)


def fqdn_problem(name: str) -> str | None:
    """Why ``name`` is not a fully-qualified host name (RFC 1123 LDH labels), or None."""
    if not name:
        return "is empty"
    if len(name) > 253:
        return f"is {len(name)} characters long (the limit is 253)"
    labels = name.split(".")
    if len(labels) < 2:
        return "is a single label, not fully qualified"
    bad = [label for label in labels if not _LDH.match(label)]
    if bad:
        return f"has an invalid label '{clean(bad[0], 70)}' (letters, digits, hyphens; 1-63)"
    if labels[-1].isdigit():
        return "ends in a numeric label (an IP address is not a host name)"
    return None


def _address_literal(inner: str) -> IpAddress | None:
    text = inner[5:] if inner.lower().startswith("ipv6:") else inner
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if inner.lower().startswith("ipv6:") != isinstance(address, ipaddress.IPv6Address):
        return None
    return address
