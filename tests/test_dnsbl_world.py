"""``triage dnsbl`` through real DNS: rbldnsd serves fixtures/world/dnsbl (zen.spamhaus.org,
bl.spamcop.net, dbl.spamhaus.org, multi.surbl.org, multi.uribl.com); lists under the world's
timeout, refused and servfail zones fail the way real lists do."""

from __future__ import annotations

from typing import Any

import pytest
from world import World

pytestmark = pytest.mark.world
TIMEOUT = 1.0


def dnsbl(world: World, *args: str) -> tuple[int, dict[str, Any]]:
    result = world.run(["dnsbl", *args, "--format", "json"], dns_timeout=TIMEOUT)
    assert "Traceback" not in result.stderr
    return result.code, result.json()


def codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


def entry(report: dict[str, Any], zone: str) -> dict[str, Any]:
    return next(e for e in report["lists"] if e["zone"] == zone)


def test_clean_ip(world: World) -> None:
    code, report = dnsbl(world, "198.51.100.1")
    assert code == 0 and codes(report) == []
    assert {e["status"] for e in report["lists"]} == {"clean"}


def test_sbl_listing_with_txt_reason(world: World) -> None:
    code, report = dnsbl(world, "198.51.100.2")
    assert code == 1 and codes(report) == ["dnsbl.listed"]
    zen = entry(report, "zen.spamhaus.org")
    assert zen["status"] == "listed" and zen["codes"] == ["127.0.0.2"]
    assert "SBL4242" in zen["reason"]


def test_pbl_is_policy(world: World) -> None:
    _, report = dnsbl(world, "198.51.100.11")
    assert codes(report) == ["dnsbl.policy_listed"]
    assert entry(report, "zen.spamhaus.org")["kind"] == "policy"


def test_sbl_and_pbl_from_two_datasets(world: World) -> None:
    _, report = dnsbl(world, "198.51.100.3")
    assert sorted(codes(report)) == ["dnsbl.listed", "dnsbl.policy_listed"]
    assert sorted(entry(report, "zen.spamhaus.org")["codes"]) == ["127.0.0.10", "127.0.0.2"]


@pytest.mark.parametrize("ip", ["198.51.100.254", "198.51.100.255"])
def test_spamhaus_error_codes_are_refused(world: World, ip: str) -> None:
    code, report = dnsbl(world, ip)
    assert code == 0 and codes(report) == ["dnsbl.query_refused"]
    assert entry(report, "zen.spamhaus.org")["status"] == "refused"


@pytest.mark.parametrize("ip", ["198.51.100.99", "198.51.100.98"])
def test_garbage_answers_are_unexpected(world: World, ip: str) -> None:
    code, report = dnsbl(world, ip)
    assert code == 0 and codes(report) == ["dnsbl.unexpected_answer"]
    assert entry(report, "zen.spamhaus.org")["status"] == "error"


def test_hostile_txt_is_sanitised(world: World) -> None:
    result = world.run(["dnsbl", "198.51.100.97"], dns_timeout=TIMEOUT)
    assert result.code == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil \\x1b[2J" in result.stdout


def test_ipv6_listing(world: World) -> None:
    _, report = dnsbl(world, "2001:db8:25::2")
    assert codes(report) == ["dnsbl.listed"]
    assert [e["zone"] for e in report["lists"]] == ["zen.spamhaus.org"]


def test_domain_lists(world: World) -> None:
    _, report = dnsbl(world, "spammy.example")
    assert codes(report) == ["dnsbl.listed"] * 3
    _, blocked = dnsbl(world, "blocked.example")
    assert codes(blocked) == ["dnsbl.query_refused"] * 2
    assert entry(blocked, "dbl.spamhaus.org")["status"] == "clean"


def test_timeout_refused_and_servfail_lists(world: World) -> None:
    code, report = dnsbl(
        world, "198.51.100.1",
        "--dnsbl", f"bl.{world.timeout_zone}", "--dnsbl", f"bl.{world.refused_zone}",
        "--dnsbl", f"bl.{world.servfail_zone}",
    )
    assert code == 0
    assert entry(report, f"bl.{world.timeout_zone}")["status"] == "error"
    assert entry(report, f"bl.{world.refused_zone}")["status"] == "refused"
    assert entry(report, f"bl.{world.servfail_zone}")["status"] == "error"
    assert sorted(codes(report)) == ["dnsbl.error", "dnsbl.error", "dnsbl.query_refused"]


def test_dead_list_is_refused_before_any_query(world: World) -> None:
    result = world.run(["dnsbl", "198.51.100.2", "--dnsbl", "dnsbl.sorbs.net"])
    assert result.code == 2 and "never queried" in result.stderr and result.stdout == ""


def test_rfc5782_self_test_through_rbldnsd(world: World) -> None:
    code, report = dnsbl(world, "198.51.100.1", "--dnsbl", "broken-list.test",
                         "--dnsbl", "dead-list.test")
    assert codes(report) == ["dnsbl.list_broken", "dnsbl.test_entry_missing"]
    assert code == 0  # neither is a listing, and both are warnings or less
    broken = entry(report, "broken-list.test")
    assert broken["status"] == "error"
    assert broken["self_test"] == {"127.0.0.1": "listed", "127.0.0.2": "listed"}
    assert entry(report, "dead-list.test")["self_test"] == {
        "127.0.0.1": "clean", "127.0.0.2": "clean"}
    assert entry(report, "zen.spamhaus.org")["self_test"] == {
        "127.0.0.1": "clean", "127.0.0.2": "listed"}
