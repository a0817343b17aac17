"""Every command's text fits the terminal (80 columns when stdout is not one): records,
keys, trees and tables wrap under their labels instead of running off the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli

ROOT = Path(__file__).parent.parent
DEMO = ["--offline", *[a for p in sorted((ROOT / "fixtures" / "demo").glob("*.zone"))
                       + sorted((ROOT / "fixtures" / "dnsbl").glob("*.zone"))
                       for a in ("--zone", str(p))]]
WORLD = ROOT / "fixtures" / "world" / "zones"
DKIM = ["--offline", "--zone", str(WORLD / "dkim.test.zone"),
        "--zone", str(WORLD / "dkim.mail.microsoft.zone")]
MESSAGE = str(ROOT / "fixtures" / "dkim" / "messages" / "microsoft.eml")

COMMANDS = {
    "spf": ["spf", "example.com", "--ip", "192.0.2.10", *DEMO],
    "dkim": ["dkim", "example.com", "--selector", "selector1", *DEMO],
    "dkim-message": ["dkim", "good.dkim.test", "--message", MESSAGE, *DKIM],
    "dkim-huge": ["dkim", "weak.dkim.test", "--selector", "huge", *DKIM],
    "dmarc": ["dmarc", "example.com", *DEMO],
    "rdns": ["rdns", "192.0.2.10", "--helo", "mail.example.com", *DEMO],
    "dnsbl": ["dnsbl", "192.0.2.10", *DEMO],
    "posture": ["posture", "example.com", *DEMO],
    "deferrals": ["deferrals", str(ROOT / "fixtures" / "logs" / "postfix" / "maillog")],
    "explain": ["explain", "451 4.7.500 Server busy. Please try again later. [S77714] "
                "[BN8NAM12FT033.eop-nam12.prod.protection.outlook.com]"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_text_fits_80_columns(name: str) -> None:
    result = CliRunner().invoke(cli, COMMANDS[name])
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-500:])
    lines = result.stdout.splitlines()
    assert len(lines) > 3
    for line in lines:  # only a token that cannot be broken may stick out
        assert len(line) <= 80 or max(map(len, line.split())) > 40, line


def test_a_dkim_key_is_shown_by_its_ends_and_kept_whole_in_json() -> None:
    text = CliRunner().invoke(cli, COMMANDS["dkim"]).stdout
    data = json.loads(CliRunner().invoke(cli, [*COMMANDS["dkim"], "--format", "json"]).stdout)
    record = next(s["record"] for s in data["selectors"] if s["selector"] == "selector1")
    key = record.split("p=", 1)[1].split(";")[0].strip()
    assert len(key) > 300
    assert f"p={key[:12]}…{key[-8:]} ({len(key)} characters)" in text
    assert key[20:60] not in text
