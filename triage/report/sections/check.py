"""Text and Markdown of ``triage check``: the answer first, the evidence after.

Both renderers read the whole JSON report of ``check`` (the common fields,
``verdict``, ``overview``, ``checks``, ``deferrals`` and ``findings`` as dicts),
so a report saved with ``--format json`` renders the same as a live one.

Text is for a person in a hurry: verdict, numbered next steps, one table of
checks, the deferral summary, then findings with each distinct fix once.
Markdown is the escalation package (``report/escalation.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.report.deferral_text import deferral_lines
from triage.report.fixes import step_numbers, steps_of
from triage.report.layout import DEFAULT_WIDTH, table, value, wrap
from triage.report.text import findings_lines


def verdict_lines(verdict: Mapping[str, Any] | None, width: int) -> list[str]:
    if not verdict:
        return wrap("no verdict in the report", width, "VERDICT: ")
    action = value(verdict.get("action"), 40).upper()
    return wrap(value(verdict.get("summary"), 2000), width, f"VERDICT: {action} — ", "  ")


def steps_lines(verdict: Mapping[str, Any] | None, width: int, *, first_only: bool) -> list[str]:
    steps = steps_of(verdict)
    if not steps:
        return ["Next: nothing to do."]
    if first_only:
        return wrap(steps[0], width, "Next: ", "  ")
    lines = ["Next:"]
    for n, step in enumerate(steps, 1):
        lines += wrap(step, width, f"  {n}. ", " " * (len(str(n)) + 4))
    return lines


def checks_lines(overview: Sequence[Mapping[str, Any]] | None, width: int) -> list[str]:
    if not overview:
        return ["Checks: none in the report."]
    rows = [[value(r.get(k), 400) for k in ("check", "target", "status", "evidence")]
            for r in overview]
    return table(["check", "target", "status", "evidence"], rows, width, flex=(1, 3))


def text(report: Mapping[str, Any], *, width: int = DEFAULT_WIDTH,
         brief: bool = False) -> list[str]:
    """The check report for a terminal ``width`` columns wide (``brief``: verdict, step, table)."""
    width = max(width, 20)
    verdict = report.get("verdict")
    lines = verdict_lines(verdict, width)
    if not brief and verdict and verdict.get("inconclusive"):
        lines += wrap(value(verdict["inconclusive"]), width, "Could not check: ", "  ")
    lines += steps_lines(verdict, width, first_only=brief)
    lines += ["", *checks_lines(report.get("overview"), width)]
    if brief:
        return lines
    lines += ["", *deferral_lines(report.get("deferrals"), width,
                                  thresholds=(report.get("input") or {}).get("thresholds"))]
    said = {step: f"see Next, step {n}." for step, n in step_numbers(verdict).items()}
    lines += ["", *findings_lines(report.get("findings") or [], width, said)]
    return lines


def markdown(report: Mapping[str, Any]) -> list[str]:
    """The escalation package a person pastes into a Microsoft support ticket."""
    from triage.report import escalation

    return escalation.package(report)

