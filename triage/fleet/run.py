"""Check every sender of a fleet on one run context, a bounded number at once.

One resolver stack serves the whole fleet (one cache, one in-flight cap, the DNSBL
rate cap); each sender sees it through a ``ScopedResolver`` with its own deadline
and query count. ``concurrency`` workers pull senders in file order, so at most that
many reports exist at once; each finished sender becomes one line handed to ``emit``
and is dropped. A sender that cannot be completed (its DNS is down, its answers are
not in a replayed cassette, its deferral file is missing) ends inconclusive with a
finding that says why; the fleet goes on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage.context import RunContext
from triage.dns.resolver import Resolver
from triage.dns.scoped import ScopedResolver
from triage.findings import FailOn, Finding
from triage.fleet.config import SenderSpec
from triage.fleet.line import make_line, replay_missing, unreadable
from triage.sanitize import clean

Emit = Callable[[dict[str, Any]], None]
OnCrash = Callable[[SenderSpec, str], None]


@dataclass(frozen=True)
class FleetOptions:
    fail_on: FailOn
    concurrency: int
    sender_deadline: float  # seconds each sender may take, queueing included
    clock: Callable[[], datetime]  # generated_at of each line


async def run_fleet(ctx: RunContext, senders: Iterable[SenderSpec], options: FleetOptions,
                    emit: Emit, on_crash: OnCrash,
                    after_each: Callable[[], None] = lambda: None) -> None:
    """Run every sender; one that fails unexpectedly (a bug) goes to ``on_crash``."""
    pending = iter(senders)

    async def worker() -> None:
        for spec in pending:  # one shared iterator: each worker takes the next sender
            try:
                emit(await check_one(ctx, spec, options))
            except Exception as exc:  # noqa: BLE001 - one sender never stops the fleet
                on_crash(spec, clean(f"{exc.__class__.__name__}: {exc}", 300))
            after_each()

    await asyncio.gather(*(worker() for _ in range(max(1, options.concurrency))))


async def check_one(shared: RunContext, spec: SenderSpec, options: FleetOptions
                    ) -> dict[str, Any]:
    from triage.sender import check_sender, request
    from triage.verdict import Policy

    readable, problems = _split(spec.deferrals)
    scoped = ScopedResolver(shared.resolver, time.monotonic() + options.sender_deadline)
    ctx = _scoped_context(shared, scoped)
    req = request(spec.domain, spec.ips, spec.helo, spec.mail_from, spec.selectors, readable)
    result = await check_sender(ctx, req, Policy.of(spec.thresholds))
    extra: list[Finding] = []
    if problems:
        extra.append(unreadable(tuple(p for p, _ in problems), tuple(w for _, w in problems)))
    if scoped.stats.missing:
        extra.append(replay_missing(scoped.stats.missing))
    return make_line(spec, result, tuple(extra), scoped.stats, options.fail_on,
                     options.clock(), readable)


def _scoped_context(shared: RunContext, resolver: Resolver) -> RunContext:
    # one Public Suffix List for the whole fleet, parsed once
    return RunContext(resolver=resolver, fetcher=shared.fetcher, clock=shared.clock,
                      limits=shared.limits, nameservers=shared.nameservers,
                      suffixes=shared.psl)


def _split(paths: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    from triage.deferrals.source import InputUnreadable, open_input

    readable: list[str] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        if path == "-":
            problems.append((path, "standard input cannot be read in a fleet"))
            continue
        try:
            open_input(path).close()
        except InputUnreadable as exc:
            problems.append((clean(path, 300), clean(str(exc), 300)))
            continue
        readable.append(path)
    return tuple(readable), problems
