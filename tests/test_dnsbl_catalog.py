"""The DNSBL catalog data: complete, consistent, live lists only, every list documented."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from triage.checks.dnsbl.catalog import (
    CodeClass,
    Kind,
    TargetKind,
    as_dqs,
    generic_list,
    load_catalog,
)
from triage.checks.dnsbl.select import select_lists, zone_problem

CATALOG = load_catalog()
DOCS = Path(__file__).parent.parent / "docs" / "dnsbl-lists.md"


def test_every_list_is_complete() -> None:
    zones = [dnsbl.zone for dnsbl in CATALOG.lists]
    assert len(zones) == len(set(zones))
    for dnsbl in CATALOG.lists:
        assert dnsbl.zone == dnsbl.zone.lower().strip(".")
        assert dnsbl.name and dnsbl.lists and dnsbl.source and dnsbl.targets
        assert dnsbl.codes, dnsbl.zone
        assert any(c.cls in (CodeClass.LISTED, CodeClass.POLICY) for c in dnsbl.codes)
        assert (dnsbl.kind is Kind.DOMAIN) == (dnsbl.targets == {TargetKind.DOMAIN})
        assert dnsbl.delist_url is None or dnsbl.delist_url.startswith("http")


def test_no_list_is_dead_and_no_default_lists_127_0_0_1() -> None:
    for dnsbl in CATALOG.lists:
        assert CATALOG.dead(dnsbl.zone) is None, dnsbl.zone
        assert dnsbl.dqs_zone is None or CATALOG.dead(dnsbl.dqs_zone) is None
        if not dnsbl.bitmask:
            one = int(ipaddress.IPv4Address("127.0.0.1"))
            assert not any(c.low <= one <= c.high for c in dnsbl.codes), dnsbl.zone


def test_spamhaus_error_codes_are_refusals_on_every_spamhaus_list() -> None:
    for dnsbl in CATALOG.lists:
        if "spamhaus" not in dnsbl.zone:
            continue
        for value in ("127.255.255.252", "127.255.255.254", "127.255.255.255"):
            number = int(ipaddress.IPv4Address(value))
            hits = [c for c in dnsbl.codes if c.bit is None and c.low <= number <= c.high]
            assert hits and min(hits, key=lambda c: c.span).cls is CodeClass.REFUSED


@pytest.mark.parametrize("zone", [
    "dnsbl.sorbs.net", "spam.dnsbl.sorbs.net", "ix.dnsbl.manitu.net", "dnsbl.ahbl.org",
    "rhsbl.ahbl.org", "bl.spamcannibal.org", "combined.njabl.org", "list.dsbl.org",
    "relays.ordb.org", "dul.ru", "ubl.unsubscore.com", "ubl.lashback.com",
    "cbl.abuseat.org", "black.uribl.com", "dnsbl.inps.de",
])
def test_dead_zones_are_never_queried(zone: str) -> None:
    assert CATALOG.dead(zone) is not None
    problem = zone_problem(CATALOG, zone, TargetKind.IP4, None)
    assert problem is not None and problem.startswith("never queried")


def test_live_neighbours_of_dead_zones_are_allowed() -> None:
    assert CATALOG.dead("multi.uribl.com") is None
    assert CATALOG.dead("notsorbs.net") is None


def test_public_resolvers() -> None:
    assert CATALOG.public_resolver("8.8.8.8") == "Google Public DNS"
    assert CATALOG.public_resolver("1.1.1.1") == "Cloudflare"
    assert CATALOG.public_resolver("9.9.9.9") == "Quad9"
    assert CATALOG.public_resolver("2606:4700:4700:0::1111") == "Cloudflare"
    assert CATALOG.public_resolver("127.0.0.1") is None
    assert CATALOG.public_resolver("not-an-ip") is None


def test_defaults_per_target_kind() -> None:
    ip4 = [d.zone for d in select_lists(CATALOG, TargetKind.IP4).lists]
    assert ip4[0] == "zen.spamhaus.org" and "bl.spamcop.net" in ip4
    assert "dbl.spamhaus.org" not in ip4 and "b.barracudacentral.org" not in ip4
    ip6 = [d.zone for d in select_lists(CATALOG, TargetKind.IP6).lists]
    assert ip6 == ["zen.spamhaus.org"]
    domain = [d.zone for d in select_lists(CATALOG, TargetKind.DOMAIN).lists]
    assert domain == ["dbl.spamhaus.org", "multi.surbl.org", "multi.uribl.com"]


def test_dqs_key_swaps_public_spamhaus_zones_and_adds_keyed_lists() -> None:
    ip4 = [d.zone for d in select_lists(CATALOG, TargetKind.IP4, key="k").lists]
    assert "zen.spamhaus.org" not in ip4
    assert ip4[0] == "zen.dq.spamhaus.net" and "authbl.dq.spamhaus.net" in ip4
    assert "bl.spamcop.net" in ip4
    domain = [d.zone for d in select_lists(CATALOG, TargetKind.DOMAIN, key="k").lists]
    assert "dbl.dq.spamhaus.net" in domain and "zrd.dq.spamhaus.net" in domain


def test_extra_zones_add_and_no_defaults_replace() -> None:
    added = select_lists(CATALOG, TargetKind.IP4, ["bl.example.test", "zen.spamhaus.org"])
    zones = [d.zone for d in added.lists]
    assert zones.count("zen.spamhaus.org") == 1 and zones[-1] == "bl.example.test"
    only = select_lists(CATALOG, TargetKind.IP4, ["bl.example.test"], defaults=False)
    assert [d.zone for d in only.lists] == ["bl.example.test"]
    assert only.lists[0].documented is False


def test_unusable_extra_zones_are_reported_not_asked() -> None:
    selection = select_lists(
        CATALOG, TargetKind.IP4, ["dnsbl.sorbs.net", "dbl.spamhaus.org", "authbl.dq.spamhaus.net"],
        defaults=False,
    )
    assert selection.lists == ()
    assert [zone for zone, _ in selection.dead] == ["dnsbl.sorbs.net"]
    assert [zone for zone, _ in selection.skipped] == ["dbl.spamhaus.org", "authbl.dq.spamhaus.net"]


def test_dqs_twin_and_generic_list() -> None:
    zen = CATALOG.find("zen.spamhaus.org")
    assert zen is not None and as_dqs(zen).zone == "zen.dq.spamhaus.net"
    assert CATALOG.find("zen.dq.spamhaus.net") == as_dqs(zen)
    generic = generic_list("bl.example.test")
    assert generic.serves(TargetKind.DOMAIN) and generic.serves(TargetKind.IP6)


def test_every_list_and_dead_zone_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in text.splitlines() if line.startswith("| `")}
    for dnsbl in CATALOG.lists:
        assert f"`{dnsbl.zone}`" in text, dnsbl.zone
        assert f"| {dnsbl.severity.value} |" in rows[dnsbl.zone], dnsbl.zone
    for dead in CATALOG.never_query:
        assert f"`{dead.zone}`" in text, dead.zone
