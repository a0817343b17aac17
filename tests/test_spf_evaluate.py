"""check_host() against RFC 7208, section by section, on fixtures/spf zone files."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest

from triage.checks.spf import identify
from triage.checks.spf.evaluate import Evaluation, check_host
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver
from triage.dns.stack import DnsConfig, build

FIXTURES = Path(__file__).parent.parent / "fixtures" / "spf"
ZONES = (FIXTURES / "rfc.spf.test.zone", FIXTURES / "2.0.192.in-addr.arpa.zone")
D = "rfc.spf.test"


class Failing:
    """Wraps a resolver: names under ``broken`` time out (a dead server)."""

    def __init__(self, inner: Resolver, broken: str, status: Status = Status.TIMEOUT) -> None:
        self.inner, self.broken, self.status = inner, broken, status

    async def query(self, name: str, rdtype: str) -> Answer:
        if name == self.broken or name.endswith("." + self.broken):
            return Answer(name, rdtype, self.status, detail="test")
        return await self.inner.query(name, rdtype)


def evaluate(
    sender: str, ip: str, helo: str | None = "mail.rfc.spf.test", broken: str | None = None
) -> Evaluation:
    async def go() -> Evaluation:
        stack = build(DnsConfig(zone_files=ZONES, offline=True))
        resolver: Resolver = stack.resolver
        if broken:
            resolver = Failing(resolver, broken)
        try:
            who = identify(None, sender, helo)
            return await check_host(resolver, ipaddress.ip_address(ip), who, 1700000000)
        finally:
            await stack.close()

    return asyncio.run(go())


def result(name: str, ip: str = "192.0.2.1", **kw: str) -> str:
    return evaluate(f"user@{name}.{D}" if name else f"user@{D}", ip, **kw).outcome.value


# §4.3: initial processing -------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        "user@" + "a" * 64 + ".rfc.spf.test",  # label over 63 octets
        "user@a..rfc.spf.test",  # empty label
        "user@[192.0.2.1]",  # address literal
        "user@localhost",  # not multi-label
    ],
)
def test_4_3_malformed_domain_is_none(sender: str) -> None:
    assert evaluate(sender, "192.0.2.1").outcome.value == "none"


def test_4_3_null_sender_uses_postmaster_at_helo() -> None:
    ev = evaluate("", "192.0.2.1", helo=f"ipass.{D}")
    assert ev.outcome.value == "pass"


def test_4_3_single_label_helo_with_null_sender_is_none() -> None:
    assert evaluate("", "192.0.2.1", helo="OEMCOMPUTER").outcome.value == "none"


def test_4_3_missing_local_part_becomes_postmaster() -> None:
    ev = evaluate(f"@expsender.{D}", "192.0.2.99", helo="h.example")
    assert ev.explanation == (
        f"postmaster@expsender.{D} postmaster expsender.{D} h.example postmaster"
    )


# §4.4 / §4.5: record lookup and selection ----------------------------------------------


def test_4_4_dns_error_on_record_lookup_is_temperror() -> None:
    assert evaluate(f"u@ipass.{D}", "192.0.2.1", broken=f"ipass.{D}").outcome.value == "temperror"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("none", "none"),  # TXT present but not SPF
        ("nothere", "none"),  # NXDOMAIN
        ("two", "permerror"),  # two v=spf1 records
        ("twoplus", "fail"),  # other TXT records (even non-ASCII) are not our business
        ("case", "softfail"),  # version is case-insensitive
        ("spf10", "none"),  # v=spf10 is not v=spf1
        ("nospace", "none"),  # strings are joined without a space: "v=spf1-all"
        ("joined", "pass"),  # "v=spf1 ip4:192.0.2.1" + " -all"
        ("empty", "neutral"),  # no terms: §4.7 default
    ],
)
def test_4_5_record_selection(name: str, expected: str) -> None:
    assert result(name) == expected


# §4.6: syntax, anywhere ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("late", "permerror"),  # error after the matching term still counts
        ("unkmod", "pass"),  # unknown modifiers are ignored
        ("badmod", "permerror"),  # name must start with a letter: an unknown mechanism
        ("spaces", "pass"),  # 1*SP between terms, trailing space allowed
        ("nonascii", "permerror"),
        ("ctrl", "permerror"),  # a CR is not a separator
        ("upper", "pass"),  # mechanism names are case-insensitive
    ],
)
def test_4_6_syntax(name: str, expected: str) -> None:
    assert result(name) == expected


def test_4_6_syntax_error_is_reported_with_its_term() -> None:
    ev = evaluate(f"u@late.{D}", "192.0.2.1")
    assert ev.error is not None and ev.error.term == "moo"


# §4.6.4: processing limits -------------------------------------------------------------


def test_4_6_4_ten_dns_terms_are_allowed() -> None:
    ev = evaluate(f"u@lim10.{D}", "192.0.2.1")
    assert (ev.outcome.value, ev.dns_terms) == ("pass", 10)


def test_4_6_4_eleventh_dns_term_is_permerror() -> None:
    ev = evaluate(f"u@lim11.{D}", "192.0.2.1")
    assert ev.outcome.value == "permerror"
    assert ev.error is not None and ev.error.code == "spf.lookup_limit"


def test_4_6_4_terms_are_counted_only_when_reached() -> None:
    ev = evaluate(f"u@lim11.{D}", "198.51.100.99")  # first `a` matches
    assert (ev.outcome.value, ev.dns_terms) == ("pass", 1)


def test_4_6_4_two_void_lookups_are_allowed() -> None:
    ev = evaluate(f"u@void2.{D}", "192.0.2.1")
    assert (ev.outcome.value, ev.void) == ("neutral", 2)


def test_4_6_4_third_void_lookup_is_permerror_and_attributed() -> None:
    ev = evaluate(f"u@void3.{D}", "192.0.2.1")
    assert ev.outcome.value == "permerror"
    voids = [q for q in ev.queries if q.void]
    assert [q.term for q in voids] == [
        "a:nx1.rfc.spf.test", "a:nx2.rfc.spf.test", "a:nx3.rfc.spf.test"
    ]
    assert all(q.status == "nxdomain" for q in voids)


def test_4_6_4_ten_mx_records_are_allowed_eleven_are_permerror() -> None:
    assert result("mx10", "192.0.2.10") == "pass"
    assert result("mx11", "192.0.2.10") == "permerror"


@pytest.mark.parametrize("name", ["loopa", "rloop"])
def test_4_6_4_loops_end_in_permerror(name: str) -> None:
    assert result(name) == "permerror"


# §5.1 all, §5.2 include ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected", "matched"),
    [
        ("allneutral", "neutral", "?all"),
        ("allarg", "permerror", None),
        ("incpass", "pass", "include:ipass.rfc.spf.test"),
        ("incfail", "neutral", "?all"),  # fail inside: no match
        ("incsoft", "neutral", "?all"),
        ("incneutral", "fail", "-all"),
        ("incnone", "permerror", None),  # include of a domain without SPF
        ("incnx", "permerror", None),
        ("incperm", "permerror", None),
        ("incbare", "permerror", None),
        ("inccidr", "permerror", None),
        ("incminus", "fail", "-include:ipass.rfc.spf.test"),
    ],
)
def test_5_1_5_2_all_and_include(name: str, expected: str, matched: str | None) -> None:
    ev = evaluate(f"u@{name}.{D}", "192.0.2.1")
    assert (ev.outcome.value, ev.matched) == (expected, matched)


def test_5_2_include_temperror_propagates() -> None:
    assert result("incpass", broken=f"ipass.{D}") == "temperror"


# §5.3 a ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("a", "192.0.2.20", "pass"),
        ("a", "192.0.2.21", "fail"),
        ("a", "2001:db8::20", "pass"),  # AAAA for an IPv6 client
        ("a", "::ffff:192.0.2.20", "pass"),  # IPv4-mapped: treated as IPv4 (§5)
        ("acidr", "192.0.2.200", "pass"),
        ("adual", "192.0.2.22", "pass"),
        ("adual", "192.0.2.30", "fail"),
        ("adual", "2001:db8::ffff", "pass"),
        ("abad4", "192.0.2.1", "permerror"),
        ("abad6", "192.0.2.1", "permerror"),
        ("adual2", "192.0.2.1", "permerror"),  # a/24/64 is not dual-cidr
        ("anum", "192.0.2.1", "permerror"),  # top label may not be numeric
        ("aempty", "192.0.2.1", "permerror"),
        ("anx", "192.0.2.1", "fail"),  # no address: no match, even with /0
    ],
)
def test_5_3_a(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


def test_5_3_a_dns_error_is_temperror() -> None:
    assert result("acidr", broken=f"a.{D}") == "temperror"


# §5.4 mx -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("mx", "192.0.2.32", "pass"),
        ("mx", "2001:db8::32", "pass"),
        ("mx", "192.0.2.33", "fail"),
        ("mxcidr", "192.0.2.40", "pass"),
        ("mxnone", "192.0.2.40", "fail"),  # no MX: never the A record of the domain
        ("nullmx", "192.0.2.1", "neutral"),
    ],
)
def test_5_4_mx(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


def test_5_4_mx_host_lookup_error_is_temperror() -> None:
    assert result("mx", "192.0.2.33", broken=f"mx2.{D}") == "temperror"


# §5.5 ptr ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("ptr", "192.0.2.10", "fail"),  # validated name mail.rfc.spf.test is not under ptr.rfc…
        ("ptrtarget", "192.0.2.10", "pass"),  # …but is under rfc.spf.test
        ("ptrother", "192.0.2.10", "fail"),
        ("ptrtarget", "192.0.2.11", "fail"),  # PTR name does not resolve back
        ("ptrtarget", "192.0.2.12", "fail"),  # no PTR at all
        ("ptrcidr", "192.0.2.10", "permerror"),
    ],
)
def test_5_5_ptr(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


def test_5_5_ptr_dns_error_is_no_match_not_temperror() -> None:
    assert result("ptrtarget", "192.0.2.10", broken="2.0.192.in-addr.arpa") == "fail"


# §5.6 ip4 / ip6 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("ip4zero", "203.0.113.5", "pass"),
        ("ip4zero", "2001:db8::1", "fail"),  # an IPv6 client never matches ip4
        ("ip4bad", "192.0.2.1", "permerror"),
        ("ip4lead", "192.0.2.1", "permerror"),
        ("ip4short", "192.0.2.1", "permerror"),
        ("ip4bare", "192.0.2.1", "permerror"),
        ("ip4dual", "192.0.2.1", "permerror"),
        ("ip6all", "192.0.2.1", "fail"),  # an IPv4 client never matches ip6, even ::/0
        ("ip6all", "2001:db8::1", "pass"),
        ("ip6bad", "2001:db8::1", "permerror"),
        ("ip6net", "2001:db8:8000::1", "pass"),
        ("ip6net", "2001:db8::1", "fail"),
        ("mapped", "::ffff:192.0.2.1", "fail"),  # matches ip4:, not ip6:
    ],
)
def test_5_6_ip4_ip6(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


# §5.7 exists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("exists", "192.0.2.99", "pass"),
        ("exists", "2001:db8::99", "pass"),  # the lookup is A even for an IPv6 client
        ("existsv6", "2001:db8::99", "fail"),  # AAAA-only name does not exist for `exists`
        ("existsbare", "192.0.2.1", "permerror"),
    ],
)
def test_5_7_exists(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


def test_5_7_exists_with_macros() -> None:
    ev = evaluate(f"jack@existsmac.{D}", "192.0.2.1")
    assert (ev.outcome.value, ev.matched) == ("pass", "exists:%{ir}.%{l1r-}.bl.rfc.spf.test")


# §6.1 redirect -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip", "expected"),
    [
        ("redir", "192.0.2.1", "pass"),
        ("redir", "192.0.2.2", "fail"),
        ("redirall", "192.0.2.1", "neutral"),  # ignored when the record has `all`
        ("redirnone", "192.0.2.1", "permerror"),  # target without SPF
        ("redirtwice", "192.0.2.1", "permerror"),
        ("redird", "192.0.2.50", "pass"),  # %{d} and bare `a` follow the new domain
        ("redirempty", "192.0.2.1", "permerror"),
    ],
)
def test_6_1_redirect(name: str, ip: str, expected: str) -> None:
    assert result(name, ip) == expected


def test_6_1_redirect_reports_the_targets_term() -> None:
    assert evaluate(f"u@redir.{D}", "192.0.2.2").matched == "-all"


# §6.2 exp ----------------------------------------------------------------------------


def test_6_2_explanation_is_expanded_with_exp_only_macros() -> None:
    ev = evaluate(f"u@exp.{D}", "192.0.2.99")
    assert ev.outcome.value == "fail"
    assert ev.explanation == (
        f"192.0.2.99 is not one of exp.{D}'s senders (192.0.2.99 unknown in-addr)"
    )


def test_6_2_ipv6_explanation() -> None:
    ev = evaluate(f"u@exp.{D}", "2001:db8::1")
    nibbles = ".".join("20010db8000000000000000000000001")  # §7.4 writes them lower-case
    assert ev.explanation == f"{nibbles} is not one of exp.{D}'s senders (2001:db8::1 unknown ip6)"


def test_6_2_uppercase_macro_is_url_escaped() -> None:
    ev = evaluate(f"a&b=c@expsender.{D}", "192.0.2.99", helo="h.example")
    assert ev.explanation == f"a&b=c@expsender.{D} a&b=c expsender.{D} h.example a%26b%3Dc"


@pytest.mark.parametrize("name", ["expnone", "exptwo", "expbad"])
def test_6_2_exp_problems_leave_fail_without_explanation(name: str) -> None:
    ev = evaluate(f"u@{name}.{D}", "192.0.2.99")
    assert (ev.outcome.value, ev.explanation) == ("fail", None)


def test_6_2_exp_dns_error_is_ignored() -> None:
    ev = evaluate(f"u@exp.{D}", "192.0.2.99", broken=f"why.{D}")
    assert (ev.outcome.value, ev.explanation) == ("fail", None)


@pytest.mark.parametrize("name", ["expempty", "exptwice", "expcrt"])
def test_6_2_exp_syntax_errors_are_permerror(name: str) -> None:
    assert result(name, "192.0.2.99") == "permerror"


def test_6_2_exp_only_on_fail() -> None:
    assert evaluate(f"u@expsoft.{D}", "192.0.2.99").explanation is None


def test_6_2_include_ignores_the_included_exp() -> None:
    ev = evaluate(f"u@expinc.{D}", "192.0.2.99")
    assert (ev.outcome.value, ev.explanation) == ("fail", "outer")


def test_6_2_redirect_uses_the_targets_exp_only() -> None:
    ev = evaluate(f"u@expredir.{D}", "192.0.2.99")
    assert ev.explanation is not None and ev.explanation.startswith("192.0.2.99 is not one of exp.")


def test_6_2_exp_lookups_are_not_void() -> None:
    assert evaluate(f"u@expnone.{D}", "192.0.2.99").void == 0


# §7 macros in mechanisms ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["macrobad", "macropct", "macroc", "macrozero"])
def test_7_macro_syntax_errors_are_permerror(name: str) -> None:
    assert result(name) == "permerror"


def test_7_expansion_over_253_drops_left_labels() -> None:
    local = ".".join(["x" * 20] * 3)  # 62 characters, five times: over 253
    ev = evaluate(f"{local}@macrolong.{D}", "192.0.2.1")
    queried = [q.name for q in ev.queries if q.term and q.term.startswith("exists:")]
    assert queried and 240 < len(queried[0]) <= 253 and queried[0].endswith(".lg.rfc.spf.test")
    assert queried[0].startswith("x")  # whole labels dropped, none cut in half
    assert ev.outcome.value == "fail"


def test_7_helo_macro_with_odd_helo_is_a_lookup_not_an_error() -> None:
    assert result("macroh", helo="JUMPIN' JUPITER") == "fail"
    assert result("macroh", "192.0.2.10", helo="mail.rfc.spf.test") == "pass"


def test_7_p_macro_uses_the_validated_name() -> None:
    assert result("macrop", "192.0.2.10") == "pass"
    assert result("macrop", "192.0.2.11") == "fail"  # unvalidated: "unknown"
