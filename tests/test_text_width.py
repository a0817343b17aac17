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


HOSTILE_ZONE = """$ORIGIN hostile.test.
$TTL 300
@ IN SOA ns hostmaster 1 3600 600 86400 300
@ IN NS ns
ns IN A 192.0.2.1
big._domainkey IN TXT "v=DKIM1; k=rsa; p=" {big}
junk._domainkey IN TXT "v=DKIM1; k=rsa; p=AAAA\\007\\027\\155 AAAA{junk}"
"""


@pytest.mark.parametrize("selector", ["big", "junk"])
def test_a_hostile_dkim_record_still_fits_and_shows_no_control_character(
        tmp_path: Path, selector: str) -> None:
    """A 3,000-character key (cut for the report: its length is still told) and a record
    with control characters and a 200-character run without a space."""
    key = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/" * 70  # 3,080 characters
    zone = tmp_path / "hostile.test.zone"
    zone.write_text(HOSTILE_ZONE.format(
        big=" ".join(f'"{key[i:i + 200]}"' for i in range(0, len(key), 200)),
        junk="B" * 200), encoding="utf-8")
    result = CliRunner().invoke(cli, ["dkim", "hostile.test", "--selector", selector,
                                      "--offline", "--zone", str(zone)])
    assert result.exit_code == 1, result.output  # an invalid key is an error finding
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert not any(ch in result.stdout for ch in "\x07\x17\x1b\x9b")
    if selector == "big":
        assert f"p={key[:12]}… (3080 characters or so)" in result.stdout
