"""The report model every command produces and every renderer reads.

``body`` holds the command-specific fields of the contract, already JSON-ready
(the ``to_dict()`` of a check result), so ``triage check`` can later nest the
bodies of all checks under ``checks`` without a second shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from triage import __version__
from triage.findings import Finding, most_severe_first

SCHEMA_VERSION = 1


class CheckResult(Protocol):
    """What every check returns: findings plus its contract fields."""

    @property
    def findings(self) -> tuple[Finding, ...]: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Report:
    command: str
    input: Mapping[str, Any]
    body: Mapping[str, Any]
    findings: tuple[Finding, ...]
    generated_at: datetime
    dns: Mapping[str, Any] | None = None

    @classmethod
    def of(
        cls,
        command: str,
        inputs: Mapping[str, Any],
        result: CheckResult,
        generated_at: datetime,
        dns: Mapping[str, Any] | None = None,
    ) -> Report:
        return cls(
            command=command,
            input=dict(inputs),
            body=result.to_dict(),
            findings=most_severe_first(result.findings),
            generated_at=generated_at,
            dns=dns,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "triage", "version": __version__},
            "generated_at": self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": self.command,
            "input": dict(self.input),
        }
        data.update(self.body)
        data["findings"] = [f.to_dict() for f in self.findings]
        if self.dns is not None:
            data["dns"] = dict(self.dns)
        return data
