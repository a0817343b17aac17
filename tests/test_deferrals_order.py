"""Several inputs are read oldest first (retry outcomes follow time, not argument order),
and reported in the order given."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from triage.deferrals import analyse, order, source
from triage.deferrals.order import first_stamp, oldest_first
from triage.deferrals.timeparse import Clock

ROOT = Path(__file__).parent.parent
POSTFIX = ROOT / "fixtures/logs/postfix/maillog"
EXIM = ROOT / "fixtures/logs/exim/mainlog"
NOW = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def body(*paths: Path) -> dict[str, Any]:
    return analyse([str(p) for p in paths], NOW).to_dict()


def rotate(log: Path, tmp_path: Path, parts: int = 3) -> list[Path]:
    """Cut a real log into rotated files, newest first as a shell glob lists them:
    ``maillog``, ``maillog.1``, ``maillog.2.gz`` (the oldest, compressed)."""
    lines = log.read_bytes().splitlines(keepends=True)
    size = -(-len(lines) // parts)
    pieces = [b"".join(lines[i : i + size]) for i in range(0, len(lines), size)]
    paths = []
    for age, data in enumerate(reversed(pieces)):
        if age == parts - 1:
            path = tmp_path / f"{log.name}.{age}.gz"
            path.write_bytes(gzip.compress(data))
        else:
            path = tmp_path / (log.name if age == 0 else f"{log.name}.{age}")
            path.write_bytes(data)
        paths.append(path)
    return paths


def stamp(path: Path | str, clock: Clock) -> float | None:
    with source.open_input(str(path)) as stream:
        return first_stamp(stream, clock)


def order_of(paths: list[str], clock: Clock) -> list[int]:
    streams = [(p, source.open_input(p) if p != "-" else io.BufferedReader(io.BytesIO()))
               for p in paths]
    try:
        return oldest_first(streams, clock)
    finally:
        for _, stream in streams:
            stream.close()


def without_inputs(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "inputs"}


def test_rotated_postfix_logs_given_newest_first_read_as_one_log(tmp_path: Path) -> None:
    whole = body(POSTFIX)
    assert whole["retries"]["later_delivered"] > 0
    newest_first = rotate(POSTFIX, tmp_path)
    split = body(*newest_first)
    # a recipient deferred in an older file and delivered in a newer one is settled
    assert without_inputs(split) == without_inputs(whole)
    assert [i["path"] for i in split["inputs"]] == [str(p) for p in newest_first]
    assert sum(i["lines"] for i in split["inputs"]) == whole["inputs"][0]["lines"]


def test_reading_in_the_given_order_would_have_lost_the_retries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ordering is what makes the test above pass: the newest file read first sees
    deliveries before the deferrals they settle."""
    newest_first = rotate(POSTFIX, tmp_path)
    ordered = body(*newest_first)["retries"]
    monkeypatch.setattr(order, "oldest_first", lambda inputs, clock: list(range(len(inputs))))
    given = body(*newest_first)["retries"]
    assert given["later_delivered"] < ordered["later_delivered"]
    monkeypatch.undo()
    clock = Clock(NOW)
    assert order_of([str(p) for p in newest_first], clock) == [2, 1, 0]
    stamps = [stamp(p, clock) for p in newest_first]
    assert None not in stamps and stamps == sorted(stamps, reverse=True)


def test_exim_logs_are_ordered_by_their_iso_stamps(tmp_path: Path) -> None:
    whole = body(EXIM)
    split = body(*rotate(EXIM, tmp_path, parts=2))
    assert without_inputs(split) == without_inputs(whole)


def test_inputs_without_a_stamp_keep_the_given_order(tmp_path: Path) -> None:
    replies = tmp_path / "replies.txt"
    replies.write_text("451 4.7.500 Server busy. Please try again later. (S77714)\n")
    newest_first = rotate(POSTFIX, tmp_path)
    clock = Clock(NOW)
    paths = [str(p) for p in (*newest_first, replies)]
    assert stamp(replies, clock) is None
    assert order_of(paths, clock) == [0, 1, 2, 3]
    assert order_of([*paths[:2], "-"], clock) == [0, 1, 2]


def test_an_unreadable_head_is_no_stamp(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(POSTFIX.read_bytes())[:40])
    assert stamp(broken, Clock(NOW)) is None
    # a stream that cannot peek (a pipe wrapper, say) has no stamp either
    assert first_stamp(io.BytesIO(POSTFIX.read_bytes()), Clock(NOW)) is None
    # the peek leaves the stream where it was: the real read still sees every byte
    with source.open_input(str(POSTFIX)) as stream:
        assert stamp(POSTFIX, Clock(NOW)) == first_stamp(stream, Clock(NOW))
        assert stream.read() == POSTFIX.read_bytes()
