"""Reading in chunks never changes a result; the fast reply patterns equal the slow ones."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from loggen import generated_log

from triage.deferrals import analyse, reply, source

ROOT = Path(__file__).parent.parent
LOGS = ROOT / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def body(path: Path, size: int | None = None) -> dict[str, Any]:
    return analyse([str(path)], NOW, block=size or source.BLOCK).to_dict()


@pytest.fixture(scope="module")
def bench_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 lines from the benchmark's generator: deliveries, retries, relogs, bounces."""
    return generated_log(tmp_path_factory.mktemp("bench"), 20000)


@pytest.mark.parametrize("size", [61, 997, 64 * 1024])
def test_bench_log_same_result_whatever_the_chunks(bench_log: Path, size: int) -> None:
    expected = body(bench_log)
    assert expected["totals"]["deferred"] > 0 and expected["retries"]["later_delivered"] > 0
    assert body(bench_log, size) == expected


@pytest.mark.parametrize("path", [LOGS / "postfix" / "maillog", LOGS / "exim" / "mainlog",
                                  *sorted((LOGS / "samples").iterdir())],
                         ids=lambda p: p.name)
@pytest.mark.parametrize("size", [1, 173])
def test_fixtures_same_result_whatever_the_chunks(path: Path, size: int) -> None:
    assert body(path, size) == body(path)


def test_deferred_then_delivered_across_a_chunk_boundary(tmp_path: Path) -> None:
    line = ("Nov 23 11:{m:02d}:00 mx postfix/smtp[1]: AB12: to=<a@gmail.com>, relay=gmail-smtp-"
            "in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn={dsn}, status={status}\n")
    log = tmp_path / "maillog"
    log.write_text(line.format(m=1, dsn="4.7.28", status="deferred (host x[1.2.3.4] said: "
                                                        "421 4.7.28 slow down (in reply to "
                                                        "end of DATA command))")
                   + line.format(m=9, dsn="2.0.0", status="sent (250 ok)")
                   + line.format(m=20, dsn="4.7.28", status="deferred (421 4.7.28 again)"))
    for size in (None, 40, 1 << 20):
        retries = body(log, size)["retries"]
        assert (retries["deferred_recipients"], retries["later_delivered"],
                retries["still_pending"]) == (2, 1, 1)


def test_ascii_patterns_find_what_the_case_insensitive_ones_find() -> None:
    """parse() runs lower-cased patterns on ASCII text: same spans, groups from the text."""
    pieces = ["S3140", "(S77714)", "AS(843)", "as(12)", "[TSS04]", "[ts03]", "ATTR35",
              "prx4", "RP-001", "OFR_999", "LPN007_510", "RL000010", "from", "FROM",
              "server", "mail server", "Host", "[", "]", "198.51.100.7", "2001:DB8::1",
              "fe80::A", "[10.0.0.1 25]", " ", "x", "4.7.500", "451", "-", ":", ".", "(", ")"]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(8))
        low = text.lower()
        assert ([m.span() for m in re.finditer(reply._TOKENS, text, re.I)]
                == [m.span() for m in reply._TOKENS_ASCII.finditer(low)]), text
        slow = re.search(reply._SENDING_IP, text, re.I)
        fast = reply._SENDING_IP_ASCII.search(low)
        assert (slow and slow.regs) == (fast and fast.regs), text
        parsed = reply.parse("451 " + text)
        assert parsed.sending_ip == (slow.group(1) or slow.group(2) if slow else None)


def test_lower_casing_keeps_every_escape() -> None:
    """``pattern.lower()`` would turn ``\\S`` into ``\\s``: no such escape may be used."""
    for pattern in (reply._TOKENS, reply._SENDING_IP, reply._MS_TAIL):
        escaped = re.findall(r"\\(.)", pattern)
        assert escaped and not any(c.isupper() for c in escaped)
