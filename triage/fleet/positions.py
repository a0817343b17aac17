"""Where each key of a fleet file is, so a config error names its line.

tomllib keeps no positions; the file's structure is simple enough to scan: table
headers (``[defaults]``, ``[defaults.expect]``, ``[[sender]]``, ``[sender.expect]``)
and ``key = value`` lines. Lines inside multi-line strings and arrays are skipped.
A key that cannot be placed falls back to its table's header line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_\-]+|"[^"]*"|'[^']*')\s*=""")

Table = tuple[str, int]  # (dotted table name, index of the [[sender]] it belongs to or -1)


@dataclass
class Positions:
    headers: dict[Table, int] = field(default_factory=dict)
    keys: dict[tuple[str, int, str], int] = field(default_factory=dict)

    def line(self, table: str, index: int, key: str | None = None) -> int | None:
        if key is not None:
            if (table, index, key) in self.keys:
                return self.keys[(table, index, key)]
            sub = f"{table}.{key}" if table else key  # the key is a table of its own
            if (sub, index) in self.headers:
                return self.headers[(sub, index)]
        return self.headers.get((table, index))


def scan(text: str) -> Positions:
    found = Positions()
    table, index, senders = "", -1, -1
    open_multiline: str | None = None
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if open_multiline is not None:
            if open_multiline in line:
                open_multiline = None
            continue
        if depth > 0:
            depth += _brackets(line)
            continue
        header = _HEADER.match(line)
        if header and "=" not in line.split("#", 1)[0]:
            name = header.group(2).replace('"', "").replace(" ", "")
            if header.group(1) == "[[" and name == "sender":
                senders += 1
            index = senders if name.split(".")[0] == "sender" else -1
            table = name
            found.headers.setdefault((table, index), number)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        found.keys.setdefault((table, index, key.group(1).strip("\"'")), number)
        value = line[key.end():]
        for quote in ('"""', "'''"):
            if value.count(quote) == 1:
                open_multiline = quote
        depth = max(0, _brackets(value))
    return found


def _brackets(text: str) -> int:
    """Open minus closed brackets outside strings and comments (for multi-line arrays)."""
    depth, quote = 0, ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
    return depth
