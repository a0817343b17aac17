"""RFC 9989's Organizational Domain: the DNS Tree Walk over ``_dmarc`` records.

RFC 9989 replaced the Public Suffix List (RFC 7489 §3.2) with a walk up the
name: query ``_dmarc.<name>``, then jump to 7 labels when the name has more, then
one label less each time down to the TLD (at most 8 names). The longest name
whose record says ``psd=n`` is the Organizational Domain; a ``psd=y`` record
makes the name one label below it the Organizational Domain; otherwise the
shortest name holding a record is. No record anywhere: no answer (None), and
callers fall back to the PSL.

DKIM and DMARC alignment both need this, so it lives here and not in the DMARC
check. All it reads of a record is whether it is one (``v=DMARC1`` first) and its
``psd`` tag; the DMARC check parses records fully for everything else.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from triage.dns.resolver import Resolver
from triage.domains.psl import SuffixList

MAX_WALK = 8
# RFC 7489 §6.4: the version value is case-sensitive; receivers discard anything else
_VERSION = re.compile(r"^\s*[vV]\s*=\s*DMARC1\s*(;|$)")
_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

OrgDomains = tuple[str, str | None]  # (PSL Organizational Domain, Tree Walk one or None)


def is_dmarc(text: str) -> bool:
    """A record receivers would consider: it starts with ``v=DMARC1``."""
    return _VERSION.match(text) is not None


def psd_value(text: str) -> str:
    """The record's ``psd`` tag: ``y``, ``n``, or ``u`` (absent or not y/n)."""
    for segment in text.split(";"):
        name, sep, value = segment.partition("=")
        if sep and _TAG.match(name.strip()) and name.strip().lower() == "psd":
            value = value.strip().lower()
            return value if value in ("y", "n") else "u"
    return "u"


def walk_domains(domain: str) -> list[str]:
    """The domains whose ``_dmarc`` names the walk queries, the domain first."""
    labels = domain.split(".")
    out = [domain]
    count = len(labels)
    count = 7 if count >= MAX_WALK else count - 1
    while count >= 1 and len(out) < MAX_WALK:
        out.append(".".join(labels[-count:]))
        count -= 1
    return out


def tree_org(start: str, found: Sequence[tuple[str, str]]) -> str | None:
    """The Organizational Domain of ``start`` from the records the walk found.

    ``found`` is (domain, psd) of every walked name holding exactly one DMARC record,
    in walk order (longest first). The walk stops at the first ``psd=y`` or ``psd=n``.
    """
    walked: list[tuple[str, str]] = []
    for domain, psd in found:
        walked.append((domain, psd))
        if psd in ("y", "n"):
            break
    for domain, psd in walked:
        if psd == "n":
            return domain
        if psd == "y" and domain != start:
            return ".".join(start.split(".")[-(len(domain.split(".")) + 1):])
    return walked[-1][0] if walked else None


async def tree_walk_org(resolver: Resolver, name: str) -> str | None:
    """Walk ``name`` through DNS. A failed lookup counts as no record (the DMARC check
    reports failures; alignment only needs the best answer there is)."""
    domains = walk_domains(name)
    answers = await asyncio.gather(*(resolver.query(f"_dmarc.{d}", "TXT") for d in domains))
    found = []
    for domain, answer in zip(domains, answers, strict=True):
        texts = [t.decode("utf-8", "replace") for t in answer.texts()] if answer.ok else []
        records = [t for t in texts if is_dmarc(t)]
        if len(records) == 1:
            found.append((domain, psd_value(records[0])))
    return tree_org(name, found)


async def org_domains(resolver: Resolver, name: str, psl: SuffixList) -> OrgDomains:
    """Both Organizational Domains of ``name``: (PSL, Tree Walk or None)."""
    return psl.org_domain(name), await tree_walk_org(resolver, name)
