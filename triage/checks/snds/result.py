"""The typed results of the SNDS check: what check.py builds and the renderers read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from triage.findings import Finding
from triage.record import Record


@dataclass(frozen=True)
class SndsRow(Record):
    """One data.aspx row: one IP over one activity period (times as SNDS gives them)."""

    ip: str
    activity_start: str | None
    activity_end: str | None
    rcpt_commands: int | None
    data_commands: int | None
    message_recipients: int | None
    filter_result: str  # GREEN | YELLOW | RED
    complaint_rate: str | None  # as given, e.g. "< 0.1%"
    trap_hits: int
    sample_helo: str | None
    sample_mailfrom: str | None
    trap_start: str | None = None
    trap_end: str | None = None
    comments: str | None = None


@dataclass(frozen=True)
class BlockedRange(Record):
    first_ip: str
    last_ip: str
    reason: str | None


@dataclass(frozen=True)
class PageRead(Record):
    """How one SNDS page was read: ``error`` null when it was the CSV expected."""

    page: str  # data.aspx | ipStatus.aspx
    status: int | None  # HTTP status
    error: str | None  # offline, dns, connect, tls, timeout, too_large, redirect, http, not_csv…
    detail: str | None
    lines: int  # CSV lines read
    unparsed: int  # lines that did not fit the columns


@dataclass(frozen=True)
class SndsResult(Record):
    JSON_OMIT: ClassVar[frozenset[str]] = frozenset({"findings"})

    ip: str | None  # the one IP asked about; null: every IP of the key (or several)
    ips: tuple[str, ...]  # the IPs asked about; empty: all
    source: str  # the base URL (never the key)
    rows: tuple[SndsRow, ...]
    blocked: tuple[BlockedRange, ...]
    pages: tuple[PageRead, ...]
    findings: tuple[Finding, ...]

    @property
    def readable(self) -> bool:
        """Both pages were read: "no row" and "not blocked" mean something."""
        return all(p.error is None for p in self.pages)
