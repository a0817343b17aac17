"""No Python repr (None, True, False, ['x']) in any text or Markdown report: every run
of the schema test's table, rendered both ways."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from test_schema import RUNS, built

from triage.cli import cli

REPR = re.compile(r"(?<![\w-])(None|True|False)(?![\w-])|\['|\[\]")


@pytest.mark.parametrize(("command", "args"), RUNS, ids=[f"{c}-{i}" for i, (c, _) in
                                                          enumerate(RUNS)])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_reports_show_values_not_python_reprs(command: str, args: list[str], fmt: str) -> None:
    assert built(command), f"triage.cli.{command} is missing"
    result = CliRunner().invoke(cli, [command, *args, "--format", fmt])
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    found = [m.group(0) for m in REPR.finditer(result.stdout)]
    lines = [ln for ln in result.stdout.splitlines() if REPR.search(ln)]
    assert not found, lines[:5]
