"""``triage rdns`` through the CLI, on zone files with --offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rdns"
ZONES = ["--zone", str(FIXTURES / "2.0.192.in-addr.arpa.zone"),
         "--zone", str(FIXTURES / "rdns.test.zone"), "--offline"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["rdns", *args, *ZONES])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_every_contract_field() -> None:
    code, out, _ = invoke("192.0.2.10", "--helo", "mail.rdns.test", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["command"] == "rdns"
    assert report["ip"] == "192.0.2.10"
    assert report["ptr"] == ["mail.rdns.test"]
    assert report["fcrdns"] is True
    assert report["helo"] == {"name": "mail.rdns.test", "resolves": True, "matches_ip": True,
                              "matches_ptr": True}
    assert report["findings"] == []


def test_missing_ptr_exits_1_with_the_code() -> None:
    code, out, _ = invoke("192.0.2.13", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [f["code"] for f in report["findings"]] == ["rdns.missing"]
    assert report["helo"] is None and report["fcrdns"] is False


def test_text_report_shows_ptr_and_verdicts() -> None:
    code, out, _ = invoke("192.0.2.12", "--helo", "helo-elsewhere.rdns.test")
    assert code == 0  # generic and mismatch are warnings
    assert "192-0-2-12.dsl.rdns.test" in out
    assert "rdns.generic" in out and "helo.mismatch" in out


def test_markdown_report_escapes_pipes() -> None:
    code, out, _ = invoke("192.0.2.10", "--helo", "a|b", "--format", "markdown")
    assert code == 1
    assert "## Reverse DNS" in out and "a\\|b" in out


def test_control_characters_never_reach_the_terminal() -> None:
    code, out, _ = invoke("192.0.2.16", "--helo", "x\x1b[2J.example")
    assert "\x1b" not in out
    assert "evil\\027[31m.rdns.test" in out


def test_three_hundred_character_helo_is_a_finding_not_a_traceback() -> None:
    code, out, err = invoke("192.0.2.10", "--helo", "h" * 300, "--format", "json")
    assert code == 1 and err == ""
    assert [f["code"] for f in json.loads(out)["findings"]] == ["helo.not_fqdn"]


@pytest.mark.parametrize("ip", ["999.1.1.1", "mail.example.com", "", "192.0.2.1/24"])
def test_invalid_ip_is_exit_2_with_one_line(ip: str) -> None:
    code, out, err = invoke(ip)
    assert code == 2
    assert out == ""
    assert err.startswith("triage: ") and err.count("\n") == 1
    assert "Traceback" not in err
