"""DMARC record parsing (RFC 7489 + RFC 9989) and effective policy.

The Tree Walk and the PSL live in ``triage.domains``: tests/test_domains_*.py.
"""

from __future__ import annotations

import pytest

from triage.checks.dmarc.policy import for_domain, one_level_lower, policies
from triage.checks.dmarc.record import parse_record
from triage.domains.treewalk import is_dmarc


def test_tags_are_kept_as_given_and_defaults_apply() -> None:
    rec = parse_record("v=DMARC1; p=Reject; rua=mailto:a@example.com!10m; foo=bar")
    assert rec.tags == {"v": "DMARC1", "p": "Reject", "rua": "mailto:a@example.com!10m",
                        "foo": "bar"}
    assert rec.problems == () and rec.unknown == ("foo",)
    assert rec.mode("aspf") == "r" and rec.psd == "u" and not rec.testing
    (uri,) = rec.rua
    assert (uri.uri, uri.host, uri.size, uri.valid) == ("mailto:a@example.com", "example.com",
                                                        "10m", True)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("v=DMARC1; p=none; p=reject", "duplicate tag p="),
        ("v=DMARC1; p=rejekt", "invalid value p=rejekt"),
        ("v=DMARC1; p=none; sp=all", "invalid value sp=all"),
        ("v=DMARC1; p=none; pct=150", "invalid value pct=150"),
        ("v=DMARC1; p=none; adkim=x", "invalid value adkim=x"),
        ("v=DMARC1; p=none; fo=2", "invalid value fo=2"),
        ("v=DMARC1; p=none; t=maybe", "invalid value t=maybe"),
        ("v=DMARC1; p=none; rua=reports@example.com", "invalid report URI"),
        ("v=DMARC1; p=none; garbage", "malformed tag"),
        ("v=dmarc1; p=none", "exactly DMARC1"),
    ],
)
def test_syntax_problems(text: str, problem: str) -> None:
    assert any(problem in p for p in parse_record(text).problems), parse_record(text).problems


def test_unknown_and_obsolete_tags_are_not_syntax_errors() -> None:
    rec = parse_record("v=DMARC1; p=reject; pct=100; rf=afrf; ri=86400; xyz=1;")
    assert rec.problems == ()
    assert rec.obsolete == ("pct", "rf", "ri") and rec.unknown == ("xyz",)
    assert rec.pct == 100


def test_is_dmarc_needs_the_version_first() -> None:
    assert is_dmarc("v=DMARC1; p=none") and is_dmarc("v = DMARC1")
    assert not is_dmarc("p=reject; v=DMARC1") and not is_dmarc("v=DMARC10; p=none")
    assert not is_dmarc("v=spf1 -all")


def test_policy_defaults_follow_rfc_9989() -> None:
    assert policies(parse_record("v=DMARC1; p=reject")) == policies(
        parse_record("v=DMARC1; p=reject; sp=reject; np=reject"))
    found = policies(parse_record("v=DMARC1; p=reject; sp=quarantine"))
    assert (found.p, found.sp, found.np) == ("reject", "quarantine", "quarantine")
    assert policies(parse_record("v=DMARC1; rua=mailto:a@b.example")).p == "none"


def test_a_bad_policy_value_means_none_with_rua_and_nothing_without() -> None:
    with_rua = parse_record("v=DMARC1; p=bogus; rua=mailto:a@b.example")
    assert policies(with_rua).p == "none"
    assert policies(parse_record("v=DMARC1; p=reject; np=bogus")).p is None


def test_policy_for_the_domain_itself_and_inherited() -> None:
    rec = parse_record("v=DMARC1; p=reject; sp=quarantine; np=none")
    assert for_domain(rec, own=True, exists=True) == "reject"
    assert for_domain(rec, own=False, exists=True) == "quarantine"
    assert for_domain(rec, own=False, exists=False) == "none"
    assert one_level_lower("reject") == "quarantine" and one_level_lower("none") == "none"
