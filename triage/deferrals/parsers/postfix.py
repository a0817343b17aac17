"""Postfix: per-recipient ``status=`` records of smtp/lmtp/error (and qmgr expiries).

Policy: a chunk is read a minute at a time (postfix_runs.py): the records of a run of
lines that share a syslog minute (or an RFC 3339 minute and zone) are matched by one
``findall``, so the other 80-90 % of a mail log (smtpd, cleanup, qmgr) and the stamp of
each line cost no Python work. A run with a status line that is not a plain record, and
a stretch of lines with another stamp (``<PRI>``, no zone), are read line by line
(``_lines``), with the same result for every line: both count deliveries per minute and
read a failure's time in whole seconds. ``delivery temporarily suspended`` is a relog
(qmgr deferred the mail without contacting the host). A ``status=`` line that does not
parse is unparsed; local delivery agents (local, virtual, pipe, discard) are not remote
attempts and are skipped.

Per-reply work (unwrapping, classification, samples) is paid once per reply key
(replykey.py: the reply without its per-message tokens). Failures are grouped per chunk
by (reply, host, domain, dsn, time bucket); each group's bucket goes to the timeline at
the chunk's end and the rest is held back (``_carry``) and added once per distinct
outcome by ``flush``: at the end, and before a worker's counts are merged.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from triage.deferrals.aggregate import (
    BOUNCED,
    BUCKET_SECONDS,
    DEFERRED,
    DELIVERED,
    Aggregator,
    InputStats,
)
from triage.deferrals.parsers import postfix_runs as runs
from triage.deferrals.reply import strip_postfix
from triage.deferrals.replykey import reply_key
from triage.deferrals.timeparse import Clock

if TYPE_CHECKING:
    from triage.deferrals.classify import Verdict

NAME = "postfix"
_LINE = re.compile(
    rb"(?:<\d+>\d? ?)?(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ][\d:.]+"
    rb"(?:Z|[+-]\d\d:?\d\d)?) (?:\S+ )?(?P<svc>[\w./-]+)\[\d+\]: (?P<qid>[0-9A-Za-z]+): "
    rb"to=<(?P<rcpt>[^>]*)>,(?: orig_to=<[^>]*>,)? relay=(?P<relay>[^,]*),.*? "
    rb"dsn=(?P<dsn>\d\.\d{1,3}\.\d{1,3}), status=(?P<status>[a-z-]+)(?: \((?P<text>.*))?\s*$",
    re.S,
)  # the reply runs to the line's end; its closing ")" is checked after (runs.closed)
_STAMP = re.compile(
    rb"(?:<\d+>\d? ?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d)"
)
# the common case, a syslog-stamped delivery to an address with an "@": batched per
# minute, relay and domain. Kept to what sre matches fastest (about 0.7 us a line here,
# half the cost of the general pattern): a line it does not take (a <PRI> prefix, an
# unzoned stamp, a recipient without "@") goes through _LINE with the same result.
_SENT = re.compile(
    rb"(([A-Z][a-z][a-z] [ \d]\d \d\d:\d\d)():\d\d) (?:\S+ )?([\w./-]+)\[\d+\]: "
    rb"([0-9A-Za-z]+: to=<[^>]*@([^>@]*))>,(?: orig_to=<[^>]*>,)? relay=([^,]*),"
)
# the same with a zoned RFC 3339 stamp (rsyslog's default on recent Debian and Ubuntu),
# counted per minute and zone as the runs count it
_SENT_ISO = re.compile(
    rb"((\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d(?:\.\d{1,9}+)?+(Z|[+-]\d\d:\d\d)) (?:\S+ )?"
    rb"([\w./-]+)\[\d+\]: ([0-9A-Za-z]+: to=<[^>]*@([^>@]*))>,(?: orig_to=<[^>]*>,)? "
    rb"relay=([^,]*),"
)
_LOCAL_AGENTS = tuple(b"/" + agent for agent in runs.LOCAL_AGENTS)  # as svc ends
_SIGNATURE = re.compile(rb"postfix[\w./-]*\[\d+\]: ", re.I)
_SUSPENDED = "delivery temporarily suspended: "
_CARRY_LIMIT = 4096
_Group = tuple[int, bytes, str | None, str | None, bytes, int | None]
_Ident = tuple[bytes, bytes, bytes, bytes, bytes]
# (slot, verdict (None for a relog), host, domain, provider the recipient is tracked for)
_Known = tuple[int, "Verdict | None", str | None, str | None, str]


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self._hosts: dict[bytes, str | None] = {}
        self._domains: dict[bytes, str | None] = {}
        self._known: dict[_Ident, _Known] = {}
        self._window = runs.MIN_WINDOW  # bytes ahead where a run's end is looked for
        self._claimed: set[bytes] = set()  # relays whose host has a provider on record
        self._replies: dict[bytes, tuple[str, str | None, bool]] = {}
        # failures of this chunk: (slot, reply key, host, domain, dsn, time bucket) ->
        # [verdict, count, first time, earliest, latest], in order of first appearance
        self._failed: dict[_Group, list[Any]] = {}
        self._carry: dict[tuple[Any, ...], list[Any]] = {}  # see _flush_failed
        self._sent: dict[tuple[bytes, bytes], int] = {}  # see _flush
        self._providers: dict[tuple[bytes, bytes], str] = {}

    def feed(self, chunk: bytes) -> int:
        """Deliveries are counted per (minute, relay, domain) and added at the chunk's end;
        what depends on order (settling a deferred recipient, the first provider seen for
        a host) happens in log order, so the chunking never changes a result. Returns the
        chunk's line count.

        The chunk is cut into runs of lines that share one syslog minute (found and
        checked with ``bytes.rfind``/``count``); a run's records are matched by one
        ``findall`` and the minute is read once per run. A run whose status lines do not
        all match that way (another stamp, an unusual record) is read line by line."""
        if b"\x00" in chunk or b"\x1b" in chunk:
            self._junk(chunk)
        sent: Counter[tuple[bytes, bytes, bytes]] = Counter()
        span: set[bytes] = set()
        size, pos, lines = len(chunk), 0, 0
        while pos < size:
            end, minute, count = runs.find(chunk, pos, size, self._window)
            lines += count
            if minute is None or not self._run_rows(chunk, pos, end, minute, sent, span):
                self._lines(chunk, pos, end, sent, span)
            else:
                self._window = max(runs.MIN_WINDOW, 2 * (end - pos))
            pos = end
        if self._failed:
            self._flush_failed()
        if sent:
            self._flush(sent, span)
        return lines

    def _run_rows(self, chunk: bytes, start: int, end: int, minute: bytes,
                  sent: Counter[tuple[bytes, bytes, bytes]], span: set[bytes]) -> bool:
        """Count the records of ``chunk[start:end]``, whose lines all begin with ``minute``;
        False, with nothing counted, when a status line there is not a plain record (the
        caller then reads the run line by line)."""
        second = runs.SYSLOG_SECOND if minute[:1].isalpha() else runs.ISO_SECOND
        run = runs.read(chunk, start, end, second)
        if run is None:
            return False
        if run.expired:
            self.agg.totals["expired"] += run.expired
        if not run.rows:
            return True
        self._in_order(run, self.clock.minute(minute, self.stats))
        for (relay, domain), count in run.sent.items():
            sent[minute, relay, domain] += count
        if run.sent:  # the first and the last delivery's stamps bound the run's
            first = next(row[1] for row in run.rows if not row[5])
            last = next(row[1] for row in reversed(run.rows) if not row[5])
            span.add(runs.sent_stamp(chunk, first, start, end, first=True))
            span.add(runs.sent_stamp(chunk, last, start, end, first=False))
        return True

    def _in_order(self, run: runs.Run, base: float | None) -> None:
        """A run's records one by one, in log order."""
        delivered, failure = self._delivered, self._failure
        failed = zip(run.seconds, run.texts, run.keys, strict=True)
        for _, who, domain, relay, dsn, status, _ in run.rows:
            if not status:
                delivered(who, domain, relay)
                continue
            second, text, norm = next(failed)
            at = None if base is None else base + second
            failure(at, hash(who), (status, norm, relay, domain, dsn), text)

    def _lines(self, chunk: bytes, pos: int, stop: int,
               sent: Counter[tuple[bytes, bytes, bytes]], span: set[bytes]) -> None:
        """``chunk[pos:stop]`` (whole lines), status line by status line."""
        find, rfind, match = chunk.find, chunk.rfind, _LINE.match
        sent_match, iso_match, startswith = _SENT.match, _SENT_ISO.match, chunk.startswith
        while True:
            i = find(b" status=", pos, stop)
            if i < 0:
                break
            start = rfind(b"\n", 0, i) + 1
            end = find(b"\n", i, stop)
            if end < 0:
                end = stop
            pos = end
            if startswith(b"sent ", i + 8):
                s = (iso_match if 48 <= chunk[start] <= 57 else sent_match)(chunk, start, end)
                if s is not None:
                    # stamp, minute, zone, service, "QID: to=<RCPT" (the retry key), domain,
                    # relay
                    stamp, minute, zone, svc, who, domain, relay = s.groups()
                    if not svc.endswith(_LOCAL_AGENTS):
                        sent[minute + zone, relay, domain] += 1
                        span.add(stamp)
                        self._delivered(who, domain, relay)
                    continue
            m = match(chunk, start, end)
            if m is None:
                self._other(chunk[start:end])
                continue
            ts, svc, qid, rcpt, relay, dsn, status, text = m.groups()
            if svc.rsplit(b"/", 1)[-1] in runs.LOCAL_AGENTS:
                continue
            if text is not None:
                text = runs.closed(text)
                if text is None:
                    self._other(chunk[start:end])
                    continue
            self._record(ts, qid, rcpt, relay, dsn, status, text)

    def _delivered(self, who: bytes, domain: bytes, relay: bytes) -> None:
        """What a delivery decides in log order (its counts are added per chunk): the
        provider of a host seen first here, the fate of the recipient's deferral."""
        if relay not in self._claimed:
            self._claim(relay, domain)
        agg = self.agg
        if agg.pending or agg.firsts is not None:
            key = hash(who)  # "QID: to=<RCPT"
            if agg.firsts is not None:
                agg.firsts.setdefault(key, DELIVERED)
            if key in agg.pending:
                agg.settle(key)

    def _claim(self, relay: bytes, domain: bytes) -> None:
        """The first outcome seen for a host names its provider (as ``delivered`` does)."""
        if len(self._claimed) > 10_000:
            self._claimed.clear()
        self._claimed.add(relay)
        host = self._host(relay)
        if host:
            self.agg.host_provider.setdefault(
                host, self.agg.classifier.provider_of(host, self._domain(domain)))

    def _flush(self, sent: Counter[tuple[bytes, bytes, bytes]], span: set[bytes]) -> None:
        # the timeline gets one call per provider and time bucket, at the bucket's latest
        # minute (it keeps each bucket's last delivery); the other tables are counted per
        # relay and domain and added by ``flush``
        carry = self._sent
        buckets: dict[tuple[str, float], list[float]] = {}
        for (minute, relay, domain), count in sent.items():
            carry[relay, domain] = carry.get((relay, domain), 0) + count
            ts = self.clock.minute(minute, self.stats)
            if ts is None:
                continue
            key = (self._provider(relay, domain), ts - ts % BUCKET_SECONDS)
            row = buckets.get(key)
            if row is None:
                buckets[key] = [count, ts]
            else:
                row[0] += count
                row[1] = max(row[1], ts)
        add = self.agg.timeline.add
        for (provider, _), (total, latest) in buckets.items():
            add(provider, latest, DELIVERED, int(total))
        lo, hi = min(span), max(span)
        first = last = None
        if lo[:3] == hi[:3] and lo[:1].isalpha():
            # one month name and one year: the text order is the time order
            first, last = self.clock.syslog(lo), self.clock.syslog(hi)
        if first is None or last is None or first > last:
            stamps = [t for t in (self.clock.stamp(s, self.stats) for s in span)
                      if t is not None]
            first, last = (min(stamps), max(stamps)) if stamps else (None, None)
        self.agg.span(first, last)
        if len(carry) > _CARRY_LIMIT:
            self.flush()

    def _provider(self, relay: bytes, domain: bytes) -> str:
        """The provider a delivery to ``relay`` for ``domain`` is counted for."""
        provider = self._providers.get((relay, domain))
        if provider is None:
            if len(self._providers) > 10_000:
                self._providers.clear()
            provider = self._providers[relay, domain] = self.agg.classifier.provider_of(
                self._host(relay), self._domain(domain))
        return provider

    def _record(self, ts: bytes, qid: bytes, rcpt: bytes, relay: bytes, dsn: bytes,
                status: bytes, text: bytes | None) -> None:
        seconds = self.clock.stamp(ts, self.stats)
        if seconds is not None:  # whole seconds, as the runs read them
            seconds = float(math.floor(seconds))
        key = hash(qid + b": to=<" + rcpt)  # the runs' retry key
        domain = rcpt.rpartition(b"@")[2]
        if status == b"sent":
            self.agg.delivered(self.stats, seconds, self._host(relay), self._domain(domain),
                               key)
        elif status in (b"deferred", b"bounced"):
            raw = text or b""
            self._failure(seconds, key, (status, reply_key(raw), relay, domain, dsn), raw)

    def _failure(self, seconds: float | None, key: int, ident: _Ident, raw: bytes) -> None:
        """A deferred or bounced record (or a relog), in log order. ``ident`` is (status,
        reply key, relay, domain, dsn): what the record's verdict depends on."""
        known = self._known.get(ident)
        if known is None:
            known = self._identify(ident, raw)
        slot, verdict, host, domain, _ = known
        if verdict is None:  # a relog: its own text (samples), not the first with its key
            self.agg.relog(self.stats, seconds, raw.decode("utf-8", "replace"), key, domain,
                           host)
            return
        # one aggregator call per reply, host, domain and time bucket at the chunk's end
        window = None if seconds is None else int(seconds) // BUCKET_SECONDS
        group = (slot, ident[1], host, domain, ident[4], window)
        row = self._failed.get(group)
        if row is None:
            self._failed[group] = [verdict, 1, seconds, seconds, seconds]
        else:
            row[1] += 1
            if seconds is not None:
                if seconds < row[3]:
                    row[3] = seconds
                elif seconds > row[4]:
                    row[4] = seconds
        agg = self.agg
        if slot == DEFERRED and agg.firsts is None and key in agg.pending:
            return  # deferred again: still pending (what ``track`` would conclude)
        agg.track(key, slot, verdict.provider)

    def _identify(self, ident: _Ident, raw: bytes) -> _Known:
        """(slot, verdict or None for a relog, host, domain) of a new ``ident``; the first
        verdict for a host names its provider (in log order, like a delivery's)."""
        status, norm, relay, domain, dsn = ident
        host, name = self._host(relay), self._domain(domain)
        reply, said_host, relog = self._reply(norm, raw)
        if host is None:
            host = said_host
        slot = DEFERRED if status == b"deferred" else BOUNCED
        if relog:  # tracked for the host that failed, else the recipient domain
            verdict, provider = None, self.agg.classifier.provider_of(host, name)
        else:
            verdict = self.agg.classifier.classify(reply, host, name, dsn.decode())
            provider = verdict.provider
            if host:
                self.agg.host_provider.setdefault(host, provider)
        if len(self._known) > 10_000:
            self._known.clear()
        known = self._known[ident] = (slot, verdict, host, name, provider)
        return known

    def _reply(self, norm: bytes, text: bytes) -> tuple[str, str | None, bool]:
        """(reply, host named in it, relog?) for a status text, cached on its key ``norm``
        (``text`` without its per-message tokens): the first text seen with a key."""
        found = self._replies.get(norm)
        if found is None:
            reply = text.decode("utf-8", "replace")
            if reply.startswith(_SUSPENDED):  # the host that failed is named in it
                rest = reply[len(_SUSPENDED):]
                found = (reply, strip_postfix(rest)[1] or _connect_host(rest), True)
            else:
                reply, said_host, _stage = strip_postfix(reply)
                found = (reply, said_host or _connect_host(reply), False)
            if len(self._replies) > 10_000:
                self._replies.clear()
            self._replies[norm] = found
        return found

    def _flush_failed(self) -> None:
        """Add the chunk's failures: each group's time bucket to the timeline now, the
        rest to ``_carry``, where groups that differ only in their bucket or in reply
        text the aggregator does not keep (session ids) are merged in order of first
        appearance (so the first reply stays the sample) and added by ``flush``: one
        aggregator call per distinct outcome, not one per outcome and bucket."""
        carry = self._carry
        timeline: dict[tuple[str, int, int | None], list[Any]] = {}
        for (slot, _, host, domain, _, window), (verdict, count, first, lo, hi) in \
                self._failed.items():
            r = verdict.reply
            if lo is not None and hi is not None:
                bucket = timeline.get((verdict.provider, slot, window))
                if bucket is None:
                    timeline[verdict.provider, slot, window] = [count, lo, hi]
                else:
                    bucket[0] += count
                    bucket[1], bucket[2] = min(bucket[1], lo), max(bucket[2], hi)
            key = (slot, r.code, r.enhanced, r.token, verdict.rule.id, verdict.provider,
                   r.forest, r.sending_ip, host, domain)
            row = carry.get(key)
            if row is None:
                carry[key] = [verdict, host, domain, count, first, lo, hi]
            else:
                row[3] += count
                if lo is not None and (row[5] is None or lo < row[5]):
                    row[5] = lo
                if hi is not None and (row[6] is None or hi > row[6]):
                    row[6] = hi
        self._failed.clear()
        add = self.agg.timeline.add
        for (provider, slot, _), (count, lo, hi) in timeline.items():
            add(provider, lo, slot, count, hi)
        if len(carry) > _CARRY_LIMIT:
            self.flush()

    def flush(self) -> None:
        """Add the failures held back (at the end, and before a worker's counts are
        merged into the same aggregator)."""
        add = self.agg.failed_many
        for outcome, (verdict, host, domain, count, first, lo, hi) in self._carry.items():
            add(self.stats, outcome[0], verdict, host, domain, count, first, lo, hi,
                timeline=False)
        self._carry.clear()
        for (relay, domain), count in self._sent.items():  # on the timeline already
            self.agg.delivered_many(self.stats, None, self._host(relay), self._domain(domain),
                                    count)
        self._sent.clear()

    def _domain(self, domain: bytes) -> str | None:
        """A record's recipient domain (the bytes after its one ``@``), decoded once."""
        name = self._domains.get(domain, "")
        if name == "":
            name = domain.lower().decode("utf-8", "replace") or None
            if len(self._domains) > 10_000:
                self._domains.clear()
            self._domains[domain] = name
        return name

    def _host(self, relay: bytes) -> str | None:
        host = self._hosts.get(relay, "")
        if host == "":
            name = relay.split(b"[", 1)[0].decode("utf-8", "replace").lower()
            host = None if name in ("none", "local", "") else name
            if len(self._hosts) > 10_000:
                self._hosts.clear()
            self._hosts[relay] = host
        return host

    def _other(self, line: bytes) -> None:
        if runs.EXPIRED.search(line):
            self.agg.note("expired")
        elif b" to=<" in line or b"postfix" not in line:
            self.agg.unparsed(self.stats, line)

    def _junk(self, chunk: bytes) -> None:
        """Slow path, only for chunks with NUL or ESC bytes: count the lines that are
        not syslog/RFC 3339 records as unparsed."""
        for line in chunk.splitlines():
            junk = line.strip() and not _STAMP.match(line)
            if junk or (b"\x1b" in line and b" status=" not in line):
                self.agg.unparsed(self.stats, line)

    def close(self) -> None:
        self.flush()


def _connect_host(reply: str) -> str | None:
    for marker in ("connect to ", "lost connection with ", "conversation with "):
        if reply.startswith(marker):
            return reply[len(marker) :].split("[", 1)[0].lower() or None
    return None


