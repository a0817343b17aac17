"""check_dnsbl over zone files: concurrency, findings, reasons, the DQS key never shown."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

from scripted import ScriptedResolver

from triage.checks.dnsbl import DnsblResult, check_dnsbl

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dnsbl"
ZONES = tuple(sorted(FIXTURES.glob("*.zone")))


class Recording(ScriptedResolver):
    """Zone files, with names under ``broken`` timing out; records what was asked."""

    def __init__(self, broken: Iterable[str] = (), zones: Iterable[Path] = ZONES) -> None:
        super().__init__(zones, broken)


def run(target: str, resolver: Recording | None = None, **kwargs: object) -> DnsblResult:
    return asyncio.run(check_dnsbl(resolver or Recording(), target, **kwargs))  # type: ignore[arg-type]


def entry(result: DnsblResult, zone: str) -> dict[str, object]:
    return next(e for e in result.to_dict()["lists"] if e["zone"] == zone)


def codes(result: DnsblResult) -> list[str]:
    return [f.code for f in result.findings]


def test_clean_ip_on_every_default_list() -> None:
    result = run("192.0.2.1")
    assert result.findings == ()
    statuses = {e["status"] for e in result.to_dict()["lists"]}
    assert statuses == {"clean"}
    assert result.listed is False


def test_sbl_listing_with_reason_and_contract_fields() -> None:
    result = run("192.0.2.2")
    assert codes(result) == ["dnsbl.listed"]
    zen = entry(result, "zen.spamhaus.org")
    assert set(zen) >= {"zone", "name", "kind", "status", "codes", "reason", "delist_url"}
    assert zen["status"] == "listed" and zen["kind"] == "reputation"
    assert zen["codes"] == ["127.0.0.2"]
    assert zen["reason"] == "https://check.spamhaus.org/sbl/query/SBL12345"
    assert zen["delist_url"] == "https://check.spamhaus.org/"


def test_pbl_only_is_policy_never_listed() -> None:
    result = run("192.0.2.11")
    assert codes(result) == ["dnsbl.policy_listed"]
    assert entry(result, "zen.spamhaus.org")["kind"] == "policy"


def test_sbl_and_pbl_together_give_both_findings() -> None:
    result = run("192.0.2.3")
    assert sorted(codes(result)) == ["dnsbl.listed", "dnsbl.policy_listed"]
    assert entry(result, "zen.spamhaus.org")["kind"] == "reputation"


def test_public_resolver_answer_is_refused_never_listed() -> None:
    result = run("192.0.2.254")
    assert codes(result) == ["dnsbl.query_refused"]
    zen = entry(result, "zen.spamhaus.org")
    assert zen["status"] == "refused" and zen["codes"] == ["127.255.255.254"]
    assert "open resolver" in str(zen["reason"])
    assert result.listed is False


def test_typo_code_is_refused() -> None:
    assert codes(run("192.0.2.252")) == ["dnsbl.query_refused"]


def test_garbage_answers_are_unexpected_not_listed() -> None:
    for ip in ("192.0.2.99", "192.0.2.98"):
        result = run(ip)
        assert codes(result) == ["dnsbl.unexpected_answer"]
        assert entry(result, "zen.spamhaus.org")["status"] == "error"


def test_timeout_is_error_never_clean() -> None:
    result = run("192.0.2.2", Recording(broken=["zen.spamhaus.org"]))
    assert codes(result) == ["dnsbl.error"]
    zen = entry(result, "zen.spamhaus.org")
    assert zen["status"] == "error" and zen["detail"] == "timeout"


def test_hostile_txt_is_sanitised() -> None:
    result = run("192.0.2.97")
    reason = str(entry(result, "zen.spamhaus.org")["reason"])
    assert "\x1b" not in reason and "\\x1b" in reason


def test_ipv6_target_asks_ipv6_lists_only() -> None:
    resolver = Recording()
    result = run("2001:db8:25::2", resolver)
    assert [e["zone"] for e in result.to_dict()["lists"]] == ["zen.spamhaus.org"]
    assert codes(result) == ["dnsbl.listed"]


def test_domain_target_asks_domain_lists_only() -> None:
    resolver = Recording()
    result = run("spammy.example", resolver)
    zones = [e["zone"] for e in result.to_dict()["lists"]]
    assert zones == ["dbl.spamhaus.org", "multi.surbl.org", "multi.uribl.com"]
    assert codes(result) == ["dnsbl.listed", "dnsbl.listed"]
    assert all(name.startswith("spammy.example.") for name, _ in resolver.asked)


def test_uribl_and_surbl_query_blocked_is_refused() -> None:
    result = run("blocked.example")
    assert codes(result) == ["dnsbl.query_refused", "dnsbl.query_refused"]


def test_all_list_queries_are_concurrent_and_reasons_only_for_answers() -> None:
    resolver = Recording()
    result = run("192.0.2.2", resolver)
    a_queries = [q for q in resolver.asked if q[1] == "A"]
    tested = [r for r in result.lists if r.self_test is not None]
    assert tested and len(a_queries) == len(result.lists) + 2 * len(tested)
    # the target's queries and the RFC 5782 test entries' all go out together
    assert resolver.peak >= len(a_queries)
    assert ("1.0.0.127.bl.spamcop.net", "A") in a_queries
    assert [q for q in resolver.asked if q[1] == "TXT"] == [
        ("2.2.0.192.zen.spamhaus.org", "TXT")
    ]


def test_extra_zone_added_and_defaults_dropped() -> None:
    result = run("192.0.2.2", zones=["bl.example.test"], defaults=False)
    assert [e["zone"] for e in result.to_dict()["lists"]] == ["bl.example.test"]
    assert entry(result, "bl.example.test")["status"] == "clean"


def test_dead_zone_in_the_library_is_a_finding_not_a_query() -> None:
    resolver = Recording()
    result = run("192.0.2.2", resolver, zones=["dnsbl.sorbs.net"], defaults=False)
    assert codes(result) == ["dnsbl.dead_list"]
    assert resolver.asked == []


def test_public_resolver_warning() -> None:
    result = run("192.0.2.1", nameservers=[("8.8.8.8", 53), "127.0.0.1"])
    assert codes(result) == ["dnsbl.public_resolver"]
    assert result.findings[0].evidence["resolvers"] == [
        {"address": "8.8.8.8", "operator": "Google Public DNS"}
    ]
    assert codes(run("192.0.2.1", nameservers=["127.0.0.1"])) == []


def test_dqs_key_is_used_in_queries_and_never_shown(tmp_path: Path) -> None:
    key = "Secret0Key1"
    zone = tmp_path / "dqs.zone"
    zone.write_text(
        f"$ORIGIN {key.lower()}.zen.dq.spamhaus.net.\n$TTL 60\n"
        "@ IN SOA ns.example. h.example. 1 1 1 1 1\n"
        "2.2.0.192 IN A 127.0.0.2\n"
        f'2.2.0.192 IN TXT "listed; your key {key.lower()} works"\n'
    )
    resolver = Recording(zones=(*ZONES, zone))
    result = run("192.0.2.2", resolver, key=key)
    assert any(key in name for name, _ in resolver.asked)
    assert not any(name.endswith(".zen.spamhaus.org") for name, _ in resolver.asked)
    dumped = json.dumps(result.to_dict()) + json.dumps([f.to_dict() for f in result.findings])
    assert key.lower() not in dumped.lower()
    zen = entry(result, "zen.dq.spamhaus.net")
    assert zen["status"] == "listed" and "<key>" in str(zen["reason"])


def test_uri_lists_ask_the_registrable_domain_dbl_the_host() -> None:
    resolver = Recording()
    result = run("mail.spammy.example", resolver)
    asked = sorted(name for name, rdtype in resolver.asked if rdtype == "A")
    assert asked == [
        "mail.spammy.example.dbl.spamhaus.org",
        "spammy.example.multi.surbl.org",
        "spammy.example.multi.uribl.com",
    ]
    assert entry(result, "multi.surbl.org")["status"] == "listed"
    assert result.target == "mail.spammy.example"


def test_name_too_long_for_the_zone_is_error_never_clean() -> None:
    domain = ".".join(["a" * 60] * 4) + ".com"
    resolver = Recording()
    result = run(domain, resolver)
    assert entry(result, "dbl.spamhaus.org")["status"] == "error"
    assert codes(result) == ["dnsbl.error"]
    # SURBL and URIBL are asked about the (short) registrable domain
    assert sorted(n.split(".")[-2] for n, _ in resolver.asked) == ["surbl", "uribl"]


def test_every_default_ipv4_list_passes_its_self_test() -> None:
    result = run("192.0.2.1")
    for r in result.lists:
        assert r.self_test is not None, r.dnsbl.zone
        assert r.to_dict()["self_test"] == {"127.0.0.1": "clean", "127.0.0.2": "listed"}


def test_domain_targets_are_not_self_tested() -> None:
    result = run("spammy.example")
    assert all(r.self_test is None for r in result.lists)
    assert all(r.to_dict()["self_test"] is None for r in result.lists)


def test_a_list_that_lists_127_0_0_1_is_not_a_listing() -> None:
    result = run("192.0.2.1", zones=["broken-list.test"])
    assert codes(result) == ["dnsbl.list_broken"]
    assert result.listed is False
    broken = entry(result, "broken-list.test")
    assert broken["status"] == "error" and broken["codes"] == [] and broken["reason"] is None
    assert broken["self_test"] == {"127.0.0.1": "listed", "127.0.0.2": "listed"}
    finding = result.findings[0]
    assert "127.0.0.1" in finding.message and finding.severity.value == "warning"


def test_a_list_without_its_test_entry_leaves_a_clean_answer_unverified() -> None:
    result = run("192.0.2.1", zones=["dead-list.test"])
    assert codes(result) == ["dnsbl.test_entry_missing"]
    assert result.findings[0].evidence == {"zones": ["dead-list.test"]}
    assert result.findings[0].severity.value == "info"
    # a listing from the same list is still reported (a listed target proves it answers)
    assert entry(result, "dead-list.test")["self_test"] == {
        "127.0.0.1": "clean", "127.0.0.2": "clean"}
