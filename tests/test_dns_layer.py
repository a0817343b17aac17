"""The DNS layer on zone files: every outcome is a value, the overlay is the whole truth."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from triage.dns.answer import Answer, Stats, Status
from triage.dns.cache import CachingResolver
from triage.dns.limiter import LimitingResolver
from triage.dns.stack import DnsConfig, build, parse_nameserver
from triage.dns.zonefile import load_zone

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dns"
ZONE = FIXTURES / "layer.test.zone"


def ask(name: str, rdtype: str, zones: tuple[Path, ...] = (ZONE,)) -> Answer:
    stack = build(DnsConfig(zone_files=zones, offline=True))

    async def go() -> Answer:
        try:
            return await stack.resolver.query(name, rdtype)
        finally:
            await stack.close()

    return asyncio.run(go())


def test_txt_strings_are_joined_without_spaces() -> None:
    answer = ask("layer.test", "TXT")
    assert answer.status is Status.OK
    assert answer.texts() == (b"v=spf1 ip4:192.0.2.0/24 -all",)
    assert answer.ttl == 300


def test_cname_chain_is_followed_and_reported() -> None:
    answer = ask("WWW.Layer.Test.", "A")
    assert answer.status is Status.OK
    assert answer.addresses() == ("192.0.2.1",)
    assert answer.cnames == ("host.layer.test",)
    assert answer.name == "www.layer.test"


def test_cname_loop_is_servfail_not_a_hang() -> None:
    answer = ask("loop1.layer.test", "A")
    assert answer.status is Status.SERVFAIL
    assert "loop" in answer.detail


def test_cname_out_of_zone_goes_to_fallback() -> None:
    answer = ask("ext.layer.test", "A")
    assert answer.status is Status.NXDOMAIN
    assert answer.cnames == ("target.elsewhere.test",)
    assert answer.source == "offline"


def test_nodata_nxdomain_and_empty_non_terminal_are_distinct() -> None:
    assert ask("host.layer.test", "TXT").status is Status.NODATA
    assert ask("nope.layer.test", "A").status is Status.NXDOMAIN
    assert ask("b.c.layer.test", "A").status is Status.NODATA  # empty non-terminal
    assert ask("x.b.c.layer.test", "A").status is Status.NXDOMAIN


def test_wildcard_synthesis() -> None:
    answer = ask("anything.wild.layer.test", "TXT")
    assert answer.status is Status.OK
    assert answer.texts() == (b"wildcard",)
    assert ask("anything.wild.layer.test", "A").status is Status.NODATA


def test_mx_sorted_by_preference() -> None:
    assert ask("mx.layer.test", "MX").exchanges() == (
        (10, "mx1.layer.test"),
        (20, "mx2.layer.test"),
    )


def test_unqueryable_name_is_badname() -> None:
    assert ask("a" * 64 + ".layer.test", "A").status is Status.BADNAME
    assert ask("x..layer.test", "A").status is Status.BADNAME


def test_origin_from_file_name_when_no_origin_line(tmp_path: Path) -> None:
    zone = tmp_path / "plain.test.zone"
    zone.write_text('@ 300 TXT "hello"\nsub 300 A 192.0.2.5\n')
    assert load_zone(zone).origin == "plain.test"
    assert ask("sub.plain.test", "A", (zone,)).addresses() == ("192.0.2.5",)


def test_broken_zone_file_is_a_value_error(tmp_path: Path) -> None:
    zone = tmp_path / "bad.test.zone"
    zone.write_text('@ 300 TXT "unterminated\n')
    with pytest.raises(ValueError, match="does not parse"):
        load_zone(zone)
    with pytest.raises(ValueError, match="not found"):
        load_zone(tmp_path / "missing.zone")


def test_parse_nameserver_forms() -> None:
    assert parse_nameserver("127.0.0.1") == ("127.0.0.1", 53)
    assert parse_nameserver("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert parse_nameserver("::1") == ("::1", 53)
    assert parse_nameserver("[::1]:5300") == ("::1", 5300)
    for bad in ("dns.example", "127.0.0.1:0", "127.0.0.1:x", "[::1]x"):
        with pytest.raises(ValueError):
            parse_nameserver(bad)


class SlowResolver:
    """Counts how many lookups run at once and how many reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self.in_flight = 0
        self.peak = 0

    async def query(self, name: str, rdtype: str) -> Answer:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return Answer(name, rdtype, Status.NXDOMAIN)


def test_cache_merges_identical_queries_in_flight() -> None:
    inner = SlowResolver()
    stats = Stats()
    cache = CachingResolver(inner, stats)

    async def go() -> list[Answer]:
        return await asyncio.gather(*(cache.query("Same.Test.", "txt") for _ in range(20)))

    answers = asyncio.run(go())
    assert inner.calls == 1
    assert stats.cache_hits == 19
    assert {a.status for a in answers} == {Status.NXDOMAIN}


def test_limiter_bounds_concurrency_but_runs_in_parallel() -> None:
    inner = SlowResolver()
    limiter = LimitingResolver(inner, 4)

    async def go() -> None:
        await asyncio.gather(*(limiter.query(f"n{i}.test", "A") for i in range(20)))

    asyncio.run(go())
    assert inner.peak == 4
    assert inner.calls == 20


def test_unreachable_server_times_out_within_deadline() -> None:
    # A bound socket that never answers: a real timeout, not a refusal.
    import socket
    import time

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    try:
        stack = build(DnsConfig(nameservers=(("127.0.0.1", port),), timeout=0.2, deadline=0.5))

        async def go() -> list[Answer]:
            try:
                names = [f"n{i}.test" for i in range(3)]
                first = await stack.resolver.query(names[0], "A")
                rest = await asyncio.gather(*(stack.resolver.query(n, "A") for n in names[1:]))
                return [first, *rest]
            finally:
                await stack.close()

        started = time.monotonic()
        answers = asyncio.run(go())
        assert time.monotonic() - started < 2.0
        assert all(a.status is Status.TIMEOUT for a in answers)
        assert stack.stats.unreachable
    finally:
        sock.close()
