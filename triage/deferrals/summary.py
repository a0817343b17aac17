"""From the run's counters to a ``DeferralResult``: ``build(agg, thresholds)``.

Policy: a deferral rate is deferred / attempts, in the normal band under 1 %, watch to
5 %, act above (thresholds.py: the defaults, or the numbers given); scope tables keep
the 20 most affected rows; the timeline's buckets are widened to at most about 96.
Sanitizing happens here: every log-sourced string is cleaned.

Time zones: each input keeps its own (``inputs[].timezone``): ``UTC`` when its stamps
carried a zone or were epoch seconds (converted to UTC as read), ``unknown`` when they
did not (syslog: the logging host's local time, which a log does not say), none when it
gave no time at all. Times are rendered with ``Z`` only when every input with times is
UTC; when UTC and unzoned inputs are merged, the window, timeline and streaks mix clocks
that may differ by the host's UTC offset, and ``deferrals.mixed_timezones`` says so. An
input that ended early (a damaged gzip stream) is ``deferrals.input_error``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import cast

from triage.deferrals.aggregate import (
    BOUNCED,
    DEFERRED,
    DELIVERED,
    OTHER,
    Aggregator,
    InputStats,
)
from triage.deferrals.assess import assess
from triage.deferrals.duration import longest
from triage.deferrals.result import (
    CodeRow,
    DeferralResult,
    ForestRow,
    HostRow,
    InputRow,
    ProviderCounts,
    ProviderStats,
    Retries,
    Scope,
    ScopeRow,
    StreakInfo,
    TimelineRow,
    Totals,
    Window,
)
from triage.deferrals.rules import CLASSES, PROVIDERS
from triage.deferrals.thresholds import Thresholds
from triage.deferrals.timeparse import render
from triage.findings import Finding, Severity
from triage.sanitize import clean

SCOPE_TOP = 20
_WIDTHS = (300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 604800)
_TIMELINE_MAX = 96
_TIMELESS = ("bare", "unknown", "empty")  # formats whose lines carry no time stamp
Stamp = Callable[[float | None], str | None]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def build(agg: Aggregator, thresholds: Thresholds | None = None) -> DeferralResult:
    """The result with its findings, judged by ``thresholds`` (the playbook's defaults)."""
    thresholds = thresholds or Thresholds()
    result = summarise(agg, thresholds)
    findings = assess(result, agg.classifier.rules, tuple(agg.unparsed_samples), thresholds)
    return replace(result, findings=(*_input_errors(result), *_mixed_zones(result),
                                     *findings))


def timezone(stats: InputStats) -> str | None:
    """``UTC``, ``unknown`` (stamps without a zone), ``mixed`` (some with, some without,
    e.g. a central log of hosts that log differently) or None (no time from this input)."""
    if not stats.events or stats.format in _TIMELESS:
        return None
    if stats.zoned:
        return "mixed" if stats.unzoned else "UTC"
    return "unknown"


def summarise(agg: Aggregator, thresholds: Thresholds) -> DeferralResult:
    """The result's fields, without findings."""
    zones = {timezone(i) for i in agg.inputs} - {None}
    zoned = zones == {"UTC"}

    def ts(value: float | None) -> str | None:
        return render(value, zoned)

    t = agg.totals
    minutes = (round((agg.last - agg.first) / 60, 1)
               if agg.first is not None and agg.last is not None else None)
    return DeferralResult(
        inputs=tuple(InputRow(clean(i.path, 500), i.format, i.lines, i.events, i.unparsed,
                              clean(i.error) if i.error else None, timezone(i))
                     for i in agg.inputs),
        totals=Totals(t["attempts"], t["delivered"], t["deferred"], t["bounced"],
                      t["relogs"], t["unparsed_lines"], t["expired"]),
        by_class={c: agg.classes[c] for c in CLASSES if agg.classes[c]},
        by_provider=_providers(agg, ts, thresholds),
        codes=_codes(agg, ts),
        window=Window(ts(agg.first), ts(agg.last), minutes, _window_zone(zones)),
        scope=_scope(agg),
        retries=_retries(agg.retry, len(agg.pending), agg.retry["untracked"]),
        timeline=_timeline(agg, ts),
        relog_samples=tuple(agg.relog_samples),
        unparsed_samples=tuple(agg.unparsed_samples),
    )


def _window_zone(zones: set[str | None]) -> str:
    if zones == {"UTC"}:
        return "UTC"
    if zones & {"UTC", "mixed"}:
        return "mixed: UTC and as logged (some time stamps carry no zone)"
    return "as logged (no zone in the log)"


def _input_errors(result: DeferralResult) -> list[Finding]:
    """An input that ended early: what was read is counted, the rest is missing."""
    return [Finding(
        "deferrals.input_error", Severity.ERROR, "deferrals",
        f"{i.path} could not be read to its end ({i.error}): the {i.lines} complete "
        "line(s) before the damage are counted, anything after it is missing.",
        "Get an undamaged copy of the log (a truncated .gz: copy it again, or "
        "decompress what is left with 'zcat FILE > FILE.txt' and give that).",
        {"path": i.path, "format": i.format, "lines": i.lines, "error": i.error},
    ) for i in result.inputs if i.error]


def _mixed_zones(result: DeferralResult) -> list[Finding]:
    """UTC time stamps and time stamps without a zone were merged into one window (from
    several inputs, or within one)."""
    utc = [i.path for i in result.inputs if i.timezone in ("UTC", "mixed")]
    unknown = [i.path for i in result.inputs if i.timezone in ("unknown", "mixed")]
    if not utc or not unknown:
        return []
    both = sorted(set(utc) & set(unknown))
    clocks = (f"{', '.join(both)} mixes time stamps in UTC (with a zone) and time stamps "
              "without a zone" if both else
              f"The times of {', '.join(utc)} are UTC, those of {', '.join(unknown)} carry "
              "no zone")
    return [Finding(
        "deferrals.mixed_timezones", Severity.WARNING, "deferrals",
        f"{clocks} (the logging host's local time): the window, timeline and streaks merge "
        "them as if both were UTC and may be off by that host's UTC offset.",
        "Analyse the inputs separately, or have the MTA host log zoned time stamps "
        "(rsyslog: the RSYSLOG_FileFormat template writes RFC 3339 times with the offset).",
        {"utc": utc, "unknown": unknown, "window": result.window.to_dict()},
    )]


def _retries(counts: Counter[str], pending: int, untracked: int | None = None) -> Retries:
    return Retries(counts["deferred_recipients"], counts["later_delivered"],
                   counts["later_bounced"], pending, untracked)


def _providers(agg: Aggregator, ts: Stamp, thresholds: Thresholds) -> dict[str, ProviderStats]:
    out: dict[str, ProviderStats] = {}
    pending = Counter(agg.pending.values())
    for provider in PROVIDERS:
        row = agg.providers.get(provider)
        if row is None:
            continue
        rate = _rate(row[DEFERRED], row[0])
        span = agg.provider_span.get(provider)
        streak = longest(agg.timeline, provider, thresholds.watch)
        out[provider] = ProviderStats(
            name=provider, attempts=row[0], delivered=row[DELIVERED],
            deferred=row[DEFERRED], bounced=row[BOUNCED], deferral_rate=rate,
            band=thresholds.band(rate), first_seen=ts(span[0]) if span else None,
            last_seen=ts(span[1]) if span else None,
            minutes=round((span[1] - span[0]) / 60, 1) if span else None,
            streak=None if streak is None else StreakInfo(
                ts(streak.start), ts(streak.end), streak.minutes, streak.recovered,
                thresholds.stage(streak.minutes)),
            retries=_retries(agg.provider_retry.get(provider, Counter()), pending[provider]),
        )
    return out


def _codes(agg: Aggregator, ts: Stamp) -> tuple[CodeRow, ...]:
    out = []
    for (code, enhanced, token, rule, provider), s in sorted(
        agg.codes.items(), key=lambda kv: (-kv[1].count, str(kv[0]))
    ):
        v = s.verdict
        assert v is not None
        out.append(CodeRow(
            reply=cast("int | None", code), enhanced=cast("str | None", enhanced),
            token=cast("str | None", token), cls=v.cls, provider=cast(str, provider),
            rule=cast(str, rule), transient=v.transient,
            will_not_clear=v.will_not_clear, action=v.action, count=s.count,
            deferred=s.deferred, bounced=s.bounced, first_seen=ts(s.first),
            last_seen=ts(s.last), sample=s.sample, host=s.sample_host,
            forest=v.reply.forest, region=v.reply.region,
        ))
    return tuple(out)


def _scope_rows(table: dict[str, list[int]],
                extra: Callable[[ScopeRow], ScopeRow] | None = None) -> tuple[ScopeRow, ...]:
    rows = sorted(table.items(), key=lambda kv: (-(kv[1][DEFERRED] + kv[1][BOUNCED]),
                                                 -kv[1][0], kv[0]))
    out = []
    for name, row in rows[:SCOPE_TOP]:
        item = ScopeRow(clean(name, 255), row[0], row[DELIVERED], row[DEFERRED], row[BOUNCED],
                        _rate(row[DEFERRED], row[0]))
        out.append(extra(item) if extra is not None and name != OTHER else item)
    return tuple(out)


def _scope(agg: Aggregator) -> Scope:
    def host(row: ScopeRow) -> ScopeRow:
        return HostRow(**asdict(row), provider=agg.host_provider.get(row.name, "other"))

    def forest(row: ScopeRow) -> ScopeRow:
        region, provider = agg.forest_info[row.name]
        return ForestRow(**asdict(row), region=region, provider=provider)

    return Scope(
        recipient_domains=_scope_rows(agg.domains),
        receiving_hosts=_scope_rows(agg.hosts, host),
        sending_ips=_scope_rows(agg.ips),
        forests=_scope_rows(agg.forests, forest),
        distinct={"recipient_domains": len(agg.domains), "receiving_hosts": len(agg.hosts),
                  "sending_ips": len(agg.ips), "forests": len(agg.forests)},
    )


def _timeline(agg: Aggregator, ts: Stamp) -> tuple[TimelineRow, ...]:
    if agg.first is None or agg.last is None:
        return ()
    base = agg.timeline.width
    span = agg.last - agg.first
    width = next((w for w in _WIDTHS if w >= base and w % base == 0
                  and span / w <= _TIMELINE_MAX), max(base, _WIDTHS[-1]))
    merged: dict[int, dict[str, list[int]]] = {}
    for (provider, index), row in agg.timeline.counts.items():
        bucket = merged.setdefault(index * base // width, {})
        into = bucket.setdefault(provider, [0, 0, 0, 0])
        for i, value in enumerate(row):
            into[i] += value
    out = []
    for i in range(min(merged), max(merged) + 1):
        rows = merged.get(i, {})
        providers = {p: ProviderCounts(*rows[p]) for p in PROVIDERS
                     if p in rows and rows[p][0]}
        out.append(TimelineRow(
            ts(i * width), width // 60,
            sum(r[DELIVERED] for r in rows.values()),
            sum(r[DEFERRED] for r in rows.values()),
            sum(r[BOUNCED] for r in rows.values()), providers))
    return tuple(out)
