"""Name normalisation shared by every backend: one place decides what is queryable."""

from __future__ import annotations

import dns.name


def normalise(name: str) -> str:
    """Lower-case, strip one trailing dot; the canonical key for caches and zones."""
    name = name.strip().lower()
    return name[:-1] if name.endswith(".") and name != "." else name


def to_wire_name(name: str) -> dns.name.Name | None:
    """The absolute dnspython name, or None when it cannot be sent (bad label, too long)."""
    if not name or name == "." or ".." in name:
        return None
    try:
        parsed = dns.name.from_text(name, origin=dns.name.root)
    except (dns.name.LabelTooLong, dns.name.NameTooLong, dns.name.EmptyLabel):
        return None
    except dns.exception.DNSException:
        return None
    return parsed
