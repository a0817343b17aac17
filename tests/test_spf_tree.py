"""The include tree: concurrent fetching, worst-case counts, and no effect on results."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from pathlib import Path

import pytest

from triage.checks.spf import check_spf, identify
from triage.checks.spf.evaluate import check_host
from triage.dns.answer import Answer, Stats
from triage.dns.cache import CachingResolver
from triage.dns.offline import OfflineResolver
from triage.dns.resolver import Resolver
from triage.dns.stack import DnsConfig, build
from triage.dns.zonefile import ZoneResolver, load_zone

FIXTURES = Path(__file__).parent.parent / "fixtures" / "spf"
ZONES = (FIXTURES / "tree.spf.test.zone", FIXTURES / "rfc.spf.test.zone",
         FIXTURES / "2.0.192.in-addr.arpa.zone")
DELAY = 0.05


class Slow:
    """Every answer takes DELAY seconds; counts how many were asked."""

    def __init__(self, inner: Resolver) -> None:
        self.inner, self.asked = inner, 0

    async def query(self, name: str, rdtype: str) -> Answer:
        self.asked += 1
        await asyncio.sleep(DELAY)
        return await self.inner.query(name, rdtype)


async def _both(domain: str, ip: str) -> tuple[str, str, float]:
    stack = build(DnsConfig(zone_files=ZONES, offline=True))
    try:
        who = identify(domain, None, "mail.example")
        address = ipaddress.ip_address(ip)
        alone = await check_host(build(DnsConfig(zone_files=ZONES, offline=True)).resolver,
                                 address, who, 0)
        start = time.monotonic()
        together = await check_spf(stack.resolver, who, address, 0)
        assert together.outcome is not None
        return alone.outcome.value, together.outcome.value, time.monotonic() - start
    finally:
        await stack.close()


@pytest.mark.parametrize(
    ("domain", "ip"),
    [("root.tree.spf.test", "192.0.2.1"), ("root.tree.spf.test", "203.0.113.1"),
     ("loopa.tree.spf.test", "192.0.2.77"), ("c0.tree.spf.test", "192.0.2.50"),
     ("lim11.rfc.spf.test", "192.0.2.1"), ("void3.rfc.spf.test", "192.0.2.1"),
     ("mx.rfc.spf.test", "2001:db8::32"), ("macroinc.tree.spf.test", "192.0.2.1")],
)
def test_prefetching_never_changes_the_result(domain: str, ip: str) -> None:
    alone, together, _ = asyncio.run(_both(domain, ip))
    assert alone == together


def test_tree_costs_its_depth_not_its_size() -> None:
    """root.tree has 5 records on 3 levels plus MX/A lookups: about 4 round trips."""

    async def go() -> tuple[float, int, int]:
        zones = ZoneResolver([load_zone(z) for z in ZONES], OfflineResolver())
        slow = Slow(zones)  # the delay sits below the per-run cache, like a real server
        cache = CachingResolver(slow, Stats())
        who = identify("root.tree.spf.test", None, None)
        start = time.monotonic()
        res = await check_spf(cache, who, ipaddress.ip_address("203.0.113.1"), 0)
        await cache.close()
        return time.monotonic() - start, slow.asked, res.tree_lookups

    elapsed, asked, lookups = asyncio.run(go())
    assert lookups == 9 and asked > 8
    # chain: root TXT -> p1 TXT -> p1a/p1b TXT -> their a/exists lookups: 4 round trips
    assert elapsed < 5 * DELAY, f"{elapsed:.3f}s for {asked} queries"
