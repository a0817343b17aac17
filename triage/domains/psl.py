"""The Public Suffix List, as RFC 7489 §3.2 uses it: one instance per run.

The list bundled with the ``publicsuffixlist`` package (no network); parsing it
costs a 200 KB read, so a run builds one ``SuffixList`` and hands it to every
check that needs it (DKIM and DMARC alignment, generic PTR names, DNSBL domain
queries). A name the list does not know ends in a suffix of one label (the PSL's
implicit ``*`` rule).
"""

from __future__ import annotations

from publicsuffixlist import PublicSuffixList

from triage.domains.names import canonical


class SuffixList:
    """The bundled PSL; names are compared in their A-label form."""

    def __init__(self) -> None:
        self._psl = PublicSuffixList()

    def registrable(self, name: str) -> str | None:
        """The registrable domain (public suffix plus one label), None for a public suffix."""
        found = self._psl.privatesuffix(canonical(name))
        return str(found) if found else None

    def org_domain(self, name: str) -> str:
        """RFC 7489 Organizational Domain: the registrable domain; a public suffix is its own."""
        name = canonical(name)
        return self.registrable(name) or name

    def public_suffix(self, name: str) -> str | None:
        """The public suffix ``name`` ends in (``co.uk`` for ``a.b.co.uk``)."""
        found = self._psl.publicsuffix(canonical(name))
        return str(found) if found else None

    def is_public_suffix(self, name: str) -> bool:
        return bool(self._psl.is_public(canonical(name)))
