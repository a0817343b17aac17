"""RFC 7208 §7 macro expansion: the examples of §7.4 and the grammar of §7.1."""

from __future__ import annotations

import ipaddress

import pytest

from triage.checks.spf import macro

CTX = macro.MacroContext(
    sender="strong-bad@email.example.com",
    local="strong-bad",
    sender_domain="email.example.com",
    domain="email.example.com",
    ip=ipaddress.ip_address("192.0.2.3"),
    helo="mx.example.org",
    ptr="mx.example.org",
    now=1234,
)


def ex(text: str, ctx: macro.MacroContext = CTX, explain: bool = False) -> str:
    return macro.expand(macro.parse(text, explain=explain), ctx)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
        ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
        ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
    ],
)
def test_7_4_examples(text: str, expected: str) -> None:
    assert ex(text) == expected


def test_7_4_ipv6_example() -> None:
    ctx = macro.MacroContext(**{**CTX.__dict__, "ip": ipaddress.ip_address("2001:db8::cb01")})
    got = ex("%{ir}.%{v}._spf.%{d2}", ctx)
    assert got == (  # exactly as §7.4 writes it: lower-case nibbles
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
    )


def test_7_3_ipv6_nibbles_follow_the_case_the_address_was_written_in() -> None:
    assert macro.upper_hex("2001:DB8::CB01") and not macro.upper_hex("2001:db8::cb01")
    assert not macro.upper_hex("2001:Db8::1") and not macro.upper_hex("192.0.2.1")
    ctx = macro.MacroContext(**{**CTX.__dict__, "ip": ipaddress.ip_address("2001:db8::cb01"),
                                "upper_hex": True})
    assert ex("%{i}", ctx) == ".".join("20010DB8" + "0000" * 5 + "CB01")


def test_7_escapes_and_url_encoding() -> None:
    assert ex("a%%b%_c%-d") == "a%b c%20d"
    ctx = macro.MacroContext(**{**CTX.__dict__, "local": "~jack&jill=up-a_b3.c"})
    assert ex("%{L}", ctx) == "~jack%26jill%3Dup-a_b3.c"


def test_7_multiple_delimiters() -> None:
    ctx = macro.MacroContext(**{**CTX.__dict__, "local": "foo-bar+zip+quux"})
    assert ex("%{l2r+-}", ctx) == "bar.foo"


def test_7_exp_only_letters() -> None:
    assert ex("%{c} %{r} %{t}", explain=True) == "192.0.2.3 unknown 1234"
    for letter in "crt":
        with pytest.raises(macro.MacroError):
            macro.parse(f"%{{{letter}}}.example.com")


@pytest.mark.parametrize(
    "bad", ["%", "foo%", "%(ir)", "%{x}", "%{d0}", "%{d", "a b", "\x00", "é"]
)
def test_7_1_syntax_errors(bad: str) -> None:
    with pytest.raises(macro.MacroError):
        macro.parse(bad)


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        ("example.com", True),
        ("example.com.", True),
        ("%{d}", True),
        ("%{d}.com", True),
        ("foo:bar/baz.example.com", True),  # any visible character but %
        ("foo.example.xn--zckzah", True),  # a dash in the top label
        ("museum", False),  # a top label alone
        ("museum.", False),
        ("abc.123", False),  # numeric top label
        ("192.0.2.1", False),
        ("example.-com", False),
        ("example.com:8080", False),
        ("", False),
    ],
)
def test_7_1_domain_spec(spec: str, ok: bool) -> None:
    if ok:
        macro.parse_domain_spec(spec)
    else:
        with pytest.raises(macro.MacroError):
            macro.parse_domain_spec(spec)


def test_7_3_truncation_drops_whole_labels_from_the_left() -> None:
    name = ".".join(["a" * 60] * 5)  # 304 characters
    cut = macro.truncate(name)
    assert len(cut) <= 253 and cut == ".".join(["a" * 60] * 4)


def test_expand_domain_strips_one_trailing_dot() -> None:
    spec = macro.parse_domain_spec("%{d1}.example.net.")
    assert macro.expand_domain(spec, CTX) == "com.example.net"
