"""The rule, class and provider tables: valid, documented, and classifying as intended."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from triage.data import PatternError
from triage.deferrals import explain
from triage.deferrals import providers as providers_mod
from triage.deferrals import reply as reply_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.classify import Classifier
from triage.deferrals.reply import parse

DOC = Path(__file__).parent.parent / "docs" / "deferral-classes.md"


def test_tables_load_and_are_documented() -> None:
    table = rules_mod.load(validate=True, examples=True)  # every regex compiles
    doc = DOC.read_text()
    assert len(table.rules) > 50
    for rule in table.rules:
        assert f"`{rule.id}`" in doc, rule.id
        for tag in rule.sources:
            assert f"| {tag} |" in doc, tag
    for cls in rules_mod.CLASSES:
        assert f"`{cls}`" in doc
        for tag in table.classes[cls].sources:
            assert f"| {tag} |" in doc, tag
    for provider in providers_mod.load(validate=True).providers:
        assert f"`{provider.id}`" in doc
        for tag in provider.sources:
            assert f"| {tag} |" in doc, tag


def test_last_rule_is_a_catch_all() -> None:
    last = rules_mod.load().rules[-1]
    assert not (last.codes or last.enhanced or last.tokens or last.text or last.providers)


def test_bad_rule_is_rejected() -> None:
    with pytest.raises(rules_mod.RuleError):
        rules_mod._rule({"id": "x", "class": "nope", "action": "wait", "advice": "a",
                         "sources": ["s"]})
    with pytest.raises(rules_mod.RuleError, match="example"):
        rules_mod._examples("x", [])
    with pytest.raises(rules_mod.RuleError):
        rules_mod._rule({"id": "x", "class": "other", "action": "wait", "action_5xx": "nope",
                         "advice": "a", "sources": ["s"]})


def test_bad_pattern_names_the_file_the_entry_and_the_key() -> None:
    rule = rules_mod._rule({"id": "x", "class": "other", "action": "wait", "advice": "a",
                            "sources": ["s"], "text": "busy ("})
    with pytest.raises(PatternError, match="reply_rules.toml: entry 'x', key 'text'"):
        rule.text  # noqa: B018
    good = providers_mod.load().providers[0]
    bad = providers_mod.Provider("p", "P", (), ("ok", "[unclosed"), frozenset(), ("s",))
    assert good.fingerprints
    with pytest.raises(PatternError, match="providers.toml: entry 'p', key 'fingerprints'"):
        bad.fingerprints  # noqa: B018


def test_a_run_compiles_only_the_patterns_it_tries() -> None:
    table, providers = rules_mod.load(), providers_mod.load()
    assert not any("text" in vars(r) for r in table.rules)
    assert not any("fingerprints" in vars(p) for p in providers.providers)
    verdict = Classifier(table, providers).classify("451 4.7.500 Server busy (S77714)")
    assert verdict.rule.id == "ms.4.7.500-server-busy" and verdict.rule.text is not None
    compiled = [r.id for r in table.rules if "text" in vars(r)]
    assert verdict.rule.id in compiled
    assert 0 < len(compiled) < sum(r.pattern is not None for r in table.rules) // 2
    # a rule is reached only when every earlier one failed: same verdict, fully compiled
    full = rules_mod.load(validate=True)
    assert full.match(verdict.reply, verdict.provider).id == verdict.rule.id


@pytest.mark.parametrize("reply,host,cls,provider,rule", [
    ("451 4.7.500 Server busy. Please try again later from [203.0.113.9]. (S77714) "
     "[BN8NAM12FT033.eop-nam12.prod.protection.outlook.com]", None, "throttling",
     "microsoft-365", "ms.4.7.500-server-busy"),
    ("451 4.7.652 The mail server [203.0.113.9] has exceeded the maximum number of "
     "connections. (S3115)", None, "connection-limit", "microsoft-365", "ms.connection-limit"),
    ("452 4.3.1 Insufficient system resources", "contoso-com.mail.protection.outlook.com",
     "receiver-capacity", "microsoft-365", "ms.4.3.1-insufficient-resources"),
    ("451 4.7.650 The mail server [203.0.113.9] has been temporarily rate limited due to IP "
     "reputation. For e-mail delivery information, see https://postmaster.live.com (S843)",
     None, "ip-reputation", "outlook.com", "ms.4.7.650-ip-reputation"),
    ("550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your "
     "Internet service provider since part of their network is on our block list (S3140).",
     "hotmail-com.olc.protection.outlook.com", "blocklist", "outlook.com",
     "ms.block-list-s3140"),
    ("550 5.7.515 Access denied, sending domain example.com doesn't meet the required "
     "authentication level.", None, "auth", "outlook.com", "ms.5.7.515-auth-level"),
    ("421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected "
     "volume or user complaints - 4.16.55.1", None, "throttling", "yahoo",
     "yahoo.tss04-deferred"),
    ("421-4.7.28 Gmail has detected an unusual rate of mail originating from your IP "
     "address. - gsmtp", None, "throttling", "google", "google.unusual-rate"),
    ("connect to mx.example.org[192.0.2.1]:25: Connection timed out", None, "network",
     "other", "local.connect-failed"),
    ("554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1",
     "mx0a-001.pphosted.com", "blocklist", "other", "blocklist.named"),
    ("550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using rbl.example.net",
     None, "blocklist", "other", "generic.public-blocklist"),
])
def test_classification(reply: str, host: str | None, cls: str, provider: str,
                        rule: str) -> None:
    body = explain(reply, host=host).to_dict()
    assert (body["class"], body["provider"], body["rule"]) == (cls, provider, rule)


def test_yahoo_ts03_will_not_clear() -> None:
    body = explain("421 4.7.1 [TS03] All messages from 203.0.113.9 will be permanently "
                   "deferred; Retrying will NOT succeed.").to_dict()
    assert body["will_not_clear"] is True and body["action"] == "stop-and-fix"
    assert body["class"] == "ip-reputation"


def test_forest_decoding() -> None:
    body = explain("451 4.7.500 Server busy. (S77719) [JUTN0NNV051736.eop-eur22.prod."
                   "protection.outlook.com 2024-04-29T23:34:45.000Z K2TP4MV8R6ZF2XN2]").to_dict()
    assert body["microsoft"] == {"host": "JUTN0NNV051736", "forest": "eop-eur22",
                                 "region": "EUR", "time": "2024-04-29T23:34:45.000Z"}


@pytest.mark.parametrize("time", ["2024-04-29T23:34:45.000Z", "2024-04-29t23:34:45.000z"])
def test_ascii_and_unicode_replies_parse_alike(time: str) -> None:
    """ASCII replies are searched lower-cased; the spans and the time keep the reply's case."""
    tail = (f"(S77719) [JutN0nnV051736.EOP-eur22.prod.protection.OUTLOOK.com {time} "
            "K2TP4MV8R6ZF2XN2]")
    ascii_ = parse(f"451 4.7.500 Server busy from [203.0.113.9]. {tail} ATTR35 [tss04]")
    other = parse(f"451 4.7.500 Server busy – from [203.0.113.9]. {tail} ATTR35 [tss04]")
    for reply in (ascii_, other):
        assert (reply.ms_host, reply.forest, reply.region, reply.ms_time) == (
            "JUTN0NNV051736", "eop-eur22", "EUR", time)
        assert reply.tokens == ("S77719", "ATTR35", "TSS04")
        assert reply.sending_ip == "203.0.113.9"
    assert parse("451 4.7.500 Server busy [BN8NAM12FT033.eop-nam12.example.com]").forest is None


def _tail(rng: random.Random) -> str:
    """A Microsoft server tail, its parts in random case, some of them malformed."""
    slots = [["[", "", "("], ["BN8NAM12FT033", "jutn0nnv051736", "X_1"], ["."],
             ["eop-nam12", "EOP-EUR22", "namprd04", "EURP193", "eop-x1"], ["."],
             ["prod.", ""], ["protection.", ""], ["outlook.com", "outlook.net"],
             ["", " 2024-04-29T23:34:45.000Z K2TP4MV8R6ZF2XN2", " 2024-04-29 08DD8F3B5C2A11E4"],
             ["]", ""]]
    parts = [rng.choice(options) for options in slots]
    return "".join(p.upper() if rng.random() < 0.3 else p.lower() if rng.random() < 0.3 else p
                   for p in parts)


def test_microsoft_tail_found_alike_in_lower_case() -> None:
    """ASCII replies are searched lower-cased for the tail, and only if they name
    outlook.com: the same match as the case-insensitive pattern on the reply itself."""
    rng = random.Random(7)
    found = timed = 0
    for _ in range(3000):
        text = f"451 4.7.500 Server busy. (S77719) {_tail(rng)} {_tail(rng)}"
        slow = re.search(reply_mod._MS_TAIL, text, re.I)
        low = text.lower()
        fast = re.search(reply_mod._MS_TAIL_ASCII, low) if "outlook.com" in low else None
        assert (slow and slow.regs) == (fast and fast.regs), text
        r = parse(text)
        assert r.forest == (slow.group("forest").lower() if slow else None), text
        assert r.ms_time == (slow.group("ts") if slow else None), text
        found += slow is not None
        timed += r.ms_time is not None
    assert found > 100 and timed > 30  # not vacuous: many tails match, some with a time


def test_no_fix_suppresses_on_4xx() -> None:
    table = rules_mod.load()
    texts = [r.advice for r in table.rules] + [
        text for c in table.classes.values() for text in (c.fix, c.never)]
    for text in texts:
        assert not re.search(r"(?<!never )(?<!Never )suppress(?! (?:the )?recipient only after)",
                             text.replace("Never suppress", "").replace("never suppress", "")
                             .replace("suppress the recipient only after", "")), text


def test_sendmails_own_dns_failure_wording_is_class_dns() -> None:
    """Sendmail writes a failed MX/A lookup as "Name server: HOST.: host name lookup
    failure" (its own text, no remote code): the sender-side DNS class, never local."""
    result = explain("Deferred: Name server: mx.down.example.: host name lookup failure")
    assert result.to_dict()["class"] == "dns"
