"""Bad input: never a traceback, never a line counted twice, samples sanitized."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals import InputUnreadable, analyse

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GOOD = ("Nov 23 11:24:00 sender postfix/smtp[1]: AB12: to=<a@contoso.com>, relay=contoso-com."
        "mail.protection.outlook.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=4.7.500, "
        "status=deferred (host x[1.2.3.4] said: 451 4.7.500 Server busy. (S77714) (in reply "
        "to RCPT TO command))\n")


def run(path: Path) -> dict[str, Any]:
    return analyse([str(path)], NOW).to_dict()


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "bin"
    p.write_bytes(os.urandom(4096).replace(b"\n", b"\x00") + b"\n" + bytes(range(256)))
    body = run(p)
    assert body["totals"]["unparsed_lines"] >= 1
    assert body["totals"]["attempts"] == 0


def test_huge_line_then_good_line(tmp_path: Path) -> None:
    p = tmp_path / "maillog"
    p.write_bytes(GOOD.encode() + b"x" * (10 << 20) + b"\n" + GOOD.encode())
    body = run(p)
    t = body["totals"]
    assert t["deferred"] == 2 and t["unparsed_lines"] == 1
    assert len(body["inputs"][0]["error"] or "") == 0


def test_invalid_utf8_and_escapes(tmp_path: Path) -> None:
    p = tmp_path / "maillog"
    bad = GOOD.replace("Server busy.", "Server \x1b[31mbusy\x1b[0m \udcff.")
    p.write_bytes(bad.encode("utf-8", "surrogateescape") + GOOD.encode())
    body = run(p)
    assert body["totals"]["deferred"] == 2
    dumped = repr(body)
    assert "\x1b" not in dumped


def test_truncated_gzip(tmp_path: Path) -> None:
    p = tmp_path / "maillog.gz"
    p.write_bytes(gzip.compress((GOOD * 200).encode())[:-40])
    body = run(p)
    assert body["inputs"][0]["error"]
    assert body["totals"]["unparsed_lines"] >= 1


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty"
    p.write_bytes(b"")
    body = run(p)
    assert body["inputs"][0]["format"] == "empty"
    assert body["totals"]["attempts"] == 0
    assert body["timeline"] == [] and body["window"]["first_seen"] is None


@pytest.mark.parametrize("text", ['[1, 2, "x"]', '{"eventType": 5}', '[{"RecordType": []}]',
                                  '{"type": "TransientFailure", "response": "x"}\n{"type": 1}'])
def test_json_of_the_wrong_shape(tmp_path: Path, text: str) -> None:
    p = tmp_path / "events.json"
    p.write_text(text)
    body = run(p)
    assert body["totals"]["attempts"] + body["totals"]["unparsed_lines"] >= 1


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(InputUnreadable):
        analyse([str(tmp_path / "missing")], NOW)
    result = CliRunner().invoke(cli, ["deferrals", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["deferrals", str(tmp_path)])
    assert result.exit_code == 2
