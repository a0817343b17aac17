"""Identifier alignment (RFC 7489 §3.1, RFC 9989 "Identifier Alignment").

Strict: the identifier equals the domain. Relaxed: the same Organizational
Domain. While receivers are mixed, relaxed alignment is only "aligned" when the
PSL (RFC 7489) and the Tree Walk (RFC 9989) both say so; when no DMARC record
exists anywhere the Tree Walk has nothing to go on and the PSL alone decides.

``unknown`` means the identifier was not given: the ``dmarc`` command judges
SPF only for ``--mail-from`` and DKIM only for ``--dkim-domain``.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from triage.checks.dmarc.discovery import org_domains
from triage.checks.dmarc.orgdomain import SuffixList
from triage.dns.resolver import Resolver


class Aligned(enum.Enum):
    ALIGNED = "aligned"
    UNALIGNED = "unaligned"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdentifierAlignment:
    identifier: str
    mode: str  # r | s
    aligned: bool
    org_domains: tuple[str, str | None]  # (PSL, tree walk or None: no record found)

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
    resolver: Resolver, domain: str, domain_orgs: tuple[str, str], modes: tuple[str, str],
    mail_from: str | None, dkim_domains: Sequence[str], psl: SuffixList, use_tree: bool,
) -> Alignment:
    """``modes`` is (aspf, adkim); ``domain_orgs`` is the domain's (PSL, tree walk) orgs."""
    names = ([mail_from] if mail_from else []) + list(dkim_domains)
    orgs = await asyncio.gather(*(org_domains(resolver, n, psl) for n in names))
    judged = [
        _judge(name, domain, domain_orgs, orgs_of, mode, use_tree)
        for name, orgs_of, mode in zip(
            names, orgs, [modes[0]] * bool(mail_from) + [modes[1]] * len(dkim_domains),
            strict=True)
    ]
    spf_detail = judged[0] if mail_from else None
    dkim_detail = tuple(judged[1:] if mail_from else judged)
    return Alignment(_state([spf_detail] if spf_detail else []), _state(dkim_detail),
                     spf_detail, dkim_detail)


def _judge(name: str, domain: str, domain_orgs: tuple[str, str], orgs: tuple[str, str | None],
           mode: str, use_tree: bool) -> IdentifierAlignment:
    if mode == "s":
        ok = name == domain
    else:
        ok = name == domain or (orgs[0] == domain_orgs[0]
                                and (not use_tree or (orgs[1] or name) == domain_orgs[1]))
    return IdentifierAlignment(name, mode, ok, orgs)


async def relaxed(resolver: Resolver, identifier: str, domain: str, psl: SuffixList) -> bool:
    """Relaxed alignment of one identifier with a domain, judged as ``align`` does."""
    if identifier == domain:
        return True
    (psl_a, tree_a), (psl_b, tree_b) = await asyncio.gather(
        org_domains(resolver, identifier, psl), org_domains(resolver, domain, psl))
    if psl_a != psl_b:
        return False
    return tree_b is None or (tree_a or identifier) == tree_b


def _state(items: Sequence[IdentifierAlignment]) -> Aligned:
    if not items:
        return Aligned.UNKNOWN
    return Aligned.ALIGNED if any(i.aligned for i in items) else Aligned.UNALIGNED
