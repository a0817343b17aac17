"""The result of a deferral analysis: the contract's ``deferrals`` fields plus findings.

``DeferralResult`` is what ``triage deferrals`` prints and what ``triage check`` nests
under ``deferrals``; summary.py builds it from the run's counters. Every type here is a
frozen value with a ``to_dict()`` giving its JSON shape (keys in report order, all
present); log-sourced strings were sanitized before they got here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage.findings import Finding


@dataclass(frozen=True)
class InputRow:
    """One input as read: ``format`` as detected (``unknown``, ``empty`` included)."""

    path: str
    format: str
    lines: int
    events: int
    unparsed: int
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "lines": self.lines,
                "events": self.events, "unparsed": self.unparsed, "error": self.error}


@dataclass(frozen=True)
class Totals:
    attempts: int
    delivered: int
    deferred: int
    bounced: int
    relogs: int
    unparsed_lines: int
    expired: int

    def to_dict(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "delivered": self.delivered,
                "deferred": self.deferred, "bounced": self.bounced, "relogs": self.relogs,
                "unparsed_lines": self.unparsed_lines, "expired": self.expired}


@dataclass(frozen=True)
class Retries:
    """Deferred recipients and what became of them; ``untracked`` only in the totals
    (None, and left out of the JSON, per provider)."""

    deferred_recipients: int
    later_delivered: int
    later_bounced: int
    still_pending: int
    untracked: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"deferred_recipients": self.deferred_recipients,
               "later_delivered": self.later_delivered, "later_bounced": self.later_bounced,
               "still_pending": self.still_pending}
        if self.untracked is not None:
            out["untracked"] = self.untracked
        return out


@dataclass(frozen=True)
class StreakInfo:
    """The longest run of deferrals to one provider (duration.py)."""

    start: str | None
    end: str | None
    minutes: float
    recovered: bool
    stage: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "minutes": self.minutes,
                "recovered": self.recovered, "stage": self.stage}


@dataclass(frozen=True)
class ProviderStats:
    name: str
    attempts: int
    delivered: int
    deferred: int
    bounced: int
    deferral_rate: float | None
    band: str | None
    first_seen: str | None
    last_seen: str | None
    minutes: float | None
    streak: StreakInfo | None
    retries: Retries

    def to_dict(self) -> dict[str, Any]:
        """The ``by_provider`` value (the name is its key)."""
        return {"attempts": self.attempts, "delivered": self.delivered,
                "deferred": self.deferred, "bounced": self.bounced,
                "deferral_rate": self.deferral_rate, "band": self.band,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "minutes": self.minutes,
                "streak": None if self.streak is None else self.streak.to_dict(),
                "retries": self.retries.to_dict()}


@dataclass(frozen=True)
class CodeRow:
    """One (reply, enhanced code, token, rule, provider) with its counts and sample."""

    reply: int | None
    enhanced: str | None
    token: str | None
    cls: str
    provider: str
    rule: str
    transient: bool
    will_not_clear: bool
    action: str
    count: int
    deferred: int
    bounced: int
    first_seen: str | None
    last_seen: str | None
    sample: str
    host: str | None
    forest: str | None
    region: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"reply": self.reply, "enhanced": self.enhanced, "token": self.token,
                "class": self.cls, "provider": self.provider, "rule": self.rule,
                "transient": self.transient, "will_not_clear": self.will_not_clear,
                "action": self.action, "count": self.count, "deferred": self.deferred,
                "bounced": self.bounced, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "sample": self.sample, "host": self.host,
                "forest": self.forest, "region": self.region}


@dataclass(frozen=True)
class Window:
    first_seen: str | None
    last_seen: str | None
    minutes: float | None
    timezone: str

    def to_dict(self) -> dict[str, Any]:
        return {"first_seen": self.first_seen, "last_seen": self.last_seen,
                "minutes": self.minutes, "timezone": self.timezone}


@dataclass(frozen=True)
class ScopeRow:
    """One recipient domain, receiving host, sending IP or forest."""

    name: str
    attempts: int
    delivered: int
    deferred: int
    bounced: int
    deferral_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "attempts": self.attempts, "delivered": self.delivered,
                "deferred": self.deferred, "bounced": self.bounced,
                "deferral_rate": self.deferral_rate}


@dataclass(frozen=True)
class HostRow(ScopeRow):
    """A receiving host and the provider first attributed to it."""

    provider: str

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"provider": self.provider}


@dataclass(frozen=True)
class ForestRow(ScopeRow):
    """A Microsoft EOP forest, its region and provider."""

    region: str | None
    provider: str

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"region": self.region, "provider": self.provider}


@dataclass(frozen=True)
class Scope:
    """The most affected of each kind (an "(other)" row is a plain ``ScopeRow``) and how
    many there were in all."""

    recipient_domains: tuple[ScopeRow, ...]
    receiving_hosts: tuple[ScopeRow, ...]
    sending_ips: tuple[ScopeRow, ...]
    forests: tuple[ScopeRow, ...]
    distinct: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"recipient_domains": [r.to_dict() for r in self.recipient_domains],
                "receiving_hosts": [r.to_dict() for r in self.receiving_hosts],
                "sending_ips": [r.to_dict() for r in self.sending_ips],
                "forests": [r.to_dict() for r in self.forests],
                "distinct": dict(self.distinct)}


@dataclass(frozen=True)
class ProviderCounts:
    """One provider's outcomes in one timeline bucket."""

    attempts: int
    delivered: int
    deferred: int
    bounced: int

    def to_dict(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "delivered": self.delivered,
                "deferred": self.deferred, "bounced": self.bounced}


@dataclass(frozen=True)
class TimelineRow:
    start: str | None
    minutes: int
    delivered: int
    deferred: int
    bounced: int
    providers: Mapping[str, ProviderCounts]  # only providers with attempts in the bucket

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "minutes": self.minutes, "delivered": self.delivered,
                "deferred": self.deferred, "bounced": self.bounced,
                "providers": {k: v.to_dict() for k, v in self.providers.items()}}


@dataclass(frozen=True)
class DeferralResult:
    inputs: tuple[InputRow, ...]
    totals: Totals
    by_class: Mapping[str, int]
    by_provider: Mapping[str, ProviderStats]
    codes: tuple[CodeRow, ...]
    window: Window
    scope: Scope
    retries: Retries
    timeline: tuple[TimelineRow, ...]
    relog_samples: tuple[str, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def recognised(self) -> bool:
        """Some input yielded at least one outcome or relog."""
        return any(i.events for i in self.inputs)

    @property
    def has_input_lines(self) -> bool:
        return any(i.lines for i in self.inputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [i.to_dict() for i in self.inputs],
            "totals": self.totals.to_dict(),
            "by_class": dict(self.by_class),
            "by_provider": {k: v.to_dict() for k, v in self.by_provider.items()},
            "codes": [c.to_dict() for c in self.codes],
            "window": self.window.to_dict(),
            "scope": self.scope.to_dict(),
            "retries": self.retries.to_dict(),
            "timeline": [t.to_dict() for t in self.timeline],
            "relog_samples": list(self.relog_samples),
        }
