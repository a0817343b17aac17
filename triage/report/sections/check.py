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

from triage.report import deferral_phrases as words
from triage.report.fixes import by_fix
from triage.report.layout import DEFAULT_WIDTH, table, value, wrap

_MARK = {"error": "ERROR", "warning": "WARN ", "info": "info "}
_CODES_SHOWN = 12
_INDENT = "        "


def distinct(items: Sequence[object] | None) -> list[str]:
    """Each step once, in order (a step the verdict repeats is still one thing to do)."""
    return list(dict.fromkeys(value(i, 2000) for i in items or []))


def verdict_lines(verdict: Mapping[str, Any] | None, width: int) -> list[str]:
    if not verdict:
        return wrap("no verdict in the report", width, "VERDICT: ")
    action = value(verdict.get("action"), 40).upper()
    return wrap(value(verdict.get("summary"), 2000), width, f"VERDICT: {action} — ", "  ")


def steps_lines(verdict: Mapping[str, Any] | None, width: int, *, first_only: bool) -> list[str]:
    steps = distinct((verdict or {}).get("steps"))
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


def providers_lines(by_provider: Mapping[str, Mapping[str, Any]], width: int) -> list[str]:
    """Per provider: volume, rate and band, and the longest deferral streak."""
    rows = [[value(name, 40), value(p.get("attempts")), value(p.get("deferred")),
             value(p.get("bounced")), value(words.pct(p.get("deferral_rate"))),
             value(p.get("band")), value(words.streak(p))] for name, p in by_provider.items()]
    return table(["provider", "attempts", "deferred", "bounced", "rate", "band", "streak"],
                 rows, width, flex=(0, 5, 6), right=(1, 2, 3, 4))


def retries_lines(body: Mapping[str, Any], width: int) -> list[str]:
    """What became of deferred recipients: overall, then per provider when known."""
    lines = wrap(words.retries(body.get("retries")), width, "Retries: ")
    rows = [[value(name, 40), *(value(r.get(k)) for k in
             ("deferred_recipients", "later_delivered", "later_bounced", "still_pending"))]
            for name, p in (body.get("by_provider") or {}).items()
            if (r := p.get("retries")) and r.get("deferred_recipients")]
    if rows:
        lines += ["", *table(["provider", "deferred", "later delivered", "later bounced",
                              "pending"], rows, width, flex=(0,), right=(1, 2, 3, 4))]
    return lines


def _code_rows(codes: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[value(c.get("count")), words.reply_code(c), value(c.get("token"), 40),
             value(c.get("class"), 40), value(c.get("provider"), 40)] for c in codes]


def deferral_lines(body: Mapping[str, Any] | None, width: int) -> list[str]:
    if body is None:
        return ["Deferrals: not checked (no --deferrals file)."]
    lines = ["Deferrals:"]
    lines += wrap("; ".join(words.inputs(body)) or "-", width, "  Inputs: ")
    lines += wrap(words.window(body.get("window")), width, "  Window: ")
    lines += wrap(words.totals(body.get("totals") or {}), width, "  Totals: ")
    if body.get("by_provider"):
        lines += ["", *providers_lines(body["by_provider"], width)]
    lines += ["", *retries_lines(body, width)]
    forests = (body.get("scope") or {}).get("forests") or []
    if forests:
        named = ", ".join(f"{value(f.get('name'), 80)} ({value(f.get('region'), 20)}) "
                          f"{(f.get('deferred') or 0) + (f.get('bounced') or 0)}"
                          for f in forests[:8])
        lines += ["", *wrap(named, width, "Microsoft forests (deferred+bounced): ", "  ")]
    codes = list(body.get("codes") or [])
    if codes:
        lines += ["", *table(["count", "reply", "token", "class", "provider"],
                             _code_rows(codes[:_CODES_SHOWN]), width, flex=(3, 4), right=(0,))]
        if len(codes) > _CODES_SHOWN:
            lines += wrap(f"… and {len(codes) - _CODES_SHOWN} more replies (all of them, with "
                          "samples, in --format markdown or json)", width)
    return lines


def findings_lines(findings: Sequence[Mapping[str, Any]], width: int) -> list[str]:
    """Most severe first; a fix shared by several findings is printed once, with their codes."""
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
        lines += wrap(value(group.fix, 4000), width, f"{_INDENT}{label}: ", _INDENT)
    return lines


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
    lines += ["", *deferral_lines(report.get("deferrals"), width)]
    lines += ["", *findings_lines(report.get("findings") or [], width)]
    return lines


def markdown(report: Mapping[str, Any]) -> list[str]:
    """The escalation package a person pastes into a Microsoft support ticket."""
    from triage.report import escalation

    return escalation.package(report)

