"""The CLI boundary: the only place that prints a report and exits.

Helpers raise (``InputError``, ``CannotRun`` or ``Failure``); click turns a
``Failure`` into one ``triage: …`` line on stderr and its exit code, and
``conclude`` writes the report and raises ``click.exceptions.Exit``.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from triage.errors import InputError
from triage.findings import FailOn
from triage.report.model import CheckResult, Report

if TYPE_CHECKING:
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig
    from triage.runner import Outcome


class Failure(click.ClickException):
    """One line on stderr, then exit 2 (input error); ``CannotRunFailure`` exits 3."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        from triage.sanitize import visible

        click.echo(visible(f"triage: {self.message}"), err=True)


class CannotRunFailure(Failure):
    exit_code = 3


def failure(message: str, code: int = 2) -> Failure:
    """The click exception that prints ``message`` and exits with ``code`` (2 or 3)."""
    return CannotRunFailure(message) if code == 3 else Failure(message)


@dataclass(frozen=True)
class OutputSpec:
    fmt: str
    output: Path | None
    fail_on: FailOn
    width: int | None = None  # text wrap width; None: the terminal's (80 when not one)
    brief: bool = False


def usage_error(message: str) -> NoReturn:
    raise Failure(message)


def output_spec(fmt: str, output: Path | None, fail_on: str) -> OutputSpec:
    return OutputSpec(fmt=fmt, output=output, fail_on=FailOn(fail_on))


def dns_config(
    nameservers: tuple[str, ...], zones: tuple[Path, ...], offline: bool, timeout: float
) -> DnsConfig:
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
    config: DnsConfig,
    check: Callable[[RunContext], Awaitable[CheckResult]],
    spec: OutputSpec,
) -> NoReturn:
    from triage.runner import run_dns

    conclude(run_dns(command, inputs, config, check, spec.fail_on), spec)


def run_offline_command(
    command: str, inputs: Mapping[str, Any], result: CheckResult, spec: OutputSpec
) -> NoReturn:
    from triage.runner import run_offline

    conclude(run_offline(command, inputs, result, spec.fail_on), spec)


def conclude(outcome: Outcome, spec: OutputSpec) -> NoReturn:
    emit(outcome.report, spec)
    if outcome.message:
        from triage.sanitize import visible

        click.echo(visible(f"triage: {outcome.message}"), err=True)
    raise click.exceptions.Exit(outcome.exit_code)


def render(report: Report, spec: OutputSpec) -> str:
    if spec.fmt == "json":
        from triage.report import json_render

        return json_render.render(report)
    if spec.fmt == "markdown":
        from triage.report import markdown

        return markdown.render(report)
    from triage.report import text

    return text.render(report, width=spec.width or _width(spec), brief=spec.brief)


def _width(spec: OutputSpec) -> int:
    from triage.report.layout import terminal_width

    return terminal_width(to_file=spec.output is not None)


def emit(report: Report, spec: OutputSpec) -> None:
    """Write the report; a device that refuses it (full, closed) is exit 3, one line.

    The terminal boundary: whatever the renderer let through, no control character
    from DNS, a log or argv leaves here (``sanitize.visible``)."""
    from triage.sanitize import visible

    rendered = visible(render(report, spec))
    where = "standard output" if spec.output is None else str(spec.output)
    try:
        if spec.output is None:
            sys.stdout.write(rendered)
            sys.stdout.flush()
        else:
            with spec.output.open("w", encoding="utf-8") as handle:
                handle.write(rendered)
    except OSError as exc:
        raise CannotRunFailure(f"cannot write {where}: {exc.strerror or exc}") from None


def input_failure(exc: InputError) -> Failure:
    return failure(str(exc), exc.exit_code)
