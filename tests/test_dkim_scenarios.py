"""``triage dkim`` scenario by scenario: each finding code where it belongs and nowhere else.

Every scenario runs twice: from the zone files (``--zone --offline``) and through the
real-DNS world (NSD + unbound), which also gives the timeouts a zone file cannot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from world import World

from triage.cli import cli

ROOT = Path(__file__).parent.parent
ZONES = ROOT / "fixtures" / "world" / "zones"
MESSAGES = ROOT / "fixtures" / "dkim" / "messages"
ZONE_ARGS = ["--zone", str(ZONES / "dkim.test.zone"),
             "--zone", str(ZONES / "dkim.mail.microsoft.zone"), "--offline"]

# (domain, extra arguments, expected finding codes, exit code)
SCENARIOS: list[tuple[str, list[str], set[str], int]] = [
    ("good.dkim.test", [], set(), 0),
    ("good.dkim.test", ["--selector", "google"], set(), 0),
    ("m365.dkim.test", [], {"dkim.cname_dangling"}, 0),
    ("m365.dkim.test", ["--selector", "selector1"], set(), 0),
    ("weak.dkim.test", [], {"dkim.key_weak"}, 1),
    ("weak.dkim.test", ["--selector", "huge"], {"dkim.key_too_large"}, 0),
    ("revoked.dkim.test", [], {"dkim.key_revoked"}, 0),
    ("revoked.dkim.test", ["--selector", "s1"], {"dkim.key_revoked"}, 1),
    ("broken.dkim.test", ["--selector", "s1", "--selector", "s2", "--selector", "s3",
                          "--selector", "s4"], {"dkim.key_invalid"}, 1),
    ("testing.dkim.test", [], {"dkim.testing"}, 0),
    ("ed.dkim.test", [], set(), 0),
    ("none.dkim.test", [], {"dkim.no_selector_found"}, 0),
    ("wild.dkim.test", [], {"dkim.no_selector_found"}, 0),
    ("none.dkim.test", ["--selector", "s1"], {"dkim.key_missing"}, 1),
    ("loop.dkim.test", [], {"dkim.temperror"}, 0),
]

# (message file, expected codes, signatures as (d, result, aligned))
MESSAGE_CASES: list[tuple[str, set[str], list[tuple[str, str, bool]]]] = [
    ("good.eml", set(), [("good.dkim.test", "pass", True)]),
    ("tampered.eml", {"dkim.signature_invalid", "dkim.no_aligned_pass"},
     [("good.dkim.test", "fail", True)]),
    ("esp-unaligned.eml", {"dkim.no_aligned_pass"}, [("esp.dkim.test", "pass", False)]),
    ("two-signatures.eml", set(),
     [("esp.dkim.test", "pass", False), ("good.dkim.test", "pass", True)]),
    ("no-key.eml", {"dkim.signature_invalid", "dkim.no_aligned_pass"},
     [("good.dkim.test", "permerror", True)]),
    ("unsigned.eml", {"dkim.message_unsigned"}, []),
    ("microsoft.eml", set(), [("good.dkim.test", "pass", True)]),
]


def run_zone(args: list[str]) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["dkim", *args, *ZONE_ARGS, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


@pytest.mark.parametrize(("domain", "extra", "expected", "exit_code"), SCENARIOS)
def test_scenarios_from_zone_files(domain: str, extra: list[str], expected: set[str],
                                   exit_code: int) -> None:
    code, report = run_zone([domain, *extra])
    assert codes(report) == expected
    assert code == exit_code


@pytest.mark.parametrize(("domain", "extra", "expected", "exit_code"), SCENARIOS)
def test_scenarios_through_real_dns(world: World, domain: str, extra: list[str],
                                    expected: set[str], exit_code: int) -> None:
    result = world.run(["dkim", domain, *extra, "--format", "json"], dns_timeout=2)
    assert codes(result.json()) == expected, result.stdout
    assert result.code == exit_code


def test_selector_fields_for_the_m365_cname_form() -> None:
    _, report = run_zone(["m365.dkim.test"])
    by_name = {s["selector"]: s for s in report["selectors"]}
    active = by_name["selector1"]
    assert active["status"] == "valid" and active["key_type"] == "rsa"
    assert active["key_bits"] == 2048 and active["testing"] is False
    assert active["cname"].endswith(".r-v1.dkim.mail.microsoft")
    assert active["record"].startswith("v=DKIM1; k=rsa; p=MII")
    assert "2025" in active["sender"]
    inactive = by_name["selector2"]
    assert inactive["status"] == "missing"
    assert inactive["cname"].endswith(".onmicrosoft.com")
    assert "before May 2025" in inactive["sender"]


def test_each_selector_reports_the_contract_fields() -> None:
    _, report = run_zone(["weak.dkim.test"])
    keys = {"selector", "status", "key_type", "key_bits", "testing", "cname", "record"}
    assert all(keys <= set(s) for s in report["selectors"])
    assert report["signatures"] is None
    weak = {f["evidence"]["selector"]: f["severity"] for f in report["findings"]}
    assert weak == {"k2": "error", "k1": "warning"}


def test_no_selector_found_names_where_to_look() -> None:
    _, report = run_zone(["none.dkim.test"])
    (finding,) = report["findings"]
    assert "cannot be listed from DNS" in finding["message"]
    assert "s= tag of the DKIM-Signature" in finding["fix"]
    assert len(finding["evidence"]["tried"]) == len(report["selectors"]) > 30


@pytest.mark.parametrize(("name", "expected", "signatures"), MESSAGE_CASES)
def test_messages_from_zone_files(name: str, expected: set[str],
                                  signatures: list[tuple[str, str, bool]]) -> None:
    _, report = run_zone(["good.dkim.test", "--selector", "google",
                          "--message", str(MESSAGES / name)])
    assert codes(report) == expected
    got = [(s["d"], s["result"], s["aligned"]) for s in report["signatures"]]
    assert sorted(got) == sorted(signatures)
    assert report["from_domain"] == "good.dkim.test"


@pytest.mark.parametrize(("name", "expected", "signatures"), MESSAGE_CASES)
def test_messages_through_real_dns(world: World, name: str, expected: set[str],
                                   signatures: list[tuple[str, str, bool]]) -> None:
    result = world.run(["dkim", "good.dkim.test", "--selector", "google",
                        "--message", str(MESSAGES / name), "--format", "json"])
    report = result.json()
    assert codes(report) == expected
    assert sorted((s["d"], s["result"], s["aligned"]) for s in report["signatures"]) == \
        sorted(signatures)


def test_a_key_that_times_out_is_temperror_never_a_bad_signature(world: World) -> None:
    result = world.run(["dkim", "slow.dkim.test", "--selector", "s1", "--message",
                        str(MESSAGES / "slow.eml"), "--format", "json"], dns_timeout=1)
    report = result.json()
    assert codes(report) == {"dkim.temperror", "dkim.no_aligned_pass"}
    assert [s["result"] for s in report["signatures"]] == ["temperror"]
    assert [s["status"] for s in report["selectors"]] == ["temperror"]


def test_the_m365_message_verifies_through_the_cname(world: World) -> None:
    result = world.run(["dkim", "m365.dkim.test", "--message", str(MESSAGES / "m365.eml"),
                        "--format", "json"])
    report = result.json()
    assert [(s["s"], s["result"], s["aligned"]) for s in report["signatures"]] == \
        [("selector1", "pass", True)]


def test_microsoft_verdict_headers_are_reported() -> None:
    _, report = run_zone(["good.dkim.test", "--selector", "google",
                          "--message", str(MESSAGES / "microsoft.eml")])
    ms = report["microsoft"]
    assert (ms["scl"], ms["sfv"], ms["cip"], ms["bcl"]) == (1, "NSPM", "192.0.2.20", 0)
    assert ms["compauth"] == {"result": "pass", "reason": "100",
                              "meaning": "passed composite authentication"}
    methods = [r["method"] for r in report["authentication_results"][0]["results"]]
    assert methods == ["spf", "dkim", "dmarc", "compauth"]


def test_message_selectors_are_looked_up_for_the_domain() -> None:
    _, report = run_zone(["good.dkim.test", "--selector", "k1",
                          "--message", str(MESSAGES / "good.eml")])
    origins = {s["selector"]: s["origin"] for s in report["selectors"]}
    assert origins == {"k1": "given", "google": "message"}


@pytest.mark.parametrize("name", ["not-a-message.eml", "text.eml", "missing.eml"])
def test_a_file_that_is_not_a_message_is_exit_2_with_one_line(name: str) -> None:
    result = CliRunner().invoke(cli, ["dkim", "good.dkim.test", "--message",
                                      str(MESSAGES / name), *ZONE_ARGS])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["bad domain"], ["192.0.2.1"], ["good.dkim.test",
                                                                    "--selector", "a b"]])
def test_bad_input_is_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["dkim", *args, *ZONE_ARGS])
    assert result.exit_code == 2 and "invalid" in result.stderr


def test_text_report_shows_keys_and_signatures() -> None:
    result = CliRunner().invoke(cli, ["dkim", "good.dkim.test", "--message",
                                      str(MESSAGES / "microsoft.eml"), *ZONE_ARGS])
    assert result.exit_code == 0
    assert "google: valid, rsa 2048-bit" in result.stdout
    assert "d=good.dkim.test s=google: pass, aligned" in result.stdout
    assert "SCL: 1" in result.stdout
