"""The SPF check's one result shape: outcome, evidence, findings, and its contract JSON."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from triage.findings import Finding
from triage.sanitize import clean

if TYPE_CHECKING:
    from triage.checks.spf.limits import QueryRecord
    from triage.checks.spf.tree import Node

RECORD_LIMIT = 4096  # characters of a record kept in a report (a 64 KB TXT is cut)


class Outcome(enum.Enum):
    """RFC 7208 §2.6 results."""

    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


@dataclass(frozen=True)
class Lookups:
    dns: int  # DNS-querying terms the evaluation reached (limit 10)
    void: int  # void lookups it met (limit 2)


@dataclass(frozen=True)
class SpfResult:
    domain: str
    ip: str | None
    sender: str | None
    helo: str | None
    outcome: Outcome | None  # None: no --ip, record analysis only
    explanation: str | None
    matched: str | None
    record: str | None
    lookups: Lookups | None
    tree_lookups: int
    # Left out of repr: asyncio.run() formats its main task's result at exit (restoring
    # the SIGINT handler), and a whole tree costs milliseconds to format for nothing.
    tree: Node = field(repr=False)
    queries: tuple[QueryRecord, ...] = field(repr=False)
    findings: tuple[Finding, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": _text(self.domain),
            "ip": self.ip,
            "sender": _text(self.sender),
            "helo": _text(self.helo),
            "result": self.outcome.value if self.outcome is not None else None,
            "explanation": _text(self.explanation),
            "matched": _text(self.matched),
            "record": _text(self.record),
            "lookups": (
                {"dns": self.lookups.dns, "void": self.lookups.void}
                if self.lookups is not None
                else None
            ),
            "tree_lookups": self.tree_lookups,
            "tree_void_lookups": self.tree.void_lookups,
            "tree": self.tree.to_dict(),
            "queries": [q.to_dict() for q in self.queries],
        }


def _text(value: str | None) -> str | None:
    return None if value is None else clean(value, RECORD_LIMIT)
