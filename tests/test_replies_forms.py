"""Every form a reply arrives in classifies like the reply itself; bad input never breaks.

A reply is logged or pasted wrapped in other text (DSN fields, MTA wordings, client
library exceptions, quoting, HTML); each wrapper around the same reply must give the same
code, class, rule and action as the bare reply.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals import explain
from triage.deferrals import providers as providers_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.classify import Classifier
from triage.deferrals.reply import parse
from triage.deferrals.ruledoc import render

CLASSIFIER = Classifier()
ROOT = Path(__file__).parent.parent

GMAIL_MULTILINE = ("550-5.7.1 [192.0.2.22 18] Our system has detected that this message is "
                   "550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to "
                   "Gmail, 550-5.7.1 this message has been blocked. Please visit 550 5.7.1 "
                   "https://support.google.com/mail/answer/188131 for more information. - gsmtp")
BANNED = ("550 5.7.606 Access denied, banned sending IP [198.51.100.222]. To request removal "
          "from this list please visit https://sender.office.com/ (AS16012609)")
BUSY = "451 4.7.500 Server busy. Please try again later from [203.0.113.9]. (S77714)"


def _body(reply: str, **kw: str) -> dict[str, object]:
    return explain(reply, classifier=CLASSIFIER, **kw).to_dict()


@pytest.mark.parametrize("bare", [BANNED, BUSY, GMAIL_MULTILINE])
@pytest.mark.parametrize("wrap", [
    "{r}", "Diagnostic-Code: smtp; {r}", "Diagnostic-Code: SMTP;{r}", "smtp;{r}",
    "SMTP; {r}", "  {r}  ", "> {r}", ">> {r}", '"{r}"', "'{r}'",
    "host mx.example.net[192.0.2.7] said: {r} (in reply to RCPT TO command)",
    "host mx.example.net[192.0.2.7] refused to talk to me: {r}",
    "SMTP error from remote mail server after RCPT TO:<a@example.net>: host mx.example.net "
    "[192.0.2.7]: {r}",
    "H=mx.example.net [192.0.2.7]: SMTP error from remote mail server after pipelined MAIL "
    "FROM:<a@example.org> SIZE=1234: {r}",
    "stat=Deferred: {r}", "Remote host said: {r}", "The response was: {r}",
    "javax.mail.SendFailedException: Invalid Addresses; nested exception is: "
    "com.sun.mail.smtp.SMTPAddressFailedException: {r}",
    "com.sun.mail.smtp.SMTPSendFailedException: {r}",
    "Error: Can't send mail - all recipients were rejected: {r}",
    "Error: Mail command failed: {r}",
    "permanent: {r}",
    "<p>{r}<br></p>",
])
def test_a_wrapped_reply_classifies_like_the_reply(bare: str, wrap: str) -> None:
    want, got = _body(bare), _body(wrap.format(r=bare))
    keys = ("code", "enhanced", "class", "rule", "action", "transient", "provider", "remote")
    assert {k: got[k] for k in keys} == {k: want[k] for k in keys}


def test_html_escaped_and_literal_breaks() -> None:
    escaped = "550 5.7.606 Access denied, banned sending IP [198.51.100.222] &amp; more &lt;x&gt;"
    assert _body(escaped)["rule"] == "ms.5.7.606-649-banned-ip"
    exim = "550-5.7.1 Our system has detected an unusual rate of\\n550-5.7.1 unsolicited mail"
    body = _body(exim, host="gmail-smtp-in.l.google.com")
    assert body["rule"] == "google.unusual-rate-blocked" and body["code"] == 550


def test_multi_line_prefixes_are_removed_before_matching() -> None:
    reply = parse(GMAIL_MULTILINE)
    assert (reply.code, reply.enhanced) == (550, "5.7.1")
    assert "550-5.7.1" not in reply.body and "likely unsolicited mail" in reply.body
    assert _body(GMAIL_MULTILINE)["rule"] == "google.content"  # the Gmail rule, not generic


@pytest.mark.parametrize("reply,code,enhanced,klass", [
    ("550: Requested action not taken", 550, None, 5),
    ("550 Requested action not taken", 550, None, 5),
    ("5.7.606 Access denied, banned sending IP [192.0.2.1]", None, "5.7.606", 5),
    ("4.7.500 Server busy. Please try again later", None, "4.7.500", 4),
    ("Mailbox unavailable. The server response was: 5.7.1 Unfortunately, messages from "
     "[192.0.2.1] weren't sent (S3140)", None, "5.7.1", 5),
    ("Service not available, closing transmission channel. The server response was: "
     "Too many connections", 421, None, 4),
    ("smtplib.SMTPRecipientsRefused: {'a@example.net': (450, b'4.2.0 <a@example.net>: "
     "Recipient address rejected: Greylisted')}", 450, "4.2.0", 4),
    ("(host 'mx.example.net' rejected command 'DATA' with code 550 (0.0.0) 'Service "
     "unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation')", 550, None, 5),
    ("550 #5.1.0 Address rejected.", 550, "5.1.0", 5),
])
def test_codes_in_every_form(reply: str, code: int | None, enhanced: str | None,
                             klass: int) -> None:
    r = parse(reply)
    assert (r.code, r.enhanced, r.klass, r.remote) == (code, enhanced, klass, True)
    assert _body(reply)["class"] != "local"


@pytest.mark.parametrize("reply", [
    "connect to mx.example.org[192.0.2.1]:25: Connection timed out",
    "delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: No route to host",
    "lost connection with mx.example.org[192.0.2.1] while sending RCPT TO",
    "DNS Error: 80458680 DNS type 'mx' lookup of example.jp responded with code NXDOMAIN",
])
def test_local_outcomes_stay_local(reply: str) -> None:
    body = _body(reply)
    assert body["remote"] is False and body["code"] is None


@pytest.mark.parametrize("reply", [
    "550 5.7.1 " + "x" * 10_000,
    "x" * 20_000,
    "550 5.7.1 \x00\x01\x1b[31mred\x7f\x9b text\r\n\t",
    "554 5.7.1 Сообщение отклонено как спам 邮件被拒绝 رسالة مرفوضة",
    "<html><body><p>550 5.7.1 <b>blocked</b></p></body></html>",
    "550", "5.7.1", "421-", "550-", "\x00", "&amp;&lt;&gt;", "'\"'\"", "((((((", "\\n\\n\\r",
    "Diagnostic-Code:", "smtp;", "host x.example said:", "The server response was:",
    "550 " + "550-5.7.1 " * 2000,
], ids=lambda r: f"{len(r)}:{r[:12]!a}")
def test_bad_input_is_classified_never_raised(reply: str) -> None:
    body = _body(reply)
    assert body["class"] in rules_mod.CLASSES and body["action"] in rules_mod.ACTIONS
    assert len(str(body["reply"])) <= 4100  # the reply is cut, with a note of how much


def test_only_a_code_is_other() -> None:
    body = _body("550")
    assert (body["class"], body["code"], body["transient"]) == ("other", 550, False)
    assert body["action"] not in ("wait", "slow-down")


def test_cli_reads_the_reply_from_stdin() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["explain", "-", "--format", "json"],
                        input="Diagnostic-Code: smtp; " + BANNED + "\n")
    assert res.exit_code == 0, res.output
    assert '"rule": "ms.5.7.606-649-banned-ip"' in res.output
    empty = runner.invoke(cli, ["explain", "-"], input="")
    assert empty.exit_code == 2 and "Traceback" not in empty.output


def test_cli_bad_input_is_one_line_or_a_classification() -> None:
    proc = subprocess.run([sys.executable, "-m", "triage", "explain", "-"],
                          input=b"\xff\xfe\x00 550 5.7.1 \x1b[2J blocked using zen.spamhaus.org",
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert b"blocklist" in proc.stdout and b"\x1b" not in proc.stdout


def test_the_rules_page_is_generated_from_the_data() -> None:
    page = (ROOT / "docs" / "deferral-classes.md").read_text()
    table = rules_mod.load(validate=True, examples=True)
    assert page == render(table, providers_mod.load(validate=True)), (
        "docs/deferral-classes.md is stale: run python3 -m triage.deferrals.ruledoc")
    table = rules_mod.load()
    for rule in table.rules:
        assert f"`{rule.id}`" in page
    for b in table.blocklists:
        assert f"`{b.id}`" in page and b.delist_url in page
    for p in providers_mod.load().providers:
        assert f"`{p.id}`" in page
