"""Organizational Domains, both ways receivers find them.

RFC 7489 §3.2 takes the Public Suffix List (the list bundled with the
``publicsuffixlist`` package: no network). RFC 9989 replaced it with the DNS
Tree Walk (``discovery.py``). Both are needed while receivers are mixed.
"""

from __future__ import annotations

from publicsuffixlist import PublicSuffixList


class SuffixList:
    """The bundled PSL, built once per run (loading it parses a 200 KB file)."""

    def __init__(self) -> None:
        self._psl = PublicSuffixList()

    def org_domain(self, domain: str) -> str:
        """The registrable domain; a public suffix (or a bare TLD) is its own."""
        name = domain.lower().rstrip(".")
        found = self._psl.privatesuffix(name)
        return found if found else name

    def is_public_suffix(self, domain: str) -> bool:
        return bool(self._psl.is_public(domain.lower().rstrip(".")))

