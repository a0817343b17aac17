"""The live backend against real servers: every DNS outcome arrives as the right value."""

from __future__ import annotations

import asyncio
import time

from triage.dns.answer import Answer, Status
from triage.dns.stack import DnsConfig, build, parse_nameserver


def lookup(server: str, *queries: tuple[str, str], timeout: float = 2.0) -> list[Answer]:
    stack = build(DnsConfig(nameservers=(parse_nameserver(server),), timeout=timeout))

    async def go() -> list[Answer]:
        try:
            return list(await asyncio.gather(*(stack.resolver.query(n, t) for n, t in queries)))
        finally:
            await stack.close()

    return asyncio.run(go())


def test_outcomes_through_the_recursive_resolver(world) -> None:
    ok, nodata, nxdomain, refused, servfail = lookup(
        world.resolver,
        ("world.test", "TXT"),
        ("host.world.test", "TXT"),
        ("nothing-here.world.test", "A"),
        (f"x.{world.refused_zone}", "A"),
        (f"x.{world.servfail_zone}", "A"),
    )
    assert ok.status is Status.OK and ok.texts() == (b"v=spf1 ip4:192.0.2.0/24 -all",)
    assert ok.ttl is not None
    assert nodata.status is Status.NODATA
    assert nxdomain.status is Status.NXDOMAIN
    assert refused.status is Status.REFUSED
    assert servfail.status is Status.SERVFAIL


def test_timeout_is_a_timeout_not_missing(world) -> None:
    started = time.monotonic()
    (answer,) = lookup(world.resolver, (f"x.{world.timeout_zone}", "TXT"), timeout=0.5)
    assert answer.status in (Status.TIMEOUT, Status.SERVFAIL)  # unbound may give up first
    assert answer.status is not Status.NXDOMAIN
    assert time.monotonic() - started < 5


def test_blackhole_server_times_out(world) -> None:
    (answer,) = lookup(world.blackhole, ("world.test", "TXT"), timeout=0.3)
    assert answer.status is Status.TIMEOUT
    assert answer.detail == "timeout"


def test_next_server_is_tried_after_a_timeout(world) -> None:
    stack = build(
        DnsConfig(
            nameservers=(parse_nameserver(world.blackhole), parse_nameserver(world.resolver)),
            timeout=0.3,
        )
    )

    async def go() -> Answer:
        try:
            return await stack.resolver.query("host.world.test", "A")
        finally:
            await stack.close()

    answer = asyncio.run(go())
    assert answer.addresses() == ("192.0.2.1",)
    assert answer.source == world.resolver


def test_large_txt_arrives_over_edns_and_tcp(world) -> None:
    big, huge = lookup(world.resolver, ("big.world.test", "TXT"), ("huge.world.test", "TXT"))
    assert big.status is Status.OK and len(big.texts()[0]) == 800
    assert huge.status is Status.OK and len(huge.texts()) == 16


def test_cname_chain_from_an_authoritative_server(world) -> None:
    # NSD answers the in-zone chain itself; the backend reports every hop.
    (answer,) = lookup(world.authoritative, ("chain.world.test", "A"))
    assert answer.addresses() == ("192.0.2.1",)
    assert answer.cnames == ("www.world.test", "host.world.test")
