"""The concrete next steps of each verdict rule, worded in data/verdict.toml.

Steps come from three places, in this order: the fixes of the findings that made
the rule match (each distinct text once), the rule's own steps (MTA settings for
Microsoft destinations, the Microsoft channel for a block), the closing advice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from triage.findings import Finding
from triage.verdict.policy import MICROSOFT, Policy
from triage.verdict.rules import Match, Rule
from triage.verdict.signals import Signals

_MECHANISM = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
_BLOCK_606 = re.compile(r"\b5\.7\.(6[0-4]\d)\b")


@dataclass(frozen=True)
class Texts:
    summary: Mapping[str, str]
    steps: Mapping[str, str]
    escalate: Mapping[str, str]
    mta: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls) -> Texts:
        return _packaged_texts()


@functools.cache
def _packaged_texts() -> Texts:
    """data/verdict.toml, read once per process (immutable; a fleet decides per sender)."""
    from triage.data import load

    data: dict[str, Any] = load("verdict.toml")
    return Texts(data["summary"], data["steps"], data["escalate"], data["mta"])


def fixes(findings: Iterable[Finding]) -> list[str]:
    return [f.fix for f in findings if f.fix]


def plan(rule: Rule, match: Match, signals: Signals, policy: Policy, texts: Texts) -> list[str]:
    s, window = texts.steps, f"{policy.window_minutes:g}"
    out: list[str] = []
    if rule.id == "fix-sender.posture":
        out += fixes(signals.posture_errors)
        out.append(s["republish"])
        if signals.has_sample:
            out.append(s["queue"])
    elif rule.id == "fix-sender.auth":
        out += _mechanisms(signals, match.provider)
        out += fixes(signals.deferral_findings.get("deferrals.auth_required", ()))
        out.append(s["republish"])
    elif rule.id == "fix-sender.snds-red":
        out += fixes(signals.snds_red) + [s["reputation"], s["snds-recheck"]]
        if signals.has_sample:
            out += [s["queue"], s["never"]]
    elif rule.id == "escalate.snds-blocked":
        out += _broader(signals, texts)
        out += fixes(signals.snds_blocked) + [texts.escalate["snds-blocked"], s["package"]]
    elif rule.id == "fix-sender.snds-blocked":
        out += [s["rerun"]] + fixes(signals.snds_blocked)
    elif rule.id == "escalate.microsoft-block":
        out += _broader(signals, texts)
        out += _channels(signals, match.provider, texts)
        out += [s["package"], s["never"]]
    elif rule.id == "fix-sender.blocklist":
        out += [s["blocklist"]] + fixes(signals.deferral_findings.get("deferrals.blocked", ()))
    elif rule.id == "fix-sender.connection-limit":
        out += _mta(texts, "connections", signals) + [s["queue"], s["never"]]
    elif rule.id == "fix-sender.ip-reputation":
        out += [s["reputation"], s["queue"], s["never"]]
    elif rule.id == "escalate.sustained":
        out += _broader(signals, texts)
        key = "sustained-outlook" if match.provider == "outlook.com" else "sustained-365"
        out += [texts.escalate[key], s["package"]]
        if match.provider == "microsoft-365":
            out.append(s["tenant"])
        out += [s["queue"], s["never"]]
    elif rule.id == "wait.receiver-pressure":
        out.append(s["queue"])
        if match.provider in MICROSOFT:
            out += _mta(texts, "pressure", signals)
        out += [s["never"], s["recheck"].format(window=window)]
    elif rule.id == "fix-sender.own-side":
        cls = match.facts.get("class", "")
        out += fixes(f for fs in signals.deferral_findings.values() for f in fs
                     if cls and cls in f.message)
        out.append(s["queue"])
    elif rule.id == "wait.other-deferrals":
        out += [s["queue"], s["never"]]
    elif rule.id == "wait.inconclusive":
        out.append(s["rerun"])
    else:
        out.append(s["monitor"].format(watch=f"{100 * policy.watch:g}",
                                       act=f"{100 * policy.act:g}"))
    return list(dict.fromkeys(step.strip() for step in out if step.strip()))


def _broader(signals: Signals, texts: Texts) -> list[str]:
    """Playbook §3: when other receivers also flag the IP, it is the sender's problem
    first; escalating before fixing it fails."""
    others = sorted({p.name for p in signals.providers.values() if p.name not in MICROSOFT
                     and (p.classes.get("ip-reputation") or p.classes.get("blocklist"))})
    return [texts.steps["broader"].format(others=", ".join(others))] if others else []


def _mta(texts: Texts, profile: str, signals: Signals) -> list[str]:
    """The profile's settings for the MTAs whose logs were read (all when none was)."""
    return [texts.mta[profile][m] for m in signals.mtas]


def _mechanisms(signals: Signals, provider: str | None) -> list[str]:
    """Name the failing mechanism when the reply reports it (Microsoft 5.7.515:
    ``Spf= Fail , Dkim= Pass , DMARC= Pass``)."""
    failing: dict[str, None] = {}
    for (prov, cls), samples in signals.samples.items():
        if cls != "auth" or (provider is not None and prov != provider):
            continue
        for sample in samples:
            for name, value in _MECHANISM.findall(sample):
                if value.lower() not in ("pass", "bestguesspass"):
                    failing[name.upper()] = None
    if not failing:
        return []
    names = " and ".join(failing)
    return [f"The receiver reports {names} failing for this mail: make {names} pass for the "
            "domain in the header From (SPF for the envelope domain, DKIM signed with "
            "d= aligned to From), then re-send."]


def _channels(signals: Signals, provider: str | None, texts: Texts) -> list[str]:
    out = []
    for (prov, cls), samples in signals.samples.items():
        if cls != "blocklist" or prov not in MICROSOFT:
            continue
        for sample in samples:
            if _BLOCK_606.search(sample) or "sender.office.com" in sample:
                out.append(texts.escalate["5.7.606-649"])
            elif "5.7.511" in sample:
                out.append(texts.escalate["5.7.511"])
            else:
                out.append(texts.escalate["S3140"])
    return out
