"""DMARC identifier alignment (RFC 7489 §3.1, RFC 9989 "Identifier Alignment"): the rule.

Strict (``s``): the identifier equals the domain. Relaxed (``r``): both have the
same Organizational Domain. While receivers are mixed, relaxed alignment holds
only when the PSL (RFC 7489) and the Tree Walk (RFC 9989) both say so; when the
walk from the domain found no record the PSL alone decides, and an identifier
whose walk found none is its own Organizational Domain.

Pure: the Organizational Domains come in as values (``treewalk.org_domains``
finds them), so DKIM's signature alignment and DMARC's alignment are one rule.
"""

from __future__ import annotations

from triage.domains.treewalk import OrgDomains

STRICT = "s"
RELAXED = "r"


def aligned(identifier: str, domain: str, mode: str,
            identifier_orgs: OrgDomains, domain_orgs: OrgDomains) -> bool:
    """Whether ``identifier`` (SPF MAIL FROM or DKIM ``d=``) aligns with ``domain``.

    ``mode`` is the record's ``aspf``/``adkim``: ``s`` strict, anything else relaxed.
    """
    if identifier == domain:
        return True
    if mode == STRICT:
        return False
    psl_id, tree_id = identifier_orgs
    psl_domain, tree_domain = domain_orgs
    if psl_id != psl_domain:
        return False
    return tree_domain is None or (tree_id or identifier) == tree_domain
