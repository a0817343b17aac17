"""JSON renderer: the contract's report object, one per command run."""

from __future__ import annotations

import json

from triage.report.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
