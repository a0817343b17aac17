"""``decide(signals, policy) -> Verdict``: the first rule of the table that matches.

Pure: no DNS, no files, no clock. The texts come in as data (``Texts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.verdict.policy import Policy
from triage.verdict.rules import RULES, Match, Rule
from triage.verdict.signals import Signals
from triage.verdict.steps import Texts, plan

POSTURE_PARTS = ("spf", "dkim", "dmarc", "rdns", "dnsbl")


@dataclass(frozen=True)
class Verdict:
    action: str  # healthy | wait | fix-sender | escalate
    rule: str
    summary: str
    reasons: tuple[str, ...]
    steps: tuple[str, ...]
    inconclusive: tuple[str, ...]
    provider: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "summary": self.summary, "reasons": list(self.reasons),
                "steps": list(self.steps), "rule": self.rule,
                "inconclusive": list(self.inconclusive), "provider": self.provider}


def decide(signals: Signals, policy: Policy | None = None, texts: Texts | None = None) -> Verdict:
    policy = policy or Policy()
    texts = texts or Texts.load()
    proven = not any(p in POSTURE_PARTS for p in signals.inconclusive)
    for rule in RULES:
        if rule.escalation and not proven:
            continue  # escalation needs a sender proven clean
        match = rule.test(signals, policy)
        if match is not None:
            return _verdict(rule, match, signals, policy, texts)
    raise AssertionError("the last rule always matches")


def _verdict(rule: Rule, match: Match, signals: Signals, policy: Policy, texts: Texts) -> Verdict:
    facts: dict[str, Any] = {"provider": match.provider or "-", "window":
                             f"{policy.window_minutes:g}", **match.facts}
    if "count" in facts:
        n = int(facts["count"])
        facts["replies"] = f"{n} reply" if n == 1 else f"{n} replies"
    if rule.id == "healthy":
        facts["sample"] = (" and the deferral rates sit in the normal band (under "
                           f"{100 * policy.watch:g} %)" if signals.has_sample
                           else "; no deferral sample was given")
    summary = texts.summary[rule.id].format_map(_Missing(facts))
    return Verdict(
        action=rule.action, rule=rule.id, summary=summary,
        reasons=tuple(dict.fromkeys(match.reasons)),
        steps=tuple(plan(rule, match, signals, policy, texts)),
        inconclusive=signals.inconclusive, provider=match.provider,
    )


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "-"
