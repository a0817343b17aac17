"""``triage dnsbl`` when no list can answer: never "clean". Lists under the real-DNS
world's servfail and timeout zones fail the way unreachable lists do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from world import World

pytestmark = pytest.mark.world
TIMEOUT = 0.5


def run(world: World, *zones: str, fmt: str = "json") -> tuple[int, str, str]:
    args = ["dnsbl", "198.51.100.1", "--no-default-dnsbls"]
    for zone in zones:
        args += ["--dnsbl", zone]
    result = world.run([*args, "--format", fmt], dns_timeout=TIMEOUT)
    assert "Traceback" not in result.stderr
    return result.code, result.stdout, result.stderr


def codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_every_list_servfails_is_an_error(world: World) -> None:
    zones = [f"bl.{world.servfail_zone}", f"other.{world.servfail_zone}"]
    code, out, _ = run(world, *zones)
    report = json.loads(out)
    assert code == 1
    assert codes(report)[0] == "dnsbl.inconclusive"
    assert report["findings"][0]["severity"] == "error"
    assert {e["status"] for e in report["lists"]} == {"error"}
    text_code, text, _ = run(world, *zones, fmt="text")
    assert text_code == 1 and "dnsbl.inconclusive" in text


def test_servfail_and_timeout_lists_are_an_error(world: World) -> None:
    code, out, _ = run(world, f"bl.{world.servfail_zone}", f"bl.{world.timeout_zone}")
    assert code == 1
    assert "dnsbl.inconclusive" in codes(json.loads(out))


def test_no_query_answered_at_all_is_exit_3(world: World) -> None:
    code, _, err = run(world, f"bl.{world.timeout_zone}", f"two.{world.timeout_zone}")
    assert code == 3
    assert err.startswith("triage: ") and err.count("\n") == 1


def test_one_list_answering_is_evidence(world: World) -> None:
    code, out, _ = run(world, "zen.spamhaus.org", f"bl.{world.servfail_zone}")
    report = json.loads(out)
    assert "dnsbl.inconclusive" not in codes(report)
    assert code == 0
