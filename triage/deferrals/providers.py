"""Provider attribution: receiving host first, then reply fingerprint, then recipient domain.

Policy (smtp-replies-and-logs.md §2): throttles are applied per MX edge, so the host the
MTA actually talked to outranks the recipient domain; the longest matching host suffix
wins (``.olc.protection.outlook.com`` beats ``.outlook.com``). Loaded once per run; a
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


@dataclass(frozen=True)
class Provider:
    """One mailbox provider of providers.toml: hosts, fingerprints, domains."""

    id: str
    name: str
    hosts: tuple[str, ...]
    patterns: tuple[str, ...]  # the fingerprints, case-insensitive regexes
    domains: frozenset[str]
    sources: tuple[str, ...]

    @cached_property
    def fingerprints(self) -> tuple[re.Pattern[str], ...]:
        return compile_patterns(self.patterns, file=PROVIDERS_FILE, entry=self.id,
                                key="fingerprints")


@dataclass(frozen=True)
class ProviderTable:
    """The providers in file order (the order fingerprints are tried in)."""

    providers: tuple[Provider, ...]

    def by_host(self, host: str | None) -> str | None:
        if not host:
            return None
        name = "." + host.lower().rstrip(".")
        best: tuple[int, str] | None = None
        for p in self.providers:
            for suffix in p.hosts:
                s = suffix if suffix.startswith(".") else "." + suffix
                if name.endswith(s) and (best is None or len(s) > best[0]):
                    best = (len(s), p.id)
        return best[1] if best else None

    def by_text(self, text: str) -> str | None:
        for p in self.providers:
            if any(f.search(text) for f in p.fingerprints):
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
        return (
            self.by_host(host)
            or (self.by_text(text) if text else None)
            or self.by_domain(domain)
            or OTHER
        )

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
        )
        for p in load_data(PROVIDERS_FILE)["provider"]
    )
    if validate:
        for provider in providers:
            provider.fingerprints  # noqa: B018 - compiles them now: PatternError if one is bad
    return ProviderTable(providers)
