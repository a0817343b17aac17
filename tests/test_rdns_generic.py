"""Generic-PTR detection: the data file is valid, and the forms receivers mean are caught."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from importlib import resources

import pytest

from triage.checks.rdns.generic import GenericDetector, embedded_ip, load_patterns

V4 = ipaddress.ip_address("192.0.2.10")
V6 = ipaddress.ip_address("2001:db8:25::10")


@pytest.fixture(scope="module")
def detector() -> GenericDetector:
    return GenericDetector()


def test_data_file_is_valid() -> None:
    raw = tomllib.loads(resources.files("triage").joinpath("data/generic_ptr.toml").read_text())
    assert raw["keyword"] and raw["exempt"]
    for rule in raw["keyword"] + raw["exempt"]:
        assert set(rule) == {"pattern", "meaning", "source"}
        re.compile(rule["pattern"])
        # tokens are runs of letters: a digit in a pattern could never match
        assert not re.search(r"\d", rule["pattern"]), rule["pattern"]
    patterns = load_patterns()
    assert len(patterns.keywords) == len(raw["keyword"])


@pytest.mark.parametrize("name", [
    "192-0-2-10.dsl.example.net",
    "static.10.2.0.192.clients.your-server.de",
    "ec2-192-0-2-10.compute-1.amazonaws.com",
    "ip192.0.2.10.example.org",
    "host192000002010.example.org",
    "c000020a.example.org",
    "pool-7-1-2-3.nycmny.fios.verizon.net",
    "c-73-1-2-3.hsd1.ca.comcast.net",
    "adsl-host.example.co.uk",
    "dhcp-44.example.net",
    "cpe-1-2.example.com",
    "localhost",
])
def test_generic_names(detector: GenericDetector, name: str) -> None:
    assert detector.match(name, V4) is not None


@pytest.mark.parametrize("name", [
    "mail.example.com",
    "mail.cablecompany.com",
    "o1.ptr1234.sendgrid.net",
    "a8-30.smtp-out.amazonses.com",
    "mail-dynamic-relay.example.com",
    "static-dsl.example.com",
    "mx1.example.org",
    "192-0-2-11.example.net",  # a different IP's numbers
])
def test_non_generic_names(detector: GenericDetector, name: str) -> None:
    assert detector.match(name, V4) is None


def test_ip_in_name_beats_mail_exemption(detector: GenericDetector) -> None:
    found = detector.match("mail-192-0-2-10.example.net", V4)
    assert found is not None and "192-0-2-10" in found.why


@pytest.mark.parametrize("name", [
    "2001-db8-25--10.static.example.net",
    "host-2001-0db8-0025-0000-0000-0000-0000-0010.example.net",
    "20010db8002500000000000000000010.example.net",
])
def test_ipv6_forms(name: str) -> None:
    assert embedded_ip(name, V6) is not None


def test_ipv6_mail_name_is_not_generic(detector: GenericDetector) -> None:
    assert detector.match("mail6.example.com", V6) is None
