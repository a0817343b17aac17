"""The dnsbl section: one line per list, listings first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH
from triage.sanitize import clean

_ORDER = {"listed": 0, "refused": 1, "error": 2, "clean": 3}
_MARK = {"listed": "LISTED", "refused": "refused", "error": "error", "clean": "clean"}


def _sorted(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lists = list(body.get("lists") or [])
    return sorted(lists, key=lambda entry: _ORDER.get(str(entry.get("status")), 9))


def _explain(entry: Mapping[str, Any]) -> str:
    codes = ", ".join(clean(str(c), 40) for c in entry.get("codes") or [])
    if codes:
        meanings = "; ".join(clean(str(m), 200) for m in entry.get("meanings") or [])
        return clean(f"{codes} {meanings}".strip(), 300)
    return clean(str(entry.get("detail") or ""), 300)


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    lists = _sorted(body)
    lines = [f"Target: {clean(str(body.get('target')), 255)}"]
    if not lists:
        return [*lines, "No list applies to this target."]
    width = max(len(clean(str(e.get("zone")), 80)) for e in lists)
    for entry in lists:
        status = str(entry.get("status"))
        zone = clean(str(entry.get("zone")), 80)
        kind = f"[{clean(str(entry.get('kind')), 20)}]"
        line = f"  {_MARK.get(status, clean(status, 20)):<7} {zone:<{width}} {kind:<12}"
        explained = _explain(entry)
        lines.append(f"{line} {explained}".rstrip())
        indent = " " * (2 + 7 + 1 + width + 1 + 12 + 1)
        if entry.get("reason"):
            lines.append(f"{indent}TXT: {clean(str(entry['reason']), 300)}")
        if status == "listed" and entry.get("delist_url"):
            lines.append(f"{indent}delist: {clean(str(entry['delist_url']))}")
    return lines


def _cell(value: object) -> str:
    return clean(str(value), 300).replace("|", "\\|").replace("`", "'")


def markdown(body: Mapping[str, Any]) -> list[str]:
    lines = [
        "## DNS block lists",
        "",
        f"Target: `{_cell(body.get('target'))}`",
        "",
        "| list | zone | kind | status | codes | reason | delist |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in _sorted(body):
        codes = ", ".join(_cell(c) for c in entry.get("codes") or [])
        lines.append(
            f"| {_cell(entry.get('name'))} | `{_cell(entry.get('zone'))}` | "
            f"{_cell(entry.get('kind'))} | {_cell(entry.get('status'))} | {codes} | "
            f"{_cell(entry.get('reason') or '')} | {_cell(entry.get('delist_url') or '')} |"
        )
    return lines
