"""Record selection (§4.5) and term syntax (§4.6.1, §5, §6) of the SPF parser."""

from __future__ import annotations

import pytest

from triage.checks.spf.record import Kind, Qualifier, is_spf, parse


@pytest.mark.parametrize(
    ("text", "spf"),
    [(b"v=spf1", True), (b"v=spf1 -all", True), (b"V=SPF1 -all", True),
     (b"v=spf10", False), (b"v=spf1\t-all", False), (b" v=spf1", False), (b"spf1", False)],
)
def test_4_5_version(text: bytes, spf: bool) -> None:
    assert is_spf(text) is spf


def test_terms_keep_order_qualifiers_and_cidrs() -> None:
    rec = parse(b"v=spf1 +a/24//64 ~mx:example.com ?ip4:192.0.2.0/24 -all")
    assert [(m.kind, m.qualifier) for m in rec.mechanisms] == [
        (Kind.A, Qualifier.PASS), (Kind.MX, Qualifier.SOFTFAIL),
        (Kind.IP4, Qualifier.NEUTRAL), (Kind.ALL, Qualifier.FAIL),
    ]
    a = rec.mechanisms[0]
    assert (a.cidr4, a.cidr6, a.spec) == (24, 64, None)
    assert rec.mechanisms[1].spec == "example.com"
    assert not rec.errors and rec.dns_terms() == 2


def test_a_domain_may_contain_colons_and_slashes() -> None:
    rec = parse(b"v=spf1 a:foo:bar/baz.example.com/24")
    assert (rec.mechanisms[0].spec, rec.mechanisms[0].cidr4) == ("foo:bar/baz.example.com", 24)


@pytest.mark.parametrize(
    "term",
    ["-all.", "all:x", "all/8", "include", "include:", "exists", "exists:a.example.com/24",
     "ptr/0", "ptr:", "ip4", "ip4:192.0.2.1/33", "ip4:192.0.2.1/032", "ip4:192.0.2",
     "ip4:192.0.2.1:8080", "ip6:2001:db8::/129", "ip6:::1.1.1.1//33", "ip6::CAFE::BABE",
     "a//129", "a/33", "a/24/64", "mx:abc.123", "redirect:example.com", "1up=foo", "=all",
     "moo.cow/far_out=man:dog/cat", "foo=%abc", "exp=", "redirect=", "exp=-all",
     "bogus", "a:%{x}.example.com"],
)
def test_invalid_terms_are_syntax_errors(term: str) -> None:
    assert parse(f"v=spf1 {term}".encode()).errors


def test_modifiers() -> None:
    rec = parse(b"v=spf1 moo.cow-far_out=man:dog/cat REDIRECT=example.com exp=why.example.com")
    assert rec.redirect is not None and rec.redirect.value == "example.com"
    assert rec.exp is not None and not rec.errors
    assert [m.name for m in rec.unknown] == ["moo.cow-far_out"]


def test_duplicate_redirect_or_exp() -> None:
    assert parse(b"v=spf1 redirect=a.example redirect=b.example").errors
    assert parse(b"v=spf1 exp=a.example exp=b.example").errors


def test_redirect_ignored_when_all_present() -> None:
    rec = parse(b"v=spf1 ?all redirect=example.com")
    assert rec.effective_redirect is None and rec.dns_terms() == 0


def test_non_ascii_record_is_one_syntax_error() -> None:
    rec = parse("v=spf1 a:\ufeffgarbage.example.net -all".encode())
    assert rec.errors and rec.errors[0].reason == "the record is not ASCII"
