"""Effective policy (RFC 9989 "Policy Discovery"; RFC 7489 §6.6.3 step 5).

For the domain itself the record's own ``p`` applies when the record is the
domain's; an inherited record gives ``sp`` to an existing domain and ``np``
(falling back to ``sp``, then ``p``) to a non-existent one. A record without
``p`` is ``p=none`` (RFC 9989). A bad ``p``/``sp``/``np`` value makes the record
``p=none`` when it has a valid ``rua``, else no DMARC processing at all (None).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.checks.dmarc.record import POLICIES, DmarcRecord


@dataclass(frozen=True)
class Policies:
    p: str | None
    sp: str | None
    np: str | None


def policies(record: DmarcRecord) -> Policies:
    if record.invalid_policy_tags:
        fallback = "none" if record.has_valid_rua() else None
        return Policies(fallback, fallback, fallback)
    p = record.value("p") if record.value("p") in POLICIES else "none"
    sp = record.value("sp") if record.value("sp") in POLICIES else p
    np = record.value("np") if record.value("np") in POLICIES else sp
    return Policies(p, sp, np)


def for_domain(record: DmarcRecord, own: bool, exists: bool) -> str | None:
    """The policy a receiver applies to mail from the domain."""
    found = policies(record)
    if own:
        return found.p
    return found.sp if exists else found.np


RANK = {"none": 0, "quarantine": 1, "reject": 2}


def one_level_lower(policy: str | None) -> str | None:
    """``t=y``: receivers apply one level lower (reject -> quarantine -> none)."""
    if policy is None:
        return None
    return {"reject": "quarantine", "quarantine": "none", "none": "none"}[policy]
