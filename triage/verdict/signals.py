"""What the check results say, reduced to what the verdict rules read.

The only module of the verdict that knows the result types; the rules read
``Signals`` alone, so they are tested without DNS or logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from triage.deferrals.mtas import MTAS, mtas_of
from triage.findings import Finding, Severity
from triage.verdict.policy import Policy

if TYPE_CHECKING:
    from triage.checks.dnsbl.result import DnsblResult, ListResult
    from triage.checks.snds.result import SndsResult
    from triage.deferrals.result import DeferralResult
    from triage.report.model import CheckResult

POSTURE = ("spf", "dkim", "dmarc", "rdns", "helo", "dnsbl")
# findings that say a lookup failed: the part is inconclusive, not broken
TEMPORARY = frozenset({"spf.temperror", "dkim.temperror", "dmarc.temperror", "rdns.temperror",
                       "dnsbl.error", "dnsbl.query_refused", "dnsbl.inconclusive",
                       "snds.error"})
LISTINGS = frozenset({"dnsbl.listed", "dnsbl.policy_listed"})
# claims that need the part's lookups to have completed: not evidence when they did not
COMPLETED = frozenset({"spf.ip_not_authorized", "dmarc.not_aligned", "dmarc.missing",
                       "dkim.no_selector_found", "dkim.key_missing", "rdns.missing",
                       "rdns.not_confirmed", "helo.not_resolving", "helo.mismatch"})


@dataclass(frozen=True)
class Provider:
    """One provider's deferrals, as the rules read them."""

    name: str
    attempts: int
    deferred: int
    bounced: int
    rate: float | None
    band: str  # normal | watch | act, by the policy
    classes: Mapping[str, int]  # deferred + bounced per class
    streak_minutes: float | None  # the longest run of deferrals
    streak_recovered: bool  # a delivery followed the streak
    later_delivered: int  # deferred recipients delivered on a retry
    still_pending: int

    @property
    def recovered(self) -> bool:
        """A delivery came after the streak, or every deferred recipient got through."""
        return self.streak_recovered or (self.later_delivered > 0 and self.still_pending == 0)

    def share(self, cls: str) -> float:
        failed = sum(n for c, n in self.classes.items() if c != "recipient")
        return self.classes.get(cls, 0) / failed if failed else 0.0


@dataclass(frozen=True)
class Signals:
    posture_errors: tuple[Finding, ...] = ()  # errors of spf/dkim/dmarc/rdns/helo, listings
    posture_warnings: tuple[Finding, ...] = ()
    inconclusive: tuple[str, ...] = ()  # parts that could not be checked
    temporary: tuple[Finding, ...] = ()  # the findings that made them so
    providers: Mapping[str, Provider] = field(default_factory=dict)
    deferral_findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    samples: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    has_sample: bool = False  # a deferral sample was given and recognised
    snds_red: tuple[Finding, ...] = ()  # Microsoft's own view (with an SNDS key)
    snds_blocked: tuple[Finding, ...] = ()
    mtas: tuple[str, ...] = MTAS  # whose settings the steps name (deferrals/mtas.py)

    def codes(self, cls: str, providers: Iterable[str] | None = None) -> int:
        wanted = set(providers) if providers is not None else None
        return sum(p.classes.get(cls, 0) for p in self.providers.values()
                   if wanted is None or p.name in wanted)


def gather(posture: Sequence[CheckResult], dnsbl: Sequence[DnsblResult],
           deferrals: DeferralResult | None, policy: Policy, *,
           snds: SndsResult | None = None) -> Signals:
    """``posture``: the SPF, DKIM, DMARC and rDNS results (several per IP allowed);
    ``snds``: Microsoft SNDS when a key was given (an unread page: the part is
    inconclusive; RED and blocked are kept for the rules)."""
    findings = [f for r in (*posture, *dnsbl) for f in r.findings]
    temporary = tuple(f for f in findings if f.code in TEMPORARY)
    parts = {_part(f) for f in temporary if f.code.startswith(("spf", "dkim", "dmarc", "rdns"))}
    unsure = {*parts, "helo"} if "rdns" in parts else parts
    findings = [f for f in findings if not (f.code in COMPLETED and _part(f) in unsure)]
    errors = tuple(f for f in findings if f.check in POSTURE and f.code not in TEMPORARY and (
        f.severity is Severity.ERROR
        or (f.code in LISTINGS and f.severity is Severity.WARNING)))
    warnings = tuple(f for f in findings if f.check in POSTURE and f not in errors
                     and f.code not in TEMPORARY and f.severity is Severity.WARNING)
    if dnsbl and all(_unanswered(r) for r in dnsbl):
        parts.add("dnsbl")
    providers: dict[str, Provider] = {}
    deferral_findings: dict[str, tuple[Finding, ...]] = {}
    samples: dict[tuple[str, str], tuple[str, ...]] = {}
    has_sample = False
    if deferrals is not None:
        if not deferrals.recognised:
            parts.add("deferrals")
        else:
            has_sample = True
            providers = _providers(deferrals, policy)
            samples = _samples(deferrals)
        for f in deferrals.findings:
            deferral_findings[f.code] = (*deferral_findings.get(f.code, ()), f)
    snds_found = snds.findings if snds is not None else ()
    snds_errors = tuple(f for f in snds_found if f.code == "snds.error")
    if snds_errors:
        parts.add("snds")
        temporary += snds_errors
    order = ("spf", "dkim", "dmarc", "rdns", "dnsbl", "snds", "deferrals")
    return Signals(errors, warnings, tuple(p for p in order if p in parts), temporary,
                   providers, deferral_findings, samples, has_sample,
                   tuple(f for f in snds_found if f.code == "snds.red"),
                   tuple(f for f in snds_found if f.code == "snds.blocked"),
                   mtas_of(i.format for i in deferrals.inputs) if deferrals else MTAS)


def _part(finding: Finding) -> str:
    return finding.code.split(".", 1)[0]


def _unanswered(result: DnsblResult) -> bool:
    """No list gave an answer that means something: every one failed, refused, or
    answered "clean" while missing its RFC 5782 test entry (dead, or offline)."""
    from triage.checks.dnsbl.interpret import ListStatus

    def verified(r: ListResult) -> bool:
        if r.reading.status is ListStatus.LISTED:
            return True
        return r.reading.status is ListStatus.CLEAN and not (
            r.self_test is not None and r.self_test.test_entry_missing)

    return bool(result.lists) and not any(verified(r) for r in result.lists)


def _providers(result: DeferralResult, policy: Policy) -> dict[str, Provider]:
    classes: dict[str, dict[str, int]] = {}
    for row in result.codes:
        into = classes.setdefault(row.provider, {})
        into[row.cls] = into.get(row.cls, 0) + row.count
    out = {}
    for name, p in result.by_provider.items():
        streak = p.streak
        out[name] = Provider(
            name=name, attempts=p.attempts, deferred=p.deferred, bounced=p.bounced,
            rate=p.deferral_rate, band=policy.band(p.deferral_rate),
            classes=classes.get(name, {}),
            streak_minutes=streak.minutes if streak is not None else None,
            streak_recovered=bool(streak is not None and streak.recovered),
            later_delivered=p.retries.later_delivered, still_pending=p.retries.still_pending,
        )
    return out


def _samples(result: DeferralResult) -> dict[tuple[str, str], tuple[str, ...]]:
    """The replies per (provider, class), most frequent first: for the steps' wording."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in result.codes:
        key = (row.provider, row.cls)
        out[key] = (*out.get(key, ()), row.sample)
    return out
