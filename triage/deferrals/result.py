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
from triage.record import Record


@dataclass(frozen=True)
class InputRow(Record):
    """One input as read: ``format`` as detected (``unknown``, ``empty`` included)."""

    path: str
    format: str
    lines: int
    events: int
    unparsed: int
    error: str | None
    timezone: str | None = None  # "UTC", "unknown" (stamps without a zone), None (no times)



@dataclass(frozen=True)
class Totals(Record):
    attempts: int
    delivered: int
    deferred: int
    bounced: int
    relogs: int
    unparsed_lines: int
    expired: int



@dataclass(frozen=True)
class Retries(Record):
    """Deferred recipients and what became of them; ``untracked`` only in the totals
    (None, and left out of the JSON, per provider)."""

    deferred_recipients: int
    later_delivered: int
    later_bounced: int
    still_pending: int
    untracked: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.untracked is None:
            del out["untracked"]
        return out


@dataclass(frozen=True)
class StreakInfo(Record):
    """The longest run of deferrals to one provider (duration.py)."""

    start: str | None
    end: str | None
    minutes: float
    recovered: bool
    stage: str



@dataclass(frozen=True)
class ProviderStats(Record):
    JSON_OMIT = frozenset({"name"})  # the name is the key in ``by_provider``

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



@dataclass(frozen=True)
class CodeRow(Record):
    """One (reply, enhanced code, token, rule, provider) with its counts and sample."""

    JSON_NAMES = {"cls": "class"}

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



@dataclass(frozen=True)
class Window(Record):
    first_seen: str | None
    last_seen: str | None
    minutes: float | None
    timezone: str



@dataclass(frozen=True)
class ScopeRow(Record):
    """One recipient domain, receiving host, sending IP or forest."""

    name: str
    attempts: int
    delivered: int
    deferred: int
    bounced: int
    deferral_rate: float | None



@dataclass(frozen=True)
class HostRow(ScopeRow):
    """A receiving host and the provider first attributed to it."""

    provider: str



@dataclass(frozen=True)
class ForestRow(ScopeRow):
    """A Microsoft EOP forest, its region and provider."""

    region: str | None
    provider: str



@dataclass(frozen=True)
class Scope(Record):
    """The most affected of each kind (an "(other)" row is a plain ``ScopeRow``) and how
    many there were in all."""

    recipient_domains: tuple[ScopeRow, ...]
    receiving_hosts: tuple[ScopeRow, ...]
    sending_ips: tuple[ScopeRow, ...]
    forests: tuple[ScopeRow, ...]
    distinct: Mapping[str, int]



@dataclass(frozen=True)
class ProviderCounts(Record):
    """One provider's outcomes in one timeline bucket."""

    attempts: int
    delivered: int
    deferred: int
    bounced: int



@dataclass(frozen=True)
class TimelineRow(Record):
    start: str | None
    minutes: int
    delivered: int
    deferred: int
    bounced: int
    providers: Mapping[str, ProviderCounts]  # only providers with attempts in the bucket



@dataclass(frozen=True)
class DeferralResult(Record):
    JSON_OMIT = frozenset({"findings"})  # reported beside the fields, not among them

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
    unparsed_samples: tuple[str, ...] = ()  # the first unparsed lines, sanitized
    findings: tuple[Finding, ...] = ()

    @property
    def recognised(self) -> bool:
        """Some input yielded at least one outcome or relog."""
        return any(i.events for i in self.inputs)

    @property
    def has_input_lines(self) -> bool:
        return any(i.lines for i in self.inputs)
