"""`triage check` on bad input and broken DNS, end to end over the real-DNS world.

Half the lookups timing out still gives a report that says what is inconclusive; a
resolver that never answers is exit 3 in bounded time; an unreadable deferral file is an
input error (exit 2, one line, no report) found before any query leaves; a log with no
recognisable line is said so, not taken for "no deferrals".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from triage.schema import load_schema

# treyresearch.example (fixtures/world/zones/treyresearch.example.zone): its SPF include,
# DMARC record, DKIM selector and the PTR name of 192.0.2.33 all live in timeout.test
HALF_DEAD = ["check", "treyresearch.example", "--ip", "192.0.2.33", "--selector", "selector1"]
CLEAN = ["check", "lucerne.example", "--ip", "192.0.2.32", "--helo", "mail.lucerne.example",
         "--selector", "s2026"]
PASSWD = "".join(
    f"{user}:x:{uid}:{uid}:{user}:/home/{user}:/bin/sh\n"
    for uid, user in enumerate(["root", "daemon", "bin", "sys", "sync", "games", "man", "lp"])
)


def _validate(report: dict[str, Any]) -> None:
    Draft202012Validator(load_schema(),
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(report)


def test_half_the_lookups_timing_out_is_a_report_that_marks_them(world: Any) -> None:
    started = time.monotonic()
    result = world.run([*HALF_DEAD, "--format", "json"], dns_timeout=1)
    elapsed = time.monotonic() - started
    assert result.stdout.strip(), result.stderr
    report = result.json()
    verdict = report["verdict"]
    context = f"{verdict}\n{[(f['code'], f['severity']) for f in report['findings']]}"
    # a timeout is never "record missing", "not authorized" or healthy
    assert verdict["action"] == "wait", context
    assert verdict["rule"] == "wait.inconclusive", context
    assert {"spf", "dkim", "dmarc", "rdns"} <= set(verdict["inconclusive"]), context
    assert "dnsbl" not in verdict["inconclusive"], context  # the DNSBLs did answer
    codes = {f["code"] for f in report["findings"]}
    assert "verdict.inconclusive" in codes, context
    assert not codes & {"dmarc.missing", "rdns.missing", "dkim.key_missing",
                        "dkim.no_selector_found", "spf.missing"}, context
    assert result.code == 1, context
    assert elapsed < 30, f"{elapsed:.1f} s"
    _validate(report)
    # the checks table says the same: what timed out is inconclusive, never pass or fail
    status = {row["check"]: row["status"] for row in report["overview"]}
    for part in ("spf", "dkim", "dmarc", "rdns"):
        assert status[part] == "inconclusive", (part, report["overview"])
    # the HELO (the PTR name, in timeout.test) could not be looked up either
    assert status["helo"] != "pass", report["overview"]
    assert status["dnsbl"] == "pass", report["overview"]


def test_half_the_lookups_timing_out_in_text(world: Any) -> None:
    result = world.run(HALF_DEAD, dns_timeout=1)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines and lines[0].startswith("VERDICT:"), result.stdout
    assert "inconclusive" in result.stdout.lower()


def test_a_resolver_that_never_answers_is_exit_3_in_bounded_time(world: Any) -> None:
    started = time.monotonic()
    result = world.run(CLEAN, nameservers=[world.blackhole], dns_timeout=1, limit=60)
    elapsed = time.monotonic() - started
    assert result.code == 3, (result.stdout, result.stderr)
    assert elapsed < 20, f"{elapsed:.1f} s"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_unreadable_deferral_file_is_exit_2_before_any_query(world: Any, tmp_path: Path,
                                                                kind: str) -> None:
    path = tmp_path / "maillog"
    if kind == "directory":
        path.mkdir()
    started = time.monotonic()
    # the blackhole makes any query that did leave cost the whole 5 s timeout
    result = world.run([*CLEAN, "--deferrals", str(path)], nameservers=[world.blackhole],
                       dns_timeout=5, limit=60)
    elapsed = time.monotonic() - started
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "maillog" in lines[0]
    assert "Traceback" not in result.stderr
    assert elapsed < 4, f"{elapsed:.1f} s: a query went out before the input was read"


def test_a_log_with_no_recognisable_line_is_said_so(world: Any, tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text(PASSWD, encoding="utf-8")
    result = world.run([*CLEAN, "--deferrals", str(passwd), "--format", "json"])
    report = result.json()
    verdict = report["verdict"]
    codes = {f["code"] for f in report["findings"]}
    assert "deferrals.unrecognised" in codes, codes
    assert report["deferrals"] is not None
    assert verdict["action"] != "healthy", verdict
    assert "deferrals" in verdict["inconclusive"], verdict
    assert result.code == 1
    _validate(report)
