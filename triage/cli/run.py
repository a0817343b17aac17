"""Run one command: build the resolver, await the check, render, pick the exit code.

Exit codes (contract): 0 clean, 1 findings at/above --fail-on, 2 usage or input
error (one line on stderr, no report), 3 could not run (DNS unreachable for every
query, output not writable).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from triage.findings import FailOn, fails
from triage.report.model import CheckResult, Report


class InputError(Exception):
    """Bad input from the user (exit 2); the message is the one line shown."""


@dataclass(frozen=True)
class OutputSpec:
    fmt: str
    output: Path | None
    fail_on: FailOn


def usage_error(message: str) -> NoReturn:
    click.echo(f"triage: {message}", err=True)
    sys.exit(2)


def output_spec(fmt: str, output: Path | None, fail_on: str) -> OutputSpec:
    return OutputSpec(fmt=fmt, output=output, fail_on=FailOn(fail_on))


def dns_config(
    nameservers: tuple[str, ...], zones: tuple[Path, ...], offline: bool, timeout: float
) -> Any:
    """Parse the DNS options into a ``DnsConfig`` (exit 2 on a bad one)."""
    from triage.dns.stack import DnsConfig, parse_nameserver

    try:
        servers = tuple(parse_nameserver(ns) for ns in nameservers)
    except ValueError as exc:
        usage_error(str(exc))
    return DnsConfig(nameservers=servers, zone_files=zones, offline=offline, timeout=timeout)


def run_dns_command(
    command: str,
    inputs: Mapping[str, Any],
    config: Any,
    check: Callable[[Any], Awaitable[CheckResult]],
    spec: OutputSpec,
) -> NoReturn:
    """Build the resolver stack from ``config``, run ``check(resolver)``, report, exit."""
    import asyncio  # only DNS commands pay for the event loop

    from triage.dns.stack import build

    try:
        stack = build(config)
    except (OSError, ValueError) as exc:
        usage_error(str(exc))

    results: list[CheckResult] = []

    async def go() -> None:
        # stored, not returned: asyncio.run would format a returned result at exit
        try:
            results.append(await check(stack.resolver))
        finally:
            await stack.close()

    # A short run: no collector passes while answers arrive, and none over the whole
    # heap on the way out (frozen objects are skipped at interpreter exit too).
    collecting = gc.isenabled()
    gc.disable()
    try:
        asyncio.run(go())
    except InputError as exc:
        usage_error(str(exc))
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    result = results[0]
    stats = stack.stats
    report = Report.of(command, inputs, result, datetime.now(UTC), dns=stats.to_dict())
    if stats.unreachable:
        emit(report, spec)
        click.echo("triage: DNS unreachable: no query was answered", err=True)
        sys.exit(3)
    finish(report, spec)


def run_offline_command(
    command: str, inputs: Mapping[str, Any], result: CheckResult, spec: OutputSpec
) -> NoReturn:
    finish(Report.of(command, inputs, result, datetime.now(UTC)), spec)


def finish(report: Report, spec: OutputSpec) -> NoReturn:
    emit(report, spec)
    sys.exit(1 if fails(report.findings, spec.fail_on) else 0)


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        from triage.report import json_render

        return json_render.render(report)
    if fmt == "markdown":
        from triage.report import markdown

        return markdown.render(report)
    from triage.report import text

    return text.render(report)


def emit(report: Report, spec: OutputSpec) -> None:
    rendered = render(report, spec.fmt)
    if spec.output is None:
        click.echo(rendered, nl=False)
        return
    try:
        spec.output.write_text(rendered, encoding="utf-8")
    except OSError as exc:
        click.echo(f"triage: cannot write {spec.output}: {exc.strerror}", err=True)
        sys.exit(3)
