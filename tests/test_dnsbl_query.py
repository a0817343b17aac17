"""Targets and RFC 5782 query names: IPv4 octets, IPv6 nibbles, domains, DQS keys."""

from __future__ import annotations

import pytest

from triage.checks.dnsbl.catalog import TargetKind
from triage.checks.dnsbl.query import parse_target, parse_zone, query_name, valid_key


def test_ipv4_is_reversed() -> None:
    target = parse_target(" 192.0.2.10 ")
    assert target.kind is TargetKind.IP4
    assert query_name(target, "zen.spamhaus.org").wire == "10.2.0.192.zen.spamhaus.org"


def test_ipv6_is_32_reversed_nibbles() -> None:
    target = parse_target("2001:DB8::1")
    assert target.text == "2001:db8::1" and target.kind is TargetKind.IP6
    name = query_name(target, "zen.spamhaus.org").wire
    assert name == "1." + "0." * 23 + "8.b.d.0.1.0.0.2.zen.spamhaus.org"
    assert len(name.split(".")) == 32 + 3


def test_ipv4_mapped_ipv6_is_ipv4() -> None:
    assert parse_target("::ffff:192.0.2.10").kind is TargetKind.IP4


def test_domain_is_lower_case_a_label() -> None:
    target = parse_target("Example.COM.")
    assert target.kind is TargetKind.DOMAIN and target.text == "example.com"
    assert query_name(target, "dbl.spamhaus.org").wire == "example.com.dbl.spamhaus.org"
    assert parse_target("bücher.example").text == "xn--bcher-kva.example"


def test_dqs_key_goes_into_the_wire_name_only() -> None:
    name = query_name(parse_target("192.0.2.10"), "zen.dq.spamhaus.net", "SECRETKEY1")
    assert name.wire == "10.2.0.192.SECRETKEY1.zen.dq.spamhaus.net"
    assert "SECRETKEY1" not in name.shown and "<key>" in name.shown


@pytest.mark.parametrize("text", [
    "", "  ", "exa mple.com", "localhost", "1.2.3.4.5", "192.0.2.1/32", "-bad.example",
    "a" * 64 + ".example", "x\x1b.example",
])
def test_invalid_targets(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_target(text)
    assert "\x1b" not in str(info.value)


def test_zone_names() -> None:
    assert parse_zone("ZEN.Spamhaus.org.") == "zen.spamhaus.org"
    with pytest.raises(ValueError):
        parse_zone("not a zone")


def test_dqs_keys() -> None:
    assert valid_key("abcdef0123456789")
    assert not valid_key("has.dot") and not valid_key("") and not valid_key("a b")
