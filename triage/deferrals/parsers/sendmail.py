"""Sendmail: per-delivery ``to=`` records of the MTA (``sm-mta``, ``sendmail``).

The line grammar is in docs/commands/deferrals.md ("Sendmail"). Policy: each recipient
of a line is one outcome, decided by the DSN class digit (2 delivered, 4 deferred, 5
bounced; without ``dsn=``, ``stat=Sent``/``Deferred``). ``stat=`` is Sendmail's own
wording ("User unknown" for any 550): the receiver's words come from ``reply=`` when it
holds a 4xx/5xx reply, else from a reply code in ``stat=`` (``reply=`` may hold the 221
of the QUIT that followed), else ``stat=`` is Sendmail's own text (no remote code; a
Sendmail-made ``421 4.4.1 Connection reset by HOST.`` loses its code too). A relay with
no ``[IP]`` was not contacted: Sendmail repeated a failure it remembered (in the queue
run or its host status file), a relog; a bounce so logged settles its recipient without
an attempt; DNS failures are attempts without an address. Shortened fields (``18...18``
relay names, ``...`` in replies, a line cut at its end) are read as kept; a reply cut at
the end gets ``...``. Local mailers, hand-offs to a loopback relay (the MSP queue to the
MTA), ``stat=queued`` and other daemons' lines are no attempts; a ``to=`` line without
``stat=`` or ``reply=`` is unparsed. ``DSN: Cannot send message for ...`` after a
message's deferrals is its expiry (a note).
"""

from __future__ import annotations

import re
from collections import Counter

from triage.deferrals.aggregate import (
    BOUNCED,
    DEFERRED,
    DELIVERED,
    Aggregator,
    InputStats,
)
from triage.deferrals.timeparse import Clock

NAME = "sendmail"
# stamp (syslog or RFC 3339, after an optional <PRI>), host, program[pid], a Solaris
# message tag, the queue id
_PREFIX = (
    rb"(?:<\d+>\d? ?)?(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ][\d:.]+"
    rb"(?:Z|[+-]\d\d:?\d\d)?) (?:\S+ )?[\w./-]+\[\d+\]: (?:\[ID \d+ [\w.]+\] )?"
    rb"(?P<qid>[0-9A-Za-z]+): to="
)
_HEAD = re.compile(_PREFIX + rb"(?P<to>.*?)(?: \[more\])?, (?=[a-z]+=)")
# the fields in the order Sendmail writes them (ctladdr, delay, xdelay, mailer, pri,
# relay, dsn, reply, stat; most optional): one match per usual record
_RECORD = re.compile(
    _PREFIX + rb"(?P<to>[^ ]*)(?: \[more\])?, "
    rb"(?:(?!mailer=|relay=|dsn=|reply=|stat=)[a-z]+=[^,]*, )*"
    rb"(?:mailer=(?P<mailer>[^,]*), )?(?:(?!relay=|dsn=|reply=|stat=)[a-z]+=[^,]*, )*"
    rb"(?:relay=(?P<relay>[^ ,]*)(?P<ip> \[[^\]]*\])?, )?(?:dsn=(?P<dsn>\d\.\d{1,3}\.\d{1,3}), )?"
    rb"(?:reply=(?P<reply>.*), )?stat=(?P<stat>.*)"
)
_CODE = re.compile(rb"[2-5]\d\d[ -]")
# a reply Sendmail wrote itself for a broken session (the receiver said nothing)
_OWN = re.compile(
    rb"[45]\d\d 4\.4\.\d (?=Connection reset|Connection timed out|Connection refused|"
    rb"reply: read error|timeout waiting for input|Broken pipe|Lost connection)"
)
# Sendmail's own texts for a failed name lookup: an attempt without an address
_DNS = re.compile(rb"Name server|Host unknown|host name lookup|No such host|MX list", re.I)
_EXPIRY = re.compile(
    rb": ([0-9A-Za-z]+): [0-9A-Za-z]+: (?:DSN|return to sender): Cannot send message")
_LOOPBACK = (b"[127.", b"[IPv6:::1]", b"localhost")
_LOCAL_MAILERS = frozenset({b"local", b"prog", b"*file*", b"*include*", b"discard",
                            b"procmail", b"lmtp", b"cyrus", b"cyrusv2", b"dovecot"})
_STAMP = re.compile(
    rb"(?:<\d+>\d? ?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d)"
)
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(rb"(?:sm-mta|sendmail)\[\d+\]: (?:\[ID \d+ [\w.]+\] )?\w+: (?:to|from)=")
_Outcome = tuple[int, str, bool]  # slot, reply (for a relog: the status as logged), relog


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self._hosts: dict[bytes, str | None] = {}
        self._outcomes: dict[bytes, _Outcome] = {}
        self._queued: dict[bytes, list[int]] = {}  # queue id -> its deferred recipients

    def feed(self, chunk: bytes) -> None:
        """Deliveries are counted per (minute, host, domain) and added at the chunk's end;
        settling a deferred recipient and failures happen in log order."""
        if b"\x00" in chunk or b"\x1b" in chunk:
            self._junk(chunk)
        find, rfind, match, ends = chunk.find, chunk.rfind, _RECORD.match, chunk.endswith
        sent: Counter[tuple[float | None, str | None, str | None]] = Counter()
        span: list[float] = []
        pos = 0
        while True:
            i = find(b": to=", pos)
            if i < 0:
                break
            start = rfind(b"\n", 0, i) + 1
            end = find(b"\n", i)
            if end < 0:
                end = len(chunk)
            pos = end
            if ends(b"stat=queued", start, end) or find(b", mailer=local,", i, end) > 0:
                continue
            m = match(chunk, start, end)
            if m is None:
                self._other(chunk[start:end].rstrip(b"\r"), sent, span)
                continue
            ts, qid, to, mailer, relay, ip, dsn, reply, stat = m.groups()
            if stat.endswith(b"\r"):  # CRLF line ends
                stat = stat[:-1]
                if stat == b"queued":
                    continue
            if mailer not in _LOCAL_MAILERS:
                self._record(ts, qid, to, relay, ip is not None, dsn, reply, stat, sent, span)
        if self._queued:
            self._expired(chunk)
        if sent:
            for (minute, host, domain), count in sent.items():
                self.agg.delivered_many(self.stats, minute, host, domain, count)
            if span:
                self.agg.span(min(span), max(span))

    def _other(self, line: bytes, sent: Counter[tuple[float | None, str | None, str | None]],
               span: list[float]) -> None:
        """A ``to=`` line outside the usual field layout: fields found one by one; a line
        cut before its outcome (or not a Sendmail record) is unparsed."""
        m = _HEAD.match(line)
        if m is None:
            self.agg.unparsed(self.stats, line)
            return
        rest = line[m.end() - 2:]  # from ", " before the first field
        if _field(rest, b", mailer=") in _LOCAL_MAILERS:
            return
        s = rest.rfind(b", stat=")
        r = rest.find(b", reply=", 0, s if s >= 0 else len(rest))
        stat = rest[s + 7:] if s >= 0 else None
        if stat is not None and stat.startswith(b"queued"):
            return
        reply = rest[r + 8:s if s >= 0 else len(rest)] if r >= 0 else None
        before = rest[:r if r >= 0 else s if s >= 0 else len(rest)]
        dsn = _field(before, b", dsn=")
        if stat is None and (reply is None or dsn is None):
            self.agg.unparsed(self.stats, line)  # cut before its outcome
            return
        relay = _field(before, b", relay=")
        ip = relay is not None and b" [" in relay
        if relay is not None:
            relay = relay.partition(b" [")[0]
        self._record(m.group("ts"), m.group("qid"), m.group("to"), relay, ip, dsn, reply, stat,
                     sent, span)

    def _record(self, ts: bytes, qid: bytes, to: bytes, relay: bytes | None, ip: bool,
                dsn: bytes | None, reply: bytes | None, stat: bytes | None,
                sent: Counter[tuple[float | None, str | None, str | None]],
                span: list[float]) -> None:
        if relay is not None and relay.startswith(_LOOPBACK):
            return  # the hand-off to a local MTA (Debian's sm-msp-queue to sm-mta)
        host = self._host(relay) if relay is not None else None
        seconds = self.clock.stamp(ts, self.stats)
        delivered = dsn.startswith(b"2") if dsn else stat is not None and \
            stat.startswith(b"Sent")
        for rcpt in to.split(b","):
            address = rcpt.strip(b"<> ")
            if not address:
                continue
            domain = address.rpartition(b"@")[2].lower().decode("utf-8", "replace") or None
            key = hash((qid, address))
            if delivered:
                self._delivered(seconds, host, domain, key, sent, span)
                continue
            slot, text, relog = self._outcome(dsn, reply, stat, relay is not None and not ip)
            if slot == DEFERRED:
                self._defer(qid, key)
            if relog:
                self._relog(slot, seconds, text, key, domain, host)
            else:
                self.agg.failed(self.stats, slot, seconds, text, host, domain, key,
                                dsn.decode("ascii", "replace") if dsn else None)

    def _delivered(self, seconds: float | None, host: str | None, domain: str | None,
                   key: int, sent: Counter[tuple[float | None, str | None, str | None]],
                   span: list[float]) -> None:
        minute = None if seconds is None else seconds - seconds % 60
        sent[minute, host, domain] += 1
        if seconds is not None:
            span.append(seconds)
        agg = self.agg
        if agg.firsts is not None:
            agg.firsts.setdefault(key, DELIVERED)
        if key in agg.pending:
            agg.settle(key)

    def _defer(self, qid: bytes, key: int) -> None:
        keys = self._queued.get(qid)
        if keys is None:
            if len(self._queued) > 100_000:
                self._queued.clear()
            keys = self._queued[qid] = []
        keys.append(key)

    def _expired(self, chunk: bytes) -> None:
        """``QID: NEWQID: DSN: Cannot send message for 5 days``: the queue lifetime of a
        message whose recipients were deferred ran out (a note, not an attempt)."""
        for m in _EXPIRY.finditer(chunk):
            keys = self._queued.pop(m.group(1), None)
            if keys is not None:
                self.agg.note("expired")
                for key in keys:
                    self.agg.expire(key)

    def _relog(self, slot: int, seconds: float | None, text: str, key: int,
               domain: str | None, host: str | None) -> None:
        if slot == BOUNCED:  # a bounce from a remembered host status: final, no attempt
            self.agg.relog(self.stats, seconds, text)
            self.agg.track(key, BOUNCED, self.agg.classifier.provider_of(host, domain))
        else:
            self.agg.relog(self.stats, seconds, text, key, domain, host)

    def _outcome(self, dsn: bytes | None, reply: bytes | None, stat: bytes | None,
                 untried: bool) -> _Outcome:
        """(slot, reply text, relog?) for one line's fields, cached on them."""
        raw = b"%s\x00%s\x00%s\x00%d" % (dsn or b"", reply or b"-", stat or b"-", untried)
        found = self._outcomes.get(raw)
        if found is None:
            found = _decide(dsn, reply, stat, untried)
            if len(self._outcomes) > 10_000:
                self._outcomes.clear()
            self._outcomes[raw] = found
        return found

    def _host(self, relay: bytes) -> str | None:
        """The host of a ``relay=`` name (``mx.example.``, ``[192.0.2.1]``), cached."""
        host = self._hosts.get(relay, "")
        if host == "":
            text = relay.strip(b"[]").rstrip(b".").lower().decode("utf-8", "replace")
            host = text or None
            if len(self._hosts) > 10_000:
                self._hosts.clear()
            self._hosts[relay] = host
        return host

    def _junk(self, chunk: bytes) -> None:
        """Slow path, only for chunks with NUL or ESC bytes: count the lines that are
        not syslog/RFC 3339 records as unparsed (``to=`` lines are judged by ``feed``)."""
        for line in chunk.splitlines():
            if b": to=" in line:
                continue
            if (line.strip() and not _STAMP.match(line)) or b"\x1b" in line:
                self.agg.unparsed(self.stats, line)

    def close(self) -> None:
        return


def _field(text: bytes, name: bytes) -> bytes | None:
    """The value of ``, name=`` up to the next ``, `` (None when absent)."""
    i = text.find(name)
    if i < 0:
        return None
    j = text.find(b", ", i + len(name))
    return text[i + len(name):j if j >= 0 else len(text)]


def _decide(dsn: bytes | None, reply: bytes | None, stat: bytes | None,
            untried: bool) -> _Outcome:
    if dsn:
        slot = BOUNCED if dsn.startswith(b"5") else DEFERRED
    else:
        slot = DEFERRED if stat is None or stat.startswith(b"Deferred") else BOUNCED
    said = stat or b""
    if said.startswith(b"Deferred"):
        said = said[10:] if said.startswith(b"Deferred: ") else said[8:]
    cut = stat is None  # the line ends inside reply=
    if reply is not None and reply[:1] in b"45" and _CODE.match(reply):
        text = reply
    elif _CODE.match(said):
        text = said
    else:
        text = said or (reply or b"")
    own = _OWN.match(text)
    if own:
        text = text[own.end():]
    if untried and not _DNS.search(said):  # a relog: its sample is the status as logged
        return slot, (stat or reply or b"").decode("utf-8", "replace").strip(), True
    out = text.decode("utf-8", "replace").strip()
    if cut and not out.endswith("..."):
        out += "..."
    return slot, out or "Deferred", False
