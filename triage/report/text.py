"""Text renderer: a command's own section, then its findings.

Findings come last, fitted to the width, each distinct fix once (``check`` too).
Section renderers live in ``report/sections/<command>.py`` and expose
``text(body, width) -> list[str]`` (or ``text_with_input(body, input, width)`` when the
options given change what the text must say; optionally ``markdown(body) -> list[str]``);
they are imported only for the command that runs. All DNS- and log-sourced
strings pass through ``sanitize.clean`` before they are printed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from triage.report.fixes import by_fix
from triage.report.layout import DEFAULT_WIDTH, value, wrap
from triage.report.model import Report
from triage.sanitize import clean

_MARK = {"error": "ERROR", "warning": "WARN ", "info": "info "}
_INDENT = "        "


def section(command: str, kind: str) -> Callable[..., list[str]] | None:
    """The section renderer ``kind`` of a command, if any: ``text(body, width)`` or
    ``markdown(body)``."""
    try:
        module = importlib.import_module(f"triage.report.sections.{command}")
    except ModuleNotFoundError:
        return None
    renderer: Callable[..., list[str]] | None = getattr(module, kind, None)
    return renderer


def render(report: Report, *, width: int = DEFAULT_WIDTH, brief: bool = False) -> str:
    """The report as text, its lines fitted to ``width`` where the section can (``brief``
    shapes ``check``)."""
    if report.command == "check":
        from triage.report.sections import check

        return "\n".join(check.text(report.to_dict(), width=width, brief=brief)).rstrip() + "\n"
    lines: list[str] = []
    with_input = section(report.command, "text_with_input")  # a section that shows options
    body_renderer = section(report.command, "text")
    if with_input is not None:
        lines.extend(with_input(report.body, report.input, width))
    elif body_renderer is not None:
        lines.extend(body_renderer(report.body, width))
    else:
        lines.extend(f"{k}: {clean(str(v), 200)}" for k, v in report.body.items())
    lines.append("")
    lines.extend(findings_lines(report.to_dict()["findings"], width))
    return "\n".join(lines).rstrip() + "\n"


def findings_lines(findings: Sequence[Mapping[str, Any]], width: int,
                   said: Mapping[str, str] | None = None) -> list[str]:
    """Most severe first; a fix shared by several findings is printed once, with their
    codes; a fix already ``said`` (text -> where, e.g. ``check``'s next steps) is
    referred to, not repeated."""
    if not findings:
        return ["No findings."]
    lines = [f"Findings ({len(findings)}):"]
    for group in by_fix(findings):
        for f in group.findings:
            mark = _MARK.get(str(f.get("severity")), "     ")
            lines += wrap(value(f.get("message"), 2000), width,
                          f"  {mark} {value(f.get('code'), 80)}: ", _INDENT)
        if group.fix is None:
            continue
        label = "fix" if len(group.findings) == 1 else f"fix for {', '.join(group.codes)}"
        fix = value(group.fix, 4000)
        fix = (said or {}).get(fix, fix)
        lines += wrap(fix, width, f"{_INDENT}{label}: ", _INDENT)
    return lines


