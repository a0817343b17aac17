"""The MTA-STS policy parser and MX matching (RFC 8461 §3.2, §4.1), and the shared tag
syntax of the _mta-sts, TLS-RPT and BIMI records: pure, no network."""

from __future__ import annotations

import pytest

from triage.checks.posture import policy
from triage.checks.posture.tags import parse


def test_a_valid_policy_with_crlf_and_an_extension() -> None:
    p = policy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                     "mx: *.example.net\r\nmax_age: 604800\r\nx-note: hi\r\n")
    assert p.problems == () and p.mode == "enforce" and p.max_age == 604800
    assert p.mx == ("mail.example.com", "*.example.net")


@pytest.mark.parametrize(("text", "problem"), [
    ("mode: enforce\nmx: a.example\nmax_age: 1\n", "no version field"),
    ("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "version is not STSv1"),
    ("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "mode strict"),
    ("version: STSv1\nmode: enforce\nmx: a.example\n", "no max_age field"),
    ("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "over 31557600"),
    ("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n", "not a number"),
    ("version: STSv1\nmode: enforce\nmax_age: 86400\n", "no mx field"),
    ("version: STSv1\nmode: enforce\nmx: bad_host!\nmax_age: 86400\n", "not a host name"),
    ("<html>\nversion: STSv1\n", "line 1 is not"),
])
def test_invalid_policies_say_why(text: str, problem: str) -> None:
    assert any(problem in p for p in policy.parse(text).problems), policy.parse(text).problems


def test_mode_none_needs_no_mx_and_first_field_wins() -> None:
    p = policy.parse("version: STSv1\nmode: none\nmode: enforce\nmax_age: 86400\n")
    assert p.problems == () and p.mode == "none"


@pytest.mark.parametrize(("pattern", "host", "matches"), [
    ("mail.example.com", "MAIL.example.com.", True),
    ("*.example.com", "mx1.example.com", True),
    ("*.example.com", "a.b.example.com", False),  # one label only
    ("*.example.com", "example.com", False),
    ("mail.example.com", "mail2.example.com", False),
])
def test_mx_patterns(pattern: str, host: str, matches: bool) -> None:
    assert policy.matches(pattern, host) is matches


def test_unmatched_hosts() -> None:
    assert policy.unmatched(("*.a.example",), ("mx.a.example", "mx.b.example")) == \
        ("mx.b.example",)


def test_tag_syntax() -> None:
    assert parse("v=STSv1; id=abc;") == {"v": "STSv1", "id": "abc"}
    assert parse("v=TLSRPTv1;rua=mailto:a@b.example,https://r.example/x") == {
        "v": "TLSRPTv1", "rua": "mailto:a@b.example,https://r.example/x"}
    assert parse("v=BIMI1; l=; a=") == {"v": "BIMI1", "l": "", "a": ""}
    assert parse("v=STSv1; id") is None


@pytest.mark.parametrize("domain", ["-bad-.example", "nodot", "a..b.example", "x\x1b[2J.example"])
def test_bad_domain_is_one_line_exit_2(domain: str) -> None:
    from click.testing import CliRunner

    from triage.cli import cli

    result = CliRunner().invoke(cli, ["posture", domain, "--offline"])
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "\x1b" not in result.stderr
