"""``triage rdns`` through real DNS (NSD + unbound): fixtures/world/zones/113.0.203.in-addr.arpa,
5.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa, rdns.test, and a reverse zone that times out."""

from __future__ import annotations

from typing import Any

import pytest
from world import World

pytestmark = pytest.mark.world
TIMEOUT = 1.0


def rdns(world: World, *args: str) -> tuple[int, dict[str, Any]]:
    result = world.run(["rdns", *args, "--format", "json"], dns_timeout=TIMEOUT)
    assert "Traceback" not in result.stderr
    return result.code, result.json()


def codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_forward_confirmed_with_matching_helo(world: World) -> None:
    code, report = rdns(world, "203.0.113.10", "--helo", "mail.rdns.test")
    assert code == 0 and codes(report) == []
    assert report["ptr"] == ["mail.rdns.test"] and report["fcrdns"] is True
    assert report["helo"] == {"name": "mail.rdns.test", "resolves": True,
                              "matches_ip": True, "matches_ptr": True}


def test_ipv6_forward_confirmed(world: World) -> None:
    code, report = rdns(world, "2001:db8:25::10")
    assert code == 0 and report["fcrdns"] is True and report["ptr"] == ["mail.rdns.test"]


def test_ipv6_name_without_aaaa_is_not_confirmed(world: World) -> None:
    code, report = rdns(world, "2001:db8:25::11")
    assert code == 1 and codes(report) == ["rdns.not_confirmed"]


def test_no_ptr_is_missing(world: World) -> None:
    code, report = rdns(world, "203.0.113.13")
    assert code == 1 and codes(report) == ["rdns.missing"] and report["fcrdns"] is False


def test_ptr_pointing_elsewhere_is_not_confirmed(world: World) -> None:
    _, report = rdns(world, "203.0.113.11")
    assert codes(report) == ["rdns.not_confirmed"]
    _, report = rdns(world, "203.0.113.17")
    assert codes(report) == ["rdns.not_confirmed"]


def test_generic_ptr(world: World) -> None:
    code, report = rdns(world, "203.0.113.12")
    assert code == 0 and codes(report) == ["rdns.generic"] and report["fcrdns"] is True


def test_ptr_timeout_is_temperror_never_missing(world: World) -> None:
    _, report = rdns(world, "198.51.100.7")
    assert codes(report) == ["rdns.temperror"]
    assert report["fcrdns"] is None


def test_forward_timeout_is_temperror_never_not_confirmed(world: World) -> None:
    code, report = rdns(world, "203.0.113.14")
    assert code == 0 and codes(report) == ["rdns.temperror"]
    assert report["ptr"] == ["slow.timeout.test"] and report["fcrdns"] is None


def test_sixty_ptr_names_over_tcp(world: World) -> None:
    code, report = rdns(world, "203.0.113.15")
    assert code == 1
    assert len(report["ptr"]) == 60
    assert codes(report) == ["rdns.not_confirmed", "rdns.multiple_ptr"]
    finding = report["findings"][0]
    assert finding["evidence"]["names_checked"] == 10
    assert finding["evidence"]["names_total"] == 60


def test_control_characters_in_ptr_never_reach_the_terminal(world: World) -> None:
    result = world.run(["rdns", "203.0.113.16"], dns_timeout=TIMEOUT)
    assert result.code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\027[31m\\007.rdns.test" in result.stdout


@pytest.mark.parametrize("helo,expected", [
    ("helo-elsewhere.rdns.test", ["helo.mismatch"]),
    ("nothere.rdns.test", ["helo.not_resolving"]),
    ("helo-ok.rdns.test", []),
    ("localhost", ["helo.not_fqdn"]),
    ("h" * 300, ["helo.not_fqdn"]),
    ("slow.timeout.test", ["rdns.temperror"]),
])
def test_helo(world: World, helo: str, expected: list[str]) -> None:
    _, report = rdns(world, "203.0.113.10", "--helo", helo)
    assert codes(report) == expected


def test_invalid_ip_is_exit_2(world: World) -> None:
    result = world.run(["rdns", "203.0.113.999"], dns_timeout=TIMEOUT)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
