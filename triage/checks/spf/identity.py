"""Who is being checked: the SMTP identities as they arrived, turned into check_host() inputs.

RFC 7208 §2.4 and §4.3: an empty reverse-path (a bounce) is checked as
``postmaster@<HELO>``; a sender without a local-part gets ``postmaster``. Odd
values (an address literal, a space in the local-part, an over-long label) are
not rejected here: check_host() gives them a result, usually ``none``.

A name typed with U-labels (``bücher.de``, in DOMAIN, the sender's domain or
HELO) is converted to A-labels by ``triage.domains.names.canonical``, the same
conversion every command uses; a value that cannot be converted stays as it
arrived, for ``valid_domain`` to judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.domains.names import canonical

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
        local, sender_domain = "postmaster", canonical(helo)
    chosen = canonical(domain) if domain and domain.strip() else sender_domain
    if not chosen:
        raise NoDomainError("no domain to check: give DOMAIN, --sender ADDRESS or --helo NAME")
    if not sender_domain:
        local, sender_domain = "postmaster", chosen
    return Identity(chosen, f"{local or 'postmaster'}@{sender_domain}", local or "postmaster",
                    sender_domain, _helo(helo))


def _split(sender: str) -> tuple[str, str]:
    value = sender.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    local, at, domain = value.rpartition("@")
    if not at:
        return value, ""
    return local, canonical(domain)


def _helo(helo: str | None) -> str | None:
    """A U-label HELO in A-labels (what %{h} expands to); any other HELO as it arrived."""
    return canonical(helo) if helo is not None and not helo.isascii() else helo


def valid_domain(domain: str) -> bool:
    """§4.3: a multi-label name, no empty or over-long label, not an address literal."""
    if not domain or not domain.isascii() or domain.startswith("[") or len(domain) > MAX_NAME:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(0 < len(label) <= MAX_LABEL for label in labels)
