"""Plain-text layout for a person in a hurry: values, wrapped paragraphs, tables that fit.

Every line a text renderer builds goes through here so that one rule holds
everywhere: nothing is wider than the terminal except a token that cannot be
broken (a long URL or record). The width is an argument, never read here:
renderers stay pure, and only the CLI asks the OS (``cli/run.py``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from triage.sanitize import clean

DEFAULT_WIDTH = 80
_SEPARATORS = "._-@:/,"  # where a name too long for its column may break
_GAP = 2  # tabulate's "plain" format puts two spaces between columns
_MIN_FLEX = 10


def value(v: object, limit: int = 300, null: str = "-") -> str:
    """A JSON value as a person reads it: null as ``null``, booleans yes/no, lists joined
    (never a Python repr such as None, True or ['x'])."""
    if v is None:
        return null
    if v is True:
        return "yes"
    if v is False:
        return "no"
    if isinstance(v, Mapping):
        pairs = (f"{value(k, limit, null)} {value(x, limit, null)}" for k, x in v.items())
        return ", ".join(pairs) if v else null
    if isinstance(v, list | tuple):
        return ", ".join(value(x, limit, null) for x in v) if v else null
    if isinstance(v, float):
        return f"{v:g}"
    return clean(str(v), limit)


def terminal_width(to_file: bool = False) -> int:
    """The columns to fit: the terminal's (40-200) when stdout is one, else 80."""
    import shutil
    import sys

    if not to_file and sys.stdout.isatty():
        return max(40, min(shutil.get_terminal_size().columns, 200))
    return DEFAULT_WIDTH


def wrap(text: str, width: int, first: str = "", rest: str | None = None, *,
         cut: bool = False) -> list[str]:
    """``text`` as lines of at most ``width``, ``first`` before the first, ``rest`` after;
    ``cut``: a word longer than a line is cut too (data such as a record, not names)."""
    hang = " " * len(first) if rest is None else rest
    lines = textwrap.wrap(
        text,
        width=max(width, len(first) + 1),
        initial_indent=first,
        subsequent_indent=hang,
        break_long_words=cut,
        break_on_hyphens=False,
    )
    return lines or [first.rstrip()]


def _cell_lines(text: str, width: int, cut: bool) -> str:
    if cut:  # a name too long for the column breaks after a dot, dash, underscore...
        text = _breakable(text, width)
    return "\n".join(
        textwrap.wrap(text, width=width, break_long_words=cut, break_on_hyphens=False) or [""]
    )


def _breakable(text: str, width: int) -> str:
    """``text`` with each word longer than ``width`` split into pieces (``_pieces``)."""
    return " ".join(piece for token in text.split() for piece in _pieces(token, width))


def _pieces(token: str, width: int) -> list[str]:
    """``token`` in parts of at most ``width``, each ending after a separator where one
    falls in the part (``nonexistent-`` ``sender.example``), else cut at the width."""
    out = []
    while len(token) > width:
        head = token[:width]
        at = max(head.rfind(c) for c in _SEPARATORS) + 1
        at = at if at > 0 else width
        out.append(token[:at])
        token = token[at:]
    return [*out, token] if token else out


def _natural(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]


def _longest_token(headers: Sequence[str], rows: Sequence[Sequence[str]], i: int) -> int:
    return max(len(t) for t in [headers[i], *(t for r in rows for t in r[i].split())])


def _shrink(widths: list[int], floors: dict[int, int], width: int) -> list[int]:
    """Narrow the widest flex column, one column at a time, until the table fits."""
    widths = list(widths)
    over = sum(widths) + _GAP * (len(widths) - 1) - width
    while over > 0:
        room = [i for i in floors if widths[i] > floors[i]]
        if not room:
            break
        widest = max(room, key=lambda i: widths[i])
        widths[widest] -= 1
        over -= 1
    return widths


def _fits(widths: Sequence[int], width: int) -> bool:
    return sum(widths) + _GAP * (len(widths) - 1) <= width


def _fit(headers: Sequence[str], rows: Sequence[Sequence[str]], flex: Sequence[int],
         width: int) -> tuple[list[int], bool] | None:
    """Column widths that fit ``width`` and whether long tokens must be cut; None: no fit.

    Only ``flex`` columns shrink, first down to their longest word (wrapping at
    spaces), and only if that is not enough down to ``_MIN_FLEX`` (cutting words).
    """
    natural = _natural(headers, rows)
    whole = _shrink(natural, {i: _longest_token(headers, rows, i) for i in flex}, width)
    if _fits(whole, width):
        return whole, False
    cut = _shrink(whole, {i: max(_MIN_FLEX, len(headers[i])) for i in flex}, width)
    return (cut, True) if _fits(cut, width) else None


def _stacked(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """The table as one wrapped paragraph per row, for a terminal too narrow for columns."""
    lines: list[str] = []
    for row in rows:
        pairs = "; ".join(f"{h}: {c}" for h, c in zip(headers[1:], row[1:], strict=True))
        lines += wrap(_breakable(f"{row[0]} — {pairs}", max(width - 4, 8)), width, "", "    ")
    return lines


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    flex: Sequence[int] = (),
    right: Sequence[int] = (),
) -> list[str]:
    """A ``tabulate`` table no wider than ``width``: ``flex`` columns wrap, ``right`` align right.

    Cells are wrapped here, at spaces, rather than by tabulate, so a long token
    stays whole unless nothing else fits (then it is cut). The header goes in as
    the first row of a "plain" table, with the rule drawn here: tabulate's own
    header padding would spend two columns per header the terminal cannot spare.
    When even the wrapped columns cannot fit, each row becomes a paragraph.
    """
    if not rows:
        return []
    fitted = _fit(headers, rows, flex, width)
    if fitted is None:
        return _stacked(headers, rows, width)
    widths, cut = fitted
    wrapped = [
        [_cell_lines(cell, widths[i], cut) if i in flex else cell for i, cell in enumerate(row)]
        for row in rows
    ]
    from tabulate import tabulate  # 50 ms to import: paid only by reports that draw a table

    align = ["right" if i in right else "left" for i in range(len(headers))]
    rendered = tabulate(
        [list(headers), *wrapped], tablefmt="plain", disable_numparse=True, colalign=align,
    )
    drawn = [max(len(line) for cell in column for line in cell.split("\n"))
             for column in zip(headers, *wrapped, strict=True)]
    lines = [line.rstrip() for line in str(rendered).splitlines()]
    rule = (" " * _GAP).join("-" * w for w in drawn)
    return [lines[0], rule, *lines[1:]]
