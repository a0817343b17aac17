"""The Public Suffix List, as RFC 7489 §3.2 uses it: one instance per run.

The list bundled with the ``publicsuffixlist`` package (no network); parsing it
costs a 200 KB read, so a run builds one ``SuffixList`` and hands it to every
check that needs it (DKIM and DMARC alignment, generic PTR names, DNSBL domain
queries). A name the list does not know ends in a suffix of one label (the PSL's
implicit ``*`` rule).
"""

from __future__ import annotations

import idna
from publicsuffixlist import PublicSuffixList

from triage.domains.names import canonical


def _unicode(name: str) -> str:
    """A-labels back to U-labels: the list is matched in its own (Unicode) form, which
    spares encoding its thousands of IDN rules at start-up (about 35 ms)."""
    if "xn--" not in name:
        return name
    labels = []
    for label in name.split("."):
        try:
            labels.append(idna.decode(label) if label.startswith("xn--") else label)
        except idna.IDNAError:
            labels.append(label)
    return ".".join(labels)


class SuffixList:
    """The bundled PSL; names go in and come out in their A-label form."""

    def __init__(self) -> None:
        self._psl = PublicSuffixList(accept_encoded_idn=False)

    def _ask(self, method: str, name: str) -> str | None:
        found = getattr(self._psl, method)(_unicode(canonical(name)))
        return canonical(str(found)) if found else None

    def registrable(self, name: str) -> str | None:
        """The registrable domain (public suffix plus one label), None for a public suffix."""
        return self._ask("privatesuffix", name)

    def org_domain(self, name: str) -> str:
        """RFC 7489 Organizational Domain: the registrable domain; a public suffix is its own."""
        name = canonical(name)
        return self.registrable(name) or name

    def public_suffix(self, name: str) -> str | None:
        """The public suffix ``name`` ends in (``co.uk`` for ``a.b.co.uk``)."""
        return self._ask("publicsuffix", name)

    def is_public_suffix(self, name: str) -> bool:
        return bool(self._psl.is_public(_unicode(canonical(name))))
