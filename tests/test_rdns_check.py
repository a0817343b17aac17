"""check_rdns over zone files: PTR, FCrDNS, generic names, HELO, failures never "missing"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

import pytest
from scripted import ScriptedResolver

from triage.checks.rdns import MAX_FORWARD, RdnsResult, check_rdns, parse_ip

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rdns"
ZONES = (FIXTURES / "2.0.192.in-addr.arpa.zone", FIXTURES / "rdns.test.zone")


class Failing(ScriptedResolver):
    """Answers from the zone files, except names under ``broken``: those time out."""

    def __init__(self, broken: Iterable[str] = (), zones: Iterable[Path] = ZONES) -> None:
        super().__init__(zones, broken)


def run(ip: str, helo: str | None = None, resolver: Failing | None = None) -> RdnsResult:
    return asyncio.run(check_rdns(resolver or Failing(), ip, helo))


def codes(result: RdnsResult) -> list[str]:
    return [f.code for f in result.findings]


def test_confirmed_ptr_and_matching_helo_have_no_findings() -> None:
    result = run("192.0.2.10", "mail.rdns.test")
    assert result.ptr == ("mail.rdns.test",)
    assert result.fcrdns is True
    assert result.findings == ()
    assert result.to_dict() == {
        "ip": "192.0.2.10",
        "ptr": ["mail.rdns.test"],
        "fcrdns": True,
        "confirmed": ["mail.rdns.test"],
        "helo": {"name": "mail.rdns.test", "resolves": True, "matches_ip": True,
                 "matches_ptr": True},
    }


def test_no_ptr_is_missing_and_fcrdns_false() -> None:
    result = run("192.0.2.13")
    assert codes(result) == ["rdns.missing"]
    assert result.fcrdns is False and result.ptr == ()
    assert result.to_dict()["helo"] is None


def test_ptr_resolving_elsewhere_is_not_confirmed() -> None:
    result = run("192.0.2.11")
    assert codes(result) == ["rdns.not_confirmed"]
    assert result.findings[0].evidence["checked"][0]["addresses"] == ["198.51.100.7"]


def test_ptr_name_that_does_not_exist_is_not_confirmed() -> None:
    assert codes(run("192.0.2.14")) == ["rdns.not_confirmed"]


def test_generic_name_is_flagged_even_when_confirmed() -> None:
    result = run("192.0.2.12")
    assert result.fcrdns is True
    assert codes(result) == ["rdns.generic"]
    assert "192-0-2-12" in result.findings[0].evidence["names"][0]["why"]


def test_second_ptr_name_confirms_and_multiple_is_info() -> None:
    result = run("192.0.2.15")
    assert result.fcrdns is True
    assert result.confirmed == ("mx15.rdns.test",)
    assert codes(result) == ["rdns.multiple_ptr"]
    assert result.findings[0].severity.value == "info"


def test_ptr_timeout_is_temperror_never_missing() -> None:
    result = run("192.0.2.13", resolver=Failing(broken=["2.0.192.in-addr.arpa"]))
    assert codes(result) == ["rdns.temperror"]
    assert result.fcrdns is None


def test_forward_timeout_is_temperror_never_not_confirmed() -> None:
    result = run("192.0.2.11", resolver=Failing(broken=["elsewhere.rdns.test"]))
    assert codes(result) == ["rdns.temperror"]
    assert result.fcrdns is None


def test_forward_servfail_is_temperror() -> None:
    assert codes(run("192.0.2.17")) == ["rdns.temperror"]


def test_control_characters_in_ptr_are_escaped() -> None:
    result = run("192.0.2.16")
    assert result.fcrdns is True
    assert all("\x1b" not in name for name in result.ptr)
    assert result.ptr == ("evil\\027[31m.rdns.test",)


def test_ipv6_confirms_through_aaaa(tmp_path: Path) -> None:
    zone = tmp_path / "ip6.zone"
    zone.write_text(
        "$ORIGIN 5.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n$TTL 60\n"
        "@ IN SOA ns.rdns.test. h.rdns.test. 1 1 1 1 1\n"
        "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail.rdns.test.\n"
    )
    result = run("2001:db8:25::10", resolver=Failing(zones=(*ZONES, zone)))
    assert result.fcrdns is True and result.findings == ()
    assert result.ip == "2001:db8:25::10"


def test_sixty_ptr_names_all_reported_bounded_forward_lookups(tmp_path: Path) -> None:
    lines = [f"18 IN PTR n{i:02d}.many.rdns.test." for i in range(60)]
    zone = tmp_path / "2.0.192.in-addr.arpa.zone"
    zone.write_text(
        "$TTL 60\n@ IN SOA ns.rdns.test. h.rdns.test. 1 1 1 1 1\n" + "\n".join(lines) + "\n"
    )
    resolver = Failing(zones=(zone, ZONES[1]))
    result = run("192.0.2.18", resolver=resolver)
    assert len(result.ptr) == 60
    forward = [name for name, rdtype in resolver.asked if rdtype in ("A", "AAAA")]
    assert len(forward) == 2 * MAX_FORWARD
    finding = next(f for f in result.findings if f.code == "rdns.not_confirmed")
    assert finding.evidence["names_checked"] == MAX_FORWARD
    assert finding.evidence["names_total"] == 60
    assert "first 10 of 60" in finding.message


def test_lookups_run_concurrently() -> None:
    resolver = Failing()
    run("192.0.2.15", "helo-elsewhere.rdns.test", resolver=resolver)
    # PTR + HELO A + HELO AAAA together, then 2 names x (A, AAAA) together
    assert resolver.peak >= 4
    first = {q for q in resolver.asked[:3]}
    assert ("15.2.0.192.in-addr.arpa", "PTR") in first
    assert ("helo-elsewhere.rdns.test", "A") in first


@pytest.mark.parametrize("helo,expected", [
    ("helo-elsewhere.rdns.test", ["helo.mismatch"]),
    ("nothere.rdns.test", ["helo.not_resolving"]),
    ("localhost", ["helo.not_fqdn"]),
    ("x" * 300, ["helo.not_fqdn"]),
    ("a" * 70 + ".rdns.test", ["helo.not_fqdn"]),
    ("helo-ok.rdns.test", []),
    ("[192.0.2.10]", ["helo.not_fqdn"]),
    ("mail.rdns.test.", []),
    ("MAIL.RDNS.TEST", []),
])
def test_helo_outcomes(helo: str, expected: list[str]) -> None:
    result = run("192.0.2.10", helo)
    assert codes(result) == expected


def test_helo_matching_ptr_but_not_ip_is_no_mismatch() -> None:
    result = run("192.0.2.11", "elsewhere.rdns.test")
    assert result.helo is not None and result.helo.matches_ptr is True
    assert "helo.mismatch" not in codes(result)


def test_helo_literal_is_a_warning_and_matches_ip() -> None:
    result = run("192.0.2.10", "[192.0.2.10]")
    assert result.helo is not None
    assert result.helo.matches_ip is True and result.helo.resolves is None
    assert result.findings[0].severity.value == "warning"


def test_helo_timeout_is_temperror_not_not_resolving() -> None:
    result = run("192.0.2.10", "slow.rdns.test", resolver=Failing(broken=["slow.rdns.test"]))
    assert codes(result) == ["rdns.temperror"]
    assert result.helo is not None and result.helo.resolves is None


def test_helo_with_control_characters_is_sanitised() -> None:
    result = run("192.0.2.10", "bad\x1b[2J.example")
    assert result.helo is not None and "\x1b" not in result.helo.name
    assert "\x1b" not in result.findings[0].message


@pytest.mark.parametrize("text", ["", "300.1.1.1", "example.com", "192.0.2.1/32", "fe80::1%eth0"])
def test_invalid_ip_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ip(text)


def test_ipv4_mapped_ipv6_is_checked_as_ipv4() -> None:
    assert str(parse_ip("::ffff:192.0.2.10")) == "192.0.2.10"
