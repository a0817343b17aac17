"""Two workers (a forked child reads the second half of a large Postfix log) report
exactly what one pass reports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from loggen import generated_log

from triage.deferrals import analyse
from triage.deferrals.aggregate import Aggregator, Counts

ROOT = Path(__file__).parent.parent
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ONE_PASS = 1 << 62


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 5 MB from the benchmark's generator: retries cross the middle of the file."""
    return generated_log(tmp_path_factory.mktemp("workers"), 40000)


def run(path: Path, split: int, block: int = 1 << 20) -> dict[str, Any]:
    result = analyse([str(path)], NOW, split=split, block=block)
    return {"body": result.to_dict(), "findings": [f.code for f in result.findings]}


def spy_merge(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The results of ``Aggregator.merge`` calls (True: the child's half was merged)."""
    merged: list[bool] = []
    real_merge = Aggregator.merge

    def spy(self: Aggregator, other: Counts) -> bool:
        merged.append(real_merge(self, other))
        return merged[-1]

    monkeypatch.setattr(Aggregator, "merge", spy)
    return merged


def test_two_workers_report_what_one_pass_reports(big_log: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    merged = spy_merge(monkeypatch)
    one = run(big_log, ONE_PASS)
    assert merged == []
    two = run(big_log, 1 << 20)
    assert merged == [True]  # the child's half was merged, not re-read
    assert one["body"]["retries"]["later_delivered"] > 0
    assert one["body"]["totals"]["deferred"] > 0 and one["body"]["codes"]
    assert two == one
    assert run(big_log, 1 << 20, block=4093) == one


def test_the_fallback_reads_the_second_half_itself(big_log: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    merged = spy_merge(monkeypatch)
    monkeypatch.setattr(Aggregator, "_mergeable", lambda *args: False)
    assert run(big_log, 1 << 20) == run(big_log, ONE_PASS)
    assert merged == [False]


def test_retries_are_replayed_across_the_seam(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Deferred in the first half; delivered, deferred again or bounced in the second."""
    line = ("Nov 23 11:{m:02d}:{s:02d} mx postfix/smtp[1]: {qid}: to=<a@gmail.com>, relay="
            "gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn={dsn}, "
            "status={status}\n")
    defer = ("4.7.28", "deferred (host x[1.2.3.4] said: 421 4.7.28 slow down (in reply to "
                       "end of DATA command))")
    sent = ("2.0.0", "sent (250 ok)")
    bounce = ("5.1.1", "bounced (host x[1.2.3.4] said: 550 5.1.1 no such user (in reply to "
                       "RCPT TO command))")
    filler = "Nov 23 11:30:00 mx postfix/qmgr[2]: FFFF: removed" + " " * 60 + "\n"
    first = [("AA01", defer), ("AA02", defer), ("AA03", defer), ("AA04", defer)]
    second = [("AA01", sent), ("AA02", defer), ("AA02", sent), ("AA03", bounce),
              ("AA05", defer), ("AA06", sent)]
    def block(events: list[tuple[str, tuple[str, str]]], minute: int) -> str:
        return "".join(line.format(m=minute, s=i, qid=qid, dsn=dsn, status=status)
                       for i, (qid, (dsn, status)) in enumerate(events))
    log = tmp_path / "maillog"
    log.write_text(block(first, 1) + filler * 4000 + block(second, 40) + filler * 1000)
    merged = spy_merge(monkeypatch)
    one, two = run(log, ONE_PASS), run(log, 1 << 18)
    assert merged == [True]
    assert two == one
    assert one["body"]["retries"] == {"deferred_recipients": 5, "later_delivered": 2,
                                      "later_bounced": 1, "still_pending": 2, "untracked": 0}
