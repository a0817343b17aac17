"""The DKIM check's result: the contract's ``dkim`` fields plus findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.checks.dkim.lookup import SelectorResult
from triage.checks.dkim.message import SignatureResult
from triage.findings import Finding


@dataclass(frozen=True)
class MessageReport:
    """What ``--message`` adds: the signatures and what receivers wrote."""

    from_domain: str | None
    signatures: tuple[SignatureResult, ...]
    authentication_results: tuple[dict[str, Any], ...]
    microsoft: dict[str, Any] | None


@dataclass(frozen=True)
class DkimResult:
    domain: str
    selectors: tuple[SelectorResult, ...]
    message: MessageReport | None
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        msg = self.message
        return {
            "domain": self.domain,
            "selectors": [s.to_dict() for s in self.selectors],
            "signatures": None if msg is None else [s.to_dict() for s in msg.signatures],
            "from_domain": None if msg is None else msg.from_domain,
            "authentication_results": None if msg is None else list(msg.authentication_results),
            "microsoft": None if msg is None else msg.microsoft,
        }
