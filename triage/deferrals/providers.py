"""Provider attribution: receiving host first, then reply fingerprint, then recipient domain.

Policy (smtp-replies-and-logs.md §2): throttles are applied per MX edge, so the host the
MTA actually talked to outranks the recipient domain; the longest matching host suffix
wins (``.olc.protection.outlook.com`` beats ``.outlook.com``). Every entry is a receiver
(``comcast``, ``mimecast``, …); the report's ``provider`` is the entry's ``group``, one of
the six providers of the public contract (a gateway or a smaller mailbox provider reports
as ``other``, and ``explain`` names the receiver beside it). Loaded once per run; a
provider's fingerprint regexes are compiled when a reply text is first tried against
them (``load(validate=True)``, used by the tests, compiles them all at once; a bad
one is a ``triage.data.PatternError`` naming the file, the provider and the key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from triage.data import compile_patterns
from triage.data import load as load_data

PROVIDERS_FILE = "providers.toml"
OTHER = "other"
GROUPS = ("microsoft-365", "outlook.com", "google", "yahoo", "apple", OTHER)


@dataclass(frozen=True)
class Provider:
    """One mailbox provider of providers.toml: hosts, fingerprints, domains."""

    id: str
    name: str
    hosts: tuple[str, ...]
    patterns: tuple[str, ...]  # the fingerprints, case-insensitive regexes
    domains: frozenset[str]
    sources: tuple[str, ...]
    group: str = OTHER  # the contract provider this receiver reports as
    kind: str = "mailbox"  # mailbox | gateway (a filter answering for many organisations)

    @cached_property
    def fingerprints(self) -> tuple[re.Pattern[str], ...]:
        return compile_patterns(self.patterns, file=PROVIDERS_FILE, entry=self.id,
                                key="fingerprints")

    @cached_property
    def fingerprint(self) -> re.Pattern[str] | None:
        """All fingerprints as one pattern: one compile and one scan per reply."""
        if not self.patterns:
            return None
        return re.compile("|".join(f"(?:{p})" for p in self.patterns), re.IGNORECASE)


@dataclass(frozen=True)
class ProviderTable:
    """The providers in file order (the order fingerprints are tried in)."""

    providers: tuple[Provider, ...]

    def by_host(self, host: str | None) -> str | None:
        if not host:
            return None
        name = "." + host.lower().rstrip(".")
        if "..." in name:
            return self._by_shortened(name)
        best: tuple[int, str] | None = None
        for p in self.providers:
            for suffix in p.hosts:
                s = suffix if suffix.startswith(".") else "." + suffix
                if name.endswith(s) and (best is None or len(s) > best[0]):
                    best = (len(s), p.id)
        return best[1] if best else None

    def _by_shortened(self, name: str) -> str | None:
        """A host name logged with its middle elided (Sendmail keeps 18 characters each
        side of ``...``: ``contoso-com.mail.p...ction.outlook.com``). A suffix whose end
        is the kept tail and whose start the kept head ends with (``.mail.p``) names the
        host; failing that, the longest suffix inside the tail (``.outlook.com``)."""
        head, _, tail = name.partition("...")
        best: tuple[int, int, str] | None = None  # (joined to the head?, length, id)
        for p in self.providers:
            for suffix in p.hosts:
                s = suffix if suffix.startswith(".") else "." + suffix
                if tail.endswith(s):
                    rank = (0, len(s), p.id)
                elif s.endswith(tail) and any(
                        head.endswith(s[:k]) for k in range(2, len(s) - len(tail) + 1)):
                    rank = (1, len(s), p.id)
                else:
                    continue
                if best is None or rank[:2] > best[:2]:
                    best = rank
        return best[2] if best else None

    def by_text(self, text: str) -> str | None:
        for p in self.providers:
            union = p.fingerprint
            if union is not None and union.search(text):
                return p.id
        return None

    def by_domain(self, domain: str | None) -> str | None:
        if not domain:
            return None
        domain = domain.lower().rstrip(".")
        for p in self.providers:
            if domain in p.domains:
                return p.id
        return None

    def attribute(self, host: str | None, text: str | None, domain: str | None) -> str:
        """The contract provider (group) for a host, reply text and recipient domain."""
        return self.group(
            self.by_host(host)
            or (self.by_text(text) if text else None)
            or self.by_domain(domain)
        )

    def group(self, receiver: str | None) -> str:
        """The contract provider of a receiver id (``comcast`` -> ``other``)."""
        for p in self.providers:
            if p.id == receiver:
                return p.group
        return OTHER

    def get(self, receiver: str | None) -> Provider | None:
        return next((p for p in self.providers if p.id == receiver), None)

    def name(self, provider_id: str) -> str:
        for p in self.providers:
            if p.id == provider_id:
                return p.name
        return "Other receivers"


def load(validate: bool = False) -> ProviderTable:
    providers = tuple(
        Provider(
            id=p["id"],
            name=p["name"],
            hosts=tuple(h.lower() for h in p["hosts"]),
            patterns=tuple(p["fingerprints"]),
            domains=frozenset(d.lower() for d in p["domains"]),
            sources=tuple(p["sources"]),
            group=p.get("group", p["id"] if p["id"] in GROUPS else OTHER),
            kind=p.get("kind", "mailbox"),
        )
        for p in load_data(PROVIDERS_FILE)["provider"]
    )
    if validate:
        for provider in providers:
            provider.fingerprints  # noqa: B018 - compiles them now: PatternError if one is bad
    return ProviderTable(providers)
