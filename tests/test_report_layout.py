"""Tables and wrapped text fit the width; a name too long for its column breaks where a
person would break it (after a dot, dash or underscore), not at an arbitrary letter."""

from __future__ import annotations

import re

import pytest

from triage.fleet.summary import Row, render
from triage.report.layout import table, wrap

HEADERS = ("sender", "status", "first finding")
ROWS = [("nonexistent-sender.example", "fix-sender", "expect.dmarc_policy_at_least"),
        ("example.org", "healthy", "-")]


def column(lines: list[str], index: int) -> list[str]:
    """The pieces of each cell of column ``index``, per row (a row's wrapped lines)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
    lo, hi = spans[index]
    rows: list[list[str]] = []
    for line in lines[2:]:
        if line[spans[1][0]:spans[1][1]].strip():  # a new row starts where status is set
            rows.append([])
        piece = line[lo:hi].strip()
        if piece:
            rows[-1].append(piece)
    return ["|".join(r) for r in rows]


@pytest.mark.parametrize("width", [40, 50, 60])
def test_a_cut_name_breaks_after_its_separators(width: int) -> None:
    lines = table(HEADERS, ROWS, width, flex=(0, 2))
    assert max(map(len, lines)) <= width
    for index in (0, 2):
        for cell, row in zip(column(lines, index), ROWS, strict=True):
            pieces = cell.split("|")
            assert "".join(pieces) == row[index]
            assert all(p[-1] in "._-" for p in pieces[:-1]), pieces
    assert len(column(lines, 0)[0].split("|")) > 1  # the test cuts something


def test_a_name_without_separators_is_cut_at_the_width() -> None:
    lines = table(("h", "value"), [("x", "a" * 60)], 30, flex=(1,))
    assert max(map(len, lines)) <= 30
    assert "".join(line.split()[-1] for line in lines[2:]).endswith("a" * 10)


def test_wrap_keeps_the_words_and_the_width() -> None:
    text = "one two three " * 20
    lines = wrap(text, 40, "label: ", "       ")
    assert max(map(len, lines)) <= 40 and " ".join(" ".join(lines).split()[1:]) == text.strip()


def test_the_fleet_table_fits_80_columns_worst_first() -> None:
    rows = [Row(i, name, "192.0.2.10, 2001:db8::10", status, errors, 0, code, first)
            for i, (name, status, errors, code, first) in enumerate([
                ("example.org", "healthy", 0, 0, "-"),
                ("a-very-long-sending-domain-name.subsidiary.example", "fix-sender", 3, 1,
                 "expect.spf_tree_lookups_at_most")])]
    out = render(rows, 80)
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[2].startswith("a-very-long-")  # the worst sender first, its name broken
    assert "expect." in out and out.rstrip().endswith("exit 1")


def test_a_table_too_narrow_for_columns_becomes_one_paragraph_a_row() -> None:
    lines = table(HEADERS, ROWS, 30, flex=(0, 2))
    assert max(map(len, lines)) <= 30
    assert lines[0].startswith("nonexistent-sender.example —")
    assert all(line.startswith("    ") for line in lines[1:3])  # the row's continuation
    squashed = "".join(" ".join(lines).split())  # a name may be broken after a separator
    assert "status:fix-sender;firstfinding:expect.dmarc_policy_at_least" in squashed
    assert "example.org—status:healthy;firstfinding:-" in squashed
