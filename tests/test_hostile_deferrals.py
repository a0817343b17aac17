"""The log reader on hostile input: out-of-range time stamps, a CSV field over the csv
module's limit, a truncated .gz, a file that is no mail log, and a UTC log merged with an
unzoned one. Never a traceback; every line counted once; the damage said in every format."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals import analyse
from triage.report.deferral_phrases import duration

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[1]
SUSTAINED = REPO / "fixtures" / "logs" / "m365-sustained" / "maillog"
POSTFIX = ("Nov 23 11:{m:02d}:00 sender postfix/smtp[1]: AB{n:04X}: to=<u{n}@contoso.com>, "
           "relay=contoso-com.mail.protection.outlook.com[1.2.3.4]:25, delay=1, "
           "delays=0/0/0/1, dsn=4.7.500, status=deferred (host x[1.2.3.4] said: 451 4.7.500 "
           "Server busy. (S77714) (in reply to RCPT TO command))\n")


def cli_run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exc_info
    assert "Traceback" not in res.output
    return res.exit_code, res.output


def body(path: Path) -> dict[str, Any]:
    return analyse([str(path)], NOW).to_dict()


def sendgrid(ts: Any) -> str:
    return json.dumps({"event": "deferred", "timestamp": ts, "email": "a@gmail.com",
                       "sg_event_id": "x", "response": "421 4.7.0 Try again later \x1b[2J"})


@pytest.mark.parametrize("stamp", [1e300, -1e300, 99999999999999999, "9999999-01-01T00:00:00Z",
                                   "9999-12-31T23:59:59-14:00", 10**400])
def test_esp_stamp_out_of_range_is_unparsed(tmp_path: Path, stamp: Any) -> None:
    path = tmp_path / "events.jsonl"
    raw = sendgrid(stamp) if not isinstance(stamp, int) or stamp < 10**300 else \
        sendgrid(0).replace('"timestamp": 0', f'"timestamp": {stamp}')
    path.write_text(sendgrid(1_763_900_000) + "\n" + raw + "\n")
    result = body(path)
    assert result["totals"]["attempts"] == 1 and result["totals"]["unparsed_lines"] == 1
    assert all("\x1b" not in s for s in result["unparsed_samples"])
    code, out = cli_run("deferrals", str(path))
    assert code in (0, 1) and "Unparsed lines" in out and "\\x1b[2J" in out


def test_esp_non_finite_stamps_in_json(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(sendgrid(1_763_900_000) + "\n"
                    + sendgrid(0).replace('"timestamp": 0', '"timestamp": 1e999') + "\n"
                    + sendgrid(0).replace('"timestamp": 0', '"timestamp": NaN') + "\n")
    assert body(path)["totals"]["unparsed_lines"] == 2


def test_pmta_field_over_the_csv_limit(tmp_path: Path) -> None:
    sample = (REPO / "fixtures" / "logs" / "samples" / "pmta.csv").read_text().splitlines()
    header, rows = sample[0], sample[1:]
    huge = "t,2016-04-25 18:37:01+0000,x,a@example.net,b@contoso.com,,delayed,4.7.500,\"smtp;451 " \
        + "\x1b" + "A" * (200 << 10) + "\"\n"
    path = tmp_path / "acct.csv"
    path.write_text(header + "\n" + rows[0] + "\n" + huge + "\n".join(rows[1:]) + "\n")
    result = body(path)
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(sample) + "\n")
    assert result["totals"]["attempts"] == body(plain)["totals"]["attempts"]
    assert result["totals"]["unparsed_lines"] == 1
    assert result["unparsed_samples"][0].startswith("t,2016-04-25")
    assert len(result["unparsed_samples"][0]) < 3000 and "\x1b" not in result["unparsed_samples"][0]
    code, out = cli_run("deferrals", str(path))
    assert "Unparsed lines" in out


def _truncated(tmp_path: Path, lines: int, keep: float) -> tuple[Path, bytes]:
    data = "".join(POSTFIX.format(m=n % 60, n=n) for n in range(lines)).encode()
    packed = gzip.compress(data)
    path = tmp_path / "maillog.gz"
    path.write_bytes(packed[: int(len(packed) * keep)])
    return path, data


def _complete_lines_in(path: Path) -> int:
    out = b""
    with gzip.open(path, "rb") as handle:
        try:
            while chunk := handle.read1(1 << 16):
                out += chunk
        except EOFError:
            pass
    return out.count(b"\n")


@pytest.mark.parametrize(("lines", "keep"), [(40_000, 0.6), (200, 0.5), (5, 0.9)])
def test_truncated_gzip_keeps_every_complete_line(tmp_path: Path, lines: int, keep: float) -> None:
    path, _ = _truncated(tmp_path, lines, keep)
    result = body(path)
    complete = _complete_lines_in(path)
    assert complete > 0
    assert result["totals"]["deferred"] == complete
    assert result["inputs"][0]["error"] and "truncated" in result["inputs"][0]["error"]
    codes = [f.code for f in analyse([str(path)], NOW).findings]
    assert "deferrals.input_error" in codes
    for fmt in ("text", "markdown"):
        code, out = cli_run("deferrals", str(path), "--format", fmt)
        assert code == 1 and "deferrals.input_error" in out and "truncated" in out


def test_corrupt_gzip_in_the_middle(tmp_path: Path) -> None:
    data = "".join(POSTFIX.format(m=n % 60, n=n) for n in range(2000)).encode()
    packed = bytearray(gzip.compress(data))
    middle = len(packed) // 2
    packed[middle:middle + 64] = b"\xff" * 64
    path = tmp_path / "maillog.gz"
    path.write_bytes(bytes(packed))
    result = body(path)
    assert 0 < result["totals"]["deferred"] < 2000
    assert result["inputs"][0]["error"]


def test_whole_and_concatenated_gzip_are_unchanged(tmp_path: Path) -> None:
    data = "".join(POSTFIX.format(m=n % 60, n=n) for n in range(300)).encode()
    path = tmp_path / "maillog.gz"
    # an empty member, two full ones, then zero padding (as tape tools write it)
    path.write_bytes(gzip.compress(b"") + gzip.compress(data) + gzip.compress(data)
                     + b"\x00" * 16)
    result = body(path)
    assert result["totals"]["deferred"] == 600 and result["inputs"][0]["error"] is None


@pytest.mark.parametrize("content", [b"", b"root:x:0:0:root:/root:/bin/bash\n\x1b[2Jdaemon:x\n",
                                     bytes(range(256)) * 4])
def test_not_a_mail_log_is_an_error_with_samples(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notalog"
    path.write_bytes(content)
    code, out = cli_run("deferrals", str(path))
    assert code == 1 and "deferrals.unrecognised" in out
    if content:
        assert "Unparsed lines (sanitized)" in out and "\x1b" not in out


def test_utc_json_and_unzoned_syslog_are_not_merged_silently(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(sendgrid(1_700_000_000 + 60 * n) for n in range(3)) + "\n")
    result = analyse([str(events), str(SUSTAINED)], NOW)
    data = result.to_dict()
    zones = {Path(i["path"]).name: i["timezone"] for i in data["inputs"]}
    assert zones == {"events.jsonl": "UTC", "maillog": "unknown"}
    assert data["window"]["timezone"].startswith("mixed")
    assert not data["window"]["first_seen"].endswith("Z")
    mixed = [f for f in result.findings if f.code == "deferrals.mixed_timezones"]
    assert len(mixed) == 1 and "maillog" in mixed[0].message
    code, out = cli_run("deferrals", str(events), str(SUSTAINED))
    assert "deferrals.mixed_timezones" in out and "times without a zone" in out
    assert " min;" not in out.split("Window:")[1].split("\n")[0]  # a span of days, in days
    assert "days" in out.split("Window:")[1].split("\n")[0]


def test_one_zone_each_says_so(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(sendgrid(1_700_000_000) + "\n")
    data = analyse([str(events)], NOW).to_dict()
    assert data["inputs"][0]["timezone"] == "UTC" and data["window"]["timezone"] == "UTC"
    syslog = analyse([str(SUSTAINED)], NOW)
    assert syslog.to_dict()["inputs"][0]["timezone"] == "unknown"
    assert "deferrals.mixed_timezones" not in [f.code for f in syslog.findings]


@pytest.mark.parametrize(("minutes", "text"), [
    (4.1, "4.1 min"), (119.9, "119.9 min"), (200, "3 h 20 min"), (180, "3 h"),
    (1101799.1, "765 days 3 h"), (2880, "2 days"), (None, "unknown duration"),
])
def test_durations_read_in_hours_and_days(minutes: float | None, text: str) -> None:
    assert duration(minutes) == text


@pytest.mark.parametrize("block", [1 << 20, 4096])
def test_one_input_with_zoned_and_unzoned_stamps_says_mixed(tmp_path: Path,
                                                            block: int) -> None:
    """A central log whose hosts log differently: every other line restamped as rsyslog's
    RFC 3339 with an offset, the rest left syslog (no zone). However it is cut, the input
    is ``mixed`` (not whatever its last stamp was) and the mixed-clocks warning names it."""
    out = []
    for n, line in enumerate(SUSTAINED.read_bytes().splitlines(keepends=True)):
        if n % 2:
            month = b"%02d" % (b"JanFebMarAprMayJunJulAugSepOctNovDec".index(line[:3]) // 3 + 1)
            line = b"2026-" + month + b"-" + line[4:6] + b"T" + line[7:15] + b"+00:00" + line[15:]
        out.append(line)
    for last in (out[-1], out[-2]):  # the last line zoned, then unzoned: the same answer
        log = tmp_path / "maillog"
        log.write_bytes(b"".join([*out, last]))
        result = analyse([str(log)], NOW, block=block)
        data = result.to_dict()
        assert data["inputs"][0]["timezone"] == "mixed"
        assert data["window"]["timezone"].startswith("mixed")
        mixed = [f for f in result.findings if f.code == "deferrals.mixed_timezones"]
        assert len(mixed) == 1 and "mixes time stamps in UTC" in mixed[0].message
        assert mixed[0].evidence["utc"] == mixed[0].evidence["unknown"] == [str(log)]
