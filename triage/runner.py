"""Run a job on one run context and return its report and exit status.

Nothing here exits or prints: the CLI boundary renders the ``Outcome`` and exits
with its code. Exit codes (contract): 0 clean, 1 findings at or above --fail-on,
2 input error (``InputError``, raised before any report), 3 could not run (no DNS
query answered at all; output not writable, decided where the output is written).
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from triage.context import RunContext, utc_now
from triage.errors import InputError
from triage.fetch import Fetcher, OfflineFetcher
from triage.findings import FailOn, Finding, fails
from triage.report.model import CheckResult, Report

if TYPE_CHECKING:
    from triage.dns.resolver import Resolver
    from triage.dns.stack import DnsConfig

R = TypeVar("R", bound=CheckResult)
Job = Callable[[RunContext], Awaitable[R]]


@dataclass(frozen=True)
class Outcome:
    report: Report
    exit_code: int
    message: str | None = None  # one line for stderr beside the report


def exit_code(findings: Iterable[Finding], fail_on: FailOn) -> int:
    return 1 if fails(findings, fail_on) else 0


def resolvers_in_use(config: DnsConfig) -> tuple[str, ...]:
    """The resolvers queries go through: --nameserver, else the system's (none offline)."""
    if config.offline:
        return ()
    if config.nameservers:
        return tuple(host for host, _ in config.nameservers)
    from triage.dns.live import system_servers

    return tuple(server.host for server in system_servers())


def https_port() -> int:
    """``TRIAGE_HTTPS_PORT`` replaces port 443 for URLs that name no port: a test hook
    (docs/testing.md), read per run, never at import."""
    import os

    port = os.environ.get("TRIAGE_HTTPS_PORT", "").strip()
    if not port:
        return 443
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise InputError("TRIAGE_HTTPS_PORT must be a port number (1-65535)")
    return int(port)


def make_fetcher(config: DnsConfig, resolver: Resolver, port: int = 443) -> Fetcher:
    """The HTTPS fetcher of a run: offline, every fetch fails "offline"; else httpx,
    resolving names through the run's resolver."""
    if config.offline:
        return OfflineFetcher()
    from triage.fetch_httpx import FetchConfig, HttpxFetcher

    # connect within --timeout, complete within twice it (docs/cli.md)
    return HttpxFetcher(resolver, FetchConfig(connect_timeout=config.timeout,
                                              total_timeout=2 * config.timeout,
                                              default_port=port))


def run_dns(command: str, inputs: Mapping[str, Any], config: DnsConfig, job: Job[R],
            fail_on: FailOn, *, clock: Callable[[], datetime] = utc_now,
            gate: Callable[[R], Iterable[Finding]] | None = None) -> Outcome:
    """Build the resolver stack, run ``job(ctx)`` on one event loop, make the report.

    ``gate`` picks the findings that count for --fail-on (default: all of them)."""
    import asyncio  # only DNS commands pay for the event loop

    from triage.dns.stack import build

    port = https_port()
    try:
        stack = build(config)
    except (OSError, ValueError) as exc:
        raise InputError(str(exc)) from None
    fetcher = make_fetcher(config, stack.resolver, port)
    ctx = RunContext(resolver=stack.resolver, fetcher=fetcher, clock=clock,
                     nameservers=resolvers_in_use(config))
    results: list[R] = []

    async def go() -> None:
        # stored, not returned: asyncio.run would format a returned result at exit
        try:
            results.append(await job(ctx))
        finally:
            try:
                await fetcher.close()
            finally:
                await stack.close()

    # A short run: no collector passes while answers arrive, and none over the whole
    # heap on the way out (frozen objects are skipped at interpreter exit too).
    collecting = gc.isenabled()
    gc.disable()
    try:
        asyncio.run(go())
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    result = results[0]
    stats = stack.stats
    report = Report.of(command, inputs, result, clock(), dns=stats.to_dict())
    if stats.unreachable:
        return Outcome(report, 3, "DNS unreachable: no query was answered")
    counted = gate(result) if gate is not None else result.findings
    return Outcome(report, exit_code(counted, fail_on))


def run_offline(command: str, inputs: Mapping[str, Any], result: CheckResult, fail_on: FailOn,
                *, clock: Callable[[], datetime] = utc_now) -> Outcome:
    report = Report.of(command, inputs, result, clock())
    return Outcome(report, exit_code(result.findings, fail_on))
