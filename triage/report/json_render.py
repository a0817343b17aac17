"""JSON renderer: the contract's report object, one per command run.

The one boundary where every string of the report is made terminal-safe: a
control character from DNS or a log (ESC, C1 controls, DEL) is written as a
visible ``\\xNN`` escape, so ``jq -r`` on a hostile record cannot repaint a
terminal. Newlines and tabs stay (JSON escapes them; multi-line SMTP replies
need them).
"""

from __future__ import annotations

import json
from typing import Any

from triage.report.model import Report
from triage.sanitize import visible


def terminal_safe(value: Any) -> Any:
    """``value`` with every string (keys included) stripped of control characters."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {terminal_safe(k): terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [terminal_safe(v) for v in value]
    return value


def render(report: Report) -> str:
    data = terminal_safe(report.to_dict())
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
