"""The findings of the rDNS and HELO check, with the evidence that proves each.

Precedence, so one cause gives one finding: a failed PTR lookup is only
``rdns.temperror``; no PTR is only ``rdns.missing``; ``rdns.not_confirmed`` needs
every checked name's forward lookup to have answered (a timeout there is
``rdns.temperror``). ``helo.not_resolving`` needs an answered lookup; a name that
cannot be looked up at all is only ``helo.not_fqdn``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from triage.dns.answer import Answer
from triage.findings import Finding, Severity
from triage.sanitize import clean

if TYPE_CHECKING:
    from triage.checks.rdns.helo import HeloName
    from triage.checks.rdns.result import HeloResult, PtrOutcome

GMAIL = "https://support.google.com/a/answer/81126"
RFC5321_HELO = "RFC 5321 §4.1.4"
PTR_FIX = (
    "Ask whoever controls the IP's reverse zone (your hosting provider or ISP) for a PTR "
    "naming the mail server, e.g. mail.example.com, and publish an A/AAAA record for that "
    "name pointing back to this IP."
)


def ptr_findings(outcome: PtrOutcome, max_forward: int) -> Iterator[Finding]:
    ip = str(outcome.ip)
    answer = outcome.answer
    if outcome.failed:
        yield _temperror(f"PTR lookup for {ip}", answer)
        return
    if not outcome.names:
        yield Finding(
            "rdns.missing", Severity.ERROR, "rdns",
            f"{ip} has no PTR record: Gmail and Microsoft reject or throttle mail from it.",
            PTR_FIX, {"query": clean(answer.name, 300), "status": answer.status.value}, (GMAIL,),
        )
        return
    yield from _forward_findings(outcome, max_forward)
    if outcome.generic:
        names = ", ".join(m.name for m in outcome.generic[:3])
        yield Finding(
            "rdns.generic", Severity.WARNING, "rdns",
            f"The PTR name of {ip} looks generic ({names}): receivers treat it as "
            "dynamic or end-user address space.",
            "Set a PTR that names the mail server in your own domain, e.g. mail.example.com, "
            "without the IP address or words like dsl, pool, dynamic in it.",
            {"names": [{"name": m.name, "why": m.why} for m in outcome.generic]},
            ("https://senders.yahooinc.com/best-practices/",),
        )
    if len(outcome.names) > 1:
        yield Finding(
            "rdns.multiple_ptr", Severity.INFO, "rdns",
            f"{ip} has {len(outcome.names)} PTR names; receivers pick one, so FCrDNS and "
            "the HELO comparison depend on which.",
            "Keep one PTR name per sending IP.",
            {"ptr": list(outcome.names[:100]), "count": len(outcome.names)},
        )


def _forward_findings(outcome: PtrOutcome, max_forward: int) -> Iterator[Finding]:
    if outcome.fcrdns is True:
        return
    ip = str(outcome.ip)
    checked = [f.evidence() for f in outcome.forwards]
    evidence = {"ptr": list(outcome.names[:100]), "checked": checked,
                "names_checked": len(checked), "names_total": len(outcome.names)}
    if outcome.fcrdns is None:
        failed = [f.name for f in outcome.forwards if f.failure]
        yield Finding(
            "rdns.temperror", Severity.WARNING, "rdns",
            f"The forward lookup of {', '.join(failed[:3])} failed: whether the PTR of {ip} "
            "resolves back to it is unknown.",
            "Retry later; if it persists, check the name's authoritative servers.",
            evidence,
        )
        return
    more = "" if len(outcome.names) <= max_forward else (
        f" (the first {max_forward} of {len(outcome.names)} names were checked)"
    )
    yield Finding(
        "rdns.not_confirmed", Severity.ERROR, "rdns",
        f"No PTR name of {ip} resolves back to it (forward-confirmed reverse DNS fails){more}.",
        "Publish an A (or AAAA) record for the PTR name that points to this IP, "
        "or change the PTR to a name that does.",
        evidence, (GMAIL,),
    )


def helo_findings(
    helo: HeloName, result: HeloResult, answers: Sequence[Answer], ip: str
) -> Iterator[Finding]:
    evidence = {"helo": helo.given, "addresses": list(result.addresses)}
    if helo.problem is not None:
        literal = helo.literal is not None
        yield Finding(
            "helo.not_fqdn", Severity.WARNING if literal else Severity.ERROR, "helo",
            f"The HELO name '{helo.given}' {helo.problem}.",
            "Announce the server's fully-qualified host name (ideally its PTR name) in "
            "HELO/EHLO, e.g. smtp_helo_name in Postfix.",
            evidence, ("RFC 5321 §2.3.5", RFC5321_HELO),
        )
    if result.resolves is None and answers:
        yield _temperror(f"A/AAAA lookup of the HELO name '{helo.given}'", *answers)
    elif result.resolves is False and answers:
        yield Finding(
            "helo.not_resolving", Severity.ERROR, "helo",
            f"The HELO name '{helo.given}' has no A or AAAA record.",
            "Publish an A/AAAA record for the HELO name pointing to this IP, or announce a "
            "name that has one.",
            {**evidence, "status": [a.status.value for a in answers]}, ("RFC 5321 §2.3.5",),
        )
    elif result.resolves and not result.matches_ip and not result.matches_ptr:
        yield Finding(
            "helo.mismatch", Severity.WARNING, "helo",
            f"The HELO name '{helo.given}' resolves to {', '.join(result.addresses[:4])}, "
            f"not {ip}, and is not its PTR name.",
            "Announce the IP's PTR name in HELO/EHLO, or point the HELO name at this IP.",
            evidence, (RFC5321_HELO,),
        )


def _temperror(what: str, *answers: Answer) -> Finding:
    failures = [
        {"query": clean(a.name, 300), "type": a.rdtype, "status": a.status.value,
         "detail": clean(a.detail)}
        for a in answers if a.status.is_error
    ]
    kinds = sorted({f["status"] for f in failures}) or ["failure"]
    return Finding(
        "rdns.temperror", Severity.WARNING, "rdns",
        f"The {what} failed ({', '.join(kinds)}): the result is unknown, "
        "not negative.",
        "Retry later; if it persists, check the resolver and the zone's name servers.",
        {"lookups": failures},
    )
