"""Relogs: never attempts, shown as samples, and their recipients count for the retries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from triage.deferrals import analyse

ROOT = Path(__file__).parent.parent
SUSPENDED = ROOT / "fixtures/logs/postfix-suspended/maillog"
NOW = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def suspended_lines() -> list[str]:
    return [line for line in SUSPENDED.read_text().splitlines()
            if "delivery temporarily suspended" in line]


def test_relog_samples_are_reported_as_logged() -> None:
    body = analyse([str(SUSPENDED)], NOW).to_dict()
    relogs = suspended_lines()
    assert body["totals"]["relogs"] == len(relogs)
    samples = body["relog_samples"]
    assert 0 < len(samples) <= 5
    first_text = relogs[0].split("status=deferred (", 1)[1].rstrip(")")
    assert samples[0] == first_text


def test_a_recipient_first_seen_in_a_relog_is_a_deferred_recipient(tmp_path: Path) -> None:
    """A message queued to a destination already marked dead is only ever relogged until
    the destination comes back: its recipient was deferred, then delivered."""
    relog = suspended_lines()[0]
    delivered = (relog.replace("postfix/error", "postfix/smtp")
                 .replace("13:11:44", "13:20:01")
                 .replace("relay=none", "relay=mx.down.example[127.0.0.18]:2525")
                 .replace("dsn=4.4.1, status=deferred (delivery temporarily suspended: "
                          "connect to mx.down.example[127.0.0.18]:2525: Connection refused)",
                          "dsn=2.0.0, status=sent (250 2.0.0 OK queued)"))
    log = tmp_path / "maillog"
    log.write_text(relog + "\n" + delivered + "\n")
    body = analyse([str(log)], NOW).to_dict()
    assert body["totals"] | {"expired": 0} == {
        "attempts": 1, "delivered": 1, "deferred": 0, "bounced": 0, "relogs": 1,
        "unparsed_lines": 0, "expired": 0}
    assert body["retries"]["deferred_recipients"] == 1
    assert body["retries"]["later_delivered"] == 1
    assert body["retries"]["still_pending"] == 0
    # the rates know nothing of the relog
    assert body["by_provider"]["other"]["deferral_rate"] == 0


def test_relogs_alone_leave_the_recipient_pending(tmp_path: Path) -> None:
    log = tmp_path / "maillog"
    log.write_text("\n".join(suspended_lines()[:3]) + "\n")
    body = analyse([str(log)], NOW).to_dict()
    assert body["totals"]["attempts"] == 0 and body["totals"]["relogs"] == 3
    assert body["retries"]["deferred_recipients"] == len(
        {line.split("to=<", 1)[1].split(">", 1)[0] for line in suspended_lines()[:3]})
    assert body["retries"]["still_pending"] == body["retries"]["deferred_recipients"]
    assert json.dumps(body)  # serialisable as it stands


def test_an_exim_relog_counts_for_the_host_that_last_answered_its_domain(
        tmp_path: Path) -> None:
    """Exim's "retry time not reached" names no host; the Microsoft 365 tenant domain's
    last attempt did (lines as the real Exim 4.96 fixture writes them)."""
    mainlog = (ROOT / "fixtures/logs/exim/mainlog").read_text().splitlines()
    attempt = next(line for line in mainlog if " == conn-01@contoso.com " in line)
    relog = ("2026-11-23 11:31:40 1xVSGK-0003zz-0q == conn-09@contoso.com R=fixture "
             "T=remote_smtp defer (-54): retry time not reached for any host for "
             "'contoso.com'")
    unknown = relog.replace("contoso.com", "fabrikam.example").replace("-0003zz-", "-0003zy-")
    log = tmp_path / "mainlog"
    log.write_text("\n".join([attempt, relog, unknown]) + "\n")
    body = analyse([str(log)], NOW).to_dict()
    assert body["inputs"][0]["format"] == "exim"
    assert body["totals"]["relogs"] == 2 and body["totals"]["deferred"] == 1
    by = {p: v["retries"]["deferred_recipients"] for p, v in body["by_provider"].items()
          if v.get("retries")}
    assert by == {"microsoft-365": 2}, by  # conn-01 deferred, conn-09 relogged
    # no attempt named a host for fabrikam.example: tracked by its domain ("other", which
    # had no attempts, so it is in the totals only)
    assert body["retries"]["deferred_recipients"] == 3


def test_an_exim_address_in_angle_brackets_is_the_same_recipient(tmp_path: Path) -> None:
    """A relog as quoted in a public Exim support question (the address in <>), then the
    delivery of the same message and recipient: one recipient, deferred then delivered."""
    relog = ("2010-10-03 15:16:34 1P2THR-0003kV-Of == <personal_email_address@yahoo.com> "
             "R=dnslookup_relay_to_domains T=remote_smtp defer (-53): retry time not "
             "reached for any host")
    delivered = ("2010-10-03 15:46:34 1P2THR-0003kV-Of => personal_email_address@yahoo.com "
                 "R=dnslookup_relay_to_domains T=remote_smtp S=374 "
                 "H=mta5.am0.yahoodns.net [67.195.204.72]:25 C=\"250 ok dirdel\"")
    log = tmp_path / "mainlog"
    log.write_text(relog + "\n" + delivered + "\n")
    body = analyse([str(log)], NOW).to_dict()
    assert body["totals"]["relogs"] == 1 and body["totals"]["delivered"] == 1
    assert body["retries"]["deferred_recipients"] == 1
    assert body["retries"]["later_delivered"] == 1 and body["retries"]["still_pending"] == 0
    assert body["by_provider"]["yahoo"]["retries"]["later_delivered"] == 1
