"""Name normalisation shared by every backend: one place decides what is queryable.

IDNA is not decided here: a name with U-labels is converted by
``triage.domains.names`` (IDNA 2008, UTS 46), the one conversion every command
uses, so dnspython's own IDNA codec never sees a non-ASCII name.
"""

from __future__ import annotations

import dns.exception
import dns.name

from triage.domains.names import canonical, to_ascii


def normalise(name: str) -> str:
    """Lower-case, strip one trailing dot, A-labels; the canonical key for caches and zones."""
    return canonical(name)


def to_wire_name(name: str) -> dns.name.Name | None:
    """The absolute dnspython name, or None when it cannot be sent (bad label, too long)."""
    if not name.isascii():
        try:
            name = to_ascii(name)
        except ValueError:
            return None
    if not name or name == "." or ".." in name:
        return None
    try:
        parsed = dns.name.from_text(name, origin=dns.name.root)
    except (dns.name.LabelTooLong, dns.name.NameTooLong, dns.name.EmptyLabel):
        return None
    except dns.exception.DNSException:
        return None
    return parsed
