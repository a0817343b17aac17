"""Text and Markdown sections of ``triage snds``: the rows, the blocks, what was read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, value
from triage.report.markup import code, prose, table


def _pages(body: Mapping[str, Any]) -> list[str]:
    out = []
    for page in body.get("pages") or []:
        if page.get("error"):
            out.append(f"{value(page.get('page'))}: NOT READ ({value(page.get('error'))}: "
                       f"{value(page.get('detail'))}) - inconclusive")
        else:
            out.append(f"{value(page.get('page'))}: read, {value(page.get('lines'))} lines")
    return out


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    who = value(body.get("ip")) if body.get("ip") else ", ".join(
        value(i) for i in body.get("ips") or []) or "every IP of the key"
    lines = [f"Microsoft SNDS for {who}", f"  source: {value(body.get('source'))}"]
    lines += [f"  {p}" for p in _pages(body)]
    lines.append("")
    rows = body.get("rows") or []
    if rows:
        lines.append("  IP               filter  complaints  traps  recipients  activity")
        for r in rows:
            lines.append(
                f"  {value(r.get('ip')):<16} {value(r.get('filter_result')):<7} "
                f"{value(r.get('complaint_rate')):<11} {value(r.get('trap_hits')):<6} "
                f"{value(r.get('message_recipients')):<11} "
                f"{value(r.get('activity_start'))} to {value(r.get('activity_end'))}")
            if r.get("sample_helo") or r.get("sample_mailfrom"):
                lines.append(f"    sample HELO {value(r.get('sample_helo'))}, "
                             f"MAIL FROM {value(r.get('sample_mailfrom'))}")
    else:
        lines.append("  no data rows")
    for b in body.get("blocked") or []:
        lines.append(f"  BLOCKED {value(b.get('first_ip'))}-{value(b.get('last_ip'))}: "
                     f"{value(b.get('reason'))}")
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    lines = ["## Microsoft SNDS", "", f"Source: {code(body.get('source'))}", ""]
    lines += [f"- {prose(p)}" for p in _pages(body)] + [""]
    cells = [[code(r.get("ip"), cell=True), f"**{prose(r.get('filter_result'))}**",
              prose(r.get("complaint_rate")), prose(r.get("trap_hits")),
              prose(r.get("message_recipients")),
              f"{prose(r.get('activity_start'))} to {prose(r.get('activity_end'))}",
              code(r.get("sample_helo"), cell=True)] for r in body.get("rows") or []]
    if cells:
        lines += table(["IP", "filter result", "complaint rate", "trap hits", "recipients",
                        "activity", "sample HELO"], cells)
    else:
        lines.append("No data rows.")
    for b in body.get("blocked") or []:
        lines.append(f"- Blocked: {code(b.get('first_ip'))}–{code(b.get('last_ip'))}: "
                     f"{prose(b.get('reason'))}")
    return lines
