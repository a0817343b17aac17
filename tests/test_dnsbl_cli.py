"""``triage dnsbl`` through the CLI, on zone files with --offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dnsbl"
ZONES = [arg for p in sorted(FIXTURES.glob("*.zone")) for arg in ("--zone", str(p))]


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["dnsbl", *args, *ZONES, "--offline"], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_listed_exits_1_with_contract_fields() -> None:
    code, out, _ = invoke("192.0.2.2", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["command"] == "dnsbl" and report["target"] == "192.0.2.2"
    zen = report["lists"][0]
    assert zen["zone"] == "zen.spamhaus.org" and zen["status"] == "listed"
    assert [f["code"] for f in report["findings"]] == ["dnsbl.listed"]


def test_refused_is_a_warning_exit_0() -> None:
    code, out, _ = invoke("192.0.2.254", "--format", "json")
    assert code == 0
    assert [f["code"] for f in json.loads(out)["findings"]] == ["dnsbl.query_refused"]
    code, _, _ = invoke("192.0.2.254", "--fail-on", "warning")
    assert code == 1


def test_text_report() -> None:
    code, out, _ = invoke("192.0.2.3")
    assert code == 1
    assert "LISTED" in out and "zen.spamhaus.org" in out and "127.0.0.10" in out
    assert "delist: https://check.spamhaus.org/" in out


def test_markdown_report() -> None:
    code, out, _ = invoke("spammy.example", "--format", "markdown")
    assert code == 1
    assert "## DNS block lists" in out and "| Spamhaus DBL |" in out


def test_only_the_given_zones() -> None:
    code, out, _ = invoke("192.0.2.2", "--no-default-dnsbls", "--dnsbl", "bl.example.test",
                          "--format", "json")
    assert code == 0
    assert [e["zone"] for e in json.loads(out)["lists"]] == ["bl.example.test"]


def test_key_never_printed_even_from_the_environment() -> None:
    code, out, err = invoke("192.0.2.2", "--format", "json", env={"TRIAGE_DNSBL_KEY": "Zz9Key"})
    assert "Zz9Key".lower() not in (out + err).lower()
    report = json.loads(out)
    assert report["input"]["dnsbl_key"] is True
    assert report["lists"][0]["zone"] == "zen.dq.spamhaus.net"


@pytest.mark.parametrize("args,message", [
    (["192.0.2.2", "--dnsbl", "dnsbl.sorbs.net"], "never queried"),
    (["192.0.2.2", "--dnsbl", "ix.dnsbl.manitu.net"], "NiX Spam"),
    (["192.0.2.2", "--dnsbl", "dbl.spamhaus.org"], "lists domains"),
    (["spammy.example", "--dnsbl", "bl.spamcop.net"], "not domains"),
    (["192.0.2.2", "--dnsbl", "authbl.dq.spamhaus.net"], "DQS key"),
    (["192.0.2.2", "--dnsbl", "bad zone"], "not a DNS zone"),
    (["192.0.2.2", "--dnsbl-key", "bad.key"], "--dnsbl-key"),
    (["192.0.2.2", "--no-default-dnsbls"], "at least one --dnsbl"),
    (["not an ip"], "not an IP address or domain"),
    (["999.1.1.1"], "not an IP address or domain"),
])
def test_usage_errors_are_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2 and out == ""
    assert err.startswith("triage: ") and err.count("\n") == 1 and message in err
    assert "bad.key" not in err
