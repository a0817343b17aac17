"""Analysis of logs that real Postfix and Exim wrote against a scripted receiver,
checked against what the receiver recorded it answered (truth.jsonl)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from triage.deferrals import analyse

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

# what each scripted answer means (receiver.py REPLIES), by a phrase of its text
EXPECTED_CLASS = {
    "Server busy": "throttling",
    "maximum number of connections": "connection-limit",
    "Insufficient system resources": "receiver-capacity",
    "banned sending IP": "blocklist",
    "rate limited due to IP reputation": "ip-reputation",
    "on our block list": "blocklist",
    "5.7.515": "auth",
    "unusual rate": "throttling",
    "receiving mail too quickly": "throttling",
    "sender is unauthenticated": "auth",
    "does not exist": "recipient",
    "[TSS04]": "throttling",
    "[TS03]": "ip-reputation",
    "excessive volume": "throttling",
    "User unknown": "recipient",
    "Greylisted": "throttling",
}


def truth(name: str) -> list[dict[str, Any]]:
    lines = (LOGS / name / "truth.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def expected_class(reply: str) -> str:
    return next(cls for phrase, cls in EXPECTED_CLASS.items() if phrase in reply)


@pytest.mark.parametrize("name,log", [("postfix", "maillog"), ("exim", "mainlog")])
def test_totals_match_receiver(name: str, log: str) -> None:
    answers = truth(name)
    body = analyse([str(LOGS / name / log)], NOW).to_dict()
    remote = Counter[str]()
    for code in body["codes"]:
        if code["reply"] is not None:
            remote["deferred"] += code["deferred"]
            remote["bounced"] += code["bounced"]
    assert body["totals"]["delivered"] == sum(1 for a in answers if a["code"] // 100 == 2)
    assert remote["deferred"] == sum(1 for a in answers if a["code"] // 100 == 4)
    assert remote["bounced"] == sum(1 for a in answers if a["code"] // 100 == 5)
    assert body["inputs"][0]["format"] == name
    assert body["totals"]["unparsed_lines"] == 0


@pytest.mark.parametrize("name,log", [("postfix", "maillog"), ("exim", "mainlog")])
def test_classes_match_receiver(name: str, log: str) -> None:
    want = Counter(expected_class(str(a["reply"])) for a in truth(name) if a["code"] >= 400)
    body = analyse([str(LOGS / name / log)], NOW).to_dict()
    got = Counter[str]()
    for code in body["codes"]:
        if code["reply"] is not None:
            got[code["class"]] += code["count"]
    assert got == want


def test_postfix_connection_failures_are_network_attempts() -> None:
    body = analyse([str(LOGS / "postfix" / "maillog")], NOW).to_dict()
    log = (LOGS / "postfix" / "maillog").read_text()
    assert body["by_class"]["network"] == log.count("Connection refused)")
    assert body["totals"]["expired"] == log.count("status=expired")


def test_exim_relogs_are_not_attempts() -> None:
    log = (LOGS / "exim" / "mainlog").read_text()
    body = analyse([str(LOGS / "exim" / "mainlog")], NOW).to_dict()
    assert body["totals"]["relogs"] == log.count("retry time not reached")
    t = body["totals"]
    assert t["attempts"] == t["delivered"] + t["deferred"] + t["bounced"]


def test_retries_follow_recipients() -> None:
    answers = truth("postfix")
    deferred_rcpts = {a["rcpt"] for a in answers if a["code"] // 100 == 4}
    later_ok = {a["rcpt"] for a in answers if a["code"] // 100 == 2} & deferred_rcpts
    body = analyse([str(LOGS / "postfix" / "maillog")], NOW).to_dict()
    # + the 4 recipients of down.example (connection refused, never answered)
    assert body["retries"]["deferred_recipients"] == len(deferred_rcpts) + 4
    assert body["retries"]["later_delivered"] == len(later_ok)


def test_microsoft_attribution_and_forest() -> None:
    body = analyse([str(LOGS / "postfix" / "maillog")], NOW).to_dict()
    assert "microsoft-365" in body["by_provider"] and "outlook.com" in body["by_provider"]
    busy = next(c for c in body["codes"] if c["token"] == "S77714")
    assert busy["provider"] == "microsoft-365"
    assert busy["forest"] == "eop-nam12" and busy["region"] == "NAM"
    assert "(S77714)" in busy["sample"]
    forests = {f["name"]: f for f in body["scope"]["forests"]}
    assert forests["eurprd04"]["region"] == "EUR"
    block = next(c for c in body["codes"] if c["token"] == "S3140")
    assert block["provider"] == "outlook.com" and block["class"] == "blocklist"
    assert {ip["name"] for ip in body["scope"]["sending_ips"]} == {"127.0.0.5"}


def test_findings_carry_evidence_and_no_suppression_advice() -> None:
    result = analyse([str(LOGS / "exim" / "mainlog")], NOW)
    codes = {f.code for f in result.findings}
    assert {"deferrals.throttling", "deferrals.connection_limit", "deferrals.receiver_capacity",
            "deferrals.ip_reputation", "deferrals.blocked", "deferrals.auth_required",
            "deferrals.rate_act", "deferrals.will_not_clear"} <= codes
    throttling = next(f for f in result.findings if f.code == "deferrals.throttling")
    samples = [c["sample"] for c in throttling.evidence["codes"]]
    assert any("(S77714)" in s for s in samples)
    assert all(c["first_seen"] for c in throttling.evidence["codes"])
    for f in result.findings:
        assert f.fix and "suppress" not in f.fix.lower().replace("never suppress", "")
