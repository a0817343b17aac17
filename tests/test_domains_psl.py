"""The Public Suffix List wrapper: one per run, names compared in A-label form."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest
from scripted import ScriptedResolver

from triage.checks.dnsbl import check_dnsbl
from triage.checks.rdns import GenericDetector, check_rdns
from triage.domains.psl import SuffixList

RDNS = Path(__file__).parent.parent / "fixtures" / "rdns"


@pytest.fixture(scope="module")
def psl() -> SuffixList:
    return SuffixList()


def test_psl_org_domain_uses_the_bundled_list(psl: SuffixList) -> None:
    assert psl.org_domain("mail.example.co.uk") == "example.co.uk"
    assert psl.org_domain("a.b.example.com") == "example.com"
    assert psl.org_domain("co.uk") == "co.uk"  # a public suffix is its own
    assert psl.org_domain("Mail.Example.COM.") == "example.com"


def test_registrable_is_none_for_a_public_suffix(psl: SuffixList) -> None:
    assert psl.registrable("www.example.co.uk") == "example.co.uk"
    assert psl.registrable("co.uk") is None and psl.registrable("com") is None
    assert psl.public_suffix("a.b.example.co.uk") == "co.uk"
    assert psl.is_public_suffix("co.uk") and not psl.is_public_suffix("example.co.uk")


def test_unknown_suffixes_are_one_label(psl: SuffixList) -> None:
    assert psl.org_domain("mail.good.dkim.test") == "dkim.test"
    assert psl.registrable("test") is None


def test_u_labels_are_compared_as_a_labels(psl: SuffixList) -> None:
    assert psl.org_domain("mail.Bücher.de") == "xn--bcher-kva.de"
    assert psl.registrable("www.bücher.co.uk") == "xn--bcher-kva.co.uk"


class Counting(SuffixList):
    """A SuffixList that says how often it was asked: proof that the injected one is used."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def registrable(self, name: str) -> str | None:
        self.asked += 1
        return super().registrable(name)


def test_rdns_and_generic_detector_use_the_injected_list() -> None:
    psl = Counting()
    resolver = ScriptedResolver([RDNS / "2.0.192.in-addr.arpa.zone", RDNS / "rdns.test.zone"])
    asyncio.run(check_rdns(resolver, "192.0.2.10", psl=psl))
    assert psl.asked > 0
    before = psl.asked
    match = GenericDetector(psl).match("host.dyn.example.com",
                                       ipaddress.ip_address("192.0.2.10"))
    assert match is not None and psl.asked > before


def test_dnsbl_uses_the_injected_list_for_registrable_domains(tmp_path: Path) -> None:
    zone = tmp_path / "multi.uribl.com.zone"
    zone.write_text("$ORIGIN multi.uribl.com.\n$TTL 300\n"
                    "@ SOA ns.example. host.example. 1 3600 600 86400 300\n@ NS ns.example.\n")
    psl = Counting()
    result = asyncio.run(check_dnsbl(ScriptedResolver([zone]), "mail.example.co.uk",
                                     ["multi.uribl.com"], defaults=False, psl=psl))
    assert psl.asked == 1
    assert result.target == "mail.example.co.uk"


def test_a_label_names_match_the_lists_idn_rules() -> None:
    """The list is matched in Unicode: every answer equals the library's own A-label
    matching (the slower way), IDN rules with several labels included."""
    from publicsuffixlist import PublicSuffixList

    from triage.domains.psl import SuffixList

    ours, theirs = SuffixList(), PublicSuffixList()
    names = ["a.b.xn--gmqw5a.xn--j6w193g",  # 個人.香港: a two-label IDN rule
             "xn--gmqw5a.xn--j6w193g", "mail.xn--bcher-kva.de", "news.example.co.uk",
             "x.y.kawasaki.jp", "city.kawasaki.jp", "a.xn--fiqs8s", "deep.a.b.c.example.com",
             "xn--80ak6aa92e.com", "foo.xn--p1ai", "github.io", "user.github.io"]
    for name in names:
        assert ours.registrable(name) == theirs.privatesuffix(name), name
        assert ours.public_suffix(name) == theirs.publicsuffix(name), name
        assert ours.is_public_suffix(name) == bool(theirs.is_public(name)), name
