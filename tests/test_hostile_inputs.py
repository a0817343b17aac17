"""One style for input errors: an invalid domain, a missing file or a bad option is exit 2
with one ``triage: …`` line on stderr and no report, in every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli

BAD_DOMAINS = ["exa mple.com", "a..b.example", "bad/domain.example", "x" * 64 + ".example"]
COMMANDS = [["dkim", "{d}"], ["spf", "{d}"], ["spf", "{d}", "--ip", "192.0.2.1"],
            ["dmarc", "{d}"], ["dnsbl", "{d}"], ["check", "{d}", "--ip", "192.0.2.1"]]


def one_line(args: list[str]) -> str:
    res = CliRunner().invoke(cli, [*args, "--offline"] if args[0] != "deferrals" else args)
    assert res.exit_code == 2, (args, res.exit_code, res.stdout, res.stderr)
    assert res.stdout == "", (args, res.stdout)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: "), (args, res.stderr)
    assert "Traceback" not in res.stderr
    return lines[0]


@pytest.mark.parametrize("domain", BAD_DOMAINS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_invalid_domain_is_exit_2_everywhere(command: list[str], domain: str) -> None:
    one_line([part.format(d=domain) for part in command])


def test_missing_files_are_one_line(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    one_line(["deferrals", missing])
    one_line(["dkim", "example.com", "--message", missing])
    one_line(["spf", "example.com", "--zone", missing])


def test_unknown_option_is_one_line() -> None:
    line = one_line(["dmarc", "example.com", "--no-such-option"])
    assert "--help" in line


ZONE = ("$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. h.example.com. 1 3600 600 86400 "
        "300\n@ NS ns.example.com.\n@ TXT \"v=spf1 -all\"\n")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("to", ["stdout", "--output"])
def test_a_full_device_is_exit_3_and_one_line(tmp_path: Path, fmt: str, to: str) -> None:
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    zone = tmp_path / "example.com.zone"
    zone.write_text(ZONE)
    args = [sys.executable, "-m", "triage", "spf", "example.com", "--zone", str(zone),
            "--offline", "--format", fmt]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if to == "stdout":
        with open("/dev/full", "w") as full:
            done = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, env=env,
                                  timeout=60, check=False, text=True)
    else:
        done = subprocess.run([*args, "--output", "/dev/full"], capture_output=True, env=env,
                              timeout=60, check=False, text=True)
        assert done.stdout == ""
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("triage: cannot write") and done.stderr.count("\n") == 1


def _float_options() -> list[tuple[str, str]]:
    import click

    from triage.cli import COMMANDS, cli

    out = []
    for name in sorted(COMMANDS):
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        out += [(name, p.opts[0]) for p in command.params
                if isinstance(p, click.Option) and isinstance(p.type, click.FloatRange)]
    return out


@pytest.mark.parametrize("number", ["nan", "inf", "-inf"])
@pytest.mark.parametrize(("command", "option"), _float_options())
def test_a_number_option_refuses_nan_and_inf_in_one_line(command: str, option: str,
                                                         number: str) -> None:
    """click's FloatRange compares nan and inf false against its bounds and lets them in
    (a nan --timeout, a nan --watch-rate): every number option refuses them, exit 2."""
    args = {"check": ["example.com", "--ip", "192.0.2.10"], "deferrals": ["-"],
            "fleet": ["fleet.toml"], "explain": ["451 4.7.500"], "merge": ["a.jsonl"],
            "rdns": ["192.0.2.10"], "dnsbl": ["192.0.2.10"], "snds": ["192.0.2.10"]}
    offline = ["--offline"] if command not in ("deferrals", "explain", "merge") else []
    result = CliRunner().invoke(cli, [command, *args.get(command, ["example.com"]),
                                      option, number, *offline])
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and "Traceback" not in result.output
