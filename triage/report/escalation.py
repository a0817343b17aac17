"""The escalation package: ``triage check --format markdown``.

A person pastes it into a Microsoft support ticket, so it is ordered the way
support reads (Microsoft deferral playbook, section 6): who is sending and
from where, the verdict and what was already done, proof that the sender is
authenticated and unlisted, then the deferrals with their full replies. The
parts support asks for that no tool can know (campaign, list source, volume
change) are left as prompts to fill in.

Layout: ``escalation_auth`` (sender authentication), ``escalation_deferrals``
(replies, scope, timeline), ``markup`` (escaping); this module assembles them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage import __version__
from triage.report import escalation_auth, escalation_deferrals
from triage.report.fixes import by_fix, step_numbers, steps_of
from triage.report.markup import code, prose, table, value

_SEVERITY_ORDER = ("error", "warning", "info")


def _target(report: Mapping[str, Any]) -> tuple[str, list[str]]:
    inputs = report.get("input") or {}
    checks = report.get("checks") or {}
    domain = inputs.get("domain") or (checks.get("dmarc") or {}).get("domain")
    ips = list(inputs.get("ips") or [e.get("ip") for e in checks.get("ips") or []])
    return value(domain), [value(ip) for ip in ips]


def heading(report: Mapping[str, Any]) -> list[str]:
    domain, ips = _target(report)
    tool = report.get("tool") or {}
    name = value(tool.get("name") or "triage")
    version = value(tool.get("version") or __version__)
    inputs = report.get("input") or {}
    helo = code(inputs.get("helo"))
    assumed = ((report.get("checks") or {}).get("rdns") or {}).get("helo") or {}
    if inputs.get("helo_source") == "ptr" or (not inputs.get("helo") and assumed.get("name")):
        helo = f"{code(inputs.get('helo') or assumed.get('name'))} (not given: the PTR name)"
    lines = [f"# Deliverability escalation: {prose(domain)} ({', '.join(map(prose, ips)) or '—'})",
             "",
             f"Prepared with {prose(name)} {prose(version)} at "
             f"{prose(report.get('generated_at'))} (UTC).", "",
             f"- Sending domain (header From): {code(domain)}",
             f"- Sending IPs: {', '.join(code(ip) for ip in ips) or '—'}",
             f"- Envelope domain (MAIL FROM): {code(inputs.get('mail_from'))}",
             f"- HELO: {helo}"]
    files = inputs.get("deferrals") or []
    lines.append(f"- Deferral samples: {', '.join(code(f) for f in files) or 'none given'}")
    return [*lines, ""]


def verdict(report: Mapping[str, Any]) -> list[str]:
    v = report.get("verdict")
    lines = ["## Verdict", ""]
    if not v:
        return [*lines, "No verdict in the report.", ""]
    about = f", about {prose(v.get('provider'))}" if v.get("provider") else ""
    lines += [f"**{prose(v.get('action')).upper()}** — {prose(v.get('summary'))}", "",
              f"Rule {code(v.get('rule'))}{about}; reasons: "
              f"{', '.join(code(r) for r in v.get('reasons') or []) or 'none'}."]
    if v.get("inconclusive"):
        lines += ["", f"Could not be checked: {prose(v['inconclusive'])}."]
    steps = steps_of(v)
    lines += ["", "### Next steps", ""]
    lines += [f"{n}. {prose(s)}" for n, s in enumerate(steps, 1)] or ["Nothing to do."]
    return [*lines, ""]


def overview(rows: Sequence[Mapping[str, Any]] | None) -> list[str]:
    lines = ["## Checks", ""]
    if not rows:
        return [*lines, "Not checked.", ""]
    cells = [[prose(r.get("check")), code(r.get("target"), cell=True),
              f"**{prose(r.get('status'))}**", prose(r.get("evidence"))] for r in rows]
    return [*lines, *table(["check", "target", "status", "evidence"], cells), ""]


def findings(items: Sequence[Mapping[str, Any]],
             verdict: Mapping[str, Any] | None = None) -> list[str]:
    """Findings grouped by fix: each distinct fix once, under the codes it answers; a fix
    that is one of the verdict's next steps is referred to by its number."""
    numbers = step_numbers(verdict)
    lines = ["## Findings", ""]
    if not items:
        return [*lines, "No findings.", ""]
    for group in by_fix(items):
        severities = {str(f.get("severity")) for f in group.findings}
        worst = next((s for s in _SEVERITY_ORDER if s in severities), "info")
        lines += [f"### {', '.join(code(c) for c in group.codes)} ({worst})", ""]
        lines += [f"- {prose(f.get('message'))}" for f in group.findings]
        if group.fix is not None:
            step = numbers.get(value(group.fix, 4000))
            said = f"see next step {step}." if step else prose(group.fix, 4000)
            lines += ["", f"Fix: {said}"]
        lines.append("")
    return lines


def snds(body: Mapping[str, Any] | None) -> list[str]:
    """Microsoft's own view of the IPs (Smart Network Data Services), when a key was given.
    A page that could not be read says so: its absence of rows or blocks proves nothing."""
    lines = ["## Microsoft SNDS", ""]
    if not body:
        return [*lines, "Not checked (no SNDS key given).", ""]
    unread = {str(p.get("page")): p for p in body.get("pages") or [] if p.get("error")}
    lines += [f"- {code(page)} could not be read ({prose(p.get('error'))}: "
              f"{prose(p.get('detail'))}): inconclusive." for page, p in unread.items()]
    if unread:
        lines.append("")
    rows = [[code(r.get("ip"), cell=True),
             f"{prose(r.get('activity_start'))} to {prose(r.get('activity_end'))}",
             prose(r.get("message_recipients")), f"**{prose(r.get('filter_result'))}**",
             prose(r.get("complaint_rate")), prose(r.get("trap_hits")),
             code(r.get("sample_helo"), cell=True)] for r in body.get("rows") or []]
    if rows:
        lines += table(["IP", "activity", "recipients", "filter result", "complaint rate",
                        "trap hits", "sample HELO"], rows)
    elif "data.aspx" not in unread:
        lines.append("SNDS has no data rows for these IPs.")
    blocked = [f"{code(b.get('first_ip'))}–{code(b.get('last_ip'))}: {prose(b.get('reason'))}"
               for b in body.get("blocked") or []]
    if blocked:
        lines += ["", *(f"- Blocked: {b}" for b in blocked)]
    elif "ipStatus.aspx" not in unread:
        lines += ["", "Not in SNDS IP status (no block)."]
    return [*lines, ""]


def context() -> list[str]:
    """What support asks that no log or DNS answer holds: left for the sender to fill in."""
    return ["## Context (fill in before sending)", "",
            "- Traffic: campaign or stream, list source, recent volume change: _to fill in_",
            "- Mitigation already applied (concurrency, rate, pause) and when: _to fill in_",
            "- For a Microsoft 365 recipient: ask its tenant admin for a message trace of the "
            "window above, quarantine checks and Exchange Online service health at those "
            "times.", ""]


def package(report: Mapping[str, Any]) -> list[str]:
    lines = heading(report)
    lines += verdict(report)
    lines += overview(report.get("overview"))
    lines += escalation_auth.section(report)
    lines += snds((report.get("checks") or {}).get("snds"))
    lines += escalation_deferrals.section(report)
    lines += context()
    lines += findings(report.get("findings") or [], report.get("verdict"))
    while lines and lines[-1] == "":
        lines.pop()
    return lines
