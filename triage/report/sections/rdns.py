"""The rdns section: PTR names, forward confirmation and the HELO verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH
from triage.sanitize import clean


def _yes_no(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "unknown" if value is None else clean(str(value))


def _md(value: object) -> str:
    """A table cell: sanitised, pipes and backticks neutralised."""
    return clean(str(value), 255).replace("|", "\\|").replace("`", "'")


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    ptr = [clean(str(name), 255) for name in body.get("ptr") or []]
    lines = [f"IP:      {clean(str(body.get('ip')))}"]
    if ptr:
        lines.append(f"PTR:     {ptr[0]}")
        lines.extend(f"         {name}" for name in ptr[1:])
    else:
        lines.append("PTR:     (none)")
    lines.append(f"FCrDNS:  {_yes_no(body.get('fcrdns'))}")
    helo = body.get("helo")
    if helo:
        lines.append(f"HELO:    {clean(str(helo.get('name')), 255)}")
        lines.append(
            f"         resolves: {_yes_no(helo.get('resolves'))}, "
            f"matches IP: {_yes_no(helo.get('matches_ip'))}, "
            f"matches PTR: {_yes_no(helo.get('matches_ptr'))}"
        )
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    ptr = ", ".join(f"`{_md(n)}`" for n in body.get("ptr") or []) or "(none)"
    lines = [
        "## Reverse DNS",
        "",
        "| | |",
        "|---|---|",
        f"| IP | `{_md(body.get('ip'))}` |",
        f"| PTR | {ptr} |",
        f"| FCrDNS | {_yes_no(body.get('fcrdns'))} |",
    ]
    helo = body.get("helo")
    if helo:
        lines += [
            f"| HELO | `{_md(helo.get('name'))}` |",
            f"| HELO resolves | {_yes_no(helo.get('resolves'))} |",
            f"| HELO matches IP | {_yes_no(helo.get('matches_ip'))} |",
            f"| HELO matches PTR | {_yes_no(helo.get('matches_ptr'))} |",
        ]
    return lines
