"""Who is being checked: the SMTP identities as they arrived, turned into check_host() inputs.

RFC 7208 §2.4 and §4.3: an empty reverse-path (a bounce) is checked as
``postmaster@<HELO>``; a sender without a local-part gets ``postmaster``. Odd
values (an address literal, a space in the local-part, an over-long label) are
not rejected here: check_host() gives them a result, usually ``none``.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NAME = 253
MAX_LABEL = 63


class NoDomainError(ValueError):
    """Neither DOMAIN, a sender with a domain, nor a HELO name was given."""


@dataclass(frozen=True)
class Identity:
    domain: str  # <domain> of the topmost check_host()
    sender: str  # <sender> as macros see it: local@domain
    local: str
    sender_domain: str
    helo: str | None


def identify(domain: str | None, sender: str | None, helo: str | None) -> Identity:
    """Apply the contract's rule: DOMAIN, else the sender's domain, else the HELO name."""
    local, sender_domain = _split(sender or "")
    if not sender_domain and helo:
        local, sender_domain = "postmaster", _bare(helo)
    chosen = _bare(domain) if domain and domain.strip() else sender_domain
    if not chosen:
        raise NoDomainError("no domain to check: give DOMAIN, --sender ADDRESS or --helo NAME")
    if not sender_domain:
        local, sender_domain = "postmaster", chosen
    return Identity(chosen, f"{local or 'postmaster'}@{sender_domain}", local or "postmaster",
                    sender_domain, helo)


def _split(sender: str) -> tuple[str, str]:
    value = sender.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    local, at, domain = value.rpartition("@")
    if not at:
        return value, ""
    return local, _bare(domain)


def _bare(name: str) -> str:
    name = name.strip().lower()
    return name[:-1] if name.endswith(".") and name != "." else name


def valid_domain(domain: str) -> bool:
    """§4.3: a multi-label name, no empty or over-long label, not an address literal."""
    if not domain or not domain.isascii() or domain.startswith("[") or len(domain) > MAX_NAME:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(0 < len(label) <= MAX_LABEL for label in labels)
