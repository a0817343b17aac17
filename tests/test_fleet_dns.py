"""The DNS parts a fleet adds: the cassette, the per-DNSBL rate cap, the bounded cache,
one sender's scoped view."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import dns.rdata
import dns.rdataclass
import pytest

from triage.dns.answer import Answer, Stats, Status
from triage.dns.cache import CachingResolver
from triage.dns.cassette import (
    MISSING,
    CassetteResolver,
    Recorder,
    Redactor,
    load_cassette,
    recorded_at,
)
from triage.dns.ratecap import RateCapResolver
from triage.dns.scoped import DEADLINE, ScopedResolver
from triage.dns.stack import DnsConfig, build

ZONE = "zen.dq.spamhaus.net"
KEY = "abcdef0123456789abcdef0123"


def rdata(rdtype: str, text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text(dns.rdataclass.IN, rdtype, text)


class Table:
    """A backend answering from a dict; counts what it was asked."""

    def __init__(self, answers: dict[tuple[str, str], Answer], delay: float = 0.0) -> None:
        self.answers, self.delay, self.asked = answers, delay, []  # type: ignore[var-annotated]

    async def query(self, name: str, rdtype: str) -> Answer:
        self.asked.append((name, rdtype, time.monotonic()))
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.answers.get((name, rdtype), Answer(name, rdtype, Status.NXDOMAIN))


ANSWERS = {
    ("example.com", "TXT"): Answer("example.com", "TXT", Status.OK,
                                   (rdata("TXT", '"v=spf1 -all"'), rdata("TXT", '"a b" "c"')),
                                   300, elapsed_ms=12.34),
    ("www.example.com", "A"): Answer("www.example.com", "A", Status.OK,
                                     (rdata("A", "192.0.2.1"),), 60, ("cdn.example.net",), 5.0),
    ("slow.example", "TXT"): Answer("slow.example", "TXT", Status.TIMEOUT, detail="timeout",
                                    elapsed_ms=5000.0),
    (f"2.0.0.127.{KEY}.{ZONE}", "A"): Answer(f"2.0.0.127.{KEY}.{ZONE}", "A", Status.OK,
                                             (rdata("A", "127.0.0.2"),), 60),
}


async def record(path: Path, names: list[tuple[str, str]]) -> list[Answer]:
    recorder = Recorder(Table(ANSWERS), path, datetime(2026, 12, 2, 21, 0, tzinfo=UTC),
                        Redactor((ZONE,)))
    out = [await recorder.query(n, t) for n, t in names]
    await recorder.close()
    return out


def test_a_cassette_replays_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "tape.txt"
    names = [*ANSWERS, ("missing.example", "MX")]
    live = asyncio.run(record(path, names))
    text = path.read_text(encoding="utf-8")
    assert KEY not in text and f"2.0.0.127.<key>.{ZONE} A ok 60" in text  # the key is hidden
    assert 'example.com TXT ok 300 12.3 - "a b" "c"' in text
    assert "www.example.com A ok 60 5.0 cdn.example.net 192.0.2.1" in text
    assert "slow.example TXT timeout - 5000.0 - timeout" in text
    assert recorded_at(path) == datetime(2026, 12, 2, 21, 0, tzinfo=UTC)
    replay = CassetteResolver(load_cassette(path), Redactor((ZONE,)))
    for (name, rdtype), was in zip(names, live, strict=True):
        got = asyncio.run(replay.query(name, rdtype))
        assert (got.name, got.status, got.rdata, got.ttl, got.cnames, got.detail) == (
            was.name, was.status, was.rdata, was.ttl, was.cnames, was.detail)
        assert got.elapsed_ms == round(was.elapsed_ms, 1)


def test_a_query_not_in_the_cassette_is_a_timeout_never_a_missing_record(tmp_path: Path) -> None:
    path = tmp_path / "tape.txt"
    asyncio.run(record(path, [("example.com", "TXT")]))
    replay = CassetteResolver(load_cassette(path), Redactor())
    got = asyncio.run(replay.query("example.org", "TXT"))
    assert got.status is Status.TIMEOUT and got.detail == MISSING


@pytest.mark.parametrize(("text", "where"), [
    ("not a cassette\n", ":1:"),
    ("# triage DNS cassette 1\nexample.com TXT maybe 1 1 -\n", ":2:"),
    ("# triage DNS cassette 1\nexample.com TXT ok x 1 -\n", ":2:"),
    ("# triage DNS cassette 1\n\nexample.com A ok 1 1 - not-an-address\n", ":3:"),
])
def test_a_broken_cassette_names_its_line(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "tape.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"{path}{where}"):
        load_cassette(path)
    with pytest.raises(ValueError, match="not found"):
        load_cassette(tmp_path / "nope.txt")


def test_the_rate_cap_spaces_queries_per_zone_and_leaves_others_alone() -> None:
    table = Table({})
    capped = RateCapResolver(table, ("zen.spamhaus.org", "bl.spamcop.net"), per_second=20)

    async def go() -> None:
        names = [f"{i}.2.0.192.zen.spamhaus.org" for i in range(6)]
        names += [f"{i}.2.0.192.bl.spamcop.net" for i in range(3)] + ["example.com"]
        await asyncio.gather(*(capped.query(n, "A") for n in names))

    started = time.monotonic()
    asyncio.run(go())
    times = {name: at - started for name, _, at in table.asked}
    zen = sorted(t for n, t in times.items() if n.endswith("zen.spamhaus.org"))
    assert zen[-1] >= 5 / 20 - 0.01  # six queries at 20/s: the last leaves after 250 ms
    gaps = [b - a for a, b in zip(zen, zen[1:], strict=False)]
    assert min(gaps) >= 1 / 20 - 0.01
    assert max(t for n, t in times.items() if n.endswith("spamcop.net")) < 0.2  # its own pace
    assert times["example.com"] < 0.05  # not a DNSBL: never held


def test_the_bounded_cache_keeps_at_most_n_answers_and_merges_in_flight() -> None:
    table = Table({}, delay=0.01)
    stats = Stats()
    cache = CachingResolver(table, stats, entries=3)

    async def go() -> None:
        await asyncio.gather(*(cache.query("a.example", "A") for _ in range(5)))
        for name in ("b", "c", "d", "e"):
            await cache.query(f"{name}.example", "A")
        await cache.query("e.example", "A")
        await cache.query("a.example", "A")  # evicted: asked again

    asyncio.run(go())
    asked = [n for n, _, _ in table.asked]
    assert asked == ["a.example", "b.example", "c.example", "d.example", "e.example", "a.example"]
    assert stats.cache_hits == 5


def test_a_scoped_view_counts_its_own_queries_and_ends_at_its_deadline() -> None:
    table = Table(ANSWERS, delay=0.3)

    async def go() -> tuple[Answer, Answer, ScopedResolver]:
        scoped = ScopedResolver(table, time.monotonic() + 0.1)
        first = await scoped.query("example.com", "TXT")
        second = await scoped.query("www.example.com", "A")
        return first, second, scoped

    started = time.monotonic()
    first, second, scoped = asyncio.run(go())
    assert time.monotonic() - started < 0.3
    assert first.status is Status.TIMEOUT and first.detail == DEADLINE
    assert second.detail == DEADLINE
    assert scoped.stats.to_dict() == {"queries": 2, "failed": 2, "elapsed_ms": 0.0}
    assert scoped.stats.unreachable


def test_build_is_unchanged_without_the_fleet_options(tmp_path: Path) -> None:
    stack = build(DnsConfig(offline=True))
    answer = asyncio.run(stack.resolver.query("example.com", "TXT"))
    assert answer.status is Status.NXDOMAIN
    with pytest.raises(ValueError, match="cassette not found"):
        build(DnsConfig(replay=tmp_path / "none.txt"))
