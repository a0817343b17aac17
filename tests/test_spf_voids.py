"""Void lookups the include tree shows without ``--ip`` (RFC 7208 §4.6.4; issue 19).

Scenarios in fixtures/world/zones/wideworldimporters.example.zone, through the zone-file
resolver and through real DNS: ``a``/``mx`` targets with no address or MX and include
targets with no record are void for every client and counted; ``ptr``, client macros and
single-family ``a`` targets are listed per term and never counted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from world import World

from triage.cli import cli
from triage.schema import load_schema

ZONE = Path(__file__).parent.parent / "fixtures" / "world" / "zones" / \
    "wideworldimporters.example.zone"
D = "wideworldimporters.example"
LIMIT = "spf.void_lookup_limit"

# (name under D, tree_void_lookups, codes, exit without --ip)
SCENARIOS: list[tuple[str, int, set[str], int]] = [
    ("newsletter", 3, {LIMIT}, 1),
    ("events", 2, set(), 0),
    ("shop", 0, {"spf.ptr_mechanism"}, 0),
    ("crm", 0, set(), 0),
    ("old", 1, {"spf.include_missing"}, 1),
    ("relays", 10, {"spf.lookup_limit", LIMIT}, 1),
]


def spf(*args: str, fmt: str = "json") -> tuple[int, Any]:
    result = CliRunner().invoke(cli, ["spf", *args, "--zone", str(ZONE), "--offline",
                                      "--format", fmt])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout) if fmt == "json" else result.stdout


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


@pytest.mark.parametrize(("name", "voids", "expected", "exit_code"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_static_void_lookups_from_the_zone_file(name: str, voids: int, expected: set[str],
                                                exit_code: int) -> None:
    code, report = spf(f"{name}.{D}")
    assert report["result"] is None
    assert (report["tree_void_lookups"], codes(report), code) == (voids, expected, exit_code)
    assert report["tree"]["void_lookups"] == voids
    assert not [e.message for e in Draft202012Validator(load_schema()).iter_errors(report)]


@pytest.mark.parametrize(("name", "voids", "expected", "exit_code"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_static_void_lookups_through_real_dns(world: World, name: str, voids: int,
                                              expected: set[str], exit_code: int) -> None:
    result = world.run(["spf", f"{name}.{D}", "--format", "json"], dns_timeout=2)
    report = result.json()
    assert (report["tree_void_lookups"], codes(report), result.code) == (
        voids, expected, exit_code)


def test_each_void_lookup_names_its_term_query_and_answer() -> None:
    _, report = spf(f"newsletter.{D}")
    assert report["tree"]["void"] == [
        {"term": "a", "name": f"newsletter.{D}", "type": "A/AAAA", "status": "nodata"},
        {"term": "mx", "name": f"newsletter.{D}", "type": "MX", "status": "nodata"},
        {"term": f"a:mail2.{D}", "name": f"mail2.{D}", "type": "A/AAAA", "status": "nxdomain"},
    ]
    (limit,) = [f for f in report["findings"] if f["code"] == LIMIT]
    assert limit["severity"] == "error"
    assert "3 void lookups that every client meets" in limit["message"]
    assert f"a, mx, a:mail2.{D} in newsletter.{D}" in limit["message"]
    assert limit["evidence"]["tree_void_lookups"] == 3 and limit["evidence"]["limit"] == 2
    assert [v["term"] for v in limit["evidence"]["void_lookups"]] == ["a", "mx", f"a:mail2.{D}"]
    assert report["tree"]["children"][0]["void_lookups"] == 0  # the include has none


def test_client_dependent_terms_are_listed_not_counted() -> None:
    _, shop = spf(f"shop.{D}")
    assert shop["tree"]["void"] == []
    depends = {d["term"]: d["reason"] for d in shop["tree"]["void_depends"]}
    assert set(depends) == {"a", "ptr"}
    assert "no PTR record" in depends["ptr"]
    assert "IPv6 clients" in depends["a"]  # shop has an A record and no AAAA
    _, crm = spf(f"crm.{D}")
    (exists,) = crm["tree"]["void_depends"]
    assert exists["term"] == f"exists:%{{i}}._spf.mta.{D}" and "%{i}" in exists["reason"]


def test_an_include_without_a_record_is_a_void_lookup_of_its_term() -> None:
    _, report = spf(f"old.{D}")
    (void,) = report["tree"]["void"]
    assert void == {"term": f"include:spf.retired-esp.{D}", "name": f"spf.retired-esp.{D}",
                    "type": "TXT", "status": "nxdomain"}
    (depends,) = report["tree"]["void_depends"]
    assert depends["term"] == f"a:smtp6.{D}" and "IPv4 clients" in depends["reason"]


def test_with_an_ip_the_evaluation_reports_the_limit_once() -> None:
    code, report = spf(f"newsletter.{D}", "--ip", "198.51.100.7")
    assert report["result"] == "permerror"  # a, mx and a:mail2 come before ip4
    assert report["lookups"]["void"] == 3
    assert [f["code"] for f in report["findings"]].count(LIMIT) == 1
    assert code == 1


def test_with_an_ip_the_static_count_uses_its_family() -> None:
    _, four = spf(f"old.{D}", "--ip", "192.0.2.1")
    assert [v["term"] for v in four["tree"]["void"]] == [
        f"include:spf.retired-esp.{D}", f"a:smtp6.{D}"]  # no A record: void for this client
    _, six = spf(f"old.{D}", "--ip", "2001:db8:90::1")
    assert [v["term"] for v in six["tree"]["void"]] == [f"include:spf.retired-esp.{D}"]


def test_text_and_markdown_show_the_counts() -> None:
    _, text = spf(f"newsletter.{D}", fmt="text")
    assert "tree_void_lookups: 3 of 2" in text
    assert f"newsletter.{D} [4, 3 void]" in text
    _, shop = spf(f"shop.{D}", fmt="text")
    assert f"void for some clients: ptr in shop.{D}" in shop
    _, md = spf(f"newsletter.{D}", fmt="markdown")
    assert "| tree void lookups | 3 of 2 |" in md


def test_terms_past_the_tenth_are_not_looked_up() -> None:
    _, report = spf(f"relays.{D}")
    terms = [v["term"] for v in report["tree"]["void"]]
    assert terms == [f"a:r{i:02d}.{D}" for i in range(1, 11)]  # r11, r12: never evaluated
