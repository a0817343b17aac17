"""Postfix: per-recipient ``status=`` records of smtp/lmtp/error (and qmgr expiries).

Policy: only lines that carry `` status=`` are looked at; they are found with
``bytes.find`` over the whole chunk, so the other 80-90 % of a mail log (smtpd, cleanup,
qmgr) costs no Python work at all. ``delivery temporarily suspended`` is a relog (qmgr
deferred the mail without contacting the host). A ``status=`` line that does not parse
is unparsed; local delivery agents (local, virtual, pipe, discard) are not remote
attempts and are skipped. Time stamps: syslog (year-less) or RFC 3339.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from triage.deferrals.aggregate import (
    BOUNCED,
    BUCKET_SECONDS,
    DEFERRED,
    DELIVERED,
    Aggregator,
    InputStats,
)
from triage.deferrals.reply import strip_postfix
from triage.deferrals.timeparse import Clock

NAME = "postfix"
_LINE = re.compile(
    rb"(?:<\d+>\d? ?)?(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ][\d:.]+"
    rb"(?:Z|[+-]\d\d:?\d\d)?) (?:\S+ )?(?P<svc>[\w./-]+)\[\d+\]: (?P<qid>[0-9A-Za-z]+): "
    rb"to=<(?P<rcpt>[^>]*)>,(?: orig_to=<[^>]*>,)? relay=(?P<relay>[^,]*),.*? "
    rb"dsn=(?P<dsn>\d\.\d{1,3}\.\d{1,3}), status=(?P<status>[a-z-]+)(?: \((?P<text>.*)\))?\s*$",
    re.S,
)
_STAMP = re.compile(
    rb"(?:<\d+>\d? ?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d)"
)
# the common case, a syslog-stamped delivery to an address with an "@": batched per
# minute, relay and domain. Kept to what sre matches fastest (about 0.7 us a line here,
# half the cost of the general pattern): a line it does not take (a <PRI> prefix, an
# RFC 3339 stamp, a recipient without "@") goes through _LINE with the same result.
_SENT = re.compile(
    rb"(([A-Z][a-z][a-z] [ \d]\d \d\d:\d\d):\d\d) (?:\S+ )?([\w./-]+)\[\d+\]: "
    rb"([0-9A-Za-z]+: to=<[^>]*@([^>@]*))>,(?: orig_to=<[^>]*>,)? relay=([^,]*),"
)
_LOCAL_AGENTS = (b"/local", b"/virtual", b"/pipe", b"/discard")
_EXPIRED = re.compile(rb": from=<[^>]*>, status=(?:force-)?expired")
_SIGNATURE = re.compile(rb"postfix[\w./-]*\[\d+\]: ", re.I)
_SKIP = {b"local", b"virtual", b"pipe", b"discard"}
_SUSPENDED = "delivery temporarily suspended: "
_ADDRESS_END = re.compile(rb"@[\w-]+(?:\.[\w-]+)+")
_Group = tuple[int, bytes, str | None, str | None, bytes, int | None]


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self._hosts: dict[bytes, str | None] = {}
        self._claimed: set[bytes] = set()  # relays whose host has a provider on record
        self._replies: dict[bytes, tuple[str, str | None, bool]] = {}
        # failures of this chunk: (slot, reply, host, domain, dsn, minute) ->
        # [verdict, count, first time, earliest, latest], in order of first appearance
        self._failed: dict[_Group, list[Any]] = {}

    def feed(self, chunk: bytes) -> None:
        """Deliveries are counted per (minute, relay, domain) and added at the chunk's end;
        what depends on order (settling a deferred recipient, the first provider seen for
        a host) happens in log order, so the chunking never changes a result."""
        if b"\x00" in chunk or b"\x1b" in chunk:
            self._junk(chunk)
        find, rfind, match, sent_match = chunk.find, chunk.rfind, _LINE.match, _SENT.match
        startswith = chunk.startswith
        pending, claimed, settle = self.agg.pending, self._claimed, self.agg.settle
        firsts = self.agg.firsts
        sent: Counter[tuple[bytes, bytes, bytes]] = Counter()
        span: set[bytes] = set()
        pos = 0
        while True:
            i = find(b" status=", pos)
            if i < 0:
                break
            start = rfind(b"\n", 0, i) + 1
            end = find(b"\n", i)
            if end < 0:
                end = len(chunk)
            pos = end
            if startswith(b"sent ", i + 8):
                s = sent_match(chunk, start, end)
                if s is not None:
                    # stamp, minute, service, "QID: to=<RCPT" (the retry key), domain, relay
                    stamp, minute, svc, who, domain, relay = s.groups()
                    if not svc.endswith(_LOCAL_AGENTS):
                        sent[minute, relay, domain] += 1
                        span.add(stamp)
                        if relay not in claimed:
                            self._claim(relay, domain)
                        if pending or firsts is not None:
                            key = hash(who)
                            if firsts is not None:
                                firsts.setdefault(key, DELIVERED)
                            if key in pending:
                                settle(key)
                    continue
            m = match(chunk, start, end)
            if m is None:
                self._other(chunk[start:end])
                continue
            ts, svc, qid, rcpt, relay, dsn, status, text = m.groups()
            if svc.rsplit(b"/", 1)[-1] in _SKIP:
                continue
            self._record(ts, qid, rcpt, relay, dsn, status, text)
        if self._failed:
            self._flush_failed()
        if sent:
            self._flush(sent, span)

    def _claim(self, relay: bytes, domain: bytes) -> None:
        """The first outcome seen for a host names its provider (as ``delivered`` does)."""
        if len(self._claimed) > 10_000:
            self._claimed.clear()
        self._claimed.add(relay)
        host = self._host(relay)
        if host:
            self.agg.host_provider.setdefault(
                host, self.agg.classifier.provider_of(host, _domain(domain)))

    def _flush(self, sent: Counter[tuple[bytes, bytes, bytes]], span: set[bytes]) -> None:
        syslog = self.clock.syslog
        for (minute, relay, domain), count in sent.items():
            self.agg.delivered_many(self.stats, syslog(minute + b":00"), self._host(relay),
                                    _domain(domain), count)
        lo, hi = min(span), max(span)
        first, last = syslog(lo), syslog(hi)
        # one month name and one year: the text order is the time order
        if lo[:3] != hi[:3] or first is None or last is None or first > last:
            stamps = [t for t in map(syslog, span) if t is not None]
            first, last = (min(stamps), max(stamps)) if stamps else (None, None)
        self.agg.span(first, last)

    def _record(self, ts: bytes, qid: bytes, rcpt: bytes, relay: bytes, dsn: bytes,
                status: bytes, text: bytes | None) -> None:
        seconds = self.clock.syslog(ts) if ts[0] > 64 else self.clock.stamp(ts, self.stats)
        host = self._host(relay)
        domain = _domain(rcpt)
        key = hash(qid + b": to=<" + rcpt)  # the fast path's retry key
        if status == b"sent":
            self.agg.delivered(self.stats, seconds, host, domain, key)
            return
        if status not in (b"deferred", b"bounced"):
            return
        raw = text or b""
        norm = reply_key(raw)
        reply, said_host, relog = self._reply(norm, raw)
        if host is None:
            host = said_host
        if relog:  # the relog's own text (samples), not the first one with its key
            self.agg.relog(self.stats, seconds, raw.decode("utf-8", "replace"), key, domain,
                           host)
            return
        slot = DEFERRED if status == b"deferred" else BOUNCED
        # one aggregator call per reply, host, domain and time bucket at the chunk's end
        window = None if seconds is None else int(seconds) // BUCKET_SECONDS
        group = (slot, norm, host, domain, dsn, window)
        row = self._failed.get(group)
        if row is None:
            verdict = self.agg.classifier.classify(reply, host, domain, dsn.decode())
            if host:  # a host's first provider is taken in log order
                self.agg.host_provider.setdefault(host, verdict.provider)
            row = self._failed[group] = [verdict, 1, seconds, seconds, seconds]
        else:
            row[1] += 1
            if seconds is not None:
                if seconds < row[3]:
                    row[3] = seconds
                elif seconds > row[4]:
                    row[4] = seconds
        self.agg.track(key, slot, row[0].provider)

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
        """Add the chunk's failures with one aggregator call per distinct outcome: groups
        that differ only in reply text the aggregator does not keep (session ids) are
        merged, in order of first appearance, so the first reply stays the sample."""
        merged: dict[tuple[Any, ...], list[Any]] = {}
        for (slot, _, host, domain, _, window), (verdict, count, first, lo, hi) in \
                self._failed.items():
            r = verdict.reply
            key = (slot, r.code, r.enhanced, r.token, verdict.rule.id, verdict.provider,
                   r.forest, r.sending_ip, host, domain, window)
            row = merged.get(key)
            if row is None:
                merged[key] = [verdict, host, domain, count, first, lo, hi]
            else:
                row[3] += count
                if lo is not None and (row[5] is None or lo < row[5]):
                    row[5] = lo
                if hi is not None and (row[6] is None or hi > row[6]):
                    row[6] = hi
        add = self.agg.failed_many
        for outcome, (verdict, host, domain, count, first, lo, hi) in merged.items():
            add(self.stats, outcome[0], verdict, host, domain, count, first, lo, hi)
        self._failed.clear()

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
        if _EXPIRED.search(line):
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
        return


def _domain(rcpt: bytes) -> str | None:
    """The recipient domain (after the last ``@``; the whole address when there is none)."""
    return rcpt.rpartition(b"@")[2].lower().decode("utf-8", "replace") or None


def _connect_host(reply: str) -> str | None:
    for marker in ("connect to ", "lost connection with ", "conversation with "):
        if reply.startswith(marker):
            return reply[len(marker) :].split("[", 1)[0].lower() or None
    return None


def reply_key(text: bytes) -> bytes:
    """``text`` without what a receiver writes into each reply to tell one message from
    another: the id before Gmail's ``- gsmtp``, the time stamp and id after a Microsoft
    front-end host (the host, which names the forest, stays), quoted addresses. Per-reply
    work is cached on this key; the first reply seen with a key is the one classified and
    sampled. ``bytes.find`` based: a regular expression substitution tries its pattern at
    every offset of the reply, which costs ten times the rest of a failure's handling."""
    i = text.find(b" - gsmtp")
    if i > 0:
        j = text.rfind(b" ", 0, i)
        if j > 0 and len(text[j + 1 : i].translate(None, b"0123456789")) < i - j - 1:
            text = text[:j] + text[i:]  # the id has a digit: the words before it stay
    for tail in (b".outlook.com 2", b".OUTLOOK.COM 2"):
        k = text.find(tail)
        while k > 0:
            end = text.find(b"]", k, k + 64)
            if end < 0:
                break
            text = text[: k + 12] + text[end:]
            k = text.find(tail, k + 12)
    at = text.find(b"@")
    while at > 0:
        start = max(text.rfind(b" ", 0, at), text.rfind(b"<", 0, at),
                    text.rfind(b"(", 0, at)) + 1
        m = _ADDRESS_END.match(text, at)
        if m is None or start == at:
            at = text.find(b"@", at + 1)
            continue
        text = text[:start] + text[m.end():]
        at = text.find(b"@", start)
    return text
