"""The Sendmail line grammar case by case (docs/commands/deferrals.md, "Sendmail"), and
bad input: cut lines, missing fields, non-UTF-8 recipients, other daemons' lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.deferrals import analyse

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HEAD = "Dec  2 18:01:15 mail sm-mta[4242]: 6B2I1F1a004242: "
FIELDS = "ctladdr=news@sender.example.net (9/9), delay=00:00:07, xdelay=00:00:01, " \
    "mailer=esmtp, pri=120077, "
S3140 = "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact " \
    "your Internet servic... (S3140). You can also refer your provider to " \
    "http://mail.live.com/mail/troubleshooting.aspx#errors."


def line(to: str, rest: str, head: str = HEAD) -> str:
    return f"{head}to={to}, {FIELDS}{rest}\n"


def run(tmp_path: Path, *lines: str | bytes, block: int = 1 << 20) -> dict[str, Any]:
    log = tmp_path / "maillog"
    log.write_bytes(b"".join(x.encode() if isinstance(x, str) else x for x in lines))
    return analyse([str(log)], NOW, block=block).to_dict()


def totals(body: dict[str, Any]) -> tuple[int, int, int, int, int]:
    t = body["totals"]
    return t["delivered"], t["deferred"], t["bounced"], t["relogs"], t["unparsed_lines"]


def test_bounce_is_read_from_dsn_and_reply_not_stat(tmp_path: Path) -> None:
    body = run(tmp_path, line(
        "<a@contoso.com>", "relay=contoso-com.mail.protection.outlook.com. [104.47.55.138], "
        "dsn=5.1.1, reply=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by "
        "SMTP address lookup, stat=User unknown"), line(
        "<b@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=5.0.0, "
        "reply=554 5.7.1 Message rejected due to local policy, stat=Service unavailable"))
    assert totals(body) == (0, 0, 2, 0, 0)
    codes = {(c["reply"], c["enhanced"]): c for c in body["codes"]}
    unknown = codes[550, "5.1.10"]
    assert (unknown["class"], unknown["provider"], unknown["bounced"]) == \
        ("recipient", "microsoft-365", 1)
    assert codes[554, "5.7.1"]["class"] == "policy-content"
    assert body["by_class"].get("local", 0) == 0


def test_untried_hosts_are_relogs(tmp_path: Path) -> None:
    """The first line connected (``[IP]``); the others are Sendmail's memory of it."""
    body = run(
        tmp_path,
        line("<a@down.example>", "relay=mx.down.example. [192.0.2.25], dsn=4.4.1, "
             "stat=Deferred: Connection refused by mx.down.example."),
        line("<b@down.example>", "relay=mx.down.example., dsn=4.4.1, "
             "stat=Deferred: Connection refused by mx.down.example."),
        line("<c@yahoo.com>", "relay=mta5.am0.yahoodns.net., dsn=4.0.0, stat=Deferred"),
    )
    assert totals(body) == (0, 1, 0, 2, 0)
    assert body["by_class"] == {"network": 1}
    assert body["relog_samples"][0] == "Deferred: Connection refused by mx.down.example."
    assert body["retries"]["deferred_recipients"] == 3
    assert "yahoo" not in body["by_provider"]  # no attempt there


def test_remembered_bounce_settles_without_an_attempt(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        line("<a@example.org>", "relay=mx.example.org. [192.0.2.9], dsn=4.0.0, "
             "reply=421 4.3.2 Service not available, stat=Deferred: 421 4.3.2 Service not "
             "available"),
        line("<a@example.org>", "relay=mx.example.org., dsn=5.0.0, stat=Service unavailable"),
    )
    assert totals(body) == (0, 1, 0, 1, 0)
    assert body["retries"]["later_bounced"] == 1


def test_dns_failures_are_attempts(tmp_path: Path) -> None:
    body = run(tmp_path, line("<a@nonexistent.example>", "relay=nonexistent.example., "
                              "dsn=5.1.2, stat=Host unknown (Name server: nonexistent.example.: "
                              "host not found)"))
    assert totals(body) == (0, 0, 1, 0, 0)
    assert body["by_class"] == {"dns": 1}


def test_remote_reply_wins_over_sendmails_own_stat(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        line("<a@yahoo.com>", "relay=mta5.am0.yahoodns.net. [98.136.96.74], dsn=4.0.0, "
             "reply=421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to "
             "unexpected volume or user complaints - 4.16.55.1; see "
             "https://postmaster.yahooinc.com/error-codes, stat=Deferred: Connection reset by "
             "mta5.am0.yahoodns.net."),
        line("<b@icloud.com>", "relay=mx01.mail.icloud.com. [17.57.154.33], dsn=4.0.0, "
             "reply=221 Bye, stat=Deferred: 421 4.7.1 Messages to b@icloud.com deferred due to "
             "excessive volume. Try again later - https://support.apple.com/en-us/HT204137"),
    )
    assert totals(body) == (0, 2, 0, 0, 0)
    rules = {c["rule"]: (c["reply"], c["class"]) for c in body["codes"]}
    assert rules == {"yahoo.tss04-deferred": (421, "throttling"),
                     "apple.excessive-volume": (421, "throttling")}


def test_sendmails_own_421_is_a_dropped_connection(tmp_path: Path) -> None:
    body = run(tmp_path, line("<a@example.net>", "relay=mx.example.net. [192.0.2.7], "
                              "dsn=4.4.1, reply=421 4.4.1 Connection reset by mx.example.net., "
                              "stat=Deferred: Connection reset by mx.example.net."))
    assert body["by_class"] == {"network": 1}
    assert body["codes"][0]["reply"] is None


def test_shortened_relay_names(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        line("<a@contoso-mail.com>", "relay=contoso-mail-com.m...ction.outlook.com. "
             "[104.47.1.1], dsn=2.0.0, stat=Sent (<x@y> [InternalId=1] Queued mail for "
             "delivery)"),
        line("<b@live.example>", "relay=live-example-com-x.ol...ction.outlook.com. "
             "[104.47.1.2], dsn=2.0.0, stat=Sent (ok)"),
        line("<c@hotmail.com>", "relay=hotmail-com.olc.protection.outlook.com. [104.47.1.3], "
             "dsn=2.0.0, stat=Sent (ok)"),
    )
    hosts = {h["name"]: h["provider"] for h in body["scope"]["receiving_hosts"]}
    assert hosts == {"contoso-mail-com.m...ction.outlook.com": "microsoft-365",
                     "live-example-com-x.ol...ction.outlook.com": "outlook.com",
                     "hotmail-com.olc.protection.outlook.com": "outlook.com"}


def test_truncated_replies_are_classified_from_what_is_kept(tmp_path: Path) -> None:
    cut = line("<b@contoso.com>", "relay=contoso-com.mail.p...ction.outlook.com. [104.47.1.1],"
               " dsn=4.3.0, reply=451 4.7.500 Server busy. Please try again later from "
               "[198.51.100.7]. (S777")
    body = run(tmp_path, line("<a@hotmail.com>", "relay=hotmail-com.olc.protection.outlook."
                              f"com. [104.47.1.3], dsn=5.1.1, reply={S3140}, stat=User unknown"),
               cut)
    assert totals(body) == (0, 1, 1, 0, 0)
    codes = {c["rule"]: c for c in body["codes"]}
    block = codes["ms.block-list-s3140"]
    assert (block["class"], block["provider"], block["enhanced"]) == \
        ("blocklist", "outlook.com", "5.7.1")
    assert "servic... (S3140)" in block["sample"]
    busy = codes["ms.4.7.500-server-busy"]
    assert busy["sample"].endswith("(S777...") and busy["class"] == "throttling"


def test_several_recipients_one_attempt_each(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        line("<a@gmail.com>,<b@gmail.com>,<c@gmail.com>", "relay=gmail-smtp-in.l.google.com. "
             "[142.250.1.27], dsn=2.0.0, stat=Sent (OK 1700000000 x1si1 - gsmtp)"),
        line("<d@gmail.com>,<e@gmail.com> [more]", "relay=gmail-smtp-in.l.google.com. "
             "[142.250.1.27], dsn=4.2.1, reply=450 4.2.1 The user you are trying to contact is "
             "receiving mail too quickly. - gsmtp, stat=Deferred: 450-4.2.1 The user you are "
             "trying to contact is receiving mail too quickly."),
        line("<f@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=4.2.1, "
             "reply=450 4.2.1 The user you are trying to contact is receiving mail too "
             "quickly. - gsmtp, stat=Deferred: 450-4.2.1 The user you are trying to contact is "
             "receiving mail too quickly."),
    )
    assert totals(body) == (3, 3, 0, 0, 0)
    assert body["retries"]["deferred_recipients"] == 3


def test_not_attempts(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        f"{HEAD}from=<news@sender.example.net>, size=79, class=0, nrcpts=1, "
        "msgid=<x@sender.example.net>, relay=root@localhost\n",
        f"{HEAD}to=<a@gmail.com>, delay=00:00:00, mailer=esmtp, pri=30079, stat=queued\n",
        f"{HEAD}to=news, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=31373, dsn=4.0.0, "
        "stat=Operating system error\n",
        f"{HEAD}to=\"|/usr/bin/procmail\", ctladdr=<root> (0/0), delay=00:00:00, "
        "xdelay=00:00:00, mailer=prog, pri=30779, dsn=2.0.0, stat=Sent\n",
        f"{HEAD}6B2L45dS029023: DSN: Cannot send message for 5 days\n",
        "Dec  2 18:01:16 mail sm-mta[4242]: starting daemon (8.17.1.9): queueing@00:10:00\n",
    )
    assert totals(body) == (0, 0, 0, 0, 0)
    assert body["totals"]["expired"] == 0  # no deferral of that message was seen


def test_expiry_settles_the_deferred_recipients(tmp_path: Path) -> None:
    body = run(
        tmp_path,
        line("<a@down.example>,<b@down.example>", "relay=mx.down.example. [192.0.2.25], "
             "dsn=4.4.1, stat=Deferred: Connection refused by mx.down.example."),
        f"{HEAD}6B2L45dS029023: DSN: Cannot send message for 4 minutes\n",
    )
    assert body["totals"]["expired"] == 1
    assert body["retries"]["deferred_recipients"] == 2
    assert body["retries"]["still_pending"] == 0


def test_bad_lines_are_counted_or_unparsed_never_twice(tmp_path: Path) -> None:
    good = line("<a@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], "
                "dsn=2.0.0, stat=Sent (OK - gsmtp)")
    lines: list[str | bytes] = [
        good,
        good[:60] + "\n",  # cut by a syslog size limit inside to=
        line("<b@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=4.2.1"),
        line("<c@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27]"),
        good.replace("<a@gmail.com>", "<\xe9t\xe9@gmail.com>").encode("latin-1"),
        HEAD.encode() + b"to=<\xff\xfe@gmail.com>, " + FIELDS.encode() +
        b"relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=4.7.28, reply=421 4.7.28 "
        b"unusual rate of mail \xff\x1b[2J, stat=Deferred\n",
        "Dec  2 18:01:15 mail postfix/smtp[77]: 4Xz: to=<d@gmail.com>, relay=gmail-smtp-in.l."
        "google.com[142.250.1.27]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (ok)\n",
        "Dec  2 18:01:15 mail kernel: [12.3] eth0: link up\n",
        "Dec  2 18:01:15 mail dovecot: lda(user): sieve: msgid=<x@y>: stored mail into INBOX\n",
    ]
    whole = run(tmp_path, *lines)
    assert totals(whole) == (2, 1, 0, 0, 4)
    assert whole["totals"]["attempts"] == 3
    assert all("\x1b" not in c["sample"] for c in whole["codes"])
    assert whole["codes"][0]["rule"] == "google.unusual-rate"
    assert run(tmp_path, *lines, block=53) == whole


def test_rfc3339_and_pri_prefixed_stamps(tmp_path: Path) -> None:
    body = run(tmp_path, line(
        "<a@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=2.0.0, "
        "stat=Sent (ok)", head="<22>2026-12-02T18:01:15.123456+01:00 mail sm-mta[4242]: "
        "6B2I1F1a004242: "))
    assert totals(body) == (1, 0, 0, 0, 0)
    assert body["window"]["first_seen"] == "2026-12-02T17:01:15Z"


def test_binary_junk_is_unparsed_once(tmp_path: Path) -> None:
    body = run(tmp_path, b"\x00\x01garbage: to=<a@gmail.com>, stat=Sent\n",
               b"\x1b[2J no stamp\n",
               line("<b@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], "
                    "dsn=2.0.0, stat=Sent (ok)"))
    assert totals(body) == (1, 0, 0, 0, 2)


def test_local_hand_off_and_solaris_tags(tmp_path: Path) -> None:
    """The submission queue's hand-off to the local MTA is no attempt; Solaris puts a
    message id tag after the program name (public sample, pastebin.com/AHD7LVBw)."""
    solaris = "Jul 11 20:45:38 rt sendmail[9611]: [ID 801593 mail.info] n6BKjb0S009609: "
    body = run(
        tmp_path,
        f"{HEAD}to=<a@gmail.com>, ctladdr=nobody (60001/60001), delay=00:07:39, "
        "xdelay=00:00:00, mailer=relay, pri=122651, relay=[127.0.0.1] [127.0.0.1], "
        "dsn=2.0.0, stat=Sent (n6BKjb0S009609 Message accepted for delivery)\n",
        f"{solaris}to=<systems@example.net>, ctladdr=<nobody@rt.example.net> (60001/60001), "
        "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=122788, "
        "relay=qmail.example.net. [205.171.7.14], dsn=2.0.0, stat=Sent (ok 1247345138 qp "
        "26344)\n")
    assert totals(body) == (1, 0, 0, 0, 0)
    assert body["inputs"][0]["format"] == "sendmail"


def test_crlf_line_ends(tmp_path: Path) -> None:
    lines = [
        f"{HEAD}to=<a@gmail.com>, delay=00:00:00, mailer=esmtp, pri=30079, stat=queued\n",
        line("<a@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], "
             "dsn=4.2.1, reply=450 4.2.1 The user you are trying to contact is receiving mail "
             "too quickly. - gsmtp, stat=Deferred: 450-4.2.1 The user you are trying to "
             "contact is receiving mail too quickly."),
        line("<a@gmail.com>", "relay=gmail-smtp-in.l.google.com. [142.250.1.27], "
             "dsn=2.0.0, stat=Sent (OK - gsmtp)"),
    ]
    body = run(tmp_path, *(x.replace("\n", "\r\n") for x in lines))
    assert totals(body) == (1, 1, 0, 0, 0)
    assert body["codes"][0]["sample"].endswith("gsmtp")
