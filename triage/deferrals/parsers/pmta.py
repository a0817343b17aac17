"""PowerMTA accounting CSV (header-driven): ``d`` delivered, ``t`` transient, ``b`` bounced.

Policy: columns are found by name from the header line (sites reorder and add fields);
without a header the documented default order is assumed. ``tq`` (queue-level transient)
records are relogs: they are not per-recipient attempts. Other record types (``r``,
``f``, ``rb``, ``rs``) are ignored. The diagnostic ``smtp;451 4.7.500 ...`` is the reply.
A line the CSV reader refuses (a field over its 128 KiB limit, a stray NUL) is unparsed.
"""

from __future__ import annotations

import csv
import re

from triage.deferrals.aggregate import BOUNCED, DEFERRED, Aggregator, InputStats
from triage.deferrals.timeparse import Clock

NAME = "pmta"
DEFAULT = (  # noqa: SIM905 - the documented column list, as PowerMTA prints it
    "type,timeLogged,timeQueued,timeImprinted,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,"
    "dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,"
    "dlvSize,vmta,jobId,envId"
).split(",")
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(rb"^(?:type,|(?:d|b|t|tq),\d{4}-\d\d-\d\d[ T]\d\d:)", re.M)
_MTA = re.compile(r"^\s*([^\s(]+)")


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 2


class Parser:
    def __init__(self, agg: Aggregator, stats: InputStats, clock: Clock) -> None:
        self.agg, self.stats, self.clock = agg, stats, clock
        self.columns: dict[str, int] | None = None
        self.n = 0

    def feed(self, chunk: bytes) -> None:
        lines = chunk.decode("utf-8", "replace").splitlines()
        reader = csv.reader(lines)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:  # the reader goes on with the next line
                self.agg.unparsed(self.stats, lines[reader.line_num - 1])
                continue
            if not row or not any(row):
                continue
            if row[0].lstrip("#") == "type":
                self.columns = {name: i for i, name in enumerate(row)}
                continue
            if self.columns is None:
                self.columns = {name: i for i, name in enumerate(DEFAULT)}
            self._row(row)

    def _get(self, row: list[str], name: str) -> str:
        i = self.columns.get(name) if self.columns else None
        return row[i].strip() if i is not None and i < len(row) else ""

    def _row(self, row: list[str]) -> None:
        kind = row[0].strip()
        if kind not in ("d", "b", "t", "tq"):
            if kind not in ("r", "f", "rb", "rs"):
                self.agg.unparsed(self.stats, ",".join(row))
            return
        seconds = self.clock.iso(self._get(row, "timeLogged"))
        if seconds is not None and not self.stats.zoned:
            self.stats.zoned = True
        diag = self._get(row, "dsnDiag")
        if kind == "tq":
            self.agg.relog(self.stats, seconds, diag)
            return
        rcpt = self._get(row, "rcpt")
        domain = rcpt.rpartition("@")[2].lower() or None
        mta = _MTA.match(self._get(row, "dsnMta"))
        host = mta.group(1).lower().rstrip(".") if mta else None
        ip = self._get(row, "dlvSourceIp") or None
        self.n += 1
        key = hash((self._get(row, "envId") or self._get(row, "jobId") or self.n, rcpt))
        if kind == "d":
            self.agg.delivered(self.stats, seconds, host, domain, key, ip)
            return
        reply = diag.split(";", 1)[1].strip() if diag.lower().startswith("smtp;") else diag
        status = self._get(row, "dsnStatus").split(" ", 1)[0] or None
        slot = DEFERRED if kind == "t" else BOUNCED
        self.agg.failed(self.stats, slot, seconds, reply or (status or "?"), host, domain, key,
                        status, ip)

    def close(self) -> None:
        return
