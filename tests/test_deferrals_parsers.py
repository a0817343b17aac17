"""Each format parser on small samples, format detection, .gz and stdin."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.deferrals import analyse

SAMPLES = Path(__file__).parent.parent / "fixtures" / "logs" / "samples"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("name,fmt,totals,rules", [
    # the second line names no [IP]: Sendmail did not connect (a relog)
    ("sendmail.log", "sendmail", (1, 1, 0, 1), {"generic.mailbox-full"}),
    ("pmta.csv", "pmta", (1, 1, 1, 1), {"ms.4.7.500-server-busy", "ms.block-list-s3140"}),
    ("kumo.jsonl", "kumo", (1, 1, 1, 1), {"yahoo.tss04-deferred", "ms.5.7.606-649-banned-ip"}),
    ("ses.json", "esp", (1, 1, 1, 0), {"ms.4.7.500-server-busy", "generic.unknown-user"}),
    ("sendgrid.json", "esp", (1, 1, 0, 0), {"ms.4.7.650-ip-reputation"}),
    ("mailgun.jsonl", "esp", (1, 1, 1, 0), {"generic.greylisted", "generic.unknown-user"}),
    ("postmark.json", "esp", (1, 1, 1, 0), {"yahoo.tss04-deferred", "generic.unknown-user"}),
    ("replies.txt", "bare", (1, 4, 1, 0), {"ms.4.7.500-server-busy", "ms.connection-limit",
                                          "generic.capacity", "ms.5.7.606-649-banned-ip",
                                          "yahoo.ts03-permanently-deferred"}),
])
def test_formats(name: str, fmt: str, totals: tuple[int, int, int, int],
                 rules: set[str]) -> None:
    body = analyse([str(SAMPLES / name)], NOW).to_dict()
    t = body["totals"]
    assert body["inputs"][0]["format"] == fmt
    assert (t["delivered"], t["deferred"], t["bounced"], t["relogs"]) == totals
    assert {c["rule"] for c in body["codes"]} == rules
    assert t["unparsed_lines"] == 0


def test_pmta_header_driven_and_sending_ip() -> None:
    body = analyse([str(SAMPLES / "pmta.csv")], NOW).to_dict()
    assert body["scope"]["sending_ips"][0]["name"] == "198.51.100.7"
    assert body["window"]["first_seen"] == "2016-04-25T18:36:49Z"
    hosts = {h["name"]: h["provider"] for h in body["scope"]["receiving_hosts"]}
    assert hosts["hotmail-com.olc.protection.outlook.com"] == "outlook.com"


def test_postfix_lines_rfc3339_relog_and_said(tmp_path: Path) -> None:
    log = tmp_path / "maillog"
    log.write_text(
        "2025-05-12T09:41:07.118+02:00 mx1 postfix/smtp[1]: 3Pt2mN2VXxznjll: to=<a@contoso.com>,"
        " relay=contoso-com.mail.protection.outlook.com[104.47.55.138]:25, delay=0.5, "
        "delays=0.01/0/0.3/0.2, tls=may, dsn=4.7.500, status=deferred (host contoso-com.mail."
        "protection.outlook.com[104.47.55.138] said: 451 4.7.500 Server busy. Please try again "
        "later from [198.51.100.7]. (S77714) [BN8NAM12FT033.eop-nam12.prod.protection.outlook."
        "com] (in reply to RCPT TO command))\n"
        "2025-05-12T09:45:07.118+02:00 mx1 postfix/error[2]: 3Pt2mN2VXxznjll: to=<a@contoso.com>,"
        " relay=none, delay=240, delays=240/0/0/0, dsn=4.7.500, status=deferred (delivery "
        "temporarily suspended: host contoso-com.mail.protection.outlook.com[104.47.55.138] "
        "said: 451 4.7.500 Server busy. (in reply to RCPT TO command))\n"
        "2025-05-12T09:55:07.118+02:00 mx1 postfix/smtp[3]: 3Pt2mN2VXxznjll: to=<a@contoso.com>,"
        " relay=contoso-com.mail.protection.outlook.com[104.47.55.139]:25, conn_use=2, "
        "delay=840, delays=839/0/0.3/0.2, dsn=2.0.0, status=sent (250 2.6.0 Queued)\n"
        "2025-05-12T09:55:08.000+02:00 mx1 postfix/local[4]: ABC: to=<me@localhost>, "
        "relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)\n")
    body = analyse([str(log)], NOW).to_dict()
    t = body["totals"]
    assert (t["attempts"], t["delivered"], t["deferred"], t["relogs"]) == (2, 1, 1, 1)
    assert body["retries"]["later_delivered"] == 1
    assert body["window"]["first_seen"] == "2025-05-12T07:41:07Z"
    assert body["codes"][0]["host"] == "contoso-com.mail.protection.outlook.com"


def test_syslog_year_rolls_back(tmp_path: Path) -> None:
    log = tmp_path / "maillog"
    log.write_text("Dec 31 23:59:59 mx postfix/smtp[1]: AB12: to=<a@gmail.com>, "
                   "relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, "
                   "dsn=2.0.0, status=sent (250 ok)\n")
    body = analyse([str(log)], datetime(2027, 1, 2, tzinfo=UTC)).to_dict()
    assert body["window"]["first_seen"] == "2026-12-31T23:59:59"


def test_gzip_and_stdin(tmp_path: Path) -> None:
    data = (SAMPLES / "replies.txt").read_bytes()
    gz = tmp_path / "replies.log"  # no .gz suffix: detected by magic bytes
    gz.write_bytes(gzip.compress(data))
    a = analyse([str(gz)], NOW).to_dict()
    b = analyse(["-"], NOW, stdin=io.BufferedReader(io.BytesIO(data))).to_dict()
    assert a["totals"] == b["totals"]
    assert a["totals"]["deferred"] == 4


def test_several_inputs_add_up() -> None:
    one = analyse([str(SAMPLES / "pmta.csv")], NOW).to_dict()["totals"]
    two = analyse([str(SAMPLES / "pmta.csv"), str(SAMPLES / "kumo.jsonl")], NOW).to_dict()
    assert two["totals"]["attempts"] == one["attempts"] + 3
    assert [i["format"] for i in two["inputs"]] == ["pmta", "kumo"]
