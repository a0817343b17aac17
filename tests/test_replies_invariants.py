"""Safety invariants over the whole reply-rule table, every rule and every example.

The advice must never hurt: a permanent (5xx) reply is never transient and never "wait" or
"slow down"; a transient (4xx) reply never drops a recipient; a public blocklist named in
a reply is class blocklist with that list's delisting page; a 4xx that says the receiver
is unavailable or busy never blames the sender; Yahoo's permanently deferring 4xx are
flagged will-not-clear. Every rule and list proves itself with an example it classifies.
"""

from __future__ import annotations

import re

import pytest

from triage.deferrals import explain
from triage.deferrals import providers as providers_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.classify import Classifier
from triage.deferrals.reply import parse
from triage.deferrals.rules import Example, Rule

TABLE = rules_mod.load(validate=True, examples=True)
PROVIDERS = providers_mod.load(validate=True)
CLASSIFIER = Classifier(TABLE, PROVIDERS)
OUTAGE = re.compile(r"service (?:is )?(?:currently |temporarily )?(?:not available|unavailable)"
                    r"|try (?:again )?later|too busy|server busy|temporar(?:il)?y unavailable",
                    re.IGNORECASE)
EXAMPLES = [(rule, ex) for rule in TABLE.rules for ex in rule.examples]


def _explain(ex: Example) -> dict[str, object]:
    return explain(ex.reply, host=ex.host, domain=ex.domain, classifier=CLASSIFIER).to_dict()


def test_every_rule_and_list_has_an_example_with_a_source() -> None:
    for owner in (*TABLE.rules, *TABLE.blocklists):
        assert owner.examples, owner.id
        for ex in owner.examples:
            assert ex.source.startswith(("http://", "https://")), (owner.id, ex)
    real = sum(not ex.documented for _, ex in EXAMPLES)
    assert real / len(EXAMPLES) > 0.6  # most examples are captured replies, not doc wording


@pytest.mark.parametrize("rule,ex", EXAMPLES, ids=[f"{r.id}#{i}" for i, (r, _) in
                                                      enumerate(EXAMPLES)])
def test_example_replays_to_its_rule(rule: Rule, ex: Example) -> None:
    assert _explain(ex)["rule"] == rule.id


def test_rule_ids_name_known_providers_and_sources() -> None:
    known = {p.id for p in PROVIDERS.providers} | set(rules_mod.PROVIDERS)
    tags = dict(TABLE.sources)
    for rule in TABLE.rules:
        assert rule.providers <= known, rule.id
        assert set(rule.sources) <= set(tags), (rule.id, set(rule.sources) - set(tags))
    for b in TABLE.blocklists:
        assert set(b.sources) <= set(tags), b.id
    for p in PROVIDERS.providers:
        assert set(p.sources) <= set(tags), p.id
        assert p.group in rules_mod.PROVIDERS and p.kind in ("mailbox", "gateway")


@pytest.mark.parametrize("rule", TABLE.rules, ids=[r.id for r in TABLE.rules])
def test_a_permanent_reply_is_never_waited_for(rule: Rule) -> None:
    if not rule.can_match(5):
        return
    permanent = parse("550 5.7.1 x")
    assert rule.action_for(permanent) not in ("wait", "slow-down"), rule.id
    assert rule.transient is not True, rule.id


@pytest.mark.parametrize("rule", TABLE.rules, ids=[r.id for r in TABLE.rules])
def test_a_transient_reply_never_drops_a_recipient(rule: Rule) -> None:
    if rule.can_match(4):
        assert rule.action_for(parse("450 4.1.1 x")) != "clean-list", rule.id


@pytest.mark.parametrize("rule,ex", EXAMPLES, ids=[f"{r.id}#{i}" for i, (r, _) in
                                                      enumerate(EXAMPLES)])
def test_examples_keep_the_invariants(rule: Rule, ex: Example) -> None:
    body = _explain(ex)
    klass = parse(ex.reply).klass
    if klass == 5:
        assert body["action"] not in ("wait", "slow-down") and not body["transient"]
    if klass == 4:
        assert body["action"] != "clean-list"
        if OUTAGE.search(str(body["reply"])) and body["class"] not in ("blocklist",):
            assert body["action"] != "fix-sender", ex.reply
    if klass is not None:
        assert body["class"] != "local" and body["remote"]


@pytest.mark.parametrize("listed", TABLE.blocklists, ids=[b.id for b in TABLE.blocklists])
def test_a_named_blocklist_gives_its_delisting_page(listed: rules_mod.Blocklist) -> None:
    assert listed.delist_url.startswith(("http://", "https://"))
    for ex in listed.examples:
        body = _explain(ex)
        assert body["class"] == "blocklist" and body["action"] == "delist", ex.reply
        assert body["blocklist"] == {"id": listed.id, "name": listed.name,
                                     "delist_url": listed.delist_url}, ex.reply


@pytest.mark.parametrize("name", ["Spamhaus ZEN", "zen.spamhaus.org", "sbl.spamhaus.org",
                                  "xbl.spamhaus.org", "pbl.spamhaus.org", "dbl.spamhaus.org",
                                  "bl.spamcop.net", "b.barracudacentral.org",
                                  "Barracuda Reputation", "dnsbl-1.uceprotect.net",
                                  "bl.mailspike.net", "psbl.surriel.com",
                                  "Trend Micro RBL+", "Trend Micro DUL"])
@pytest.mark.parametrize("code", ["554 5.7.1", "451 4.7.1", "550"])
def test_any_named_list_in_a_postfix_rbl_reply(name: str, code: str) -> None:
    reply = f"{code} Service unavailable; Client host [192.0.2.1] blocked using {name}"
    body = explain(reply, classifier=CLASSIFIER).to_dict()
    assert body["class"] == "blocklist" and body["action"] == "delist"
    assert body["blocklist"] is not None and body["blocklist"]["delist_url"]


@pytest.mark.parametrize("reply", [
    "421 4.3.2 Service not available, closing transmission channel",
    "451 4.3.0 Temporary server error. Please try again later",
    "421 Service temporarily unavailable, try again later",
    "450 4.7.1 Client host rejected: Service is currently unavailable",
    "451 4.7.1 Sorry, the service is currently unavailable. Please come back later.",
    "421 4.4.5 Server busy, try again later.",
    "421 mx.example.com too busy, try again later",
    "451 4.7.0 Temporary server error. Please try again later. PRX4",
])
@pytest.mark.parametrize("host", [None, "mx.example.org", "gmail-smtp-in.l.google.com",
                                  "contoso-com.mail.protection.outlook.com",
                                  "mta5.am0.yahoodns.net", "us-smtp-inbound-1.mimecast.com"])
def test_a_temporary_outage_never_blames_the_sender(reply: str, host: str | None) -> None:
    body = explain(reply, host=host, classifier=CLASSIFIER).to_dict()
    assert body["action"] in ("wait", "slow-down") and body["transient"], body["rule"]


@pytest.mark.parametrize("token,code", [("TS03", "421 4.7.1"), ("TSS06", "421 4.7.0"),
                                        ("TSS09", "421 4.7.0"), ("TSS11", "421 4.7.0")])
def test_yahoo_permanent_deferrals_will_not_clear(token: str, code: str) -> None:
    body = explain(f"{code} [{token}] All messages from 192.0.2.1 will be permanently "
                   "deferred; Retrying will NOT succeed.", classifier=CLASSIFIER).to_dict()
    assert body["will_not_clear"] is True and body["action"] == "stop-and-fix"
    assert body["provider"] == "yahoo"


def test_lower_cased_patterns_match_alike() -> None:
    """Rules search ASCII replies lower-cased with lower-cased patterns: same verdicts."""
    import json
    from pathlib import Path

    corpus = Path(__file__).parent.parent / "fixtures" / "replies"
    texts = [parse(json.loads(line)["reply"]).body for name in ("corpus.jsonl", "heldout.jsonl")
             for line in (corpus / name).read_text().splitlines() if line.strip()]
    texts += [parse(ex.reply).body for _, ex in EXAMPLES]
    texts = [t for t in texts if t.isascii()]
    assert len(texts) > 300
    for rule in TABLE.rules:
        if rule.text is None:
            continue
        for text in texts:
            assert (rule.text.search(text) is None) == (rule.text_ascii.search(text.lower())
                                                         is None), (rule.id, text)
