"""The CLI surface shared by every command: version, help, usage errors."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from triage import __version__
from triage.cli import cli


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_python_dash_m_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "triage", "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0
    assert "Commands:" in out.stdout


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
