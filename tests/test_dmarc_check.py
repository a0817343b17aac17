"""``check_dmarc`` as a library, over a scripted resolver: failures are never "missing"."""

from __future__ import annotations

import asyncio

import dns.rdata
import dns.rdataclass
import dns.rdatatype

from triage.checks.dmarc import check_dmarc
from triage.dns.answer import Answer, Status


class Scripted:
    """Answers TXT from a dict; ``Status`` values stand for failures; the rest NXDOMAIN."""

    def __init__(self, table: dict[str, str | Status]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def query(self, name: str, rdtype: str) -> Answer:
        self.asked.append(name)
        value = self.table.get(name)
        if isinstance(value, Status):
            return Answer(name, rdtype, value, detail="scripted")
        if value is None or rdtype != "TXT":
            return Answer(name, rdtype, Status.NXDOMAIN)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, f'"{value}"')
        return Answer(name, rdtype, Status.OK, (rdata,))


def codes(table: dict[str, str | Status], domain: str = "mail.example.com") -> set[str]:
    result = asyncio.run(check_dmarc(Scripted(table), domain))
    return {f.code for f in result.findings}


def test_timeout_at_the_domain_is_temperror() -> None:
    assert codes({"_dmarc.mail.example.com": Status.TIMEOUT,
                  "_dmarc.example.com": "v=DMARC1; p=reject"}) == {"dmarc.temperror"}


def test_timeout_at_the_org_domain_is_temperror_not_missing() -> None:
    assert codes({"_dmarc.example.com": Status.SERVFAIL}) == {"dmarc.temperror"}


def test_failure_above_the_org_domain_does_not_hide_missing() -> None:
    assert codes({"_dmarc.com": Status.TIMEOUT}) == {"dmarc.missing"}


def test_the_org_record_governs_a_subdomain() -> None:
    result = asyncio.run(check_dmarc(Scripted({
        "_dmarc.example.com": "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"}),
        "mail.example.com"))
    assert result.policy == "none" and result.subdomain_policy == "none"
    assert {f.code for f in result.findings} == {"dmarc.policy_none"}
    assert result.to_dict()["found_at"] == "_dmarc.example.com"


def test_psd_n_stops_the_walk_and_names_the_org_domain() -> None:
    result = asyncio.run(check_dmarc(Scripted({
        "_dmarc.b.example.com": "v=DMARC1; p=reject; psd=n; rua=mailto:d@b.example.com",
        "_dmarc.example.com": "v=DMARC1; p=none; rua=mailto:d@example.com"}),
        "a.b.example.com"))
    assert result.org_domain_tree_walk == "b.example.com"
    assert result.policy == "reject"


def test_the_walk_makes_at_most_eight_dmarc_queries() -> None:
    resolver = Scripted({})
    asyncio.run(check_dmarc(resolver, "a.b.c.d.e.f.g.h.i.j.mail.example.com"))
    assert len([n for n in resolver.asked if n.startswith("_dmarc.")]) == 8


def test_the_result_has_every_contract_field_when_missing() -> None:
    result = asyncio.run(check_dmarc(Scripted({}), "example.com"))
    data = result.to_dict()
    for key in ("domain", "record", "found_at", "org_domain", "policy", "subdomain_policy",
                "nonexistent_policy", "testing", "tags", "alignment"):
        assert key in data
    assert data["record"] is None and data["alignment"] == {"spf": "unknown", "dkim": "unknown"}
