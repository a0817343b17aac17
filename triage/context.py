"""The run context every check receives: ``check(ctx, request)``.

One context per run holds what the checks share: the resolver stack (one cache for
every check), the HTTPS fetcher port, the clock, one Public Suffix List and the
limits. The list is built on first use, so a run that never needs it (``triage
rdns`` on an address without a PTR) does not pay for parsing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from triage.fetch import Fetcher, OfflineFetcher

if TYPE_CHECKING:
    from triage.dns.resolver import Resolver
    from triage.domains.psl import SuffixList


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Limits:
    """Bounds of one run (the DNS layer has its own: timeout, deadline, in-flight cap)."""

    message_bytes: int = 64 * 1024 * 1024  # a --message larger than this is refused


@dataclass(frozen=True)
class RunContext:
    resolver: Resolver
    fetcher: Fetcher = field(default_factory=OfflineFetcher)
    clock: Callable[[], datetime] = utc_now
    limits: Limits = field(default_factory=Limits)
    nameservers: tuple[str, ...] = ()  # the resolvers in use (DNSBLs warn about public ones)
    suffixes: SuffixList | None = None  # a list already parsed (a fleet shares one)

    @cached_property
    def psl(self) -> SuffixList:
        if self.suffixes is not None:
            return self.suffixes
        from triage.domains.psl import SuffixList

        return SuffixList()

    def now(self) -> datetime:
        return self.clock()
