"""Text renderer: a command's own section, then its findings.

Section renderers live in ``report/sections/<command>.py`` and expose
``text(body) -> list[str]`` (and optionally ``markdown(body) -> list[str]``);
they are imported only for the command that runs. All DNS- and log-sourced
strings pass through ``sanitize.clean`` before they are printed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH
from triage.report.model import Report
from triage.sanitize import clean

_MARK = {"error": "ERROR", "warning": "WARN ", "info": "info "}


def section(command: str, kind: str) -> Callable[[Mapping[str, Any]], list[str]] | None:
    """The section renderer ``kind`` ("text" or "markdown") of a command, if any."""
    try:
        module = importlib.import_module(f"triage.report.sections.{command}")
    except ModuleNotFoundError:
        return None
    renderer: Callable[[Mapping[str, Any]], list[str]] | None = getattr(module, kind, None)
    return renderer


def render(report: Report, *, width: int = DEFAULT_WIDTH, brief: bool = False) -> str:
    """The report as text; ``width`` and ``brief`` shape ``check`` (other commands ignore them)."""
    if report.command == "check":
        from triage.report.sections import check

        return "\n".join(check.text(report.to_dict(), width=width, brief=brief)).rstrip() + "\n"
    lines: list[str] = []
    body_renderer = section(report.command, "text")
    if body_renderer is not None:
        lines.extend(body_renderer(report.body))
    else:
        lines.extend(f"{k}: {clean(str(v), 200)}" for k, v in report.body.items())
    lines.append("")
    lines.extend(findings_lines(report))
    return "\n".join(lines).rstrip() + "\n"


def findings_lines(report: Report) -> list[str]:
    if not report.findings:
        return ["No findings."]
    out = [f"Findings ({len(report.findings)}):"]
    for f in report.findings:
        out.append(f"  {_MARK[f.severity.value]} {f.code}: {clean(f.message)}")
        if f.fix:
            out.append(f"         fix: {clean(f.fix)}")
    return out
