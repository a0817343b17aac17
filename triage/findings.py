"""Findings: the stable, machine-readable unit of everything triage reports.

A finding's ``code`` is part of the public contract (each command's page under
docs/commands/ lists its codes); its message may be reworded, its code never.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    check: str
    message: str
    fix: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "check": self.check,
            "message": self.message,
            "fix": self.fix,
            "evidence": dict(self.evidence),
            "refs": list(self.refs),
        }


def most_severe_first(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Stable sort: severity first, then the order the checks produced them."""
    return tuple(sorted(findings, key=lambda f: -f.severity.rank))


class FailOn(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


def fails(findings: Iterable[Finding], fail_on: FailOn) -> bool:
    """True when a finding reaches the ``--fail-on`` threshold (exit code 1)."""
    if fail_on is FailOn.NEVER:
        return False
    threshold = Severity.ERROR.rank if fail_on is FailOn.ERROR else Severity.WARNING.rank
    return any(f.severity.rank >= threshold for f in findings)
