"""The Postfix reader's two ways agree: a minute's run of lines matched at once (runs)
and the line-by-line reader it leaves unusual runs to. Every log here is read both ways
and must give the same report, to the last field."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from loggen import generated_log

from triage.deferrals import analyse
from triage.deferrals.parsers import postfix, postfix_runs
from triage.deferrals.replykey import reply_key, reply_keys

ROOT = Path(__file__).parent.parent
LOGS = ROOT / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POSTFIX_LOGS = sorted(p / "maillog" for p in LOGS.iterdir()
                      if (p / "maillog").is_file() and p.name.startswith(("postfix", "m365",
                                                                            "olc")))
LINE = ("{stamp} mx postfix/{agent}[7]: {qid}: to=<{rcpt}>, relay={relay}, delay=1, "
        "delays=0/0/0/1, dsn={dsn}, status={status}\n")


def report(path: Path, *, runs: bool, block: int = 1 << 20) -> dict[str, Any]:
    """The report of ``path`` with minute runs on, or every line read one by one."""
    real = postfix_runs.read
    if not runs:
        postfix_runs.read = lambda *_: None  # type: ignore[assignment]
    try:
        result = analyse([str(path)], NOW, block=block)
    finally:
        postfix_runs.read = real
    return {"body": result.to_dict(), "findings": [f.code for f in result.findings]}


def spy_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each run read was taken at once (True) or left to the line reader."""
    taken: list[bool] = []
    real = postfix_runs.read

    def spy(chunk: bytes, start: int, end: int, second: int) -> postfix_runs.Run | None:
        run = real(chunk, start, end, second)
        taken.append(run is not None)
        return run

    monkeypatch.setattr(postfix_runs, "read", spy)
    return taken


@pytest.fixture(scope="module")
def bench_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_log(tmp_path_factory.mktemp("runs"), 30000)


def test_runs_and_lines_agree_on_the_generated_log(bench_log: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    taken = spy_runs(monkeypatch)
    fast = report(bench_log, runs=True)
    assert taken and all(taken)  # every minute of this log was read as a run
    monkeypatch.undo()
    assert fast["body"]["retries"]["later_delivered"] > 0 and fast["body"]["codes"]
    assert fast == report(bench_log, runs=False)


@pytest.mark.parametrize("path", POSTFIX_LOGS, ids=lambda p: p.parent.name)
def test_runs_and_lines_agree_on_logs_real_postfix_wrote(path: Path) -> None:
    assert report(path, runs=True) == report(path, runs=False)


def stamp(minute: int, second: int) -> str:
    return f"Nov 23 10:{minute:02d}:{second:02d}"


def record(minute: int, second: int, n: int, status: str, agent: str = "smtp",
           rcpt: str | None = None, relay: str = "mx.example.net[192.0.2.9]:25") -> str:
    dsn = {"sent": "2.0.0", "deferred": "4.7.0", "bounced": "5.1.1"}[status.split()[0]]
    text = {"sent": "sent (250 ok)",
            "deferred": f"deferred (host mx.example.net[192.0.2.9] said: 451 4.7.0 try later "
                        f"id{n}x{n} - gsmtp (in reply to RCPT TO command))",
            "bounced": f"bounced (host mx.example.net[192.0.2.9] said: 550 5.1.1 <u{n}@example."
                       f"net>: no such user (in reply to RCPT TO command))"}[status]
    return LINE.format(stamp=stamp(minute, second), agent=agent, qid=f"Q{n:08X}",
                       rcpt=rcpt or f"u{n}@example.net", relay=relay, dsn=dsn, status=text)


def test_unusual_lines_fall_back_and_still_agree(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Out-of-order minutes, local agents, expiries, relogs, two "@", no "@", a second
    status= in a reply, a malformed second, a <PRI> prefix, RFC 3339 stamps, a line
    without a stamp: each run with one of them goes line by line, the rest as runs."""
    rng = random.Random(11)
    lines = []
    for n in range(3000):
        minute = min(59, n // 60)
        lines.append(record(minute, n % 60, n, rng.choice(["sent", "sent", "deferred",
                                                            "bounced"])))
        if n % 7 == 0:  # a retry of an earlier recipient, delivered or deferred again
            lines.append(record(minute, n % 60, n - 7, rng.choice(["sent", "deferred"])))
    odd = [
        record(3, 1, 90001, "sent")[:-1] + " (another status=sent here)\n",
        record(5, 2, 90002, "sent", agent="local"),
        record(7, 3, 90003, "deferred", agent="virtual"),
        f"{stamp(9, 4)} mx postfix/qmgr[5]: Q0000DEAD: from=<a@b.example>, status=expired, "
        "returned to sender\n",
        record(11, 5, 90004, "deferred", agent="error").replace(
            "host mx.example.net[192.0.2.9] said:", "delivery temporarily suspended: host "
            "mx.example.net[192.0.2.9] said:"),
        record(13, 6, 90005, "sent", rcpt="a@b@example.net"),
        record(15, 7, 90006, "deferred", rcpt="postmaster"),
        record(17, 8, 90007, "deferred").replace(":08 mx", ":x8 mx"),
        "<22>" + record(19, 9, 90008, "sent"),
        record(21, 10, 90009, "bounced").replace("Nov 23 10:21:10", "2026-11-23T10:21:10Z"),
        "not a log line at all\n",
        record(2, 59, 90010, "deferred"),  # logged late, in minute 25's run
    ]
    for i, line in enumerate(odd):
        lines.insert((i + 1) * 230, line)
    log = tmp_path / "maillog"
    log.write_text("".join(lines))
    taken = spy_runs(monkeypatch)
    fast = report(log, runs=True)
    assert True in taken and False in taken  # both ways were used
    monkeypatch.undo()
    slow = report(log, runs=False)
    assert fast == slow
    assert fast["body"]["totals"]["relogs"] == 1 and fast["body"]["retries"]["later_delivered"]
    for block in (97, 4093):
        assert report(log, runs=True, block=block) == slow


def as_rfc3339(line: bytes, n: int, zone: bytes = b"+01:00") -> bytes:
    """``line`` with its syslog stamp written by rsyslog's high-precision template (the
    default on recent Debian and Ubuntu), with a fraction of 0, 3 or 6 digits."""
    month = b"%02d" % (b"JanFebMarAprMayJunJulAugSepOctNovDec".index(line[:3]) // 3 + 1)
    fraction = (b"", b".%03d" % (n % 1000), b".%06d" % (n * 7919 % 1000000))[n % 3]
    return (b"2026-" + month + b"-%02d" % int(line[4:6]) + b"T" + line[7:15] + fraction
            + zone + line[15:])


def test_runs_and_lines_agree_on_rfc3339_stamps(bench_log: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """rsyslog's RFC 3339 stamps are read a minute and zone at a time, too. A second host
    logging in another zone into the same file, and a malformed second, end a run there
    (the line reader takes the malformed one); the report is the same both ways."""
    lines = bench_log.read_bytes().splitlines(keepends=True)
    out = [as_rfc3339(line, n) for n, line in enumerate(lines)]
    for n in range(500, len(out), 997):
        out[n] = as_rfc3339(lines[n], n, b"-05:00")  # another host's zone
    out[700] = out[700][:17] + b"x" + out[700][18:]
    log = tmp_path / "maillog"
    log.write_bytes(b"".join(out))
    taken = spy_runs(monkeypatch)
    fast = report(log, runs=True)
    minutes = len({line[:16] for line in out})
    assert all(taken) and len(taken) > minutes  # the other zone's lines are runs of their own
    monkeypatch.undo()
    assert fast == report(log, runs=False)
    local = report(bench_log, runs=True)["body"]["window"]["first_seen"]
    first = datetime.fromisoformat(local) - timedelta(hours=1)  # +01:00 to UTC
    assert fast["body"]["window"]["first_seen"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_line_in_another_zone_ends_the_run() -> None:
    lines = [as_rfc3339(f"{stamp(1, s)} mx postfix/qmgr[1]: x\n".encode(), s)
             for s in range(6)]
    lines[3] = as_rfc3339(lines[3][:0] + f"{stamp(1, 3)} mx postfix/qmgr[1]: x\n".encode(), 3,
                          b"Z")
    chunk = b"".join(lines)
    end, minute, count = postfix_runs.find(chunk, 0, len(chunk), 64)
    assert (minute, count, chunk[:end]) == (b"2026-11-23T10:01+01:00", 3, b"".join(lines[:3]))
    end2, minute2, count2 = postfix_runs.find(chunk, end, len(chunk), 64)
    assert (minute2, count2) == (b"2026-11-23T10:01Z", 1)


def test_a_late_line_ends_the_run() -> None:
    chunk = ("".join(f"{stamp(1, s)} mx postfix/qmgr[1]: x\n" for s in range(5))
             + f"{stamp(0, 59)} mx postfix/qmgr[1]: late\n"
             + "".join(f"{stamp(1, s)} mx postfix/qmgr[1]: y\n" for s in range(5, 9))
             ).encode()
    end, minute, lines = postfix_runs.find(chunk, 0, len(chunk), 64)
    assert minute == b"Nov 23 10:01" and lines == 5
    assert chunk[end:].startswith(stamp(0, 59).encode())
    end2, minute2, lines2 = postfix_runs.find(chunk, end, len(chunk), 64)
    assert minute2 == b"Nov 23 10:00" and lines2 == 1
    end3, _, lines3 = postfix_runs.find(chunk, end2, len(chunk), 64)
    assert (end3, lines3) == (len(chunk), 4)


def test_a_line_without_a_stamp_is_left_to_the_line_reader() -> None:
    chunk = b"garbage\n" + (stamp(1, 0) + " mx postfix/qmgr[1]: x\n").encode()
    end, minute, lines = postfix_runs.find(chunk, 0, len(chunk), 64)
    assert minute is None and lines == 2 and end == len(chunk)


def test_the_parser_reports_the_lines_it_counted(bench_log: Path) -> None:
    data = bench_log.read_bytes()
    result = analyse([str(bench_log)], NOW, block=7777)
    assert result.to_dict()["inputs"][0]["lines"] == data.count(b"\n")
    assert postfix.NAME == "postfix"


@pytest.mark.parametrize(("text", "key"), [
    (b"421 4.7.28 slow  https://support.google.com/mail/?p=X d494si47878040yig.281 - gsmtp",
     b"421 4.7.28 slow  https://support.google.com/mail/?p=X - gsmtp"),
    (b"451 4.7.500 Server busy. (S77714) [DM6NAM10FT019.eop-nam10.prod.protection.outlook.com "
     b"2025-11-01T01:33:02.484Z 5DC71E4796BDB569] (in reply to RCPT TO command)",
     b"451 4.7.500 Server busy. (S77714) [DM6NAM10FT019.eop-nam10.prod.protection.outlook.com]"
     b" (in reply to RCPT TO command)"),
    (b"554 delivery error: dd This user doesn't have a yahoo.com account (user1@yahoo.com) [0]",
     b"554 delivery error: dd This user doesn't have a yahoo.com account () [0]"),
    (b"550 5.1.1 <@example.net>: bare domain", b"550 5.1.1 <@example.net>: bare domain"),
    (b"451 4.7.1 [198.51.100.7] try later - gsmtp", b"451 4.7.1 [198.51.100.7] try later - gsmtp"),
])
def test_reply_keys_drop_per_message_tokens_only(text: bytes, key: bytes) -> None:
    assert reply_key(text) == key
    assert reply_keys([text, text]) == [key, key]


def test_replies_that_differ_only_in_tokens_share_a_key() -> None:
    head = b"451 4.7.650 limited ["
    a = head + b"AM4PEPF00027A5F.eurprd04.prod.outlook.com 2025-11-01T00:36:37.997Z E1]"
    b = head + b"AM4PEPF00027A5F.eurprd04.prod.outlook.com 2025-11-01T09:12:01.001Z F2]"
    c = head + b"BN8NAM12FT033.eop-nam12.prod.protection.outlook.com 2025-11-01T09:12:01.001Z F]"
    assert reply_key(a) == reply_key(b) != reply_key(c)  # the forest host stays


def test_a_line_full_of_record_prefixes_is_read_in_linear_time(tmp_path: Path) -> None:
    """A hostile line of almost 1 MiB made of record prefixes whose reply never closes:
    a pattern that looked for the closing parenthesis would scan to the line's end from
    each of them (minutes); it is read at once and agrees with the line reader."""
    piece = ("/smtp[1]: Q1: to=<a@b.example>, relay=r, delay=1, delays=1, dsn=4.0.0, "
             "status=deferred (x")
    log = tmp_path / "maillog"
    log.write_text(record(0, 1, 1, "deferred") + f"{stamp(0, 2)} h postfix"
                   + piece * (1_000_000 // len(piece)) + "\n" + record(0, 3, 2, "sent"))
    code = ("import json, sys\nfrom datetime import datetime, UTC\n"
            "from triage.deferrals import analyse\n"
            "r = analyse([sys.argv[1]], datetime(2026, 11, 23, 12, tzinfo=UTC))\n"
            "print(json.dumps(r.to_dict()['totals']))\n")
    done = subprocess.run([sys.executable, "-c", code, str(log)], capture_output=True,
                          text=True, timeout=60, check=True)
    totals = json.loads(done.stdout)
    assert (totals["attempts"], totals["unparsed_lines"]) == (2, 1)
    assert report(log, runs=True) == report(log, runs=False)
