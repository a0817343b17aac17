"""Analysis of logs that real Sendmail 8.17 (Debian 12) wrote against the scripted
receiver, checked against what the receiver recorded it answered (truth.jsonl) and
against the log's own lines (read here with a plain regex, independently of the parser).

Every attempt is a receiver answer or a connection nobody answered; every recipient
logged for a host without ``[IP]`` (not contacted) is a relog."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from triage.deferrals import analyse

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
# (directory, log file): every real-Sendmail log, both stamp forms
REAL = [("sendmail", "maillog"), ("sendmail", "maillog.rfc3339"),
        ("sendmail-hoststatus", "maillog"), ("sendmail-hoststatus", "maillog.rfc3339")]
NAMES = ["sendmail", "sendmail-hoststatus"]
_TO = re.compile(r"^(?:\w{3} [ \d]\d [\d:]{8}|\d{4}-\d\d-\d\dT[\d:.]+\+00:00) \S+ "
                 r"(?:sm-mta|sendmail)\[\d+\]: (?P<qid>\w+): to=(?P<to>\S*), .*?"
                 r"mailer=(?P<mailer>[^,]*), .*?(?:relay=(?P<relay>[^ ,]*)(?P<ip> \[[^\]]+\])?, )?"
                 r"dsn=(?P<dsn>[\d.]+), (?:reply=(?P<reply>.*), )?stat=(?P<stat>.*)$")
# the receiving provider of each plan domain (plan.py ROUTES: the MX host it names)
PROVIDER = {"contoso.com": "microsoft-365", "fabrikam.com": "microsoft-365",
            "contoso-mail.com": "microsoft-365", "hotmail.com": "outlook.com",
            "outlook.com": "outlook.com", "gmail.com": "google", "yahoo.com": "yahoo",
            "icloud.com": "apple", "example-corp.de": "other", "down.example": "other"}
# what each scripted answer means (receiver.py REPLIES), by a phrase of its full text
EXPECTED_CLASS = {
    "Server busy": "throttling", "maximum number of connections": "connection-limit",
    "Insufficient system resources": "receiver-capacity", "banned sending IP": "blocklist",
    "rate limited due to IP reputation": "ip-reputation", "on our block list": "blocklist",
    "5.7.515": "auth", "unusual rate": "throttling", "receiving mail too quickly": "throttling",
    "sender is unauthenticated": "auth", "does not exist": "recipient",
    "[TSS04]": "throttling", "[TS03]": "ip-reputation", "excessive volume": "throttling",
    "User unknown": "recipient", "Greylisted": "throttling",
}


@dataclass(frozen=True)
class Outcome:
    """One recipient of a remote ``to=`` line."""

    qid: str
    rcpt: str
    ip: bool
    dsn: str
    stat: str

    @property
    def domain(self) -> str:
        return self.rcpt.rpartition("@")[2]


def outcomes(name: str, log: str = "maillog") -> list[Outcome]:
    out = []
    for line in (LOGS / name / log).read_text().splitlines():
        m = _TO.match(line)
        if m is None or m["mailer"] != "esmtp":
            continue
        for rcpt in m["to"].split(","):
            out.append(Outcome(m["qid"], rcpt.strip("<>"), bool(m["ip"]), m["dsn"], m["stat"]))
    return out


def truth(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (LOGS / name / "truth.jsonl").read_text().splitlines()]


def expected_class(reply: str) -> str:
    return next(cls for phrase, cls in EXPECTED_CLASS.items() if phrase in reply)


def body(name: str, log: str = "maillog") -> dict[str, Any]:
    return analyse([str(LOGS / name / log)], NOW).to_dict()


def unanswered(name: str) -> list[Outcome]:
    """Attempts no receiver answered: a connection refused (the log's own text)."""
    return [o for o in outcomes(name) if o.ip and o.stat.startswith("Deferred: Connection ")]


@pytest.mark.parametrize("name,log", REAL)
def test_every_attempt_counted(name: str, log: str) -> None:
    answers, lines = truth(name), outcomes(name, log)
    got = body(name, log)
    t = got["totals"]
    replied = Counter(a["code"] // 100 for a in answers)
    assert got["inputs"][0]["format"] == "sendmail"
    assert t["unparsed_lines"] == 0
    assert t["delivered"] == replied[2]
    assert t["deferred"] == replied[4] + len(unanswered(name))
    assert t["bounced"] == replied[5]
    assert t["relogs"] == sum(not o.ip for o in lines) > 0
    assert t["attempts"] == sum(o.ip for o in lines) == t["delivered"] + t["deferred"] + \
        t["bounced"]
    assert got["inputs"][0]["events"] == t["attempts"] + t["relogs"]


@pytest.mark.parametrize("name,log", REAL)
def test_every_answer_classified_and_coded(name: str, log: str) -> None:
    """Codes with a reply are the receiver's answers, one for one: class, reply code and
    enhanced code as the receiver gave them (not Sendmail's dsn= or stat= wording)."""
    failed = [a for a in truth(name) if a["code"] >= 400]
    got = body(name, log)
    classes, coded = Counter[str](), Counter[tuple[int, str | None, str]]()
    for c in got["codes"]:
        if c["reply"] is not None:
            classes[c["class"]] += c["count"]
            coded[c["reply"], c["enhanced"], "deferred"] += c["deferred"]
            coded[c["reply"], c["enhanced"], "bounced"] += c["bounced"]
    assert classes == Counter(expected_class(a["reply"]) for a in failed)
    want = Counter((a["code"], a["enhanced"], "deferred" if a["code"] < 500 else "bounced")
                   for a in failed)
    assert +coded == want
    network = [c for c in got["codes"] if c["reply"] is None]
    assert [(c["class"], c["count"]) for c in network] == [("network", len(unanswered(name)))]


@pytest.mark.parametrize("name", NAMES)
def test_every_attempt_attributed(name: str) -> None:
    """Each provider's delivered/deferred/bounced are the receiver's answers for its
    domains (a greeting refusal: the Yahoo host's) plus the unanswered connections."""
    want: dict[str, Counter[str]] = {}
    for a in truth(name):
        domain = a["rcpt"].rpartition("@")[2] if a["rcpt"] else "yahoo.com"
        slot = {2: "delivered", 4: "deferred", 5: "bounced"}[a["code"] // 100]
        want.setdefault(PROVIDER[domain], Counter())[slot] += 1
    for o in unanswered(name):
        want.setdefault(PROVIDER[o.domain], Counter())["deferred"] += 1
    got = body(name)["by_provider"]
    assert set(got) == set(want)
    for provider, counts in want.items():
        assert {k: got[provider][k] for k in ("delivered", "deferred", "bounced")} == \
            {k: counts[k] for k in ("delivered", "deferred", "bounced")}, provider


@pytest.mark.parametrize("name", NAMES)
def test_shortened_relay_names_are_attributed(name: str) -> None:
    text = (LOGS / name / "maillog").read_text()
    assert "relay=contoso-com.mail.p...ction.outlook.com. [" in text
    assert "relay=contoso-mail-com.m...ction.outlook.com. [" in text
    hosts = {h["name"]: h["provider"] for h in body(name)["scope"]["receiving_hosts"]}
    assert hosts["contoso-com.mail.p...ction.outlook.com"] == "microsoft-365"
    assert hosts["contoso-mail-com.m...ction.outlook.com"] == "microsoft-365"
    assert hosts["hotmail-com.olc.protection.outlook.com"] == "outlook.com"


@pytest.mark.parametrize("name", NAMES)
def test_retries_follow_recipients(name: str) -> None:
    """Deferred recipients are those with a deferral (attempt or relog) in the log; the
    queue lifetime ran out for the rest (``DSN: Cannot send message``)."""
    lines = outcomes(name)
    deferred = {(o.qid, o.rcpt) for o in lines if o.dsn.startswith("4")}
    delivered = {(o.qid, o.rcpt) for o in lines if o.dsn.startswith("2")}
    bounced = {(o.qid, o.rcpt) for o in lines if o.dsn.startswith("5")}
    text = (LOGS / name / "maillog").read_text()
    expired_qids = set(re.findall(r": (\w+): \w+: DSN: Cannot send message", text))
    got = body(name)
    r = got["retries"]
    assert r["deferred_recipients"] == len(deferred)
    assert r["later_delivered"] == len(deferred & delivered)
    assert r["later_bounced"] == len(deferred & bounced)
    assert got["totals"]["expired"] == len(expired_qids & {q for q, _ in deferred})
    assert r["still_pending"] == len({k for k in deferred - delivered - bounced
                                      if k[0] not in expired_qids})


@pytest.mark.parametrize("name", NAMES)
def test_several_recipients_on_one_line(name: str) -> None:
    text = (LOGS / name / "maillog").read_text()
    assert "to=ok-g6@contoso.com,ok-g4@contoso.com, " in text
    one = analyse([str(LOGS / name / "maillog")], NOW).to_dict()
    lines = outcomes(name)
    assert one["totals"]["delivered"] == sum(o.ip and o.dsn.startswith("2") for o in lines)
    assert max(len(line.split(": to=", 1)[1].split(", ", 1)[0].split(","))
               for line in text.splitlines() if "stat=Sent" in line) == 14


@pytest.mark.parametrize("name", NAMES)
def test_both_stamp_forms_read_alike(name: str) -> None:
    classic, rfc = body(name), body(name, "maillog.rfc3339")
    for key in ("totals", "by_class", "retries"):
        assert classic[key] == rfc[key]
    assert classic["window"]["first_seen"] + "Z" == rfc["window"]["first_seen"]
    assert rfc["inputs"][0]["timezone"] == "UTC"


def test_reads_the_same_in_small_chunks() -> None:
    path = str(LOGS / "sendmail" / "maillog")
    assert analyse([path], NOW, block=97).to_dict() == analyse([path], NOW).to_dict()
