"""Options shared by every command, defined once (contract: "Options on every command
that queries DNS").

Each decorator adds its options and hands the command one parsed value instead of
the raw flags: ``dns`` (a ``DnsConfig``) and ``out`` (an ``OutputSpec``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Finite(click.FloatRange):
    """A float range that also refuses nan and inf, which compare false with any bound
    and so pass a plain ``FloatRange``."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{number} is not a finite number.", param, ctx)
        return number


def dns_options(func: F) -> F:
    options = [
        click.option(
            "--nameserver",
            "nameservers",
            multiple=True,
            metavar="HOST[:PORT]",
            help="Resolver to ask (repeatable); default: the system resolver.",
        ),
        click.option(
            "--zone",
            "zones",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Answer names at or under this master file's origin from the file.",
        ),
        click.option(
            "--offline", is_flag=True, help="Send no DNS query; other names are NXDOMAIN."
        ),
        click.option(
            "--timeout",
            type=Finite(min=0.01, max=300),
            default=5.0,
            show_default=True,
            metavar="SECONDS",
            help="Per-query timeout; the whole run has a bounded deadline too.",
        ),
    ]

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        nameservers: tuple[str, ...],
        zones: tuple[Path, ...],
        offline: bool,
        timeout: float,
        **kwargs: Any,
    ) -> Any:
        from triage.cli.run import dns_config

        return func(*args, dns=dns_config(nameservers, zones, offline, timeout), **kwargs)

    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def output_options(func: F) -> F:
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json", "markdown"]),
            default="text",
            show_default=True,
            help="Report format.",
        ),
        click.option(
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Write the report to FILE instead of stdout.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "never"]),
            default="error",
            show_default=True,
            help="Which findings make the exit code 1.",
        ),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, fmt: str, output: Path | None, fail_on: str, **kwargs: Any) -> Any:
        from triage.cli.run import output_spec

        return func(*args, out=output_spec(fmt, output, fail_on), **kwargs)

    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def snds_options(func: F) -> F:
    """``--snds-key`` and ``--snds-url`` (also from the environment); the key is a secret:
    no default is ever shown and nothing echoes it."""
    options = [
        click.option("--snds-key", "snds_key", envvar="TRIAGE_SNDS_KEY", metavar="KEY",
                     show_envvar=True,
                     help="SNDS automated access key (prefer the environment variable: "
                          "a command line is visible to other users)."),
        click.option("--snds-url", "snds_url", envvar="TRIAGE_SNDS_URL", metavar="URL",
                     show_envvar=True,
                     help="SNDS base URL; default "
                          "https://sendersupport.olc.protection.outlook.com/snds/."),
    ]
    decorated: Any = func
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def threshold_options(func: F) -> F:
    """``--window``, ``--watch-rate`` and ``--act-rate``: the numbers the deferral tables,
    findings, streaks and the verdict judge by, handed over as one ``thresholds``."""
    options = [
        click.option("--window", "window", type=Finite(min=1), default=60.0,
                     show_default=True, metavar="MINUTES",
                     help="Escalation window: deferrals this long without recovery mean "
                          "escalate."),
        click.option("--watch-rate", type=Finite(min=0, max=100), default=1.0,
                     show_default=True, metavar="PERCENT",
                     help="Deferral rate from which a provider is in the watch band."),
        click.option("--act-rate", type=Finite(min=0, max=100), default=5.0,
                     show_default=True, metavar="PERCENT",
                     help="Deferral rate above which a provider is in the act band."),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, window: float, watch_rate: float, act_rate: float,
                **kwargs: Any) -> Any:
        from triage.cli.run import usage_error
        from triage.deferrals.thresholds import Thresholds

        if act_rate < watch_rate:
            usage_error("--act-rate must not be below --watch-rate")
        return func(*args, thresholds=Thresholds(watch_rate / 100, act_rate / 100, window),
                    **kwargs)

    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
