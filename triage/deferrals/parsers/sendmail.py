"""Sendmail: ``to=<rcpt>, ... relay=mx. [ip], dsn=x.y.z, stat=Sent|Deferred: text``.

Policy: one outcome per ``stat=`` line with ``dsn=``: 2.x.x delivered, 4.x.x deferred,
5.x.x bounced (sendmail logs the first line of a multi-line reply only). Year-less
syslog time stamps as for Postfix.
"""

from __future__ import annotations

import re

from triage.deferrals.aggregate import BOUNCED, DEFERRED, Aggregator, InputStats
from triage.deferrals.timeparse import Clock

NAME = "sendmail"
_LINE = re.compile(
    rb"^(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ (?:sm-mta|sendmail|sm-msp-queue)\[\d+\]: "
    rb"(?P<qid>\w+): to=(?P<rcpt>[^,]+),.*?(?: relay=(?P<relay>[^,\[]*?)\.?(?: \[[^\]]*\])?,)?"
    rb"(?:.*? dsn=(?P<dsn>\d\.\d{1,3}\.\d{1,3}),)? stat=(?P<stat>.*?)\s*$",
    re.M,
)
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(rb"(?:sm-mta|sendmail)\[\d+\]: \w+: (?:to|from)=", re.M)


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock

    def feed(self, chunk: bytes) -> None:
        for m in _LINE.finditer(chunk):
            ts, qid, rcpt, relay, dsn, stat = m.groups()
            seconds = self.clock.syslog(ts)
            address = rcpt.decode("utf-8", "replace").strip("<> ")
            domain = address.rpartition("@")[2].lower() or None
            host = relay.decode("utf-8", "replace").strip().lower() if relay else None
            key = hash((qid, address))
            text = stat.decode("utf-8", "replace")
            status = (dsn or b"").decode()
            if text.startswith("Sent") or status.startswith("2"):
                self.agg.delivered(self.stats, seconds, host, domain, key)
                continue
            reply = text.split(": ", 1)[1] if text.startswith("Deferred: ") else text
            slot = BOUNCED if status.startswith("5") else DEFERRED
            self.agg.failed(self.stats, slot, seconds, reply, host or None, domain, key,
                            status or None)

    def close(self) -> None:
        return
