"""``triage fleet`` and ``triage merge`` over the real-DNS world (NSD, unbound, rbldnsd).

The fleet is built from tests/scenarios.toml's senders (real-shaped domains with their
deferral samples) plus three bad ones: a sender whose DNS times out, one whose deferral
file does not exist, and (for replay) one the cassette never saw. Each bad sender must
end inconclusive with a finding that says why, and never stop the rest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from jsonschema import Draft202012Validator
from test_check_scenarios import SCENARIOS, Scenario

from triage.schema import load_schema

ROOT = Path(__file__).parent.parent
XSD = Path(__file__).parent / "junit-10.xsd"
PICKED = ("m365-transient", "m365-connlimit", "spf-syntax", "dnsbl-listed", "fcrdns-broken",
          "ipv6-clean", "subdomain-clean", "clean-no-sample")
TIMEOUT = 0.5


def sender(s: Scenario, name: str | None = None) -> str:
    rows = ["[[sender]]", f'domain = "{s.domain}"', f"ips = {json.dumps(list(s.ips))}"]
    if name:
        rows.append(f'name = "{name}"')
    if s.helo:
        rows.append(f'helo = "{s.helo}"')
    if s.mail_from:
        rows.append(f'mail_from = "{s.mail_from}"')
    rows.append(f"selectors = {json.dumps(list(s.selectors))}")
    rows.append(f"deferrals = {json.dumps([str(ROOT / p) for p in s.deferrals])}")
    return "\n".join(rows) + "\n"


def fleet_text(extra: str = "") -> str:
    by_name = {s.name: s for s in SCENARIOS}
    parts = ['[defaults.expect]\ndmarc_policy_at_least = "quarantine"\nfcrdns = true\n']
    parts += [sender(by_name[n]) for n in PICKED]
    parts.append('[[sender]]\ndomain = "down.timeout.test"\nips = ["192.0.2.99"]\n'
                 'helo = "mail.down.timeout.test"\nselectors = ["s1"]\n')
    lost = by_name["clean-no-sample"]
    parts.append(sender(lost, "lucerne-lost-log").replace("deferrals = []",
                                                          'deferrals = ["no/such/maillog"]'))
    return "\n".join(parts) + extra


def read_lines(path: Path) -> dict[str, dict[str, Any]]:
    lines = [json.loads(t) for t in path.read_text(encoding="utf-8").splitlines()]
    return {line["sender"]["name"]: line for line in lines}


def without_time(lines: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in line.items() if f != "generated_at"} for k, line in lines.items()}


@pytest.fixture(scope="module")
def recorded(world: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fleet")
    config = folder / "fleet.toml"
    config.write_text(fleet_text(), encoding="utf-8")
    result = world.run(["fleet", str(config), "--jsonl", str(folder / "all.jsonl"), "--junit",
                        str(folder / "all.xml"), "--record", str(folder / "tape.txt")],
                       dns_timeout=TIMEOUT)
    return {"folder": folder, "config": config, "result": result,
            "lines": read_lines(folder / "all.jsonl")}


def test_every_sender_is_checked_and_bad_ones_end_inconclusive(recorded: dict[str, Any]) -> None:
    result, lines = recorded["result"], recorded["lines"]
    assert len(lines) == len(PICKED) + 2, result.stderr
    validator = Draft202012Validator(load_schema(),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    for line in lines.values():
        validator.validate(line)
        assert line["command"] == "check"
    by_name = {s.name: s for s in SCENARIOS}
    for name in PICKED:  # the fleet judges each sender as `triage check` does
        scenario = by_name[name]
        line = lines[scenario.domain]
        assert line["verdict"]["action"] == scenario.expect["action"], name
        assert line["verdict"]["rule"] == scenario.expect["rule"], name
    down = lines["down.timeout.test"]
    assert down["sender"]["status"] == "inconclusive"
    assert "verdict.inconclusive" in {f["code"] for f in down["findings"]}
    lost = lines["lucerne-lost-log"]
    assert lost["sender"]["status"] == "inconclusive" and lost["sender"]["exit_code"] == 1
    unreadable = [f for f in lost["findings"] if f["code"] == "deferrals.unreadable"]
    assert unreadable and "no/such/maillog" in unreadable[0]["evidence"]["paths"][0]
    assert lines["lucerne.example"]["sender"]["status"] == "healthy"  # same sender, its log
    coho = lines["coho.example"]
    assert "expect.fcrdns" in {f["code"] for f in coho["findings"]}
    assert {o["key"]: o["met"] for o in coho["sender"]["expectations"]} == {
        "dmarc_policy_at_least": True, "fcrdns": False}
    worst = max(line["sender"]["exit_code"] for line in lines.values())
    assert result.code == worst == 1, result.stderr
    table = result.stdout.splitlines()
    assert table[0].split()[:3] == ["sender", "ips", "status"]
    at = [m.start() for m in re.finditer(r"-+", table[1])][2]  # the status column
    rows = [row for row in table[2:table.index("")] if row[at:at + 1].strip()]  # not wraps
    assert len(rows) == len(lines) and max(map(len, table)) <= 80
    statuses = [row[at:].split()[0] for row in rows]
    assert statuses.index("fix-sender") < statuses.index("healthy")  # worst first
    assert f"{len(lines)} senders:" in result.stdout and "Traceback" not in result.stderr


def test_the_junit_file_validates_and_carries_message_and_fix(recorded: dict[str, Any]) -> None:
    path = recorded["folder"] / "all.xml"
    xmlschema.XMLSchema(str(XSD)).validate(str(path))
    tree = xmlschema.XMLSchema(str(XSD)).to_dict(str(path))
    suites = tree["testsuite"]
    assert [s["@name"] for s in suites][:2] == [PICKED_DOMAINS[0], PICKED_DOMAINS[1]]
    coho = next(s for s in suites if s["@name"] == "coho.example")
    cases = {c["@name"]: c for c in coho["testcase"]}
    assert {"spf", "dkim", "dmarc", "rdns", "helo", "dnsbl", "verdict", "expect.fcrdns",
            "expect.dmarc_policy_at_least"} <= set(cases)
    failure = cases["expect.fcrdns"]["failure"][0]
    assert failure["@type"] == "expect.fcrdns" and "fix:" in failure["$"]
    assert "failure" in cases["rdns"] and "failure" not in cases["expect.dmarc_policy_at_least"]


PICKED_DOMAINS = [next(s.domain for s in SCENARIOS if s.name == n) for n in PICKED]


def test_replay_reproduces_the_recorded_run(world: Any, recorded: dict[str, Any]) -> None:
    folder = recorded["folder"]
    replay = world.run(["fleet", str(recorded["config"]), "--jsonl", str(folder / "re.jsonl"),
                        "--junit", str(folder / "re.xml"), "--replay",
                        str(folder / "tape.txt")], nameservers=[world.blackhole])
    assert replay.code == recorded["result"].code, replay.stderr
    assert replay.stdout == recorded["result"].stdout
    assert without_time(read_lines(folder / "re.jsonl")) == without_time(recorded["lines"])
    assert (folder / "re.xml").read_bytes() == (folder / "all.xml").read_bytes()
    tape = (folder / "tape.txt").read_text(encoding="utf-8")
    assert tape.startswith("# triage DNS cassette 1\n# recorded_at ")
    assert "\nnorthwind.example TXT ok " in tape


def test_a_cassette_that_does_not_match_makes_only_that_sender_inconclusive(
        world: Any, recorded: dict[str, Any]) -> None:
    folder = recorded["folder"]
    other = next(s for s in SCENARIOS if s.name == "m365-sustained")
    config = folder / "more.toml"
    config.write_text(fleet_text("\n" + sender(other)), encoding="utf-8")
    result = world.run(["fleet", str(config), "--jsonl", str(folder / "more.jsonl"),
                        "--replay", str(folder / "tape.txt")], nameservers=[])
    lines = read_lines(folder / "more.jsonl")
    new = lines[other.domain]
    assert new["sender"]["status"] == "inconclusive"
    missing = [f for f in new["findings"] if f["code"] == "verdict.replay_missing"]
    assert missing and missing[0]["severity"] == "error"
    assert f"{other.domain} TXT" in missing[0]["evidence"]["missing"]
    old = without_time(recorded["lines"])
    assert {k: v for k, v in without_time(lines).items() if k != other.domain} == old
    assert result.code == 1


def test_merged_shards_equal_the_unsharded_run(world: Any, recorded: dict[str, Any]) -> None:
    folder = recorded["folder"]
    shards = []
    for k in (1, 2, 3):
        out = folder / f"shard{k}.jsonl"
        run = world.run(["fleet", str(recorded["config"]), "--shard", f"{k}/3", "--jsonl",
                         str(out)], dns_timeout=TIMEOUT)
        assert run.code in (0, 1), run.stderr
        indexes = [line["sender"]["index"] for line in read_lines(out).values()]
        assert all(i % 3 == k - 1 for i in indexes)
        shards.append(str(out))
    merged = world.run(["merge", *reversed(shards), "--junit", str(folder / "merged.xml")],
                       nameservers=[])
    assert merged.code == recorded["result"].code, merged.stderr
    assert merged.stdout == recorded["result"].stdout
    assert (folder / "merged.xml").read_bytes() == (folder / "all.xml").read_bytes()
    xmlschema.XMLSchema(str(XSD)).validate(str(folder / "merged.xml"))


def test_merge_refuses_bad_lines_and_a_shard_given_twice(world: Any,
                                                          recorded: dict[str, Any]) -> None:
    folder = recorded["folder"]
    bad = folder / "bad.jsonl"
    bad.write_text('{"sender": {"index": 0}}\nnot json\n', encoding="utf-8")
    result = world.run(["merge", str(bad)], nameservers=[])
    assert result.code == 2 and f"{bad}:1:" in result.stderr
    all_lines = str(folder / "all.jsonl")
    twice = world.run(["merge", all_lines, all_lines], nameservers=[])
    assert twice.code == 2 and "already in" in twice.stderr
    assert "Traceback" not in result.stderr + twice.stderr


def test_github_annotations_point_at_the_senders_line(world: Any,
                                                      recorded: dict[str, Any]) -> None:
    folder = recorded["folder"]
    result = world.run(["fleet", str(recorded["config"]), "--replay", str(folder / "tape.txt")],
                       nameservers=[], env={"GITHUB_ACTIONS": "true"})
    notes = [line for line in result.stdout.splitlines() if line.startswith("::")]
    text = recorded["config"].read_text(encoding="utf-8").splitlines()
    coho_line = next(i for i, t in enumerate(text, 1)
                     if t == 'domain = "coho.example"') - 1  # its [[sender]] header
    expected = (f"::error file={recorded['config']},line={coho_line},"
                "title=coho.example%3A expect.fcrdns::")
    assert any(n.startswith(expected) for n in notes), notes[:5]
    assert all("\n" not in n for n in notes)


def test_a_fleet_whose_dns_is_down_exits_3(world: Any, tmp_path: Path) -> None:
    config = tmp_path / "fleet.toml"
    config.write_text('[[sender]]\ndomain = "northwind.example"\nips = ["192.0.2.20"]\n'
                      '[[sender]]\ndomain = "coho.example"\nips = ["192.0.2.29"]\n',
                      encoding="utf-8")
    result = world.run(["fleet", str(config)], nameservers=[world.blackhole], dns_timeout=0.3)
    assert result.code == 3, result.stderr
    assert result.stdout.count("inconclusive") >= 2
