"""Bare reply lines, one per line: ``451 4.7.500 Server busy ... (S77714)``.

Policy: each line starting with a reply code is one attempt (2xx delivered, 4xx
deferred, 5xx bounced); a leading ``smtp;`` (DSN diagnostic form) is accepted; blank
lines and ``#`` comments are skipped; any other line is unparsed.
"""

from __future__ import annotations

import re

from triage.deferrals.aggregate import BOUNCED, DEFERRED, Aggregator, InputStats
from triage.deferrals.timeparse import Clock

NAME = "bare"
_REPLY = re.compile(rb"^\s*(?:smtp;\s*)?([2-5]\d\d)(?:[ -]|$)", re.I)
_SIGNATURE = re.compile(rb"^\s*(?:smtp;\s*)?[245]\d\d[ -]", re.M | re.I)


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head))


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats = agg, stats
        self.n = 0

    def feed(self, chunk: bytes) -> None:
        for line in chunk.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            m = _REPLY.match(stripped)
            if m is None:
                self.agg.unparsed(self.stats, line)
                continue
            self.n += 1
            text = stripped[stripped.find(m.group(1)):].decode("utf-8", "replace")
            code = m.group(1)[:1]
            if code == b"2":
                self.agg.delivered(self.stats, None, None, None, self.n)
            else:
                slot = DEFERRED if code == b"4" else BOUNCED
                self.agg.failed(self.stats, slot, None, text, None, None, ("bare", self.n))

    def close(self) -> None:
        return
