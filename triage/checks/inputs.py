"""Validation of the names and addresses users type, shared by every check's ``request``.

Each function returns the normalised value or raises ``InputError`` (exit 2) with one
line that names the option; nothing here touches DNS.
"""

from __future__ import annotations

from triage.errors import InputError
from triage.sanitize import clean


def domain(text: str, what: str = "domain") -> str:
    """A domain name as typed (U-labels allowed) -> its A-label form (IDNA 2008, UTS 46)."""
    from triage.domains.names import to_ascii

    try:
        name = to_ascii(text)
    except ValueError as exc:
        raise InputError(f"invalid {what} '{clean(text, 80)}': {exc}") from None
    if "." not in name:  # a mail domain has at least two labels
        raise InputError(f"invalid {what} '{clean(text, 80)}': not a fully-qualified name")
    return name


def mail_domain(text: str, what: str = "--mail-from") -> str:
    """An envelope address or a bare domain -> the domain."""
    return domain(text.strip().strip("<>").rsplit("@", 1)[-1], what)


def selector(text: str) -> str:
    name = text.strip().lower().rstrip(".")
    labels = name.split(".")
    if not name or any(
        not lb or len(lb) > 63 or not all(c.isalnum() or c in "-_" for c in lb) for lb in labels
    ):
        raise InputError(f"invalid selector '{clean(text, 80)}'")
    return name
