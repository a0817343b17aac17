"""``triage dmarc`` scenario by scenario: each finding code where it belongs and nowhere else.

Each scenario runs from the zone files (``--zone --offline``) and through the real-DNS
world. Names under dmarc.test have the PSL organizational domain dmarc.test (``test``
is a public suffix by the default rule), so a subdomain whose record sits at its parent
also shows ``dmarc.discovery_disagreement``: RFC 7489 receivers would find no record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from world import World

from triage.cli import cli

ZONES = Path(__file__).parent.parent / "fixtures" / "world" / "zones"
ZONE_ARGS = ["--zone", str(ZONES / "dmarc.test.zone"), "--zone",
             str(ZONES / "dmarcrpt.test.zone"), "--offline"]
DIS = "dmarc.discovery_disagreement"

# (domain under dmarc.test, extra args, codes, (policy, subdomain, nonexistent), exit)
SCENARIOS: list[tuple[str, list[str], set[str], tuple[Any, Any, Any], int]] = [
    ("reject", [], set(), ("reject", "reject", "reject"), 0),
    ("sub.reject", [], {DIS}, ("reject", "reject", "reject"), 0),
    ("typo.reject", [], {DIS, "dmarc.syntax"}, ("reject", "reject", "reject"), 1),
    ("alias", [], {"dmarc.rua_unauthorized"}, ("reject", "reject", "reject"), 0),
    ("split", [], set(), ("reject", "reject", "reject"), 0),
    ("none", [], {"dmarc.policy_none"}, ("none", "none", "none"), 0),
    ("missing", [], {"dmarc.missing"}, (None, None, None), 1),
    ("prefix", [], {"dmarc.missing"}, (None, None, None), 1),
    ("nosemi", [], {"dmarc.missing", "dmarc.syntax"}, (None, None, None), 1),
    ("multi", [], {"dmarc.multiple_records"}, (None, None, None), 1),
    ("onlyone", [], set(), ("reject", "reject", "reject"), 0),
    ("syntax", [], {"dmarc.syntax", "dmarc.policy_none"}, ("none", "none", "none"), 1),
    ("nop", [], {"dmarc.syntax", "dmarc.policy_none"}, ("none", "none", "none"), 0),
    ("pct", [], {"dmarc.partial", "dmarc.obsolete_tag"},
     ("quarantine", "quarantine", "quarantine"), 0),
    ("testmode", [], {"dmarc.partial"}, ("reject", "reject", "reject"), 0),
    ("obsolete", [], {"dmarc.obsolete_tag"}, ("reject", "reject", "reject"), 0),
    ("unknown", [], {"dmarc.unknown_tag"}, ("reject", "reject", "reject"), 0),
    ("norua", [], {"dmarc.no_rua"}, ("reject", "reject", "reject"), 0),
    ("extok", [], set(), ("reject", "reject", "reject"), 0),
    ("extwild", [], set(), ("reject", "reject", "reject"), 0),
    ("extno", [], {"dmarc.rua_unauthorized"}, ("reject", "reject", "reject"), 0),
    ("np", [], set(), ("reject", "quarantine", "none"), 0),
    ("real.np", [], {DIS}, ("quarantine", "quarantine", "none"), 0),
    ("ghost.np", [], {DIS, "dmarc.policy_none"}, ("none", "quarantine", "none"), 0),
    ("loop", [], {"dmarc.temperror"}, (None, None, None), 0),
    ("reject", ["--mail-from", "bounce.reject.dmarc.test"], set(),
     ("reject", "reject", "reject"), 0),
    ("reject", ["--mail-from", "other.dmarc.test"], {"dmarc.not_aligned"},
     ("reject", "reject", "reject"), 1),
    ("reject", ["--mail-from", "other.dmarc.test", "--dkim-domain", "reject.dmarc.test"],
     set(), ("reject", "reject", "reject"), 0),
    ("reject", ["--dkim-domain", "esp.example"], {"dmarc.not_aligned"},
     ("reject", "reject", "reject"), 1),
    ("strict", ["--mail-from", "bounce.strict.dmarc.test"], {"dmarc.not_aligned"},
     ("reject", "reject", "reject"), 1),
    ("strict", ["--mail-from", "strict.dmarc.test"], set(), ("reject", "reject", "reject"), 0),
]
IDS = [f"{d}{'+' + '+'.join(a) if a else ''}" for d, a, *_ in SCENARIOS]


def run_zone(args: list[str]) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["dmarc", *args, *ZONE_ARGS, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def policy(report: dict[str, Any]) -> tuple[Any, Any, Any]:
    return report["policy"], report["subdomain_policy"], report["nonexistent_policy"]


@pytest.mark.parametrize(("name", "extra", "expected", "policies", "exit_code"), SCENARIOS,
                         ids=IDS)
def test_scenarios_from_zone_files(name: str, extra: list[str], expected: set[str],
                                   policies: tuple[Any, Any, Any], exit_code: int) -> None:
    code, report = run_zone([f"{name}.dmarc.test", *extra])
    assert codes(report) == expected
    assert policy(report) == policies
    assert code == exit_code


@pytest.mark.parametrize(("name", "extra", "expected", "policies", "exit_code"), SCENARIOS,
                         ids=IDS)
def test_scenarios_through_real_dns(world: World, name: str, extra: list[str],
                                    expected: set[str], policies: tuple[Any, Any, Any],
                                    exit_code: int) -> None:
    result = world.run(["dmarc", f"{name}.dmarc.test", *extra, "--format", "json"],
                       dns_timeout=2)
    report = result.json()
    assert codes(report) == expected
    assert policy(report) == policies
    assert result.code == exit_code


def test_a_timeout_at_dmarc_is_temperror_never_missing(world: World) -> None:
    result = world.run(["dmarc", "slow.dmarc.test", "--format", "json"], dns_timeout=1)
    report = result.json()
    assert codes(report) == {"dmarc.temperror"}
    assert report["record"] is None and report["policy"] is None


def test_the_contract_fields() -> None:
    _, report = run_zone(["testmode.dmarc.test", "--mail-from", "testmode.dmarc.test"])
    assert report["domain"] == "testmode.dmarc.test"
    assert report["record"] == "v=DMARC1; p=reject; t=y; rua=mailto:a@testmode.dmarc.test"
    assert report["found_at"] == "_dmarc.testmode.dmarc.test"
    assert report["org_domain"] == "testmode.dmarc.test"
    assert report["org_domain_psl"] == "dmarc.test"
    assert report["testing"] is True
    assert report["tags"]["t"] == "y"
    assert report["alignment"] == {"spf": "aligned", "dkim": "unknown"}


def test_an_inherited_record_says_where_it_was_found() -> None:
    _, report = run_zone(["sub.reject.dmarc.test"])
    assert report["found_at"] == "_dmarc.reject.dmarc.test"
    assert report["source"] == "organizational" and report["domain_exists"] is True
    (finding,) = report["findings"]
    assert finding["evidence"]["psl"]["name"] == "_dmarc.dmarc.test"


def test_report_destinations_and_their_authorization() -> None:
    _, report = run_zone(["extno.dmarc.test"])
    auth = {d["host"]: d["authorization"] for d in report["report_destinations"]}
    assert auth == {"reports.dmarcrpt.test": "authorized", "noauth.dmarcrpt.test": "unauthorized"}
    (finding,) = report["findings"]
    assert finding["evidence"]["name"] == "extno.dmarc.test._report._dmarc.noauth.dmarcrpt.test"
    _, wild = run_zone(["extwild.dmarc.test"])
    assert wild["report_destinations"][0]["name"] == "*._report._dmarc.wild.dmarcrpt.test"


def test_a_cname_loop_is_a_finding_not_a_traceback() -> None:
    _, report = run_zone(["loop.dmarc.test"])
    (finding,) = report["findings"]
    assert "CNAME loop" in finding["message"]


def test_syntax_problems_are_listed() -> None:
    _, report = run_zone(["syntax.dmarc.test"])
    syntax = next(f for f in report["findings"] if f["code"] == "dmarc.syntax")
    problems = syntax["evidence"]["problems"]
    assert "duplicate tag p=" in problems and "invalid value p=rejekt" in problems
    assert any("malformed tag" in p for p in problems)


def test_text_and_markdown_render() -> None:
    result = CliRunner().invoke(cli, ["dmarc", "np.dmarc.test", *ZONE_ARGS])
    assert result.exit_code == 0
    assert "policy (non-existent subdomains)  none" in result.stdout
    md = CliRunner().invoke(cli, ["dmarc", "np.dmarc.test", *ZONE_ARGS, "--format", "markdown"])
    assert "| policy (existing subdomains) | quarantine |" in md.stdout


@pytest.mark.parametrize("args", [["bad domain"], ["192.0.2.1"],
                                  ["reject.dmarc.test", "--mail-from", "a b"],
                                  ["reject.dmarc.test", "--dkim-domain", ""]])
def test_bad_input_is_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["dmarc", *args, *ZONE_ARGS])
    assert result.exit_code == 2 and "invalid" in result.stderr
