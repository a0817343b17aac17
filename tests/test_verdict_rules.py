"""The verdict table, rule by rule, on signals built directly (no DNS, no logs).

End-to-end scenarios through real DNS are in test_check_scenarios.py."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from triage.findings import Finding, Severity
from triage.verdict import Policy, Signals, decide
from triage.verdict.rules import RULES
from triage.verdict.signals import Provider
from triage.verdict.steps import Texts

ROOT = Path(__file__).resolve().parents[1]


def provider(name: str = "microsoft-365", attempts: int = 1000,
             classes: dict[str, int] | None = None, minutes: float | None = 10.0,
             recovered: bool = False, later: int = 0, pending: int = 5) -> Provider:
    classes = classes or {}
    deferred = sum(classes.values())
    rate = deferred / attempts if attempts else None
    return Provider(name, attempts, deferred, 0, rate, Policy().band(rate), classes, minutes,
                    recovered, later, pending)


def finding(code: str, severity: Severity = Severity.WARNING, fix: str | None = None) -> Finding:
    return Finding(code, severity, code.split(".")[0], f"{code} happened", fix or f"fix {code}")


def signals(*providers: Provider, errors: tuple[Finding, ...] = (),
            inconclusive: tuple[str, ...] = (),
            samples: dict[tuple[str, str], tuple[str, ...]] | None = None,
            codes: tuple[str, ...] = ()) -> Signals:
    return Signals(
        posture_errors=errors, inconclusive=inconclusive,
        temporary=tuple(finding(f"{p}.temperror") for p in inconclusive if p != "deferrals"),
        providers={p.name: p for p in providers},
        deferral_findings={c: (finding(c),) for c in codes},
        samples=samples or {}, has_sample=bool(providers),
    )


def test_posture_error_wins_over_throttling() -> None:
    spf = finding("spf.ip_not_authorized", Severity.ERROR, "Add ip4:192.0.2.10 to the record.")
    v = decide(signals(provider(classes={"throttling": 80}), errors=(spf,),
                       codes=("deferrals.throttling",)))
    assert (v.action, v.rule) == ("fix-sender", "fix-sender.posture")
    assert v.reasons == ("spf.ip_not_authorized",)
    assert v.steps[0] == "Add ip4:192.0.2.10 to the record."
    assert any("queued" in s for s in v.steps)  # the sample is kept queued meanwhile


def test_auth_bounces_name_the_failing_mechanism() -> None:
    reply = ("550 5.7.515 Access denied, sending domain EXAMPLE.COM doesn't meet the required "
             "authentication level. The sender's domain in the 5322.From address doesn't meet "
             "the authentication requirements defined for the sender. (Spf= Fail, Dkim= Pass, "
             "DMARC= Pass)")
    v = decide(signals(provider("outlook.com", classes={"auth": 3}),
                       samples={("outlook.com", "auth"): (reply,)},
                       codes=("deferrals.auth_required",)))
    assert (v.action, v.rule, v.provider) == ("fix-sender", "fix-sender.auth", "outlook.com")
    assert "deferrals.auth_required" in v.reasons
    assert "SPF" in v.steps[0] and "DKIM" not in v.steps[0].split(":")[0]


@pytest.mark.parametrize(("reply", "channel"), [
    ("550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal from this "
     "list please visit https://sender.office.com/ and follow the directions.",
     "sender.office.com"),
    ("550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your "
     "Internet service provider since part of their network is on our block list (S3140).",
     "LinkID=614866"),
    ("550 5.7.511 Access denied, banned sender[192.0.2.10].", "delist@messaging.microsoft.com"),
])
def test_microsoft_block_escalates_through_its_channel(reply: str, channel: str) -> None:
    name = "outlook.com" if "S3140" in reply else "microsoft-365"
    v = decide(signals(provider(name, classes={"blocklist": 4}),
                       samples={(name, "blocklist"): (reply,)}, codes=("deferrals.blocked",)))
    assert (v.action, v.rule) == ("escalate", "escalate.microsoft-block")
    assert channel in v.steps[0]
    assert v.reasons == ("deferrals.blocked",)


def test_no_escalation_without_a_conclusive_posture() -> None:
    v = decide(signals(provider("outlook.com", classes={"blocklist": 4}), inconclusive=("spf",),
                       codes=("deferrals.blocked",)))
    assert v.action == "wait" and v.rule == "wait.inconclusive"
    assert v.inconclusive == ("spf",)


def test_public_blocklist_is_the_senders_to_fix() -> None:
    v = decide(signals(provider("google", classes={"blocklist": 2}), codes=("deferrals.blocked",)))
    assert (v.action, v.rule) == ("fix-sender", "fix-sender.blocklist")


def test_connection_limit_dominance_is_concurrency_to_fix() -> None:
    v = decide(signals(provider(classes={"connection-limit": 60, "throttling": 20}),
                       codes=("deferrals.connection_limit", "deferrals.rate_act")))
    assert (v.action, v.rule) == ("fix-sender", "fix-sender.connection-limit")
    assert any(s.startswith("Postfix:") for s in v.steps)
    assert any(s.startswith("KumoMTA:") for s in v.steps)  # no MTA log read: all four
    assert "deferrals.rate_act" in v.reasons  # 8 % deferred: the act band


@pytest.mark.parametrize("mtas", [("postfix",), ("exim", "kumo")])
def test_the_steps_name_the_settings_of_the_mtas_whose_logs_were_read(
        mtas: tuple[str, ...]) -> None:
    names = {"postfix": "Postfix:", "exim": "Exim:", "pmta": "PowerMTA:", "kumo": "KumoMTA:"}
    for classes in ({"connection-limit": 60, "throttling": 20}, {"throttling": 80}):
        s = replace(signals(provider(classes=classes), codes=("deferrals.rate_act",)),
                    mtas=mtas)
        v = decide(s)
        named = {m for m, prefix in names.items() if any(x.startswith(prefix) for x in v.steps)}
        assert named == set(mtas), v.rule


def test_a_few_connection_limits_among_throttling_mean_wait() -> None:
    v = decide(signals(provider(classes={"connection-limit": 5, "throttling": 40}),
                       codes=("deferrals.connection_limit", "deferrals.throttling")))
    assert (v.action, v.rule) == ("wait", "wait.receiver-pressure")
    assert {"deferrals.throttling", "deferrals.connection_limit"} <= set(v.reasons)


def test_ip_reputation_at_watch_rate() -> None:
    v = decide(signals(provider("outlook.com", classes={"ip-reputation": 30}),
                       codes=("deferrals.ip_reputation",)))
    assert (v.action, v.rule) == ("fix-sender", "fix-sender.ip-reputation")


def test_sustained_microsoft_throttling_escalates() -> None:
    v = decide(signals(provider(classes={"throttling": 300}, minutes=95.0),
                       codes=("deferrals.throttling", "deferrals.sustained")))
    assert (v.action, v.rule, v.provider) == ("escalate", "escalate.sustained", "microsoft-365")
    assert "95" in v.summary and "60" in v.summary
    assert any("message trace" in s for s in v.steps)  # Microsoft 365: ask the tenant


@pytest.mark.parametrize("kwargs", [
    {"recovered": True},  # a delivery followed the streak
    {"later": 40, "pending": 0},  # every deferred recipient got through on a retry
])
def test_a_recovered_streak_is_waited_out(kwargs: dict[str, object]) -> None:
    p = provider(classes={"throttling": 300}, minutes=95.0, **kwargs)  # type: ignore[arg-type]
    v = decide(signals(p, codes=("deferrals.throttling",)))
    assert (v.action, v.rule) == ("wait", "wait.receiver-pressure")
    assert "recovering" in v.summary


def test_window_option_moves_the_escalation_point() -> None:
    s = signals(provider(classes={"throttling": 300}, minutes=95.0),
                codes=("deferrals.throttling",))
    assert decide(s, Policy(window_minutes=120)).action == "wait"
    assert decide(s, Policy(window_minutes=90)).action == "escalate"


def test_throttling_outside_microsoft_waits_without_microsoft_settings() -> None:
    v = decide(signals(provider("google", classes={"throttling": 30}, minutes=200.0),
                       codes=("deferrals.throttling",)))
    assert (v.action, v.rule) == ("wait", "wait.receiver-pressure")
    assert not any(s.startswith("Postfix:") for s in v.steps)


def test_normal_band_is_healthy_and_no_sample_says_so() -> None:
    assert decide(signals(provider(classes={"throttling": 5}))).action == "healthy"
    v = decide(signals())
    assert v.action == "healthy" and "no deferral sample" in v.summary


def test_inconclusive_is_never_healthy() -> None:
    v = decide(signals(inconclusive=("dkim",)))
    assert (v.action, v.rule) == ("wait", "wait.inconclusive")
    assert "DKIM lookups failed" in v.summary and v.reasons == ("dkim.temperror",)


def test_steps_are_distinct_and_summaries_have_no_placeholders() -> None:
    cases = [signals(provider(classes={"throttling": 300}, minutes=95.0)),
             signals(provider(classes={"connection-limit": 60})),
             signals(provider("outlook.com", classes={"blocklist": 1, "throttling": 1})),
             signals(inconclusive=("dnsbl",)), signals()]
    for s in cases:
        v = decide(s)
        assert len(v.steps) == len(set(v.steps)) and v.steps
        assert not re.search(r"\{\w+\}|\bNone\b", v.summary + " ".join(v.steps)), v


def test_policy_bands() -> None:
    p = Policy()
    assert [p.band(r) for r in (None, 0.0, 0.0099, 0.01, 0.05, 0.0501)] == [
        "normal", "normal", "normal", "watch", "watch", "act"]


def test_every_rule_is_worded_and_documented() -> None:
    texts = Texts.load()
    doc = (ROOT / "docs" / "verdict.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.id in texts.summary, rule.id
        assert f"`{rule.id}`" in doc, rule.id
    assert RULES[-1].id == "healthy"


def test_escalation_warns_when_other_receivers_flag_the_ip_too() -> None:
    reply = "550 5.7.606 Access denied, banned sending IP [192.0.2.10]. https://sender.office.com/"
    v = decide(signals(provider(classes={"blocklist": 1}),
                       provider("yahoo", attempts=50, classes={"ip-reputation": 1}),
                       samples={("microsoft-365", "blocklist"): (reply,)},
                       codes=("deferrals.blocked",)))
    assert v.rule == "escalate.microsoft-block"
    assert "yahoo" in v.steps[0] and "sender.office.com" in v.steps[1]
    assert "(1 reply)" in v.summary
