"""Analysis of logs that real Postfix and Exim wrote against a scripted receiver,
checked against what the receiver recorded it answered (truth.jsonl) and against the
log's own lines (read here with a plain regex, independently of the parser)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals import analyse, parsers
from triage.deferrals.aggregate import Aggregator
from triage.deferrals.classify import Classifier
from triage.deferrals.timeparse import Clock
from triage.sanitize import clean

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
# (directory, log file, format): every real-MTA log of fixtures/logs
REAL = [("postfix", "maillog", "postfix"), ("exim", "mainlog", "exim"),
        ("postfix-suspended", "maillog", "postfix"), ("postfix-second", "maillog", "postfix"),
        ("exim-second", "mainlog", "exim"), ("postfix-tls", "maillog", "postfix"),
        ("exim-tls", "mainlog", "exim")]
POSTFIX = ["postfix", "postfix-suspended", "postfix-second"]
SUSPENDED = "delivery temporarily suspended: "
_STATUS = re.compile(r"^\w{3} [ \d]\d [\d:]{8} \S+ postfix/\w+\[\d+\]: (?P<qid>\w+): "
                     r"to=<(?P<rcpt>[^>]*)>, relay=(?P<relay>[^,]*), .*? "
                     r"status=(?P<status>\w+) \((?P<text>.*)\)$")


@dataclass(frozen=True)
class Status:
    """One Postfix per-recipient ``status=`` line."""

    qid: str
    rcpt: str
    relay: str
    status: str
    text: str

    @property
    def relog(self) -> bool:
        return self.text.startswith(SUSPENDED)

    @property
    def unanswered(self) -> bool:
        """An attempt no receiver answered (connection refused, no such host)."""
        return self.relay == "none" and not self.relog


def statuses(name: str) -> list[Status]:
    out = []
    for line in (LOGS / name / "maillog").read_text().splitlines():
        m = _STATUS.match(line)
        if m is not None:
            out.append(Status(**m.groupdict()))
    return out

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


def records(name: str) -> list[dict[str, Any]]:
    lines = (LOGS / name / "truth.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def truth(name: str) -> list[dict[str, Any]]:
    """The receiver's SMTP answers (its 220 to STARTTLS before a failed handshake is no
    answer to a recipient: see ``handshakes``)."""
    return [a for a in records(name) if a["stage"] != "starttls"]


def handshakes(name: str) -> list[dict[str, Any]]:
    """The TLS handshakes the receiver failed on purpose (plan ``tls``)."""
    return [a for a in records(name) if a["stage"] == "starttls"]


def expected_class(reply: str) -> str:
    return next(cls for phrase, cls in EXPECTED_CLASS.items() if phrase in reply)


@pytest.mark.parametrize("name,log,fmt", REAL)
def test_totals_match_receiver(name: str, log: str, fmt: str) -> None:
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
    assert body["inputs"][0]["format"] == fmt
    assert body["totals"]["unparsed_lines"] == 0


@pytest.mark.parametrize("name,log,fmt", REAL)
def test_classes_match_receiver(name: str, log: str, fmt: str) -> None:
    want = Counter(expected_class(str(a["reply"])) for a in truth(name) if a["code"] >= 400)
    body = analyse([str(LOGS / name / log)], NOW).to_dict()
    got = Counter[str]()
    for code in body["codes"]:
        if code["reply"] is not None:
            got[code["class"]] += code["count"]
    assert got == want


@pytest.mark.parametrize("name", POSTFIX)
def test_postfix_connection_failures_are_network_attempts(name: str) -> None:
    body = analyse([str(LOGS / name / "maillog")], NOW).to_dict()
    refused = [s for s in statuses(name) if s.unanswered and "Connection refused" in s.text]
    assert refused and body["by_class"]["network"] == len(refused)
    assert body["totals"]["expired"] == (LOGS / name / "maillog").read_text().count(
        "status=expired")


@pytest.mark.parametrize("name", POSTFIX)
def test_postfix_outcomes_are_receiver_answers_plus_unanswered(name: str) -> None:
    """Every attempt is a receiver answer (truth.jsonl) or a failure no receiver saw;
    every "delivery temporarily suspended" line is a relog and nothing else."""
    lines, answers = statuses(name), truth(name)
    body = analyse([str(LOGS / name / "maillog")], NOW).to_dict()
    t = body["totals"]
    replied = Counter(a["code"] // 100 for a in answers)
    unanswered = Counter(s.status for s in lines if s.unanswered)
    assert t["delivered"] == replied[2]
    assert t["deferred"] == replied[4] + unanswered["deferred"]
    assert t["bounced"] == replied[5] + unanswered["bounced"]
    assert t["relogs"] == sum(s.relog for s in lines)
    assert t["attempts"] == len(lines) - t["relogs"] == t["delivered"] + t["deferred"] + \
        t["bounced"]
    assert body["inputs"][0]["events"] == t["attempts"] + t["relogs"]
    # relogs enter neither a provider's attempts nor its deferral rate
    providers = body["by_provider"].values()
    assert sum(p["attempts"] for p in providers) == t["attempts"]
    for p in providers:
        assert p["attempts"] == p["delivered"] + p["deferred"] + p["bounced"]
        assert p["deferral_rate"] == round(p["deferred"] / p["attempts"], 6)
    assert sum(c["count"] for c in body["codes"]) == t["deferred"] + t["bounced"]
    assert not any(SUSPENDED in c["sample"] for c in body["codes"])


def test_exim_relogs_are_not_attempts() -> None:
    log = (LOGS / "exim" / "mainlog").read_text()
    body = analyse([str(LOGS / "exim" / "mainlog")], NOW).to_dict()
    assert body["totals"]["relogs"] == log.count("retry time not reached")
    t = body["totals"]
    assert t["attempts"] == t["delivered"] + t["deferred"] + t["bounced"]


@pytest.mark.parametrize("name", POSTFIX)
def test_retries_follow_recipients(name: str) -> None:
    """Deferred recipients are those the receiver deferred plus those no receiver
    answered or whose greeting it refused (both only in the log); relogs add none."""
    answers, lines = truth(name), statuses(name)
    deferred = {s.rcpt for s in lines if s.status == "deferred" and not s.relog}
    assert {a["rcpt"] for a in answers if a["code"] // 100 == 4 and a["rcpt"]} <= deferred
    accepted = {a["rcpt"] for a in answers if a["code"] // 100 == 2}
    bounced = {s.rcpt for s in lines if s.status == "bounced"}
    r = analyse([str(LOGS / name / "maillog")], NOW).to_dict()["retries"]
    assert r["deferred_recipients"] == len(deferred)
    assert r["later_delivered"] == len(deferred & accepted)
    assert r["later_bounced"] == len(deferred & bounced)
    assert r["still_pending"] == len(deferred - accepted - bounced)


def test_suspended_log_relogs_by_destination() -> None:
    """qmgr suspended two destinations: the dead mx.down.example (no listener, still
    queued at the end) and the Yahoo host that refused the greeting, then accepted."""
    lines, answers = statuses("postfix-suspended"), truth("postfix-suspended")
    relogs = Counter(s.rcpt.split("@")[1] for s in lines if s.relog)
    assert set(relogs) == {"down.example", "yahoo.com"}
    body = analyse([str(LOGS / "postfix-suspended" / "maillog")], NOW).to_dict()
    yahoo = body["by_provider"]["yahoo"]
    greetings = [a for a in answers if a["stage"] == "connect"]
    assert greetings and all("[TSS04]" in a["reply"] for a in greetings)
    assert yahoo["deferred"] == len(greetings)
    assert yahoo["delivered"] == sum(1 for a in answers if a["code"] == 250
                                     and a["rcpt"].endswith("@yahoo.com"))
    # a rate over relogs too would be (deferred + relogs) / (attempts + relogs)
    assert yahoo["deferral_rate"] == round(yahoo["deferred"] / yahoo["attempts"], 6)
    down = [s for s in lines if s.rcpt.endswith("@down.example")]
    hosts = {h["name"]: h for h in body["scope"]["receiving_hosts"]}
    assert hosts["mx.down.example"]["deferred"] == sum(not s.relog for s in down)
    assert body["retries"]["still_pending"] == len({s.rcpt for s in down})
    busy = next(c for c in body["codes"] if c["token"] == "S77714")
    assert busy["count"] == sum(1 for a in answers if "Server busy" in a["reply"])


def test_suspended_log_reads_the_same_in_small_chunks() -> None:
    path = str(LOGS / "postfix-suspended" / "maillog")
    assert analyse([path], NOW, block=97).to_dict() == analyse([path], NOW).to_dict()


def test_relog_samples_are_sanitized(tmp_path: Path) -> None:
    """A relog's text is kept only as a sanitized sample; an escape sequence in it
    reaches neither the report nor the counts."""
    data = (LOGS / "postfix-suspended" / "maillog").read_bytes()
    marker = SUSPENDED.encode() + b"connect to "
    log = tmp_path / "maillog"
    log.write_bytes(data.replace(marker, marker + b"\x1b[2J\x07", 1))
    agg = Aggregator(Classifier())
    parser = parsers.make("postfix", agg, agg.begin(str(log)), Clock(NOW))
    parser.feed(log.read_bytes())
    parser.close()
    assert agg.relog_samples and all(s.startswith(SUSPENDED) for s in agg.relog_samples)
    assert all(s == clean(s) and "\x1b" not in s for s in agg.relog_samples)
    assert "\\x1b[2J\\x07" in agg.relog_samples[0]
    for fmt in ("text", "json", "markdown"):
        out = CliRunner().invoke(cli, ["deferrals", str(log), "--format", fmt,
                                       "--fail-on", "never"])
        assert out.exit_code == 0, out.output
        assert "\x1b" not in out.output and "\x07" not in out.output
    body = analyse([str(log)], NOW).to_dict()
    clean_body = analyse([str(LOGS / "postfix-suspended" / "maillog")], NOW).to_dict()
    assert body["totals"] == clean_body["totals"]


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


def test_second_log_greeting_storm_and_shared_messages() -> None:
    """Plan ``second``: Yahoo and Gmail refuse every greeting at first (one deferral per
    refusal; qmgr then suspends them: relogs), messages carry up to four recipients, and
    the retry timers are longer (README)."""
    lines, answers = statuses("postfix-second"), truth("postfix-second")
    body = analyse([str(LOGS / "postfix-second" / "maillog")], NOW).to_dict()
    storm = Counter("yahoo" if "[TSS04]" in a["reply"] else "google"
                    for a in answers if a["stage"] == "connect")
    assert storm["yahoo"] > 0 and storm["google"] > 0
    for provider, domain in (("yahoo", "yahoo.com"), ("google", "gmail.com")):
        later = sum(1 for a in answers if a["code"] // 100 == 4
                    and (a["rcpt"] or "").endswith("@" + domain))
        assert body["by_provider"][provider]["deferred"] == storm[provider] + later
    assert max(Counter(s.qid for s in lines if s.status == "sent").values()) == 4
    assert body["totals"]["relogs"] == sum(s.relog for s in lines) > 0


@pytest.mark.parametrize("name,log", [("postfix-tls", "maillog"), ("exim-tls", "mainlog")])
def test_tls_log_handshake_failures_are_class_tls(name: str, log: str) -> None:
    """Plan ``tls``: the sender's policy requires TLS for mx1.securebank.example, whose
    receiver offers STARTTLS and fails every handshake. Each failed handshake the
    receiver recorded is one attempt of class ``tls`` (a local failure: no reply, no
    code), attributed to that host; relogs add none, and nothing there is delivered."""
    failed = handshakes(name)
    assert failed and {a["tls"] for a in failed} == {"alert handshake_failure"}
    hosts = {str(a["local"]) for a in failed}
    body = analyse([str(LOGS / name / log)], NOW).to_dict()
    assert body["by_class"]["tls"] == len(failed)
    tls = [c for c in body["codes"] if c["class"] == "tls"]
    assert sum(c["count"] for c in tls) == sum(c["deferred"] for c in tls) == len(failed)
    for code in tls:
        assert code["rule"] == "local.tls" and code["action"] == "fix-infrastructure"
        assert code["reply"] is None and code["enhanced"] is None
        assert code["host"] in hosts
        assert "suspended" not in code["sample"] and "retry time" not in code["sample"]
    # the receiver never saw a recipient of the TLS destination: no answer, no delivery
    domains = {h.split(".", 1)[1] for h in hosts}
    assert not any((a["rcpt"] or "").rpartition("@")[2] in domains for a in truth(name))
    text = (LOGS / name / log).read_text()
    if name.startswith("postfix"):
        lines = [s for s in statuses(name) if s.rcpt.rpartition("@")[2] in domains]
        assert all(s.status == "deferred" for s in lines)
        failures = [s for s in lines if not s.relog]
        assert len(failures) == len(failed)
        assert all(s.text == "Cannot start TLS: handshake failure" for s in failures)
        assert body["totals"]["relogs"] == sum(s.relog for s in statuses(name))
    else:
        assert text.count("TLS session: (gnutls_handshake): Handshake failed") == len(failed)
        assert body["totals"]["relogs"] == text.count("retry time not reached")
    # every recipient there is still queued at the end; the run's other deferrals cleared
    at = re.compile(r"[\w.-]+@(?:" + "|".join(map(re.escape, domains)) + r")\b")
    pending = {m.group(0) for m in at.finditer(text)}
    assert pending and body["retries"]["still_pending"] == len(pending)
