"""Findings from a deferral analysis (codes: contract.md "deferrals.*").

Policy: one finding per problem class the contract names (throttling, connection limit,
receiver capacity, IP reputation, blocked, authentication), one rate finding per
provider outside the normal band, one per provider whose deferrals ran past the
escalation window without recovery, one for 4xx replies that will not clear, one for
unparsed lines, and an error when no input yielded a single outcome (not an MTA log, or
empty): an analysis of nothing must not pass as "no deferrals". Throttling-type
findings are warnings at most: they mean "wait", and waiting must not fail a sender's
CI. Every finding carries the replies (with their tokens), time stamps and hosts that
prove it, and a concrete fix; no fix ever suggests suppressing recipients on a 4xx.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from triage.deferrals.duration import spoken
from triage.deferrals.mtas import mtas_of
from triage.deferrals.result import CodeRow, DeferralResult
from triage.deferrals.rules import RuleTable
from triage.deferrals.thresholds import Thresholds
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
_PLAYBOOK = "Microsoft deferral playbook (Suped, ColdRelay, 2026)"


_EVIDENCE_KEYS = ("reply", "enhanced", "token", "rule", "provider", "count", "first_seen",
                  "last_seen", "host", "forest", "sample")
_FORMATS = ("Postfix, Exim or Sendmail mail logs, PowerMTA accounting CSV, KumoMTA JSON "
            "logs, ESP event JSON (Amazon SES, SendGrid, Mailgun, Postmark) and bare "
            "`NNN X.Y.Z text` reply lines, gzip-compressed or not")


def _codes_for(result: DeferralResult, pred: Callable[[CodeRow], bool],
               limit: int = 5) -> list[dict[str, Any]]:
    out = []
    for code in result.codes:
        if pred(code):
            row = code.to_dict()
            out.append({k: row[k] for k in _EVIDENCE_KEYS})
            if len(out) == limit:
                break
    return out


def _of_class(cls: str) -> Callable[[CodeRow], bool]:
    return lambda c: c.cls == cls


def _to(provider: str, deferred: bool = False) -> Callable[[CodeRow], bool]:
    return lambda c: c.provider == provider and (bool(c.deferred) or not deferred)


def assess(result: DeferralResult, rules: RuleTable, unparsed_samples: Sequence[str],
           thresholds: Thresholds) -> tuple[Finding, ...]:
    """The findings of ``result`` (whose own ``findings`` are not read); ``rules`` gives
    the classes' findings and fixes, ``unparsed_samples`` the sanitized unparsed lines,
    ``thresholds`` the bands and the escalation window the result was judged by."""
    findings: list[Finding] = []
    findings.extend(_unrecognised(result, unparsed_samples))
    findings.extend(_class_findings(result, rules))
    findings.extend(_rate_findings(result, thresholds))
    findings.extend(_sustained(result, thresholds))
    findings.extend(_will_not_clear(result))
    n = result.totals.unparsed_lines
    if n:
        findings.append(Finding(
            "deferrals.unparsed", Severity.WARNING, CHECK,
            f"{n} line(s) were not understood and are not counted.",
            "Check the input format ('triage deferrals --help' lists the formats read); the "
            "first unparsed lines are shown sanitized in the report.",
            {"count": n, "samples": list(unparsed_samples),
             "inputs": [{"path": i.path, "format": i.format, "unparsed": i.unparsed}
                        for i in result.inputs if i.unparsed]},
        ))
    return tuple(findings)


def _unrecognised(result: DeferralResult, samples: Sequence[str]) -> list[Finding]:
    """Nothing was recognised: an empty input, or one that is no MTA log at all."""
    if result.recognised:
        return []
    lines = sum(i.lines for i in result.inputs)
    message = (f"None of the {lines} input line(s) was recognised as an MTA log record: "
               "nothing was analysed." if result.has_input_lines else
               "The input is empty: no line was recognised as an MTA log record and "
               "nothing was analysed.")
    return [Finding(
        "deferrals.unrecognised", Severity.ERROR, CHECK, message,
        f"Give the MTA's delivery log or reply samples: triage reads {_FORMATS}.",
        {"inputs": [{"path": i.path, "format": i.format, "lines": i.lines,
                     "error": i.error} for i in result.inputs],
         "samples": list(samples[:3])},
    )]


def _class_findings(result: DeferralResult, rules: RuleTable) -> list[Finding]:
    out = []
    mtas = mtas_of(i.format for i in result.inputs)
    for cls, severity in _SEVERITY.items():
        count = result.by_class.get(cls, 0)
        info = rules.classes[cls]
        if not count or info.finding is None:
            continue
        codes = _codes_for(result, _of_class(cls))
        by_provider: dict[str, int] = {}
        for c in result.codes:
            if c.cls == cls:
                by_provider[c.provider] = by_provider.get(c.provider, 0) + c.count
        evidence: dict[str, Any] = {"count": count, "by_provider": by_provider, "codes": codes}
        if cls == "receiver-capacity":
            severity, evidence["microsoft_4.3.1"] = _capacity(result)
        top = rules.rules_by_id(codes[0]["rule"]) if codes else None
        fix = info.fix_after(top.advice if top else None, mtas,
                             general=len({c["rule"] for c in codes}) > 1)
        out.append(Finding(
            info.finding, severity, CHECK,
            f"{count} deferral(s)/bounce(s) of class {cls}: {info.title.lower()}.",
            fix, evidence, tuple(info.sources),
        ))
    return out


def _capacity(result: DeferralResult) -> tuple[Severity, dict[str, Any]]:
    count = sum(c.count for c in result.codes
                if c.enhanced == "4.3.1" and c.provider in _MICROSOFT)
    attempts = sum(p.attempts for name, p in result.by_provider.items()
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


def _rate_findings(result: DeferralResult, thresholds: Thresholds) -> list[Finding]:
    out = []
    for provider, p in result.by_provider.items():
        if p.band not in ("watch", "act") or p.deferral_rate is None:
            continue
        act = p.band == "act"
        pct = f"{100 * p.deferral_rate:.2f}"
        out.append(Finding(
            "deferrals.rate_act" if act else "deferrals.rate_watch",
            Severity.WARNING if act else Severity.INFO, CHECK,
            f"{pct} % of attempts to {provider} were deferred "
            f"({p.deferred} of {p.attempts}): {'act now' if act else 'watch'} band "
            f"({thresholds.bands_text()}).",
            "Group the deferrals by sending IP, receiving host and time (see scope and "
            "timeline); apply rate control to this provider (lower concurrency and message "
            "rate, backoff with jitter). Keep 4xx mail queued: never suppress on a 4xx.",
            {"provider": provider, "attempts": p.attempts, "deferred": p.deferred,
             "deferral_rate": p.deferral_rate,
             "codes": _codes_for(result, _to(provider, deferred=True), 3)},
            (_PLAYBOOK + " §1",),
        ))
    return out


def _sustained(result: DeferralResult, thresholds: Thresholds) -> list[Finding]:
    out = []
    for provider, p in result.by_provider.items():
        streak = p.streak
        window = thresholds.window_minutes
        if not streak or streak.recovered or streak.minutes < window:
            continue
        out.append(Finding(
            "deferrals.sustained", Severity.WARNING, CHECK,
            f"Deferrals to {provider} have gone on for {spoken(streak.minutes)} without "
            f"recovery: past the {window:g}-minute escalation window.",
            "Escalate with evidence: the full replies with receiving host, token and UTC "
            "time stamps below, the affected sending IPs and volume, SPF/DKIM/DMARC pass "
            "evidence and queue data (depth, retry timing, deferral rate). Keep retries "
            "controlled meanwhile; do not rotate IPs or change DNS because of a 451.",
            {"provider": provider, "streak": streak.to_dict(),
             "codes": _codes_for(result, _to(provider), 5)},
            (_PLAYBOOK + " §2", _PLAYBOOK + " §6"),
        ))
    return out


def _will_not_clear(result: DeferralResult) -> list[Finding]:
    def stuck(c: CodeRow) -> bool:
        return c.will_not_clear and bool(c.deferred)

    codes = [c for c in result.codes if stuck(c)]
    if not codes:
        return []
    n = sum(c.deferred for c in codes)
    return [Finding(
        "deferrals.will_not_clear", Severity.ERROR, CHECK,
        f"{n} deferral(s) are 4xx replies that retrying will not clear "
        f"({', '.join(sorted({c.token or c.enhanced or '?' for c in codes}))}).",
        "Stop retrying to this receiver and fix the cause first (list hygiene, complaint "
        "sources, authentication); contact the provider if it persists 48 hours after the "
        "changes.",
        {"codes": _codes_for(result, stuck)},
        ("Yahoo Sender Hub, SMTP error codes (TS03, TSS09, TSS11)",),
    )]
