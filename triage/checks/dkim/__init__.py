"""DKIM: selectors and keys in DNS (RFC 6376, RFC 8301, RFC 8463), and a message's signatures.

``check_dkim(resolver, domain, selectors, message)`` is the entry point; it
returns a ``DkimResult`` (the contract's ``dkim`` fields and findings).
"""

from triage.checks.dkim.check import check_dkim
from triage.checks.dkim.keyrecord import KeyStatus
from triage.checks.dkim.message import Message, MessageError, SigResult, parse_message
from triage.checks.dkim.result import DkimResult

__all__ = [
    "DkimResult",
    "KeyStatus",
    "Message",
    "MessageError",
    "SigResult",
    "check_dkim",
    "parse_message",
]
