"""``deferrals.unrecognised``: an input in which no line is an MTA log record (or an empty
one) is an error, not a clean "no deferrals"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals import DeferralResult, analyse
from triage.findings import Finding, Severity

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
CODE = "deferrals.unrecognised"
PASSWD = ("root:x:0:0:root:/root:/bin/bash\n"
          "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          "postfix:x:101:103::/var/spool/postfix:/usr/sbin/nologin\n"
          "evil:x:1000:1000:\x1b[2J\x07:/home/evil:/bin/sh\n")


def unrecognised(result: DeferralResult) -> list[Finding]:
    return [f for f in result.findings if f.code == CODE]


def run(tmp_path: Path, name: str, data: bytes) -> DeferralResult:
    path = tmp_path / name
    path.write_bytes(data)
    return analyse([str(path)], NOW)


def test_a_passwd_file_is_not_a_mail_log(tmp_path: Path) -> None:
    result = run(tmp_path, "passwd", PASSWD.encode())
    assert not result.recognised and result.has_input_lines
    [finding] = unrecognised(result)
    assert finding.severity is Severity.ERROR and finding.check == "deferrals"
    assert "recognised as an MTA log" in finding.message
    assert finding.fix is not None and all(
        name in finding.fix for name in ("Postfix", "Exim", "PowerMTA", "KumoMTA", "SES"))
    [row] = finding.evidence["inputs"]
    assert row["path"].endswith("passwd") and row["format"] == "unknown" and row["lines"] == 4
    samples = finding.evidence["samples"]
    assert samples and samples[0].startswith("root:x:0:0")
    assert len(samples) <= 3
    assert "\x1b" not in json.dumps(finding.to_dict())


def test_a_binary_file_is_not_a_mail_log(tmp_path: Path) -> None:
    result = run(tmp_path, "blob", bytes(range(256)) * 64)
    assert not result.recognised and result.has_input_lines
    [finding] = unrecognised(result)
    dumped = json.dumps(finding.to_dict())
    assert "\\u0000" not in dumped and "\x1b" not in dumped


def test_an_empty_input_gets_the_same_finding(tmp_path: Path) -> None:
    result = run(tmp_path, "maillog", b"")
    assert not result.recognised and not result.has_input_lines
    [finding] = unrecognised(result)
    assert finding.severity is Severity.ERROR and "empty" in finding.message
    assert finding.evidence["inputs"][0]["format"] == "empty"


def test_a_mail_log_without_delivery_records(tmp_path: Path) -> None:
    """Postfix lines, but none with a status=: nothing to analyse either."""
    line = "Nov 23 11:30:00 mx postfix/qmgr[2]: 4F4B91601BB: removed\n"
    result = run(tmp_path, "maillog", (line * 20).encode())
    assert result.inputs[0].format == "postfix" and result.inputs[0].unparsed == 0
    assert not result.recognised and unrecognised(result)


@pytest.mark.parametrize("path", [LOGS / "postfix" / "maillog", LOGS / "exim" / "mainlog",
                                  *sorted((LOGS / "samples").iterdir())],
                         ids=lambda p: p.name)
def test_real_inputs_are_recognised(path: Path) -> None:
    result = analyse([str(path)], NOW)
    assert result.recognised and result.has_input_lines and not unrecognised(result)


def test_relogs_alone_are_recognised(tmp_path: Path) -> None:
    line = ("Nov 23 11:30:00 mx postfix/error[3]: AB12: to=<a@example.org>, relay=none, "
            "delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily "
            "suspended: connect to mx.example.org[127.0.0.1]:25: Connection refused)\n")
    result = run(tmp_path, "maillog", line.encode())
    assert result.totals.attempts == 0 and result.totals.relogs == 1
    assert result.recognised and not unrecognised(result)


def test_one_recognised_input_is_enough(tmp_path: Path) -> None:
    junk = tmp_path / "passwd"
    junk.write_text(PASSWD)
    result = analyse([str(junk), str(LOGS / "samples" / "replies.txt")], NOW)
    assert result.recognised and not unrecognised(result)


def test_cli_exits_1_and_reports_the_code(tmp_path: Path) -> None:
    junk = tmp_path / "passwd"
    junk.write_text(PASSWD)
    out = CliRunner().invoke(cli, ["deferrals", str(junk), "--format", "json"])
    assert out.exit_code == 1, out.output
    report = json.loads(out.output)
    assert report["findings"][0]["code"] == CODE
    assert report["totals"]["attempts"] == 0
