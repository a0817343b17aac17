"""Constant-memory counters fed by the parsers, one ``Aggregator`` per run.

Policy: an attempt is a delivered, deferred or bounced outcome reported by the remote
side or the network; a relog (Postfix "delivery temporarily suspended", Exim "retry
time not reached") is counted apart and never enters attempts or rates. Every table is
bounded: past its limit new keys fold into "(other)", time buckets widen, and the
per-recipient retry tracker stops tracking (and says how many it skipped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from triage.deferrals.classify import Classifier, Verdict
from triage.sanitize import clean

OTHER = "(other)"
DELIVERED, DEFERRED, BOUNCED = 1, 2, 3
_KEYS_LIMIT = 20_000
_RETRY_LIMIT = 250_000
_BUCKET_LIMIT = 20_000
_SAMPLES = 5
BUCKET_SECONDS = 300  # the timeline's narrowest bucket
SAMPLE_CHARS = 2000


@dataclass
class InputStats:
    path: str
    format: str = "unknown"
    lines: int = 0
    events: int = 0
    unparsed: int = 0
    zoned: bool = False
    error: str | None = None


@dataclass
class CodeStat:
    count: int = 0
    deferred: int = 0
    bounced: int = 0
    first: float | None = None
    last: float | None = None
    sample: str = ""
    sample_host: str | None = None
    sample_ts: float | None = None
    verdict: Verdict | None = None


@dataclass
class Buckets:
    """Counts per time bucket; the width doubles when there are too many buckets. Each
    bucket also keeps the times of its first and last deferral, so a streak is measured
    from deferral to deferral, not from bucket edge to bucket edge."""

    width: int = BUCKET_SECONDS
    counts: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    deferred_span: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    # the latest delivery per bucket (a minute's start for deliveries counted per minute)
    delivered_last: dict[tuple[str, int], float] = field(default_factory=dict)

    def add(self, name: str, ts: float, slot: int, count: int = 1,
            last: float | None = None) -> None:
        """``count`` outcomes from ``ts`` to ``last`` (default ``ts``), all in one bucket."""
        key = (name, int(ts) // self.width)
        row = self.counts.get(key)
        if row is None:
            if len(self.counts) >= _BUCKET_LIMIT:
                self._widen()
                key = (name, int(ts) // self.width)
            row = self.counts.setdefault(key, [0, 0, 0, 0])
        row[0] += count
        row[slot] += count
        if slot == DEFERRED:
            merge_span(self.deferred_span, key, ts, ts if last is None else last)
        elif slot == DELIVERED:
            latest = ts if last is None else last
            self.delivered_last[key] = max(latest, self.delivered_last.get(key, latest))

    def _widen(self) -> None:
        self.width *= 2
        merged: dict[tuple[str, int], list[int]] = {}
        for (name, index), row in self.counts.items():
            into = merged.setdefault((name, index // 2), [0, 0, 0, 0])
            for i, value in enumerate(row):
                into[i] += value
        self.counts = merged
        spans: dict[tuple[str, int], list[float]] = {}
        for (name, index), (lo, hi) in self.deferred_span.items():
            merge_span(spans, (name, index // 2), lo, hi)
        self.deferred_span = spans
        latest: dict[tuple[str, int], float] = {}
        for (name, index), ts in self.delivered_last.items():
            latest[name, index // 2] = max(ts, latest.get((name, index // 2), ts))
        self.delivered_last = latest


def merge_span(spans: dict[tuple[str, int], list[float]], key: tuple[str, int], lo: float,
               hi: float) -> None:
    span = spans.get(key)
    if span is None:
        spans[key] = [lo, hi]
    else:
        span[0], span[1] = min(span[0], lo), max(span[1], hi)


def _bump(table: dict[str, list[int]], key: str, slot: int, count: int = 1) -> None:
    row = table.get(key)
    if row is None:
        if len(table) >= _KEYS_LIMIT:
            key = OTHER
        row = table.setdefault(key, [0, 0, 0, 0])
    row[0] += count
    row[slot] += count


class Aggregator:
    """Everything ``analyse`` reports, accumulated event by event."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.inputs: list[InputStats] = []
        self.totals = Counter[str]()
        self.providers: dict[str, list[int]] = {}
        self.provider_span: dict[str, list[float]] = {}
        self.classes = Counter[str]()
        self.codes: dict[tuple[object, ...], CodeStat] = {}
        self.hosts: dict[str, list[int]] = {}
        self.host_provider: dict[str, str] = {}
        self.domains: dict[str, list[int]] = {}
        self.ips: dict[str, list[int]] = {}
        self.forests: dict[str, list[int]] = {}
        self.forest_info: dict[str, tuple[str | None, str]] = {}
        self.timeline = Buckets()
        self.first: float | None = None
        self.last: float | None = None
        self.pending: set[Hashable] = set()  # hashes of (message id, recipient)
        # a worker reading the second half of a file records each recipient's first
        # retry-relevant outcome, so the merge can replay it against the first half's
        # pending set (workers.py); None in a normal run
        self.firsts: dict[Hashable, int] | None = None
        self.retry = Counter[str]()
        self.unparsed_samples: list[str] = []
        self.relog_samples: list[str] = []

    # -- per input -------------------------------------------------------------
    def begin(self, path: str) -> InputStats:
        stats = InputStats(path=path)
        self.inputs.append(stats)
        return stats

    def unparsed(self, stats: InputStats, line: bytes | str) -> None:
        stats.unparsed += 1
        self.totals["unparsed_lines"] += 1
        if len(self.unparsed_samples) < _SAMPLES:
            self.unparsed_samples.append(clean(line[:SAMPLE_CHARS]))

    # -- outcomes --------------------------------------------------------------
    def _seen(self, ts: float | None, provider: str, slot: int) -> None:
        if ts is None:
            return
        if self.first is None or ts < self.first:
            self.first = ts
        if self.last is None or ts > self.last:
            self.last = ts
        self.timeline.add(provider, ts, slot)

    def delivered(self, stats: InputStats, ts: float | None, host: str | None,
                  domain: str | None, key: Hashable, ip: str | None = None) -> None:
        stats.events += 1
        self.totals["attempts"] += 1
        self.totals["delivered"] += 1
        provider = self.classifier.provider_of(host, domain)
        _bump(self.providers, provider, DELIVERED)
        if host:
            _bump(self.hosts, host, DELIVERED)
            self.host_provider.setdefault(host, provider)
        if domain:
            _bump(self.domains, domain, DELIVERED)
        if ip:
            _bump(self.ips, ip, DELIVERED)
        self._seen(ts, provider, DELIVERED)
        if self.firsts is not None:
            self.firsts.setdefault(key, DELIVERED)
        if key in self.pending:
            self.pending.discard(key)
            self.retry["later_delivered"] += 1

    def delivered_many(self, stats: InputStats, ts: float | None, host: str | None,
                       domain: str | None, count: int) -> None:
        """``count`` deliveries in one time bucket to one host and domain (batched)."""
        stats.events += count
        self.totals["attempts"] += count
        self.totals["delivered"] += count
        provider = self.classifier.provider_of(host, domain)
        _bump(self.providers, provider, DELIVERED, count)
        if host:
            _bump(self.hosts, host, DELIVERED, count)
            self.host_provider.setdefault(host, provider)
        if domain:
            _bump(self.domains, domain, DELIVERED, count)
        if ts is not None:
            self.timeline.add(provider, ts, DELIVERED, count)

    def settle(self, key: Hashable) -> None:
        """A delivery of ``key`` (counted in bulk by ``delivered_many``) in log order:
        settle the recipient's earlier deferral, if any."""
        if key in self.pending:
            self.pending.discard(key)
            self.retry["later_delivered"] += 1

    def span(self, first: float | None, last: float | None) -> None:
        for ts in (first, last):
            if ts is not None:
                self.first = ts if self.first is None else min(self.first, ts)
                self.last = ts if self.last is None else max(self.last, ts)

    def failed(self, stats: InputStats, slot: int, ts: float | None, text: str,
               host: str | None, domain: str | None, key: Hashable,
               dsn: str | None = None, ip: str | None = None) -> Verdict:
        """A deferral (``slot`` DEFERRED) or bounce (BOUNCED) with the reply as logged."""
        verdict = self.classifier.classify(text, host, domain, dsn)
        self.failed_many(stats, slot, verdict, host, domain, 1, ts, ts, ts, ip)
        self.track(key, slot)
        return verdict

    def failed_many(self, stats: InputStats, slot: int, verdict: Verdict, host: str | None,
                    domain: str | None, count: int, ts: float | None, lo: float | None,
                    hi: float | None, ip: str | None = None) -> None:
        """``count`` failures with one verdict, host and domain, as ``count`` calls of
        ``failed`` would count them: ``ts`` is the first one's time, ``lo``/``hi`` the
        earliest and latest (None when none had one); all in one timeline bucket. The
        caller tracks retries (``track``) line by line, in log order."""
        stats.events += count
        self.totals["attempts"] += count
        self.totals["deferred" if slot == DEFERRED else "bounced"] += count
        provider = verdict.provider
        self.classes[verdict.cls] += count
        _bump(self.providers, provider, slot, count)
        span = self.provider_span.setdefault(provider, [ts or 0.0, ts or 0.0])
        if lo is not None and hi is not None:
            span[0], span[1] = min(span[0] or lo, lo), max(span[1], hi)
        if host:
            _bump(self.hosts, host, slot, count)
            self.host_provider.setdefault(host, provider)
        if domain:
            _bump(self.domains, domain, slot, count)
        sending_ip = ip or verdict.reply.sending_ip
        if sending_ip:
            _bump(self.ips, sending_ip, slot, count)
        if verdict.reply.forest:
            _bump(self.forests, verdict.reply.forest, slot, count)
            self.forest_info.setdefault(verdict.reply.forest, (verdict.reply.region, provider))
        self._code(verdict, slot, count, ts, lo, hi, host)
        if lo is not None and hi is not None:
            self.span(lo, hi)
            self.timeline.add(provider, lo, slot, count, hi)

    def relog(self, stats: InputStats, ts: float | None, text: str,
              key: Hashable | None = None) -> None:
        """A deferral repeated without a new attempt: no attempt, no rate; the recipient
        (``key``, where the log names one) still counts as deferred for the retries."""
        stats.events += 1
        self.totals["relogs"] += 1
        if key is not None:
            self.track(key, DEFERRED)
        if len(self.relog_samples) < _SAMPLES:
            self.relog_samples.append(clean(text[:SAMPLE_CHARS]))

    def note(self, name: str) -> None:
        """Count an informational outcome (e.g. ``expired``) that is not an attempt."""
        self.totals[name] += 1

    def track(self, key: Hashable, slot: int) -> None:
        if self.firsts is not None:
            self.firsts.setdefault(key, slot)
        if slot == BOUNCED:
            if key in self.pending:
                self.pending.discard(key)
                self.retry["later_bounced"] += 1
            return
        if key in self.pending:
            return
        if len(self.pending) >= _RETRY_LIMIT:
            self.retry["untracked"] += 1
            return
        self.pending.add(key)
        self.retry["deferred_recipients"] += 1

    def _code(self, verdict: Verdict, slot: int, count: int, ts: float | None,
              lo: float | None, hi: float | None, host: str | None) -> None:
        r = verdict.reply
        key = (r.code, r.enhanced, r.token, verdict.rule.id, verdict.provider)
        stat = self.codes.get(key)
        if stat is None:
            if len(self.codes) >= _KEYS_LIMIT:
                key = (None, None, None, verdict.rule.id, verdict.provider)
            stat = self.codes.setdefault(key, CodeStat(verdict=verdict))
        stat.count += count
        if slot == DEFERRED:
            stat.deferred += count
        else:
            stat.bounced += count
        if lo is not None and hi is not None:
            stat.first = lo if stat.first is None else min(stat.first, lo)
            stat.last = hi if stat.last is None else max(stat.last, hi)
        if not stat.sample:
            stat.sample = clean(r.text[:SAMPLE_CHARS])
            stat.sample_host = clean(host, 255) if host else None
            stat.sample_ts = ts
