"""Exim main log: ``=>``/``->`` deliveries, ``==`` deferrals, ``**`` bounces.

Policy: only flagged per-recipient lines are outcomes; Exim's unflagged per-host lines
("H=... SMTP error from remote mail server ...") repeat what the ``==`` line says and
are not counted again. "retry time not reached" (routing or transport) is a relog;
"retry timeout exceeded" is the local expiry of an earlier deferral, not an attempt.
A relog names no host: it is tracked for the host that last answered an attempt for the
recipient's domain (Exim keeps its retry times per domain and host), so a Microsoft 365
tenant's domain is Microsoft's, not ``other``; without one, by the domain alone.
Multi-line replies are logged joined with a literal ``\\n``; they are kept as logged.
"""

from __future__ import annotations

import re

from triage.deferrals.aggregate import BOUNCED, DEFERRED, Aggregator, InputStats
from triage.deferrals.timeparse import Clock

NAME = "exim"
_LINE = re.compile(
    rb"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?(?: (?P<tz>[+-]\d{4}))?(?: \[\d+\])? "
    rb"(?P<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (?P<flag>==|\*\*|=>|->) "
    rb"(?P<rcpt>\S+)(?P<rest>.*)$",
    re.M,
)
_HOST = re.compile(r" H=(\S+) \[([^\]]+)\]")
_IFACE = re.compile(r" I=\[([^\]]+)\]")
_SMTP = re.compile(
    r"SMTP error from remote (?:mail server|host) after (?:pipelined )?(?P<stage>.*?): "
    r"(?:host (?P<host>\S+) \[[^\]]+\]: )?(?P<reply>[2-5]\d\d[ -].*)$"
)
_DEFER = re.compile(r"defer \(-?\d+\)(?: H=\S+ \[[^\]]+\](?::\d+)?)?: (?P<text>.*)$")
_STAMP = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.M)
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(
    rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?(?: \[\d+\])? "
    rb"[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} ", re.M)


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self._answered: dict[str, str] = {}  # domain -> host of its last attempt

    def feed(self, chunk: bytes) -> None:
        lines = chunk.count(b"\n") + (not chunk.endswith(b"\n"))
        if len(_STAMP.findall(chunk)) < lines:
            for line in chunk.splitlines():
                if line.strip() and not _STAMP.match(line):
                    self.agg.unparsed(self.stats, line)
        for m in _LINE.finditer(chunk):
            ts, tz, msgid, flag, rcpt, rest = m.groups()
            seconds = self._time(ts, tz)
            text = rest.decode("utf-8", "replace")
            address = rcpt.decode("utf-8", "replace").rstrip(":").strip("<>")
            domain = address.rpartition("@")[2].lower() or None
            key = hash((msgid, address))
            host_m = _HOST.search(text)
            host = host_m.group(1).lower() if host_m else None
            if host is not None and domain is not None:
                if len(self._answered) > 10_000:
                    self._answered.clear()
                self._answered[domain] = host
            iface = _IFACE.search(text)
            ip = iface.group(1) if iface else None
            if flag in (b"=>", b"->"):
                if host is not None:  # local deliveries and :blackhole: are not attempts
                    self.agg.delivered(self.stats, seconds, host, domain, key, ip)
            else:
                self._failure(flag == b"**", seconds, text, host, domain, key, ip)

    def _failure(self, bounce: bool, seconds: float | None, text: str, host: str | None,
                 domain: str | None, key: int, ip: str | None) -> None:
        if "retry time not reached" in text:
            host = host or (self._answered.get(domain) if domain else None)
            self.agg.relog(self.stats, seconds, text.strip(), key, domain, host)
            return
        if "retry timeout exceeded" in text:
            self.agg.note("expired")
            self.agg.expire(key)
            return
        smtp = _SMTP.search(text)
        if smtp:
            reply = smtp.group("reply")
            host = host or (smtp.group("host") or "").lower() or None
        else:
            d = _DEFER.search(text)
            reply = d.group("text") if d else text.split(": ", 1)[-1].strip()
        slot = BOUNCED if bounce else DEFERRED
        self.agg.failed(self.stats, slot, seconds, reply, host, domain, key, None, ip)

    def _time(self, ts: bytes, tz: bytes | None) -> float | None:
        stamp = ts.decode("ascii")
        if tz:
            self.stats.zoned = True
            stamp += tz.decode("ascii")
        else:
            self.stats.unzoned = True
        return self.clock.iso(stamp)

    def close(self) -> None:
        return
