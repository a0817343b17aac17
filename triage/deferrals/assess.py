"""Findings from a deferral analysis (codes: contract.md "deferrals.*").

Policy: one finding per problem class the contract names (throttling, connection limit,
receiver capacity, IP reputation, blocked, authentication), one rate finding per
provider outside the normal band, one per provider whose deferrals ran past the
escalation window without recovery, one for 4xx replies that will not clear, one for
unparsed lines. Throttling-type findings are warnings at most: they mean "wait", and
waiting must not fail a sender's CI. Every finding carries the replies (with their
tokens), time stamps and hosts that prove it, and a concrete fix; no fix ever suggests
suppressing recipients on a 4xx.
"""

from __future__ import annotations

from typing import Any

from triage.deferrals.aggregate import Aggregator
from triage.deferrals.duration import ESCALATE_MINUTES
from triage.findings import Finding, Severity

CHECK = "deferrals"
_SEVERITY = {
    "throttling": Severity.WARNING, "connection-limit": Severity.WARNING,
    "receiver-capacity": Severity.INFO, "ip-reputation": Severity.WARNING,
    "blocklist": Severity.ERROR, "auth": Severity.ERROR,
}
# 452 4.3.1 per Microsoft-bound attempts (playbook §1, [R])
CAPACITY_THROTTLE, CAPACITY_INCIDENT = 0.0002, 0.002
_MICROSOFT = ("microsoft-365", "outlook.com")
_PLAYBOOK = "microsoft-deferral-playbook.md"


def _codes_for(body: dict[str, Any], pred: Any, limit: int = 5) -> list[dict[str, Any]]:
    return [{k: c[k] for k in ("reply", "enhanced", "token", "rule", "provider", "count",
                               "first_seen", "last_seen", "host", "forest", "sample")}
            for c in body["codes"] if pred(c)][:limit]


def assess(agg: Aggregator, body: dict[str, Any]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    findings.extend(_class_findings(agg, body))
    findings.extend(_rate_findings(body))
    findings.extend(_sustained(body))
    findings.extend(_will_not_clear(body))
    if body["totals"]["unparsed_lines"]:
        n = body["totals"]["unparsed_lines"]
        findings.append(Finding(
            "deferrals.unparsed", Severity.WARNING, CHECK,
            f"{n} line(s) were not understood and are not counted.",
            "Check the input format (see docs/commands/deferrals.md); unparsed lines are "
            "shown sanitized in the evidence.",
            {"count": n, "samples": list(agg.unparsed_samples),
             "inputs": [{"path": i["path"], "format": i["format"], "unparsed": i["unparsed"]}
                        for i in body["inputs"] if i["unparsed"]]},
        ))
    return tuple(findings)


def _class_findings(agg: Aggregator, body: dict[str, Any]) -> list[Finding]:
    out = []
    classes = agg.classifier.rules.classes
    for cls, severity in _SEVERITY.items():
        count = body["by_class"].get(cls, 0)
        info = classes[cls]
        if not count or info.finding is None:
            continue
        codes = _codes_for(body, lambda c, cls=cls: c["class"] == cls)
        by_provider: dict[str, int] = {}
        for c in body["codes"]:
            if c["class"] == cls:
                by_provider[c["provider"]] = by_provider.get(c["provider"], 0) + c["count"]
        evidence: dict[str, Any] = {"count": count, "by_provider": by_provider, "codes": codes}
        if cls == "receiver-capacity":
            severity, evidence["microsoft_4.3.1"] = _capacity(body)
        top = agg.classifier.rules.rules_by_id(codes[0]["rule"]) if codes else None
        fix = info.fix if top is None else f"{top.advice} {info.fix}"
        out.append(Finding(
            info.finding, severity, CHECK,
            f"{count} deferral(s)/bounce(s) of class {cls}: {info.title.lower()}.",
            fix, evidence, tuple(info.sources),
        ))
    return out


def _capacity(body: dict[str, Any]) -> tuple[Severity, dict[str, Any]]:
    count = sum(c["count"] for c in body["codes"]
                if c["enhanced"] == "4.3.1" and c["provider"] in _MICROSOFT)
    attempts = sum(p["attempts"] for name, p in body["by_provider"].items()
                   if name in _MICROSOFT)
    rate = count / attempts if attempts else None
    if rate is None or rate <= CAPACITY_THROTTLE:
        band, severity = "watch", Severity.INFO
    elif rate <= CAPACITY_INCIDENT:
        band, severity = "throttle", Severity.WARNING
    else:
        band, severity = "incident", Severity.WARNING
    return severity, {"count": count, "microsoft_attempts": attempts,
                      "rate": None if rate is None else round(rate, 6), "band": band}


def _rate_findings(body: dict[str, Any]) -> list[Finding]:
    out = []
    for provider, p in body["by_provider"].items():
        if p["band"] not in ("watch", "act"):
            continue
        act = p["band"] == "act"
        pct = round(100 * p["deferral_rate"], 2)
        out.append(Finding(
            "deferrals.rate_act" if act else "deferrals.rate_watch",
            Severity.WARNING if act else Severity.INFO, CHECK,
            f"{pct} % of attempts to {provider} were deferred "
            f"({p['deferred']} of {p['attempts']}): {'act now' if act else 'watch'} band "
            "(under 1 % normal, 1-5 % watch, over 5 % act).",
            "Group the deferrals by sending IP, receiving host and time (see scope and "
            "timeline); apply rate control to this provider (lower concurrency and message "
            "rate, backoff with jitter). Keep 4xx mail queued: never suppress on a 4xx.",
            {"provider": provider, "attempts": p["attempts"], "deferred": p["deferred"],
             "deferral_rate": p["deferral_rate"],
             "codes": _codes_for(body, lambda c, pr=provider: c["provider"] == pr
                                 and c["deferred"], 3)},
            (_PLAYBOOK + " §1",),
        ))
    return out


def _sustained(body: dict[str, Any]) -> list[Finding]:
    out = []
    for provider, p in body["by_provider"].items():
        streak = p["streak"]
        if not streak or streak["recovered"] or streak["minutes"] < ESCALATE_MINUTES:
            continue
        out.append(Finding(
            "deferrals.sustained", Severity.WARNING, CHECK,
            f"Deferrals to {provider} have gone on for {streak['minutes']} minutes without "
            "recovery: past the 60-minute escalation window.",
            "Escalate with evidence: the full replies with receiving host, token and UTC "
            "time stamps below, the affected sending IPs and volume, SPF/DKIM/DMARC pass "
            "evidence and queue data (depth, retry timing, deferral rate). Keep retries "
            "controlled meanwhile; do not rotate IPs or change DNS because of a 451.",
            {"provider": provider, "streak": streak,
             "codes": _codes_for(body, lambda c, pr=provider: c["provider"] == pr, 5)},
            (_PLAYBOOK + " §2", _PLAYBOOK + " §6"),
        ))
    return out


def _will_not_clear(body: dict[str, Any]) -> list[Finding]:
    codes = [c for c in body["codes"] if c["will_not_clear"] and c["deferred"]]
    if not codes:
        return []
    n = sum(c["deferred"] for c in codes)
    return [Finding(
        "deferrals.will_not_clear", Severity.ERROR, CHECK,
        f"{n} deferral(s) are 4xx replies that retrying will not clear "
        f"({', '.join(sorted({c['token'] or c['enhanced'] or '?' for c in codes}))}).",
        "Stop retrying to this receiver and fix the cause first (list hygiene, complaint "
        "sources, authentication); contact the provider if it persists 48 hours after the "
        "changes.",
        {"codes": _codes_for(body, lambda c: c["will_not_clear"] and c["deferred"])},
        ("smtp-replies-and-logs.md §1.3",),
    )]
