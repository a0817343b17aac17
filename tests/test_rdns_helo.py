"""HELO syntax: fully-qualified host names, address literals, names that cannot be asked."""

from __future__ import annotations

import ipaddress

import pytest

from triage.checks.rdns.helo import fqdn_problem, parse_helo


@pytest.mark.parametrize("name", ["mail.example.com", "a.b", "mx-1.example.co.uk", "x1.example"])
def test_fqdn(name: str) -> None:
    assert fqdn_problem(name) is None
    assert parse_helo(name).fqdn


@pytest.mark.parametrize("name,why", [
    ("", "empty"),
    ("localhost", "single label"),
    ("-bad.example.com", "invalid label"),
    ("under_score.example.com", "invalid label"),
    ("192.0.2.1", "numeric"),
    ("a" * 64 + ".example.com", "invalid label"),
    ("x" * 300, "300 characters"),
])
def test_not_fqdn(name: str, why: str) -> None:
    problem = fqdn_problem(name)
    assert problem is not None and why in problem


def test_underscore_name_is_still_looked_up() -> None:
    helo = parse_helo("under_score.example.com")
    assert not helo.fqdn and helo.query == "under_score.example.com"


def test_overlong_name_is_not_looked_up_and_is_shortened_for_display() -> None:
    helo = parse_helo("x" * 300)
    assert helo.query is None
    assert len(helo.given) < 300


def test_address_literals() -> None:
    assert parse_helo("[192.0.2.1]").literal == ipaddress.ip_address("192.0.2.1")
    assert parse_helo("[IPv6:2001:db8::1]").literal == ipaddress.ip_address("2001:db8::1")
    assert parse_helo("[2001:db8::1]").literal is None  # RFC 5321 needs the IPv6: tag
    assert parse_helo("[nonsense]").problem == "is a malformed literal"


def test_control_characters_never_reach_display() -> None:
    helo = parse_helo("evil\x1b]0;x\x07.example.com")
    assert "\x1b" not in helo.given and "\x07" not in helo.given
    assert helo.query is None  # a control character is no host name worth asking about
