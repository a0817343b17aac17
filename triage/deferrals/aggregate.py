"""Constant-memory counters fed by the parsers, one ``Aggregator`` per run.

Policy: an attempt is a delivered, deferred or bounced outcome reported by the remote
side or the network; a relog (Postfix "delivery temporarily suspended", Exim "retry
time not reached") is counted apart and never enters attempts or rates. Every table is
bounded: past its limit new keys fold into "(other)", time buckets widen, and the
per-recipient retry tracker stops tracking (and says how many it skipped). A deferred
recipient belongs to the provider of its first deferral (for a relog: of the host it
names, else of its recipient domain) until it is delivered, bounced or expires.

``Counts`` is everything counted; ``Aggregator`` adds the classifier and the event
methods the parsers call. A worker that read the rest of an input sends its ``Counts``
to its parent, whose ``Aggregator.merge`` folds them in as one pass would have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

from triage.deferrals.buckets import BOUNCED as BOUNCED
from triage.deferrals.buckets import BUCKET_LIMIT, add_rows
from triage.deferrals.buckets import BUCKET_SECONDS as BUCKET_SECONDS
from triage.deferrals.buckets import DEFERRED as DEFERRED
from triage.deferrals.buckets import DELIVERED as DELIVERED
from triage.deferrals.buckets import Buckets as Buckets
from triage.deferrals.classify import Classifier, Verdict
from triage.sanitize import clean

OTHER = "(other)"
_KEYS_LIMIT = 20_000
_RETRY_LIMIT = 250_000
_SAMPLES = 5
SAMPLE_CHARS = 2000


@dataclass
class InputStats:
    path: str
    format: str = "unknown"
    lines: int = 0
    events: int = 0
    unparsed: int = 0
    zoned: bool = False  # some time stamp carried its zone
    unzoned: bool = False  # some time stamp did not (both: the input mixes two clocks)
    error: str | None = None

    def extend(self, rest: InputStats) -> None:
        """Add the counts of the rest of this input, read by someone else (a worker)."""
        self.lines += rest.lines
        self.events += rest.events
        self.unparsed += rest.unparsed
        self.error = rest.error or self.error
        self.zoned = self.zoned or rest.zoned
        self.unzoned = self.unzoned or rest.unzoned


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

    def merge(self, later: CodeStat) -> CodeStat:
        """Add ``later``'s counts (read after this one's): the first sample stays."""
        self.count += later.count
        self.deferred += later.deferred
        self.bounced += later.bounced
        if later.first is not None:
            self.first = later.first if self.first is None else min(self.first, later.first)
        if later.last is not None:
            self.last = later.last if self.last is None else max(self.last, later.last)
        if not self.sample and later.sample:
            self.sample, self.sample_host = later.sample, later.sample_host
            self.sample_ts = later.sample_ts
        return self


def _bump(table: dict[str, list[int]], key: str, slot: int, count: int = 1) -> None:
    row = table.get(key)
    if row is None:
        if len(table) >= _KEYS_LIMIT:
            key = OTHER
        row = table.setdefault(key, [0, 0, 0, 0])
    row[0] += count
    row[slot] += count


RetryField = Literal["deferred_recipients", "later_delivered", "later_bounced"]
Fate = Literal["later_delivered", "later_bounced", "expired"]


class Counts:
    """Everything ``analyse`` reports, as counted so far (no classifier: picklable)."""

    def __init__(self, follows: bool = False) -> None:
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
        # deferred recipients (hashes of message id and recipient) -> their provider
        self.pending: dict[Hashable, str] = {}
        # counting what follows another aggregator's input (``follows``), each recipient's
        # first retry-relevant outcome is recorded, with the provider of a first deferral
        # and what became of that first deferral, so ``merge`` can replay them against
        # that aggregator's pending recipients
        self.firsts: dict[Hashable, int] | None = {} if follows else None
        self.first_deferrals: dict[Hashable, str] = {}
        self.fates: dict[Hashable, Fate] = {}
        self.retry = Counter[str]()  # totals, and ``untracked``
        self.provider_retry: dict[str, Counter[str]] = {}
        self.unparsed_samples: list[str] = []
        self.relog_samples: list[str] = []

    def counts(self) -> Counts:
        """These counters alone (shared, not copied): what a worker sends its parent."""
        out = Counts()
        out.__dict__.update((k, v) for k, v in self.__dict__.items() if k in out.__dict__)
        return out

    def retried(self, provider: str, name: RetryField, count: int = 1) -> None:
        """Count a retry outcome for ``provider`` and in the totals."""
        self.retry[name] += count
        counts = self.provider_retry.get(provider)
        if counts is None:  # not setdefault: that would build a Counter on every call
            counts = self.provider_retry[provider] = Counter()
        counts[name] += count


class Aggregator(Counts):
    """Counts fed event by event; ``merge`` adds what a worker counted."""

    def __init__(self, classifier: Classifier, follows: bool = False) -> None:
        super().__init__(follows)
        self.classifier = classifier

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
        self.settle(key)

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
        self._settled(key, "later_delivered")

    def expire(self, key: Hashable) -> None:
        """The MTA gave up on ``key`` (queue lifetime): no longer pending, not bounced."""
        self._settled(key, "expired")

    def _settled(self, key: Hashable, fate: Fate) -> None:
        provider = self.pending.pop(key, None)
        if provider is None:
            return
        if fate != "expired":
            self.retried(provider, fate)
        if self.firsts is not None:
            self.fates.setdefault(key, fate)

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
        self.track(key, slot, verdict.provider)
        return verdict

    def failed_many(self, stats: InputStats, slot: int, verdict: Verdict, host: str | None,
                    domain: str | None, count: int, ts: float | None, lo: float | None,
                    hi: float | None, ip: str | None = None, timeline: bool = True) -> None:
        """``count`` failures with one verdict, host and domain, as ``count`` calls of
        ``failed`` would count them: ``ts`` is the first one's time, ``lo``/``hi`` the
        earliest and latest (None when none had one); all in one timeline bucket. The
        caller tracks retries (``track``) line by line, in log order. ``timeline`` False:
        the caller has added them to the timeline itself, bucket by bucket (then they
        may span several buckets)."""
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
            if timeline:
                self.timeline.add(provider, lo, slot, count, hi)

    def relog(self, stats: InputStats, ts: float | None, text: str,
              key: Hashable | None = None, domain: str | None = None,
              host: str | None = None) -> None:
        """A deferral repeated without a new attempt: no attempt, no rate; the recipient
        (``key``, where the log names one) still counts as deferred for the retries, for
        the provider of the ``host`` that failed, else of its ``domain``."""
        stats.events += 1
        self.totals["relogs"] += 1
        if key is not None:
            self.track(key, DEFERRED, self.classifier.provider_of(host, domain))
        if len(self.relog_samples) < _SAMPLES:
            self.relog_samples.append(clean(text[:SAMPLE_CHARS]))

    def note(self, name: str) -> None:
        """Count an informational outcome (e.g. ``expired``) that is not an attempt."""
        self.totals[name] += 1

    def track(self, key: Hashable, slot: int, provider: str) -> None:
        """A deferral or bounce of recipient ``key`` (to ``provider``), in log order."""
        if self.firsts is not None and key not in self.firsts:
            self.firsts[key] = slot
            if slot == DEFERRED:
                self.first_deferrals[key] = provider
        if slot == BOUNCED:
            self._settled(key, "later_bounced")
            return
        if key in self.pending:
            return
        if len(self.pending) >= _RETRY_LIMIT:
            self.retry["untracked"] += 1
            return
        self.pending[key] = provider
        self.retried(provider, "deferred_recipients")

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

    # -- merging a worker's counts ------------------------------------------------
    def merge(self, other: Counts) -> bool:
        """Fold in ``other``, which counted the rest of this aggregator's last input (it
        was made with ``follows``: a worker that read the input's second half), exactly
        as one pass would have: this side's values come first (samples, a host's first
        provider, a code's first reply) and each recipient's first retry outcome in
        ``other`` is replayed against the recipients pending here. False, with nothing
        changed, when that cannot be guaranteed: then read the rest here instead."""
        if not self._mergeable(other):
            return False
        self.inputs[-1].extend(other.inputs[0])
        self.inputs.extend(other.inputs[1:])
        self._merge_retries(other)
        self.totals.update(other.totals)
        self.classes.update(other.classes)
        for ours, theirs in ((self.providers, other.providers), (self.hosts, other.hosts),
                             (self.domains, other.domains), (self.ips, other.ips),
                             (self.forests, other.forests)):
            add_rows(ours, theirs)
        for host, provider in other.host_provider.items():
            self.host_provider.setdefault(host, provider)
        for forest, info in other.forest_info.items():
            self.forest_info.setdefault(forest, info)
        for provider, (lo, hi) in other.provider_span.items():
            span = self.provider_span.get(provider)
            if span is None:
                self.provider_span[provider] = [lo, hi]
            elif lo or hi:  # [0.0, 0.0]: seen there without a time stamp
                span[0], span[1] = min(span[0] or lo, lo), max(span[1], hi)
        for key, stat in other.codes.items():
            self.codes[key] = self.codes[key].merge(stat) if key in self.codes else stat
        self.timeline.merge(other.timeline)
        self.span(other.first, other.last)
        self.unparsed_samples = (self.unparsed_samples + other.unparsed_samples)[:_SAMPLES]
        self.relog_samples = (self.relog_samples + other.relog_samples)[:_SAMPLES]
        return True

    def _mergeable(self, other: Counts) -> bool:
        """One pass would have filled no bounded table and tracked every recipient."""
        if other.firsts is None or not self.inputs or not other.inputs:
            return False
        if other.inputs[0].format != self.inputs[-1].format:
            return False
        if self.retry["untracked"] or other.retry["untracked"]:
            return False
        if len(self.pending) + other.retry["deferred_recipients"] >= _RETRY_LIMIT:
            return False
        if not self.timeline.width == other.timeline.width == BUCKET_SECONDS:
            return False
        if len(self.timeline.counts) + len(other.timeline.counts) >= BUCKET_LIMIT:
            return False
        pairs = ((self.providers, other.providers), (self.hosts, other.hosts),
                 (self.domains, other.domains), (self.ips, other.ips),
                 (self.forests, other.forests))
        if any(len(ours) + len(theirs) >= _KEYS_LIMIT for ours, theirs in pairs):
            return False
        return len(self.codes) + len(other.codes) < _KEYS_LIMIT

    def _merge_retries(self, other: Counts) -> None:
        """A recipient pending here whose first outcome there is a delivery or a bounce
        is settled here. A deferral there was no new deferred recipient: it stays this
        side's, with this side's provider, and what became of it there moves over."""
        assert other.firsts is not None
        moved: dict[Hashable, str] = {}
        for key, first in other.firsts.items():
            provider = self.pending.pop(key, None)
            if provider is None:
                continue
            if first == DELIVERED:
                self.retried(provider, "later_delivered")
            elif first == BOUNCED:
                self.retried(provider, "later_bounced")
            else:
                theirs = other.first_deferrals[key]
                self.retried(theirs, "deferred_recipients", -1)
                fate = other.fates.get(key)
                if fate is None:  # still pending there
                    moved[key] = provider
                elif fate != "expired" and theirs != provider:
                    self.retried(theirs, fate, -1)
                    self.retried(provider, fate)
        if self.firsts is not None:
            for key, first in other.firsts.items():
                self.firsts.setdefault(key, first)
            for key, provider in other.first_deferrals.items():
                self.first_deferrals.setdefault(key, provider)
            for key, fate in other.fates.items():
                self.fates.setdefault(key, fate)
        self.retry.update(other.retry)
        for provider, counts in other.provider_retry.items():
            self.provider_retry.setdefault(provider, Counter()).update(counts)
        self.pending.update(other.pending)
        self.pending.update(moved)

