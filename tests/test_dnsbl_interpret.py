"""Reading one answer per list: refusals and unknown codes are never listings."""

from __future__ import annotations

import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

from triage.checks.dnsbl.catalog import CodeClass, generic_list, load_catalog
from triage.checks.dnsbl.interpret import ListStatus, interpret
from triage.dns.answer import Answer, Status

CATALOG = load_catalog()


def answer(*values: str, status: Status = Status.OK) -> Answer:
    rdata = tuple(
        dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.A, v) for v in values
    )
    return Answer("q.example", "A", status, rdata)


def zone(name: str):  # type: ignore[no-untyped-def]
    found = CATALOG.find(name)
    assert found is not None
    return found


@pytest.mark.parametrize("value,status,cls", [
    ("127.0.0.2", ListStatus.LISTED, CodeClass.LISTED),
    ("127.0.0.4", ListStatus.LISTED, CodeClass.LISTED),
    ("127.0.0.10", ListStatus.LISTED, CodeClass.POLICY),
    ("127.0.0.11", ListStatus.LISTED, CodeClass.POLICY),
    ("127.255.255.252", ListStatus.REFUSED, CodeClass.REFUSED),
    ("127.255.255.254", ListStatus.REFUSED, CodeClass.REFUSED),
    ("127.255.255.255", ListStatus.REFUSED, CodeClass.REFUSED),
    ("127.255.255.250", ListStatus.REFUSED, CodeClass.REFUSED),
    ("127.255.255.1", ListStatus.REFUSED, CodeClass.REFUSED),
    ("127.0.0.99", ListStatus.ERROR, None),
    ("127.0.0.1", ListStatus.ERROR, None),
    ("10.9.9.9", ListStatus.ERROR, None),
])
def test_zen_codes(value: str, status: ListStatus, cls: CodeClass | None) -> None:
    reading = interpret(zone("zen.spamhaus.org"), answer(value))
    assert reading.status is status
    assert reading.codes[0].cls is cls


def test_specific_meaning_wins_over_the_error_range() -> None:
    reading = interpret(zone("zen.spamhaus.org"), answer("127.255.255.254"))
    assert "public" in reading.codes[0].meaning


def test_listing_plus_policy_is_listed_with_both() -> None:
    reading = interpret(zone("zen.spamhaus.org"), answer("127.0.0.2", "127.0.0.11"))
    assert reading.status is ListStatus.LISTED
    assert [c.cls for c in reading.codes] == [CodeClass.LISTED, CodeClass.POLICY]


def test_listing_with_an_unknown_code_keeps_the_unknown_visible() -> None:
    reading = interpret(zone("zen.spamhaus.org"), answer("127.0.0.2", "127.0.0.99"))
    assert reading.status is ListStatus.LISTED
    assert [c.value for c in reading.unexpected] == ["127.0.0.99"]


@pytest.mark.parametrize("status,expected", [
    (Status.NXDOMAIN, ListStatus.CLEAN),
    (Status.NODATA, ListStatus.CLEAN),
    (Status.TIMEOUT, ListStatus.ERROR),
    (Status.SERVFAIL, ListStatus.ERROR),
    (Status.REFUSED, ListStatus.REFUSED),
    (Status.BADNAME, ListStatus.ERROR),
])
def test_dns_outcomes(status: Status, expected: ListStatus) -> None:
    assert interpret(zone("bl.spamcop.net"), answer(status=status)).status is expected


@pytest.mark.parametrize("list_zone", ["multi.surbl.org", "multi.uribl.com"])
def test_uri_lists_query_blocked_is_refused(list_zone: str) -> None:
    reading = interpret(zone(list_zone), answer("127.0.0.1"))
    assert reading.status is ListStatus.REFUSED


def test_surbl_bitmask() -> None:
    reading = interpret(zone("multi.surbl.org"), answer("127.0.0.72"))
    assert reading.status is ListStatus.LISTED
    assert "PH" in reading.codes[0].meaning and "ABUSE" in reading.codes[0].meaning


def test_uribl_grey_is_a_warning_and_unknown_bits_are_unexpected() -> None:
    grey = interpret(zone("multi.uribl.com"), answer("127.0.0.4"))
    assert grey.status is ListStatus.LISTED and grey.codes[0].severity is not None
    assert grey.codes[0].severity.value == "warning"
    odd = interpret(zone("multi.uribl.com"), answer("127.0.0.16"))
    assert odd.status is ListStatus.ERROR and odd.unexpected
    outside = interpret(zone("multi.uribl.com"), answer("127.0.1.2"))
    assert outside.status is ListStatus.ERROR


def test_dbl_ip_query_error_is_refused() -> None:
    assert interpret(zone("dbl.spamhaus.org"), answer("127.0.1.255")).status is ListStatus.REFUSED


def test_undocumented_zone_reads_rfc_5782() -> None:
    generic = generic_list("bl.example.test")
    assert interpret(generic, answer("127.0.0.2")).status is ListStatus.LISTED
    assert interpret(generic, answer("127.0.5.9")).status is ListStatus.LISTED
    assert interpret(generic, answer("127.255.255.254")).status is ListStatus.REFUSED
    assert interpret(generic, answer("127.0.0.1")).status is ListStatus.ERROR
    assert interpret(generic, answer("192.0.2.1")).status is ListStatus.ERROR
