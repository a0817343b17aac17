"""One fleet run end to end: the shared stack and context, the outputs, the summary.

The CLI parses; this builds the one resolver stack (triage/dns/stack.py) and the one
``RunContext`` every sender shares, runs the senders, closes the outputs and returns
the exit code and the summary table. ``InputError`` for a zone file or cassette that
cannot be used (exit 2); ``OSError`` for an output that cannot be written (exit 3).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from triage.context import RunContext, utc_now
from triage.dns.stack import DnsConfig, build
from triage.errors import InputError
from triage.fetch import OfflineFetcher
from triage.findings import FailOn
from triage.fleet.config import FleetConfig, SenderSpec
from triage.fleet.junit import JunitWriter
from triage.fleet.outputs import Outputs, open_output
from triage.fleet.run import FleetOptions, run_fleet
from triage.fleet.summary import exit_code, render
from triage.report.layout import terminal_width
from triage.runner import https_port, make_fetcher

CACHE_ENTRIES = 5_000  # answers kept: the shared names stay, one sender's own leave
NO_RUN_DEADLINE = 10.0 ** 9  # each sender has its own deadline (ScopedResolver)
COLLECT_EVERY = 200  # senders between full garbage collections (see _Sweeper)


class _Sweeper:
    """Runs after each sender: drops the accounting log (the fleet reports per sender,
    not per query) and, every COLLECT_EVERY senders, collects cyclic garbage. The
    cache's thousands of live tasks keep the collector's oldest generation from
    filling up, so the cycles each finished check leaves (tasks, frames, reports)
    would otherwise pile up until the end of the run: memory would grow with the
    number of senders."""

    def __init__(self, log: list[tuple[str, str, str]]) -> None:
        self._log = log
        self._done = 0

    def __call__(self) -> None:
        self._log.clear()
        self._done += 1
        if self._done % COLLECT_EVERY == 0:
            gc.collect()


def fleet_dns(config: DnsConfig, dnsbl_rate: float, record: Path | None,
              replay: Path | None) -> DnsConfig:
    """The fleet's DNS options: every documented DNSBL zone rate-capped, DQS keys
    redacted from a cassette, a bounded cache, no whole-run deadline."""
    from triage.checks.dnsbl.catalog import load_catalog

    catalog = load_catalog()
    zones = tuple(z for d in catalog.lists for z in (d.zone, d.dqs_zone) if z)
    secret = tuple(d.dqs_zone for d in catalog.lists if d.dqs_zone)
    return replace(config, dnsbl_zones=zones, dnsbl_rate=dnsbl_rate, record=record,
                   replay=replay, secret_zones=secret, cache_entries=CACHE_ENTRIES,
                   deadline=NO_RUN_DEADLINE)


@dataclass(frozen=True)
class Session:
    config: FleetConfig
    dns: DnsConfig
    fail_on: FailOn
    concurrency: int
    sender_deadline: float

    def run(self, senders: list[SenderSpec], jsonl: Path | None, junit: Path | None
            ) -> tuple[int, str]:
        clock = _replay_clock(self.dns.replay)
        try:
            stack = build(self.dns, now=utc_now)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        outputs = Outputs(
            jsonl_out=open_output(jsonl) if jsonl is not None else None,
            junit=JunitWriter(junit) if junit is not None else None,
            annotate=sys.stdout if os.environ.get("GITHUB_ACTIONS") == "true" else None,
            source=str(self.config.path),
            progress=sys.stderr if sys.stderr.isatty() else None, total=len(senders))
        fetcher = (OfflineFetcher() if self.dns.replay is not None  # replay sends nothing
                   else make_fetcher(self.dns, stack.resolver, https_port()))
        ctx = RunContext(resolver=stack.resolver, fetcher=fetcher, clock=clock or utc_now,
                         nameservers=_nameservers(self.dns))
        options = FleetOptions(self.fail_on, self.concurrency, self.sender_deadline, utc_now)

        def crashed(spec: SenderSpec, message: str) -> None:
            sys.stderr.write(f"triage: sender {spec.name} could not be checked: {message}\n")
            outputs.crash(spec.index, spec.name, spec.ips, message)

        async def go() -> None:
            try:
                await run_fleet(ctx, senders, options, outputs.emit, crashed,
                                after_each=_Sweeper(stack.stats.log))
            finally:
                try:
                    await fetcher.close()
                finally:
                    await stack.close()

        try:
            asyncio.run(go())
        finally:
            if outputs.jsonl_out is not None:
                outputs.jsonl_out.close()
        if outputs.junit is not None:
            outputs.junit.close()
        code = exit_code(outputs.rows)
        stats = stack.stats
        sys.stderr.write(f"triage: DNS: {stats.queries} queries, {stats.cache_hits} answered "
                         f"from the cache, {stats.failed} failed\n")
        if stats.unreachable and senders:
            code = 3
        return code, render(outputs.rows, terminal_width())


def _replay_clock(replay: Path | None) -> Callable[[], datetime] | None:
    """Replay runs at the recorded time, so date-relative findings come out the same."""
    if replay is None:
        return None
    from triage.dns.cassette import recorded_at

    at = recorded_at(replay)
    if at is None:
        return None

    def clock() -> datetime:
        return at

    return clock


def _nameservers(config: DnsConfig) -> tuple[str, ...]:
    if config.replay is not None:
        return ()
    from triage.runner import resolvers_in_use

    return resolvers_in_use(config)
