"""The DNS layer: one resolver protocol, several backends, policy in wrappers.

Outcomes are values (``Status``), never exceptions: only ``live.py`` touches
dnspython's exceptions. Checks receive a ``Resolver`` and never build one.

    Cache -> Accounting -> Limiter -> Overlay(zone files) -> Live | Offline
"""

from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver

__all__ = ["Answer", "Resolver", "Status"]
