"""DMARC details that records real domains publish exposed (issue 19).

A version tag that is not exactly ``DMARC1`` discards the record (RFC 7489 §6.4,
§6.6.3): no policy, never ``p=none``. A report destination external by one rule only
says which rule, and which receivers still send. Scenarios are in
fixtures/world/zones/fabrikam.example.zone (zone file and real DNS) and
fixtures/dmarc/blogspot.com.zone (zone file only).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from world import World

from triage.checks.dmarc.record import bad_version, version_exact, with_version_fixed
from triage.cli import cli
from triage.schema import load_schema

FIX = Path(__file__).parent.parent / "fixtures"
FABRIKAM = FIX / "world" / "zones" / "fabrikam.example.zone"
BLOGSPOT = FIX / "dmarc" / "blogspot.com.zone"
DIS = "dmarc.discovery_disagreement"

# (name under fabrikam.example, codes, (policy, subdomain, nonexistent), exit)
SCENARIOS: list[tuple[str, set[str], tuple[Any, Any, Any], int]] = [
    ("panel", {"dmarc.syntax", "dmarc.missing"}, (None, None, None), 1),
    ("spaced", {"dmarc.syntax", "dmarc.missing"}, (None, None, None), 1),
    ("loose", set(), ("quarantine", "quarantine", "quarantine"), 0),
    ("shop.eu", {"dmarc.syntax", DIS}, ("reject", "reject", "reject"), 1),
    ("news", {"dmarc.policy_none", "dmarc.rua_unauthorized"}, ("none", "none", "none"), 0),
    ("news2", {"dmarc.policy_none"}, ("none", "none", "none"), 0),
]


def run(*args: str, zone: Path = FABRIKAM, fmt: str = "json") -> tuple[int, Any]:
    result = CliRunner().invoke(cli, [*args, "--zone", str(zone), "--offline", "--format", fmt])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout) if fmt == "json" else result.stdout


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def policies(report: dict[str, Any]) -> tuple[Any, Any, Any]:
    return report["policy"], report["subdomain_policy"], report["nonexistent_policy"]


def finding(report: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [f for f in report["findings"] if f["code"] == code]
    return found


@pytest.mark.parametrize(("name", "expected", "policy", "exit_code"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_scenarios_from_the_zone_file(name: str, expected: set[str],
                                      policy: tuple[Any, Any, Any], exit_code: int) -> None:
    code, report = run("dmarc", f"{name}.fabrikam.example")
    assert (codes(report), policies(report), code) == (expected, policy, exit_code)


@pytest.mark.parametrize(("name", "expected", "policy", "exit_code"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_scenarios_through_real_dns(world: World, name: str, expected: set[str],
                                    policy: tuple[Any, Any, Any], exit_code: int) -> None:
    result = world.run(["dmarc", f"{name}.fabrikam.example", "--format", "json"],
                       dns_timeout=2)
    report = result.json()
    assert (codes(report), policies(report), result.code) == (expected, policy, exit_code)


@pytest.mark.parametrize("name", [s[0] for s in SCENARIOS])
def test_reports_meet_the_shipped_schema(name: str) -> None:
    _, report = run("dmarc", f"{name}.fabrikam.example")
    errors = [e.message for e in Draft202012Validator(load_schema()).iter_errors(report)]
    assert not errors


@pytest.mark.parametrize(
    ("text", "exact", "given", "fixed"),
    [
        ("v=DMARC1; p=reject", True, None, "v=DMARC1; p=reject"),
        ("v = DMARC1; p=none", True, None, "v=DMARC1; p=none"),  # *WSP around "=" (§6.4)
        ("V=DMARC1; p=none", True, None, "v=DMARC1; p=none"),  # "v" is an ABNF literal
        ("v=dmarc1;p=none", False, "dmarc1", "v=DMARC1;p=none"),
        ("v=Dmarc1; p=none", False, "Dmarc1", "v=DMARC1; p=none"),
        ("v=DMARC 1; p=reject", False, "DMARC 1", "v=DMARC1; p=reject"),
        ("v=DMARC10; p=none", False, None, "v=DMARC10; p=none"),  # another version
        ("v=DMARC1 p=reject", False, None, "v=DMARC1 p=reject"),  # no ";": dmarc.syntax too
    ],
)
def test_the_version_must_be_exactly_dmarc1(text: str, exact: bool, given: str | None,
                                            fixed: str) -> None:
    assert version_exact(text) is exact
    assert bad_version(text) == given
    assert with_version_fixed(text) == fixed


def test_a_lower_case_version_is_discarded_not_read_as_p_none() -> None:
    _, report = run("dmarc", "panel.fabrikam.example")
    assert report["record"] is None and report["found_at"] is None
    assert report["policy"] is None and report["tags"] is None
    assert report["lookups"][0]["state"] == "none"
    syntax = finding(report, "dmarc.syntax")
    assert syntax["severity"] == "error"
    assert '"v=dmarc1"' in syntax["message"] and "case-sensitive" in syntax["message"]
    assert syntax["evidence"]["version"] == "dmarc1"
    assert syntax["fix"] == ('Publish it with the version spelled exactly "v=DMARC1": '
                             '"v=DMARC1;p=none;rua=mailto:postmaster@panel.fabrikam.example".')
    missing = finding(report, "dmarc.missing")
    assert "no DMARC policy applies" in missing["message"]
    assert missing["fix"] == syntax["fix"]  # one step in a plan, not two
    assert "RFC 7489 §6.6.3" in syntax["refs"] and "RFC 7489 §6.4" in syntax["refs"]


def test_a_space_in_the_version_says_so() -> None:
    _, report = run("dmarc", "spaced.fabrikam.example")
    message = finding(report, "dmarc.syntax")["message"]
    assert '"v=DMARC 1"' in message and "no space" in message


def test_a_discarded_record_under_a_valid_parent_falls_back_to_the_parent() -> None:
    _, report = run("dmarc", "shop.eu.fabrikam.example")
    assert report["found_at"] == "_dmarc.eu.fabrikam.example"
    assert report["source"] == "organizational"
    assert finding(report, "dmarc.syntax")["severity"] == "error"  # the domain's own record


def test_check_overview_says_no_policy_not_p_none() -> None:
    code, report = run("check", "panel.fabrikam.example", "--ip", "192.0.2.81")
    (row,) = [r for r in report["overview"] if r["check"] == "dmarc"]
    assert (row["status"], row["evidence"]) == ("fail", "no DMARC policy applies")
    assert report["checks"]["dmarc"]["policy"] is None
    assert report["verdict"]["action"] == "fix-sender"
    assert "dmarc.syntax" in report["verdict"]["reasons"]
    fixes = [s for s in report["verdict"]["steps"] if "v=DMARC1" in s]
    assert len(fixes) == 1 and "v=DMARC1;p=none;rua=" in fixes[0]
    assert code == 1


def test_destination_external_by_the_tree_walk_only() -> None:
    _, report = run("dmarc", "news.fabrikam.example")
    dests = report["report_destinations"]
    assert [(d["tag"], d["authorization"], d["external_by"]) for d in dests] == [
        ("rua", "unauthorized", ["tree_walk"]), ("ruf", "unauthorized", ["tree_walk"])]
    rua = [f for f in report["findings"] if f["code"] == "dmarc.rua_unauthorized"]
    assert len(rua) == 2
    message, fix = rua[0]["message"], rua[0]["fix"]
    assert "by the RFC 9989 tree walk" in message and "not by the Public Suffix List" in message
    assert "RFC 7489 (PSL) send them anyway" in message
    assert "news.fabrikam.example._report._dmarc.fabrikam.example" in fix
    assert "_dmarc.fabrikam.example" in fix
    assert rua[0]["evidence"]["org_domain_psl"] == "fabrikam.example"
    assert rua[0]["evidence"]["org_domain_tree_walk"] == "news.fabrikam.example"


def test_an_authorized_destination_keeps_the_rule_that_made_it_external() -> None:
    _, report = run("dmarc", "news2.fabrikam.example")
    (dest,) = report["report_destinations"]
    assert (dest["authorization"], dest["external_by"]) == ("authorized", ["tree_walk"])


def test_destination_external_by_the_psl_only() -> None:
    code, report = run("dmarc", "travelnotes.blogspot.com", zone=BLOGSPOT)
    assert (report["org_domain_psl"], report["org_domain_tree_walk"]) == (
        "travelnotes.blogspot.com", "blogspot.com")
    (dest,) = report["report_destinations"]
    assert dest["external_by"] == ["psl"]
    rua = finding(report, "dmarc.rua_unauthorized")
    assert "by the Public Suffix List" in rua["message"]
    assert "receivers on RFC 9989 send them anyway" in rua["message"]
    assert rua["fix"].startswith("Ask the operator of blogspot.com")
    assert code == 0


def test_internal_destinations_have_no_rule() -> None:
    _, report = run("dmarc", "loose.fabrikam.example")
    assert [(d["authorization"], d["external_by"]) for d in report["report_destinations"]] == [
        ("internal", [])]


def test_text_says_no_policy_and_which_rule() -> None:
    _, panel = run("dmarc", "panel.fabrikam.example", fmt="text")
    assert "policy (this domain)              no DMARC policy applies" in panel
    _, news = run("dmarc", "news.fabrikam.example", fmt="text")
    assert ("rua mailto:dmarc-reports@fabrikam.example: unauthorized (external by the RFC "
            "9989 tree walk)") in " ".join(news.split())  # wrapped to the width
    _, md = run("dmarc", "panel.fabrikam.example", fmt="markdown")
    assert "| policy (this domain) | no DMARC policy applies |" in md
