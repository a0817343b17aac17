"""The fleet summary: one row per sender, worst first, from the JSON lines alone.

Worst is the higher exit code, then the status (fix-sender, escalate, inconclusive,
wait, healthy), then more errors; ties keep file order. Both ``triage fleet`` and
``triage merge`` print this, so a merged run's table is the unsharded run's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, table
from triage.sanitize import clean

RANK = {"fix-sender": 0, "escalate": 1, "inconclusive": 2, "wait": 3, "healthy": 4}


@dataclass(frozen=True)
class Row:
    index: int
    name: str
    ips: str
    status: str
    errors: int
    warnings: int
    exit_code: int
    first: str  # the first error's code (or warning's), "-" when clean

    @classmethod
    def of(cls, line: Mapping[str, Any]) -> Row:
        sender = line["sender"]
        findings = line.get("findings") or []
        errors = [f for f in findings if f.get("severity") == "error"]
        warnings = [f for f in findings if f.get("severity") == "warning"]
        first = (errors or warnings or [{"code": "-"}])[0]["code"]
        return cls(int(sender["index"]), clean(str(sender["name"]), 80),
                   ", ".join(clean(str(ip), 45) for ip in line["input"]["ips"]),
                   str(sender["status"]), len(errors), len(warnings),
                   int(sender["exit_code"]), clean(str(first), 80))

    def key(self) -> tuple[int, int, int, int]:
        return (-self.exit_code, RANK.get(self.status, 2), -self.errors, self.index)


def render(rows: Iterable[Row], width: int = DEFAULT_WIDTH) -> str:
    """The table fitted to ``width`` (sender, IPs and first finding wrap), then the tally."""
    ordered = sorted(rows, key=Row.key)
    lines = table(
        ("sender", "ips", "status", "errors", "warnings", "first finding", "exit"),
        [(r.name, r.ips, r.status, str(r.errors), str(r.warnings), r.first, str(r.exit_code))
         for r in ordered], width, flex=(0, 1, 5), right=(3, 4, 6))
    counts: dict[str, int] = {}
    for row in ordered:
        counts[row.status] = counts.get(row.status, 0) + 1
    parts = ", ".join(f"{counts[s]} {s}" for s in sorted(counts, key=lambda s: RANK.get(s, 2)))
    worst = max((r.exit_code for r in ordered), default=0)
    body = "\n".join(lines) + "\n\n" if lines else ""
    return f"{body}{len(ordered)} senders: {parts or 'none'}; exit {worst}\n"


def exit_code(rows: Iterable[Row]) -> int:
    return max((r.exit_code for r in rows), default=0)
