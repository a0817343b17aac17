"""DMARC: record, discovery (PSL and RFC 9989 Tree Walk), policy, reports, alignment.

``check_dmarc(resolver, domain, mail_from, dkim_domains)`` is the entry point; it
returns a ``DmarcResult`` (the contract's ``dmarc`` fields and findings).
"""

from triage.checks.dmarc.check import check_dmarc
from triage.checks.dmarc.result import DmarcResult

__all__ = ["DmarcResult", "check_dmarc"]
