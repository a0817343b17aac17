"""The verdict's rule table (documented in docs/verdict.md): tried in order, the first
rule that matches decides the action. Each rule reads ``Signals`` only and returns the
finding codes that made it match (its ``reasons``), the provider it is about and the
numbers its summary quotes, or None.

Order is policy: the sender's own defects come first (even when the deferrals look like
throttling, fixing them is the only thing that helps), then what the replies blame on the
sender, then what only Microsoft can clear (escalate), then receiver pressure (wait).
Escalation needs proof of a clean sender, so it never fires while a posture part is
inconclusive. Microsoft's own data (SNDS) outranks the replies: a RED IP is the sender's
to fix, a blocked one is escalated with the SNDS evidence (or fixed first when the
sender is not proven clean); neither is ever ``wait``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from triage.verdict.policy import MICROSOFT, Policy
from triage.verdict.signals import Provider, Signals

SENDER_CLASSES = ("auth", "blocklist", "connection-limit", "ip-reputation")
PRESSURE = ("throttling", "receiver-capacity", "connection-limit")
OWN_SIDE = ("policy-content", "tls", "dns", "local")
_CLASS_CODE = {"throttling": "deferrals.throttling",
               "receiver-capacity": "deferrals.receiver_capacity",
               "connection-limit": "deferrals.connection_limit",
               "ip-reputation": "deferrals.ip_reputation",
               "blocklist": "deferrals.blocked", "auth": "deferrals.auth_required"}


@dataclass(frozen=True)
class Match:
    reasons: tuple[str, ...]
    provider: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


Test = Callable[[Signals, Policy], Match | None]


@dataclass(frozen=True)
class Rule:
    id: str
    action: str
    test: Test
    escalation: bool = False  # needs a conclusive (proven clean) posture


def _codes(signals: Signals, *codes: str) -> tuple[str, ...]:
    return tuple(c for c in codes if c in signals.deferral_findings)


def _rate_codes(signals: Signals, provider: Provider) -> tuple[str, ...]:
    code = {"act": "deferrals.rate_act", "watch": "deferrals.rate_watch"}.get(provider.band)
    return _codes(signals, code) if code else ()


def _worst(signals: Signals, cls: str, names: tuple[str, ...] | None = None) -> Provider | None:
    rows = [p for p in signals.providers.values()
            if p.classes.get(cls) and (names is None or p.name in names)]
    return max(rows, key=lambda p: (p.classes[cls], p.attempts), default=None)


def posture(signals: Signals, policy: Policy) -> Match | None:
    if not signals.posture_errors:
        return None
    codes = tuple(dict.fromkeys(f.code for f in signals.posture_errors))
    return Match(codes, facts={"codes": ", ".join(codes)})


def snds_red(signals: Signals, policy: Policy) -> Match | None:
    """Microsoft's own filter rates the IP RED: the sender's mail, not Microsoft's limits."""
    if not signals.snds_red:
        return None
    ips = ", ".join(dict.fromkeys(str(f.evidence.get("ip")) for f in signals.snds_red))
    return Match(("snds.red",), "outlook.com", {"ips": ips})


def snds_blocked(signals: Signals, policy: Policy) -> Match | None:
    if not signals.snds_blocked:
        return None
    ranges = ", ".join(dict.fromkeys(f"{f.evidence.get('first_ip')}-{f.evidence.get('last_ip')}"
                                     for f in signals.snds_blocked))
    reason = next((str(f.evidence["reason"]) for f in signals.snds_blocked
                   if f.evidence.get("reason")), "no reason given")
    return Match(("snds.blocked",), "outlook.com", {"ips": ranges, "reason": reason})


def _any(signals: Signals, cls: str, names: tuple[str, ...] | None = None) -> Match | None:
    """Any reply of class ``cls`` (from ``names`` only, if given): hard evidence, no rate."""
    worst = _worst(signals, cls, names)
    if worst is None:
        return None
    return Match(_codes(signals, _CLASS_CODE[cls]), worst.name,
                 {"count": signals.codes(cls, names)})


def auth(signals: Signals, policy: Policy) -> Match | None:
    return _any(signals, "auth")


def microsoft_block(signals: Signals, policy: Policy) -> Match | None:
    return _any(signals, "blocklist", MICROSOFT)


def blocklist(signals: Signals, policy: Policy) -> Match | None:
    return _any(signals, "blocklist", tuple(n for n in signals.providers if n not in MICROSOFT))


def connection_limit(signals: Signals, policy: Policy) -> Match | None:
    rows = [p for p in signals.providers.values() if p.band != "normal"
            and p.classes.get("connection-limit")
            and p.share("connection-limit") >= policy.dominance]
    if not rows:
        return None
    worst = max(rows, key=lambda p: p.classes["connection-limit"])
    return Match(_codes(signals, "deferrals.connection_limit") + _rate_codes(signals, worst),
                 worst.name, _numbers(worst, "connection-limit"))


def ip_reputation(signals: Signals, policy: Policy) -> Match | None:
    rows = [p for p in signals.providers.values() if p.classes.get("ip-reputation")
            and p.attempts and p.classes["ip-reputation"] / p.attempts >= policy.watch]
    if not rows:
        return None
    worst = max(rows, key=lambda p: p.classes["ip-reputation"])
    return Match(_codes(signals, "deferrals.ip_reputation") + _rate_codes(signals, worst),
                 worst.name, _numbers(worst, "ip-reputation"))


def sustained(signals: Signals, policy: Policy) -> Match | None:
    rows = [p for p in signals.providers.values() if p.name in MICROSOFT
            and p.streak_minutes is not None and p.streak_minutes >= policy.window_minutes
            and not p.recovered]
    if not rows:
        return None
    worst = max(rows, key=lambda p: p.streak_minutes or 0.0)
    pressure = tuple(_CLASS_CODE[c] for c in PRESSURE if worst.classes.get(c))
    return Match(_codes(signals, "deferrals.sustained", *pressure) + _rate_codes(signals, worst),
                 worst.name, {**_numbers(worst, None),
                              "window": f"{policy.window_minutes:g}"})


def pressure(signals: Signals, policy: Policy) -> Match | None:
    rows = [p for p in signals.providers.values() if p.band != "normal"
            and any(p.classes.get(c) for c in PRESSURE)]
    if not rows:
        return None
    worst = max(rows, key=lambda p: (p.name in MICROSOFT, p.deferred))
    classes = tuple(_CLASS_CODE[c] for c in PRESSURE
                    if any(p.classes.get(c) for p in rows))
    facts = _numbers(worst, None)
    facts["state"] = "recovering" if worst.recovered else "within the window"
    return Match(_codes(signals, *classes) + _rate_codes(signals, worst), worst.name, facts)


def own_side(signals: Signals, policy: Policy) -> Match | None:
    """Replies that blame the message or the sender's own MTA (content, TLS, its DNS)."""
    rows = [(p, c) for p in signals.providers.values() if p.band != "normal"
            for c in OWN_SIDE if p.classes.get(c) and p.share(c) >= policy.dominance]
    if not rows:
        return None
    worst, cls = max(rows, key=lambda pc: pc[0].classes[pc[1]])
    return Match(_rate_codes(signals, worst), worst.name,
                 {**_numbers(worst, cls), "class": cls})


def other_deferrals(signals: Signals, policy: Policy) -> Match | None:
    rows = [p for p in signals.providers.values() if p.band != "normal"]
    if not rows:
        return None
    worst = max(rows, key=lambda p: p.deferred)
    return Match(_rate_codes(signals, worst), worst.name, _numbers(worst, None))


_WHY = {"spf": "the SPF lookups failed", "dkim": "the DKIM lookups failed",
        "dmarc": "the DMARC lookups failed", "rdns": "the reverse DNS lookups failed",
        "dnsbl": "no DNSBL gave a verified answer",
        "snds": "Microsoft SNDS could not be read",
        "deferrals": "no line of the deferral sample was recognised"}


def inconclusive(signals: Signals, policy: Policy) -> Match | None:
    if not signals.inconclusive:
        return None
    return Match(tuple(dict.fromkeys(f.code for f in signals.temporary)) or
                 _codes(signals, "deferrals.unrecognised"),
                 facts={"parts": "; ".join(_WHY[p] for p in signals.inconclusive)})


def healthy(signals: Signals, policy: Policy) -> Match | None:
    return Match(())


def _numbers(p: Provider, cls: str | None) -> dict[str, Any]:
    from triage.deferrals.duration import spoken  # only runs with a deferral sample

    return {"provider": p.name, "rate": "-" if p.rate is None else f"{100 * p.rate:.1f} %",
            "deferred": p.deferred, "attempts": p.attempts,
            "minutes": "no streak" if p.streak_minutes is None else spoken(p.streak_minutes),
            "count": p.classes.get(cls, 0) if cls else p.deferred}


RULES: tuple[Rule, ...] = (
    Rule("fix-sender.posture", "fix-sender", posture),
    Rule("fix-sender.auth", "fix-sender", auth),
    Rule("fix-sender.snds-red", "fix-sender", snds_red),
    Rule("escalate.microsoft-block", "escalate", microsoft_block, escalation=True),
    Rule("escalate.snds-blocked", "escalate", snds_blocked, escalation=True),
    Rule("fix-sender.snds-blocked", "fix-sender", snds_blocked),
    Rule("fix-sender.blocklist", "fix-sender", blocklist),
    Rule("fix-sender.connection-limit", "fix-sender", connection_limit),
    Rule("fix-sender.ip-reputation", "fix-sender", ip_reputation),
    Rule("escalate.sustained", "escalate", sustained, escalation=True),
    Rule("wait.receiver-pressure", "wait", pressure),
    Rule("fix-sender.own-side", "fix-sender", own_side),
    Rule("wait.other-deferrals", "wait", other_deferrals),
    Rule("wait.inconclusive", "wait", inconclusive),
    Rule("healthy", "healthy", healthy),
)
