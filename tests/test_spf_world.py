"""``triage spf`` against real DNS: NSD serves fixtures/world/zones, unbound resolves."""

from __future__ import annotations

import pytest
from world import World

D = "world.spf.test"


def spf(world: World, *args: str, timeout: float | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    res = world.run(["spf", *args, "--format", "json"], dns_timeout=timeout)
    return res.code, res.json()


@pytest.mark.parametrize(
    ("ip", "result", "matched"),
    [
        ("192.0.2.3", "pass", "ip4:192.0.2.0/28"),
        ("198.51.100.7", "pass", f"include:_spf.{D}"),
        ("2001:db8:1::9", "pass", f"include:_spf.{D}"),
        ("192.0.2.25", "pass", "mx"),
        ("2001:db8::25", "pass", "mx"),
        ("203.0.113.9", "fail", "-all"),
    ],
)
def test_check_host_through_real_dns(world: World, ip: str, result: str, matched: str) -> None:
    code, body = spf(world, "--sender", f"bob@{D}", "--ip", ip, "--helo", "mail.example")
    assert (body["result"], body["matched"]) == (result, matched)
    assert code == (0 if result == "pass" else 1)


def test_explanation_through_real_dns(world: World) -> None:
    _, body = spf(world, D, "--ip", "203.0.113.9")
    assert body["explanation"] == f"203.0.113.9 may not send for {D}"


@pytest.mark.parametrize(
    ("ip", "nibbles"),
    [
        # RFC 7208 §7.3: "i" of an IPv6 address is its 32 nibbles, dot-separated; §7.4
        # writes them lower-case. The case of the address as given is kept.
        ("2001:db8:2::1", "20010db800020000" + "0" * 15 + "1"),
        ("2001:DB8:2::1", "20010DB800020000" + "0" * 15 + "1"),
    ],
)
def test_ipv6_explanation_nibbles_through_real_dns(world: World, ip: str, nibbles: str) -> None:
    code, body = spf(world, D, "--ip", ip)
    assert (body["result"], code) == ("fail", 1)
    assert body["explanation"] == f"{'.'.join(nibbles)} may not send for {D}"


def test_redirect_and_tree(world: World) -> None:
    _, body = spf(world, f"redir.{D}", "--ip", "198.51.100.7")
    assert body["result"] == "pass"
    assert body["tree_lookups"] == 4  # redirect + (include + a) + mx
    assert body["tree"]["children"][0]["domain"] == D


def test_timeout_is_temperror_not_missing(world: World) -> None:
    code, body = spf(world, f"slow.{D}", "--ip", "203.0.113.9", timeout=1.0)
    assert body["result"] == "temperror" and code == 1
    codes = {f["code"] for f in body["findings"]}
    assert "spf.temperror" in codes and "spf.missing" not in codes
    assert "spf.include_missing" not in codes


def test_ip_matched_before_the_timeout_passes(world: World) -> None:
    _, body = spf(world, f"slow.{D}", "--ip", "192.0.2.1", timeout=1.0)
    assert body["result"] == "pass"


def test_servfail_is_temperror(world: World) -> None:
    _, body = spf(world, f"broken.{D}", "--ip", "192.0.2.1")
    assert body["result"] == "temperror"


def test_void_limit_and_loop(world: World) -> None:
    _, body = spf(world, f"void.{D}", "--ip", "192.0.2.1")
    assert body["result"] == "permerror"
    assert "spf.void_lookup_limit" in {f["code"] for f in body["findings"]}
    _, body = spf(world, f"loop.{D}", "--ip", "192.0.2.1")
    assert body["result"] == "permerror"
    assert "spf.loop" in {f["code"] for f in body["findings"]}


def test_multiple_records(world: World) -> None:
    _, body = spf(world, f"two.{D}", "--ip", "192.0.2.1")
    assert body["result"] == "permerror"


def test_large_record_over_tcp(world: World) -> None:
    _, body = spf(world, f"big.{D}", "--ip", "198.51.100.150")
    assert body["result"] == "pass"
    assert "spf.record_too_long" in {f["code"] for f in body["findings"]}


def test_null_sender_and_odd_helo(world: World) -> None:
    _, body = spf(world, "--sender", "", "--helo", D, "--ip", "192.0.2.3")
    assert (body["domain"], body["result"]) == (D, "pass")
    _, body = spf(world, "--sender", "", "--helo", "OEMCOMPUTER", "--ip", "192.0.2.3")
    assert body["result"] == "none"


def test_unreachable_dns_exits_3(world: World) -> None:
    res = world.run(["spf", D, "--ip", "192.0.2.3", "--format", "json"],
                    nameservers=[world.blackhole], dns_timeout=0.5)
    assert res.code == 3
