"""The DMARC check's alignment verdicts: every identifier given, judged at once.

The rule itself (strict, relaxed over the PSL and the Tree Walk) is
``triage.domains.alignment.aligned``, shared with DKIM's signature alignment;
this module finds the identifiers' Organizational Domains through DNS and keeps
the evidence for the report.

``unknown`` means the identifier was not given: the ``dmarc`` command judges
SPF only for ``--mail-from`` and DKIM only for ``--dkim-domain``.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from triage.dns.resolver import Resolver
from triage.domains.alignment import aligned
from triage.domains.psl import SuffixList
from triage.domains.treewalk import OrgDomains, org_domains


class Aligned(enum.Enum):
    ALIGNED = "aligned"
    UNALIGNED = "unaligned"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdentifierAlignment:
    identifier: str
    mode: str  # r | s
    aligned: bool
    org_domains: OrgDomains  # (PSL, tree walk or None: no record found)

    def to_dict(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "mode": "strict" if self.mode == "s" else "relaxed",
                "aligned": self.aligned, "org_domain_psl": self.org_domains[0],
                "org_domain_tree_walk": self.org_domains[1]}


@dataclass(frozen=True)
class Alignment:
    spf: Aligned
    dkim: Aligned
    spf_detail: IdentifierAlignment | None
    dkim_detail: tuple[IdentifierAlignment, ...]

    def to_dict(self) -> dict[str, str]:
        return {"spf": self.spf.value, "dkim": self.dkim.value}

    def detail(self) -> dict[str, Any]:
        return {"spf": self.spf_detail.to_dict() if self.spf_detail else None,
                "dkim": [d.to_dict() for d in self.dkim_detail]}


async def align(
    resolver: Resolver, domain: str, domain_orgs: OrgDomains, modes: tuple[str, str],
    mail_from: str | None, dkim_domains: Sequence[str], psl: SuffixList,
) -> Alignment:
    """``modes`` is (aspf, adkim); ``domain_orgs`` is the domain's (PSL, tree walk or None)."""
    names = ([mail_from] if mail_from else []) + list(dkim_domains)
    orgs = await asyncio.gather(*(org_domains(resolver, n, psl) for n in names))
    judged = [
        IdentifierAlignment(name, mode, aligned(name, domain, mode, orgs_of, domain_orgs),
                            orgs_of)
        for name, orgs_of, mode in zip(
            names, orgs, [modes[0]] * bool(mail_from) + [modes[1]] * len(dkim_domains),
            strict=True)
    ]
    spf_detail = judged[0] if mail_from else None
    dkim_detail = tuple(judged[1:] if mail_from else judged)
    return Alignment(_state([spf_detail] if spf_detail else []), _state(dkim_detail),
                     spf_detail, dkim_detail)


def _state(items: Sequence[IdentifierAlignment]) -> Aligned:
    if not items:
        return Aligned.UNKNOWN
    return Aligned.ALIGNED if any(i.aligned for i in items) else Aligned.UNALIGNED
