"""Per-provider retries and the per-provider timeline of the real Postfix log, checked
against what the receiver recorded it answered (truth.jsonl) and the log's own lines,
read here with a plain regex and the contract's attribution by receiving host."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.deferrals import DeferralResult, analyse

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
LOG = LOGS / "postfix"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
_STATUS = re.compile(r"^(?P<ts>\w{3} [ \d]\d [\d:]{8}) \S+ postfix/\w+\[\d+\]: \w+: "
                     r"to=<(?P<rcpt>[^>]*)>, relay=(?P<relay>[^,\[]*)[^,]*, .*? "
                     r"status=(?P<status>\w+) \((?P<text>.*)\)$")
# contract.md "Providers": attributed from the receiving host first
_BY_HOST = {".mail.protection.outlook.com": "microsoft-365",
            ".olc.protection.outlook.com": "outlook.com", ".google.com": "google",
            ".yahoodns.net": "yahoo", ".icloud.com": "apple"}
_SLOT = {"sent": "delivered", "deferred": "deferred", "bounced": "bounced"}
# the host a Postfix status text names: "host H[ip] said/refused", "connect to H[ip]"
_NAMED = re.compile(r"(?:^|: )(?:host |connect to )([^\[ ]+)\[")


@dataclass(frozen=True)
class Line:
    when: datetime
    rcpt: str
    provider: str
    outcome: str  # delivered | deferred | bounced
    relog: bool = False


def provider_of(relay: str) -> str:
    return next((p for suffix, p in _BY_HOST.items() if relay.endswith(suffix)), "other")


def log_lines(log: Path = LOG) -> list[Line]:
    out = []
    for text in (log / "maillog").read_text().splitlines():
        m = _STATUS.match(text)
        if m is None:
            continue
        relog = m["text"].startswith("delivery temporarily suspended")
        named = _NAMED.search(m["text"])
        host = m["relay"] if m["relay"] != "none" else named[1] if named else ""
        # no host at all: the sender's own domain (no MX), "other"
        assert host or m["rcpt"].endswith("@sender.example.net")
        when = datetime.strptime(f"{NOW.year} {m['ts']}", "%Y %b %d %H:%M:%S")
        out.append(Line(when.replace(tzinfo=UTC), m["rcpt"], provider_of(host),
                        _SLOT[m["status"]], relog))
    return out


def accepted(log: Path = LOG) -> set[str]:
    answers = [json.loads(x) for x in (log / "truth.jsonl").read_text().splitlines()]
    return {a["rcpt"] for a in answers if a["code"] // 100 == 2}


@pytest.fixture(scope="module")
def result() -> DeferralResult:
    return analyse([str(LOG / "maillog")], NOW)


@pytest.mark.parametrize("log", [LOG, LOGS / "postfix-suspended"], ids=lambda p: p.name)
def test_retries_per_provider_follow_the_first_deferral(log: Path) -> None:
    """A recipient's retries belong to the provider of its first deferral (relogs
    included: postfix-suspended relogs recipients of a dead MX that stay queued)."""
    result = analyse([str(log / "maillog")], NOW)
    lines = log_lines(log)
    first_deferral: dict[str, str] = {}
    for line in lines:
        if line.outcome == "deferred":
            first_deferral.setdefault(line.rcpt, line.provider)
    bounced = {line.rcpt for line in lines if line.outcome == "bounced"}
    delivered = accepted(log)
    want: dict[str, Counter[str]] = defaultdict(Counter)
    for rcpt, provider in first_deferral.items():
        w = want[provider]
        w["deferred_recipients"] += 1
        w["later_delivered"] += rcpt in delivered
        w["later_bounced"] += rcpt in bounced
        w["still_pending"] += rcpt not in delivered and rcpt not in bounced
    assert set(want) <= set(result.by_provider)
    for name, p in result.by_provider.items():
        w = want.get(name, Counter())
        assert p.retries.to_dict() == {k: w[k] for k in (
            "deferred_recipients", "later_delivered", "later_bounced", "still_pending")}, name
        assert p.to_dict()["retries"] == p.retries.to_dict()
        assert "untracked" not in p.to_dict()["retries"]
    # "deferred, then delivered" is seen for more than one provider
    assert sum(1 for p in result.by_provider.values() if p.retries.later_delivered) >= 2
    for field in ("deferred_recipients", "later_delivered", "later_bounced", "still_pending"):
        total = getattr(result.retries, field)
        assert sum(getattr(p.retries, field) for p in result.by_provider.values()) == total


def test_a_relog_first_belongs_to_the_host_it_names(tmp_path: Path) -> None:
    """A tenant domain (contoso.com) says nothing of its provider; the host in "delivery
    temporarily suspended: host ... refused to talk to me" does."""
    head = ("Nov 23 11:{m:02d}:00 mx postfix/{svc}[1]: AB12: to=<a@contoso.com>, relay={relay}, "
            "delay=1, delays=1/0/0/0, dsn={dsn}, status={status}\n")
    suspended = ("deferred (delivery temporarily suspended: host contoso-com.mail.protection"
                 ".outlook.com[127.0.0.11] refused to talk to me: 421 4.7.652 The mail server "
                 "[127.0.0.5] has exceeded the maximum number of connections.)")
    log = tmp_path / "maillog"
    log.write_text(head.format(m=1, svc="error", relay="none", dsn="4.7.652",
                               status=suspended)
                   + head.format(m=9, svc="smtp", dsn="2.0.0", status="sent (250 ok)",
                                 relay="contoso-com.mail.protection.outlook.com[127.0.0.11]:25"))
    result = analyse([str(log)], NOW)
    assert result.totals.relogs == 1 and result.totals.delivered == 1
    assert set(result.by_provider) == {"microsoft-365"}
    assert result.by_provider["microsoft-365"].retries.to_dict() == {
        "deferred_recipients": 1, "later_delivered": 1, "later_bounced": 0, "still_pending": 0}


def test_timeline_splits_each_bucket_by_provider(result: DeferralResult) -> None:
    assert result.timeline
    width = result.timeline[0].minutes * 60
    want: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for line in log_lines():
        assert not line.relog  # relogs are no attempts: none in this log
        seconds = int(line.when.timestamp())
        start = datetime.fromtimestamp(seconds - seconds % width, UTC)
        row = want[start.strftime("%Y-%m-%dT%H:%M:%S")][line.provider]
        row["attempts"] += 1
        row[line.outcome] += 1
    slots = ("attempts", "delivered", "deferred", "bounced")
    seen = set()
    for bucket in result.timeline:
        expected = {p: {k: c[k] for k in slots} for p, c in want.get(str(bucket.start),
                                                                     {}).items()}
        got = bucket.to_dict()["providers"]
        assert got == expected, bucket.start
        assert all(p["attempts"] for p in got.values())  # only providers with attempts
        for slot in ("delivered", "deferred", "bounced"):
            assert getattr(bucket, slot) == sum(p[slot] for p in got.values())
        seen.add(bucket.start)
    assert set(want) <= seen
    assert len({p for b in result.timeline for p in b.providers}) >= 4
