"""``triage check`` through the CLI on the bundled zone files (``--offline``): inputs,
defaults, output options and exit codes. The scenario worlds through real DNS servers
are in test_check_scenarios.py."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from triage.cli import cli

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
LOGS = FIX / "logs"
OFFLINE = ["--offline", *[a for p in sorted((FIX / "demo").glob("*.zone"))
                          + sorted((FIX / "dnsbl").glob("*.zone")) for a in ("--zone", str(p))]]
SENDER = ["example.com", "--ip", "192.0.2.10"]


def check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args])


def report(*args: str, codes: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
    result = check(*args, "--format", "json")
    assert result.exit_code in codes, (result.exit_code, result.stderr, result.stdout[-800:])
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def microsoft_only(tmp_path: Path) -> Path:
    """The real Postfix log, only the lines of messages that went to Microsoft 365 tenants
    and were deferred or delivered (the two blocked ones left out)."""
    lines = (LOGS / "postfix" / "maillog").read_text(encoding="utf-8").splitlines(True)

    def queue_id(line: str) -> str:
        return line.split(": ")[1].split(":")[0]

    bounced = {queue_id(ln) for ln in lines if "status=bounced" in ln}
    queue_ids = {queue_id(ln) for ln in lines
                 if "mail.protection.outlook.com" in ln and "status=" in ln} - bounced
    kept = [ln for ln in lines if any(f" {q}: " in ln for q in queue_ids)]
    path = tmp_path / "microsoft.log"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_clean_sender_without_sample_is_healthy() -> None:
    r = report(*SENDER, *OFFLINE, codes=(0,))
    assert r["verdict"]["action"] == "healthy"
    assert r["verdict"]["rule"] == "healthy" and r["verdict"]["reasons"] == []
    assert {row["check"]: row["status"] for row in r["overview"]} == {
        "spf": "pass", "dkim": "pass", "dmarc": "pass", "rdns": "pass", "helo": "pass",
        "dnsbl": "pass", "snds": "skipped", "posture": "pass", "deferrals": "skipped"}
    assert r["deferrals"] is None and r["checks"]["snds"] is None


def test_helo_defaults_to_the_one_ptr_name() -> None:
    r = report(*SENDER, *OFFLINE)
    assert r["input"]["helo"] is None
    ptr = r["checks"]["rdns"]["ptr"]
    assert len(ptr) == 1
    assert r["checks"]["rdns"]["helo"]["name"] == ptr[0]
    assert r["checks"]["ips"][0]["helo_source"] == "ptr"


def test_several_ips_each_get_spf_rdns_and_dnsbl() -> None:
    r = report("example.com", "--ip", "192.0.2.10", "--ip", "192.0.2.99", *OFFLINE)
    assert [ip["ip"] for ip in r["checks"]["ips"]] == ["192.0.2.10", "192.0.2.99"]
    assert r["checks"]["spf"] == r["checks"]["ips"][0]["spf"]
    second = r["checks"]["ips"][1]
    assert second["spf"]["ip"] == "192.0.2.99" and second["spf"]["result"] != "pass"
    assert r["verdict"]["action"] == "fix-sender"  # the second IP is not authorized
    assert "spf.ip_not_authorized" in r["verdict"]["reasons"]
    assert any("192.0.2.99" in s for s in r["verdict"]["steps"])


def test_microsoft_throttling_for_a_clean_sender_waits_and_exits_0(tmp_path: Path) -> None:
    log = microsoft_only(tmp_path)
    for fail_on in ("error", "warning"):
        result = check(*SENDER, *OFFLINE, "--deferrals", str(log), "--format", "json",
                       "--fail-on", fail_on)
        r = json.loads(result.stdout)
        assert r["verdict"]["action"] == "wait", r["verdict"]
        assert r["verdict"]["provider"] == "microsoft-365"
        assert result.exit_code == 0, (fail_on, [f["code"] for f in r["findings"]])
    assert any(s.startswith("Postfix:") for s in r["verdict"]["steps"])
    assert "deferrals.throttling" in r["verdict"]["reasons"]


def test_window_option_turns_a_long_streak_into_escalation(tmp_path: Path) -> None:
    log = microsoft_only(tmp_path)
    minutes = report(*SENDER, *OFFLINE, "--deferrals", str(log))[
        "deferrals"]["by_provider"]["microsoft-365"]["streak"]["minutes"]
    assert minutes > 1
    r = report(*SENDER, *OFFLINE, "--deferrals", str(log), "--window", "1")
    streak = r["deferrals"]["by_provider"]["microsoft-365"]["streak"]
    retries = r["deferrals"]["by_provider"]["microsoft-365"]["retries"]
    recovered = streak["recovered"] or (retries["later_delivered"] and not retries["still_pending"])
    assert r["verdict"]["action"] == ("wait" if recovered else "escalate"), (streak, retries)


def test_auth_bounces_in_a_real_log_are_the_senders_to_fix() -> None:
    r = report(*SENDER, *OFFLINE, "--deferrals", str(LOGS / "postfix" / "maillog"))
    assert r["verdict"]["action"] == "fix-sender"
    assert r["verdict"]["rule"] == "fix-sender.auth"
    assert r["verdict"]["reasons"] == ["deferrals.auth_required"]


def test_text_puts_the_verdict_first_and_brief_keeps_one_step() -> None:
    full = check(*SENDER, *OFFLINE, "--deferrals", str(LOGS / "postfix" / "maillog")).stdout
    brief = check(*SENDER, *OFFLINE, "--deferrals", str(LOGS / "postfix" / "maillog"),
                  "--brief").stdout
    assert full.lstrip().startswith("VERDICT: FIX-SENDER")
    assert brief.lstrip().startswith("VERDICT: FIX-SENDER")
    assert len(brief) < len(full) and "Findings" not in brief
    assert "2." not in brief.split("check ")[0]  # one step only before the table
    for text in (full, brief):
        assert not any(w in text for w in ("None", "True", "False", "['"))
        assert max(len(line) for line in text.splitlines()) <= 80


def test_a_fix_that_is_a_next_step_is_said_once_and_referred_to(tmp_path: Path) -> None:
    log = str(LOGS / "postfix" / "maillog")
    r = report(*SENDER, *OFFLINE, "--deferrals", log)
    auth = next(f for f in r["findings"] if f["code"] == "deferrals.auth_required")
    step = r["verdict"]["steps"].index(auth["fix"]) + 1  # the verdict's step is that fix
    text = " ".join(check(*SENDER, *OFFLINE, "--deferrals", log).stdout.split())
    assert text.count(" ".join(auth["fix"].split())[:80]) == 1
    assert f"deferrals.auth_required: 3 deferral(s)/bounce(s) of class auth: " \
           f"authentication required (spf, dkim, dmarc, ptr). fix: see Next, step {step}." in text
    out = tmp_path / "package.md"
    check(*SENDER, *OFFLINE, "--deferrals", log, "--format", "markdown", "--output", str(out))
    md = out.read_text(encoding="utf-8")
    assert f"Fix: see next step {step}." in md
    assert " ".join(md.split()).count("publish a PTR for the sending IP") == 1


def test_markdown_is_the_escalation_package(tmp_path: Path) -> None:
    out = tmp_path / "evidence.md"
    chart = tmp_path / "timeline.svg"
    result = check(*SENDER, *OFFLINE, "--deferrals", str(LOGS / "samples" / "replies.txt"),
                   "--format", "markdown", "--output", str(out), "--chart", str(chart))
    assert result.exit_code == 1, result.stderr  # a Microsoft block is an error finding
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "example.com" in text.splitlines()[0]
    assert "escalate" in text.lower() and "S3140" in text or "5.7.6" in text
    assert chart.read_text(encoding="utf-8").startswith(("<svg", "<?xml"))
    assert "timeline.svg" in text


@pytest.mark.parametrize(("args", "message"), [
    (["example.com"], "--ip"),
    (["example.com", "--ip", "300.1.1.1"], "300.1.1.1"),
    (["exa mple.com", "--ip", "192.0.2.10"], "invalid domain"),
    (["example.com", "--ip", "192.0.2.10", "--selector", "bad selector!"], "selector"),
    (["example.com", "--ip", "192.0.2.10", "--deferrals", "/nonexistent/mail.log"], "nonexistent"),
    (["example.com", "--ip", "192.0.2.10", "--message", "/nonexistent/m.eml"], "nonexistent"),
    (["example.com", "--ip", "192.0.2.10", "--watch-rate", "6", "--act-rate", "5"], "act-rate"),
])
def test_bad_input_is_exit_2_with_one_line_before_any_query(args: list[str], message: str) -> None:
    start = time.monotonic()
    # a resolver that never answers: any query would cost the whole timeout
    result = check(*args, "--nameserver", "127.0.0.1:9", "--timeout", "3")
    assert time.monotonic() - start < 2.5
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_and_chart_are_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    for extra in (["--output", str(missing / "r.json")], ["--chart", str(missing / "c.svg")]):
        result = check(*SENDER, *OFFLINE, "--deferrals", str(LOGS / "samples" / "ses.json"),
                       *extra)
        assert result.exit_code == 3, (extra, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_unreachable_dns_is_exit_3_in_bounded_time() -> None:
    start = time.monotonic()
    result = check(*SENDER, "--nameserver", "127.0.0.1:9", "--timeout", "0.3", "--format", "json")
    assert time.monotonic() - start < 15
    assert result.exit_code == 3, result.stderr
    r = json.loads(result.stdout)
    assert r["verdict"]["action"] != "healthy"
    assert set(r["verdict"]["inconclusive"]) >= {"spf", "dkim", "dmarc", "rdns", "dnsbl"}
    assert "spf.ip_not_authorized" not in r["verdict"]["reasons"]  # not proven by a timeout


def test_a_log_with_no_recognised_line_is_inconclusive(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/sh\n")
    r = report(*SENDER, *OFFLINE, "--deferrals", str(passwd), codes=(1,))
    assert r["verdict"]["action"] != "healthy"
    assert "deferrals" in r["verdict"]["inconclusive"]
    codes = {f["code"] for f in r["findings"]}
    assert {"deferrals.unrecognised", "verdict.inconclusive"} <= codes


def test_a_key_typed_into_another_option_is_never_echoed() -> None:
    for flag in ("--snds-key", "--dnsbl-key"):
        result = check("example.com", "--ip", "SECRETKEY123", flag, "SECRETKEY123", *OFFLINE)
        assert result.exit_code == 2
        assert "SECRETKEY123" not in result.stderr + result.stdout
        assert "[key]" in result.stderr
