"""Findings grouped by what to do about them.

Six ``deferrals.rate_act`` findings (one per provider) carry the same fix; a
person needs their six messages but the fix once. A group keeps the place of
its first (most severe) finding, so the order stays most severe first. In
``check`` a fix that is one of the verdict's next steps is referred to by its
step number instead of being said twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from triage.report.layout import value


@dataclass(frozen=True)
class FixGroup:
    fix: str | None
    findings: tuple[Mapping[str, Any], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The distinct finding codes that share this fix, first seen first."""
        return tuple(dict.fromkeys(str(f.get("code")) for f in self.findings))


def by_fix(findings: Sequence[Mapping[str, Any]]) -> list[FixGroup]:
    """One group per distinct fix text; findings without a fix stand alone."""
    order: list[str | int] = []
    members: dict[str | int, list[Mapping[str, Any]]] = {}
    for i, finding in enumerate(findings):
        fix = finding.get("fix")
        key: str | int = fix.strip() if isinstance(fix, str) and fix.strip() else i
        if key not in members:
            order.append(key)
            members[key] = []
        members[key].append(finding)
    return [
        FixGroup(fix=key if isinstance(key, str) else None, findings=tuple(members[key]))
        for key in order
    ]


def steps_of(verdict: Mapping[str, Any] | None) -> list[str]:
    """The verdict's steps, each once, in order (a repeated step is one thing to do)."""
    return list(dict.fromkeys(value(s, 2000) for s in (verdict or {}).get("steps") or []))


def step_numbers(verdict: Mapping[str, Any] | None) -> dict[str, int]:
    """Each distinct step's text -> its number, to refer to it from a finding."""
    return {step: n for n, step in enumerate(steps_of(verdict), 1)}
