"""The Organizational Domain both ways (PSL, RFC 9989 Tree Walk) and the alignment rule."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scripted import ScriptedResolver

from triage.domains.alignment import RELAXED, STRICT, aligned
from triage.domains.psl import SuffixList
from triage.domains.treewalk import is_dmarc, org_domains, psd_value, tree_org, walk_domains

ZONE = """$ORIGIN walk.test.
$TTL 300
@          SOA ns.example. host.example. 1 3600 600 86400 300
@          NS  ns.example.
_dmarc.org TXT "v=DMARC1; p=reject"
_dmarc.psd TXT "v=DMARC1; p=reject; psd=y"
_dmarc.n.sub TXT "v=DMARC1; p=none; psd=n"
_dmarc.sub TXT "v=DMARC1; p=reject"
_dmarc.two TXT "v=DMARC1; p=reject"
_dmarc.two TXT "v=DMARC1; p=none"
"""


def test_tree_walk_names_follow_rfc_9989() -> None:
    long = "a.b.c.d.e.f.g.h.i.j.mail.example.com"
    assert walk_domains(long) == [long, "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
                                  "i.j.mail.example.com", "j.mail.example.com",
                                  "mail.example.com", "example.com", "com"]
    assert walk_domains("mail.example.co.uk") == ["mail.example.co.uk", "example.co.uk",
                                                  "co.uk", "uk"]
    assert walk_domains("example") == ["example"]


def test_tree_org_the_shortest_record_psd_n_and_psd_y() -> None:
    assert tree_org("a.b.example.com", []) is None
    assert tree_org("a.b.example.com", [("a.b.example.com", "u"), ("example.com", "u")]) \
        == "example.com"
    assert tree_org("a.b.example.com", [("b.example.com", "n"), ("example.com", "u")]) \
        == "b.example.com"  # the walk stops at psd=n
    assert tree_org("a.b.example.com", [("com", "y")]) == "example.com"  # one below a PSD
    assert tree_org("example.com", [("example.com", "y")]) == "example.com"


def test_psd_and_version_reading() -> None:
    assert psd_value("v=DMARC1; p=none; PSD = Y") == "y"
    assert psd_value("v=DMARC1; psd=n; psd=y") == "n"  # the first occurrence
    assert psd_value("v=DMARC1; psd=maybe") == psd_value("v=DMARC1") == "u"
    assert is_dmarc("v=DMARC1; p=none") and not is_dmarc("v=DMARC1 p=none")


@pytest.fixture
def resolver(tmp_path: Path) -> ScriptedResolver:
    (tmp_path / "walk.test.zone").write_text(ZONE)
    return ScriptedResolver([tmp_path / "walk.test.zone"])


@pytest.mark.parametrize(("name", "expected"), [
    ("mail.org.walk.test", ("walk.test", "org.walk.test")),
    ("a.b.psd.walk.test", ("walk.test", "b.psd.walk.test")),
    ("x.n.sub.walk.test", ("walk.test", "n.sub.walk.test")),
    ("x.sub.walk.test", ("walk.test", "sub.walk.test")),
    ("x.two.walk.test", ("walk.test", None)),  # two records: none
    ("nothing.walk.test", ("walk.test", None)),
])
def test_org_domains_walks_dns(resolver: ScriptedResolver, name: str,
                               expected: tuple[str, str | None]) -> None:
    assert asyncio.run(org_domains(resolver, name, SuffixList())) == expected


def test_a_failed_lookup_is_no_record_for_alignment(tmp_path: Path) -> None:
    (tmp_path / "walk.test.zone").write_text(ZONE)
    broken = ScriptedResolver([tmp_path / "walk.test.zone"], broken=["_dmarc.org.walk.test"])
    assert asyncio.run(org_domains(broken, "mail.org.walk.test", SuffixList())) \
        == ("walk.test", None)


ORG = ("example.com", "example.com")


@pytest.mark.parametrize(("identifier", "mode", "id_orgs", "domain_orgs", "expected"), [
    ("example.com", STRICT, ORG, ORG, True),
    ("mail.example.com", STRICT, ORG, ORG, False),
    ("mail.example.com", RELAXED, ORG, ORG, True),
    ("mail.example.com", RELAXED, ("example.com", "mail.example.com"), ORG, False),  # psd=n
    ("other.com", RELAXED, ("other.com", None), ORG, False),
    # the PSL says aligned, the Tree Walk does not: both must agree
    ("esp.dkim.test", RELAXED, ("dkim.test", None), ("dkim.test", "good.dkim.test"), False),
    ("a.good.dkim.test", RELAXED, ("dkim.test", "good.dkim.test"),
     ("dkim.test", "good.dkim.test"), True),
    # no record anywhere for the domain: the PSL alone decides
    ("esp.dkim.test", RELAXED, ("dkim.test", None), ("dkim.test", None), True),
])
def test_alignment_rule(identifier: str, mode: str, id_orgs: tuple[str, str | None],
                        domain_orgs: tuple[str, str | None], expected: bool) -> None:
    domain = "example.com" if domain_orgs == ORG else "good.dkim.test"
    assert aligned(identifier, domain, mode, id_orgs, domain_orgs) is expected
