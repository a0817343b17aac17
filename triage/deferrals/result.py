"""The result of a deferral analysis: the contract's ``deferrals`` fields plus findings.

``DeferralResult`` is what ``triage deferrals`` prints and what ``triage check`` nests
under ``deferrals``; ``summarise`` turns the run's counters into those JSON-ready fields
(all keys present). Sanitising happens here: every log-sourced string is cleaned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.deferrals.aggregate import BOUNCED, DEFERRED, DELIVERED, OTHER, Aggregator
from triage.deferrals.duration import longest, stage
from triage.deferrals.rules import CLASSES, PROVIDERS
from triage.deferrals.timeparse import render
from triage.findings import Finding
from triage.sanitize import clean

WATCH, ACT = 0.01, 0.05
SCOPE_TOP = 20
_WIDTHS = (300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 604800)
_TIMELINE_MAX = 96


@dataclass(frozen=True)
class DeferralResult:
    body: dict[str, Any]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.body)


def band(rate: float | None) -> str | None:
    if rate is None:
        return None
    return "act" if rate > ACT else "watch" if rate >= WATCH else "normal"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def summarise(agg: Aggregator) -> dict[str, Any]:
    zoned = bool(agg.inputs) and all(i.zoned for i in agg.inputs if i.events)
    def ts(value: float | None) -> str | None:
        return render(value, zoned)

    t = agg.totals
    minutes = (round((agg.last - agg.first) / 60, 1)
               if agg.first is not None and agg.last is not None else None)
    return {
        "inputs": [{"path": clean(i.path, 500), "format": i.format, "lines": i.lines,
                    "events": i.events, "unparsed": i.unparsed,
                    "error": clean(i.error) if i.error else None} for i in agg.inputs],
        "totals": {k: t[k] for k in ("attempts", "delivered", "deferred", "bounced",
                                     "relogs", "unparsed_lines", "expired")},
        "by_class": {c: agg.classes[c] for c in CLASSES if agg.classes[c]},
        "by_provider": _providers(agg, ts),
        "codes": _codes(agg, ts),
        "window": {"first_seen": ts(agg.first), "last_seen": ts(agg.last), "minutes": minutes,
                   "timezone": "UTC" if zoned else "as logged (no zone in the log)"},
        "scope": _scope(agg),
        "retries": {"deferred_recipients": agg.retry["deferred_recipients"],
                    "later_delivered": agg.retry["later_delivered"],
                    "later_bounced": agg.retry["later_bounced"],
                    "still_pending": len(agg.pending),
                    "untracked": agg.retry["untracked"]},
        "timeline": _timeline(agg, ts),
        "relog_samples": list(agg.relog_samples),
    }


def _providers(agg: Aggregator, ts: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for provider in PROVIDERS:
        row = agg.providers.get(provider)
        if row is None:
            continue
        rate = _rate(row[DEFERRED], row[0])
        span = agg.provider_span.get(provider)
        streak = longest(agg.timeline, provider)
        out[provider] = {
            "attempts": row[0], "delivered": row[DELIVERED], "deferred": row[DEFERRED],
            "bounced": row[BOUNCED], "deferral_rate": rate, "band": band(rate),
            "first_seen": ts(span[0]) if span else None,
            "last_seen": ts(span[1]) if span else None,
            "minutes": round((span[1] - span[0]) / 60, 1) if span else None,
            "streak": None if streak is None else {
                "start": ts(streak.start), "end": ts(streak.end), "minutes": streak.minutes,
                "recovered": streak.recovered, "stage": stage(streak.minutes)},
        }
    return out


def _codes(agg: Aggregator, ts: Any) -> list[dict[str, Any]]:
    out = []
    for (code, enhanced, token, rule, provider), s in sorted(
        agg.codes.items(), key=lambda kv: (-kv[1].count, str(kv[0]))
    ):
        v = s.verdict
        assert v is not None
        out.append({
            "reply": code, "enhanced": enhanced, "token": token, "class": v.cls,
            "provider": provider, "rule": rule, "transient": v.transient,
            "will_not_clear": v.will_not_clear, "action": v.rule.action, "count": s.count,
            "deferred": s.deferred, "bounced": s.bounced, "first_seen": ts(s.first),
            "last_seen": ts(s.last), "sample": s.sample, "host": s.sample_host,
            "forest": v.reply.forest, "region": v.reply.region,
        })
    return out


def _scope_rows(table: dict[str, list[int]], extra: Any = None) -> list[dict[str, Any]]:
    rows = sorted(table.items(), key=lambda kv: (-(kv[1][DEFERRED] + kv[1][BOUNCED]),
                                                 -kv[1][0], kv[0]))
    out = []
    for name, row in rows[:SCOPE_TOP]:
        item = {"name": clean(name, 255), "attempts": row[0], "delivered": row[DELIVERED],
                "deferred": row[DEFERRED], "bounced": row[BOUNCED],
                "deferral_rate": _rate(row[DEFERRED], row[0])}
        if extra is not None and name != OTHER:
            item.update(extra(name))
        out.append(item)
    return out


def _scope(agg: Aggregator) -> dict[str, Any]:
    forest = lambda name: {"region": agg.forest_info[name][0],  # noqa: E731
                           "provider": agg.forest_info[name][1]}
    host = lambda name: {"provider": agg.host_provider.get(name, "other")}  # noqa: E731
    return {
        "recipient_domains": _scope_rows(agg.domains),
        "receiving_hosts": _scope_rows(agg.hosts, host),
        "sending_ips": _scope_rows(agg.ips),
        "forests": _scope_rows(agg.forests, forest),
        "distinct": {"recipient_domains": len(agg.domains), "receiving_hosts": len(agg.hosts),
                     "sending_ips": len(agg.ips), "forests": len(agg.forests)},
    }


def _timeline(agg: Aggregator, ts: Any) -> list[dict[str, Any]]:
    if agg.first is None or agg.last is None:
        return []
    base = agg.timeline.width
    span = agg.last - agg.first
    width = next((w for w in _WIDTHS if w >= base and w % base == 0
                  and span / w <= _TIMELINE_MAX), max(base, _WIDTHS[-1]))
    merged: dict[int, list[int]] = {}
    for (_, index), row in agg.timeline.counts.items():
        into = merged.setdefault(index * base // width, [0, 0, 0, 0])
        for i in (DELIVERED, DEFERRED, BOUNCED):
            into[i] += row[i]
    lo, hi = min(merged), max(merged)
    return [{"start": ts(i * width), "minutes": width // 60,
             "delivered": merged.get(i, [0] * 4)[DELIVERED],
             "deferred": merged.get(i, [0] * 4)[DEFERRED],
             "bounced": merged.get(i, [0] * 4)[BOUNCED]} for i in range(lo, hi + 1)]
