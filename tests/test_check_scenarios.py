"""Every scenario of tests/scenarios.toml through `triage check`, over real DNS.

Each scenario is a sending domain set up the way people set them up (Microsoft 365
includes and DKIM CNAMEs, ESPs, DMARC at the organisational domain), served by NSD,
unbound and rbldnsd from fixtures/world/, with a deferral sample written by a real
Postfix (fixtures/logs/). The expectations are data: the verdict's action, rule, the
reasons that must be present and the exit code. Every JSON report must meet the shipped
schema; every text report must open with the verdict and never show a Python repr.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from triage.schema import load_schema

ROOT = Path(__file__).parent.parent
SCENARIOS_FILE = Path(__file__).parent / "scenarios.toml"
ACTIONS = {"healthy", "wait", "fix-sender", "escalate"}
PARTS = {"spf", "dkim", "dmarc", "rdns", "dnsbl", "deferrals"}
REPR = re.compile(r"\b(None|True|False)\b|\['")
_KEYS = {"name", "about", "domain", "ips", "helo", "mail_from", "selectors", "deferrals",
         "timeout", "expect"}
_EXPECT_KEYS = {"action", "rule", "reasons", "exit", "provider", "inconclusive"}


@dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    domain: str
    ips: tuple[str, ...]
    helo: str | None
    mail_from: str | None
    selectors: tuple[str, ...]
    deferrals: tuple[str, ...]
    timeout: float | None
    expect: dict[str, Any]

    def args(self) -> list[str]:
        """The `triage check` argv (without --nameserver, which world.run adds)."""
        argv = ["check", self.domain]
        for ip in self.ips:
            argv += ["--ip", ip]
        if self.helo:
            argv += ["--helo", self.helo]
        if self.mail_from:
            argv += ["--mail-from", self.mail_from]
        for selector in self.selectors:
            argv += ["--selector", selector]
        for path in self.deferrals:
            argv += ["--deferrals", path]
        return argv


def load_scenarios(path: Path = SCENARIOS_FILE) -> list[Scenario]:
    """Read the file; unknown keys are refused (a typo must not silently drop a check)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for row in data["scenario"]:
        unknown = set(row) - _KEYS
        assert not unknown, f"{row.get('name')}: unknown keys {sorted(unknown)}"
        expect = row["expect"]
        unknown = set(expect) - _EXPECT_KEYS
        assert not unknown, f"{row['name']}: unknown expect keys {sorted(unknown)}"
        out.append(Scenario(
            name=row["name"], about=row["about"], domain=row["domain"],
            ips=tuple(row["ips"]), helo=row.get("helo"), mail_from=row.get("mail_from"),
            selectors=tuple(row.get("selectors", ())),
            deferrals=tuple(row.get("deferrals", ())), timeout=row.get("timeout"),
            expect=expect,
        ))
    return out


SCENARIOS = load_scenarios()
IDS = [s.name for s in SCENARIOS]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_scenario_file_is_complete() -> None:
    """Names are unique, every log exists, every expectation is one the verdict can give."""
    assert len(set(IDS)) == len(IDS)
    actions = set()
    for s in SCENARIOS:
        assert s.expect["action"] in ACTIONS, s.name
        assert s.expect["rule"].split(".")[0] == s.expect["action"], s.name
        assert s.expect["exit"] in (0, 1), s.name
        assert set(s.expect.get("inconclusive", [])) <= PARTS, s.name
        for path in s.deferrals:
            assert (ROOT / path).is_file(), f"{s.name}: {path} is missing"
        actions.add(s.expect["action"])
    assert actions == ACTIONS  # every verdict is shown by at least one scenario


def test_every_scenario_domain_is_served_by_the_world(world: Any) -> None:
    zones = set(world.zones)
    for s in SCENARIOS:
        labels = s.domain.split(".")
        parents = {".".join(labels[i:]) for i in range(len(labels))}
        assert parents & zones, f"{s.name}: no zone of the world serves {s.domain}"


def _run(world: Any, scenario: Scenario, *extra: str) -> Any:
    return world.run([*scenario.args(), *extra], dns_timeout=scenario.timeout)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_check_gives_the_expected_verdict(world: Any, scenario: Scenario,
                                          validator: Draft202012Validator) -> None:
    result = _run(world, scenario, "--format", "json")
    assert result.stdout.strip(), f"no report; stderr: {result.stderr}"
    report = result.json()
    verdict = report["verdict"]
    found = {f["code"]: f["severity"] for f in report["findings"]}
    context = (f"{scenario.name} ({scenario.about}): verdict {verdict}\nfindings {found}\n"
               f"stderr {result.stderr}")
    expect = scenario.expect
    assert verdict["action"] == expect["action"], context
    assert verdict["rule"] == expect["rule"], context
    missing = set(expect["reasons"]) - set(verdict["reasons"])
    assert not missing, f"reasons {sorted(missing)} missing; {context}"
    assert set(verdict["reasons"]) <= set(found), context  # a reason is a finding's code
    assert verdict["inconclusive"] == expect.get("inconclusive", []), context
    if "provider" in expect:
        assert verdict["provider"] == expect["provider"], context
    assert verdict["steps"] or expect["action"] == "healthy", context
    assert result.code == expect["exit"], context
    validator.validate(report)
    assert report["command"] == "check"
    assert report["input"]["domain"] == scenario.domain
    assert report["input"]["ips"] == list(scenario.ips)
    assert [row["ip"] for row in report["checks"]["ips"]] == list(scenario.ips)
    assert (report["deferrals"] is None) == (not scenario.deferrals)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_check_text_opens_with_the_verdict(world: Any, scenario: Scenario) -> None:
    result = _run(world, scenario)
    assert result.code == scenario.expect["exit"], result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines, f"no text report; stderr: {result.stderr}"
    assert lines[0].startswith("VERDICT:"), result.stdout
    assert scenario.expect["action"] in lines[0].lower(), lines[0]
    reprs = [line for line in lines if REPR.search(line)]
    assert not reprs, "\n".join(reprs)


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.expect["action"] == "healthy"],
                         ids=lambda s: s.name)
def test_a_healthy_sender_has_no_error_and_nothing_inconclusive(world: Any,
                                                                 scenario: Scenario) -> None:
    report = _run(world, scenario, "--format", "json").json()
    errors = [f["code"] for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    assert report["verdict"]["reasons"] == []
    spf = report["checks"]["spf"]
    assert spf["result"] == "pass"
    assert report["checks"]["rdns"]["fcrdns"] is True
    assert {s["status"] for s in report["checks"]["dkim"]["selectors"]} == {"valid"}


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.expect["action"] == "escalate"],
                         ids=lambda s: s.name)
def test_an_escalation_package_carries_the_evidence(world: Any, scenario: Scenario) -> None:
    """`--format markdown` is what goes to Microsoft: the verdict, the replies, no reprs."""
    result = _run(world, scenario, "--format", "markdown")
    assert result.code == scenario.expect["exit"], result.stderr
    text = result.stdout
    assert text.startswith("# "), text[:200]
    assert "ESCALATE" in text
    assert scenario.domain in text and scenario.ips[0] in text
    tokens = {"m365-sustained": "S77714", "olc-block": "S3140"}
    assert tokens.get(scenario.name, "") in text
    reprs = [line for line in text.splitlines() if REPR.search(line)]
    assert not reprs, "\n".join(reprs)


DEMO = ROOT / "fixtures" / "demo"
DEMO_ZONES = [arg for zone in sorted(DEMO.glob("*.zone")) + sorted(DEMO.glob("dnsbl/*.zone"))
              for arg in ("--zone", str(zone))]
DEMO_RUNS = [
    (["check", "example.com", "--ip", "192.0.2.10", "--helo", "mail.example.com",
      "--selector", "selector1", "--deferrals", str(DEMO / "logs" / "maillog")],
     "wait", "wait.receiver-pressure", 0),
    (["check", "example.org", "--ip", "192.0.2.20", "--helo", "mail.example.org",
      "--selector", "s2026"], "healthy", "healthy", 0),
]


@pytest.mark.parametrize(("argv", "action", "rule", "code"), DEMO_RUNS,
                         ids=["demo-wait", "demo-healthy"])
def test_the_bundled_demo_scenarios(argv: list[str], action: str, rule: str, code: int) -> None:
    """fixtures/demo/run.sh's two checks, offline: a real Postfix log that says wait, and a
    clean sender that says healthy."""
    done = subprocess.run([sys.executable, "-m", "triage", *argv, "--offline", *DEMO_ZONES,
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)
    report = json.loads(done.stdout)
    assert (report["verdict"]["action"], report["verdict"]["rule"]) == (action, rule), report
    assert report["verdict"]["inconclusive"] == []
    assert done.returncode == code, done.stderr


def test_the_demo_script_shows_wait_then_healthy() -> None:
    done = subprocess.run(["sh", str(DEMO / "run.sh")], capture_output=True, text=True,
                          env={**os.environ, "PYTHON": sys.executable}, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    verdicts = [line.split(" —")[0] for line in done.stdout.splitlines()
                if line.startswith("VERDICT:")]
    assert verdicts == ["VERDICT: WAIT", "VERDICT: HEALTHY"], done.stdout
    assert "Traceback" not in done.stderr
    assert str(DEMO) not in done.stdout  # the shown commands use short paths
