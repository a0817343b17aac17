"""Markdown that survives hostile text: prose, table cells, code spans and fences.

SMTP replies and DNS records arrive from outside and may hold backticks,
pipes, angle brackets or asterisks. Pasted into a support ticket they must read
as the bytes that were received, not as markup: code spans and fences are made
longer than any backtick run inside them, table cells escape ``|``, and prose
escapes the characters that would start emphasis, links or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triage.report import layout
from triage.sanitize import clean

NULL = "—"
_PROSE = re.compile(r"[\\`\[\]<|]|(?<=\S)\*|\*(?=\S)")  # a "*" between spaces is literal
_LONE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_TICKS = re.compile(r"`+")


def value(v: object, limit: int = 300) -> str:
    """A JSON value as prose text: null "—", booleans yes/no, lists joined (unescaped)."""
    return layout.value(v, limit, NULL)


def prose(v: object, limit: int = 2000) -> str:
    """Text that renders as itself inside a paragraph or a table cell."""
    escaped = _PROSE.sub(lambda m: "\\" + m.group(), value(v, limit))
    return _LONE_UNDERSCORE.sub(r"\\_", escaped)


def _longest_tick_run(text: str) -> int:
    return max((len(m) for m in _TICKS.findall(text)), default=0)


def code(v: object, limit: int = 1000, *, cell: bool = False) -> str:
    """An inline code span holding ``v`` verbatim (``cell``: also safe inside a table)."""
    if v is None:
        return NULL
    text = value(v, limit)
    fence = "`" * (_longest_tick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


def fenced(text: str, info: str = "text") -> list[str]:
    """A fenced block for ``text`` whose fence no line inside can close."""
    body = clean(text, 4000)
    fence = "`" * max(3, _longest_tick_run(body) + 1)
    return [f"{fence}{info}", body, fence]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GFM table; cells must already be escaped (``prose``, ``code(cell=True)``)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def fields(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """A two-column key/value table (the shape support staff scan fastest)."""
    return table(["", ""], [[f"**{k}**", v] for k, v in pairs])
