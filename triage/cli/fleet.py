"""``triage fleet FILE.toml``: every sender of a fleet file on one run context."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from triage.cli.options import Finite, dns_options

if TYPE_CHECKING:
    from triage.dns.stack import DnsConfig
    from triage.fleet.config import SenderSpec

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str | None) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N, as (K, N); (1, 1) without --shard."""
    from triage.cli.run import usage_error

    if text is None:
        return 1, 1
    match = _SHARD.match(text)
    if match is None:
        usage_error(f"--shard must be K/N (e.g. 2/4), not {text[:40]!r}")
    k, n = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= n:
        usage_error(f"--shard {k}/{n}: K must be between 1 and N")
    return k, n


def shard_of(senders: tuple[SenderSpec, ...], k: int, n: int) -> list[SenderSpec]:
    return [s for s in senders if s.index % n == k - 1]


@click.command("fleet")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.toml")
@click.option("--jsonl", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write one JSON object per sender (the check report plus sender).")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write JUnit XML: a testsuite per sender, a testcase per check/expectation.")
@click.option("--shard", metavar="K/N", help="Check only senders whose index i has i mod N = K-1.")
@click.option("--max-in-flight", type=click.IntRange(min=1, max=5000), default=64,
              show_default=True, metavar="N", help="DNS queries in flight at once, fleet-wide.")
@click.option("--concurrency", type=click.IntRange(min=1, max=1000), default=32,
              show_default=True, metavar="N", help="Senders checked at once.")
@click.option("--dnsbl-rate", type=Finite(min=0), default=50.0, show_default=True,
              metavar="QPS", help="Queries per second per DNSBL zone (0: no cap).")
@click.option("--sender-timeout", type=Finite(min=0.1), metavar="SECONDS",
              help="Time one sender may take; default: the run deadline of one check.")
@click.option("--record", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write every DNS answer of the run to this text cassette.")
@click.option("--replay", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Answer every DNS query from this cassette; send nothing.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Which findings make a sender's exit code 1.")
@dns_options
def command(file: Path, jsonl: Path | None, junit: Path | None, shard: str | None,
            max_in_flight: int, concurrency: int, dnsbl_rate: float,
            sender_timeout: float | None, record: Path | None, replay: Path | None,
            fail_on: str, dns: DnsConfig) -> None:
    """Check every sender of a fleet FILE.toml with one shared resolver and cache; the
    exit code is the worst sender's."""
    from dataclasses import replace

    from triage.cli.run import CannotRunFailure, usage_error
    from triage.findings import FailOn
    from triage.fleet.config import load
    from triage.fleet.session import Session, fleet_dns

    if record is not None and replay is not None:
        usage_error("--record and --replay cannot be used together")
    k, n = parse_shard(shard)
    config = load(file)
    senders = shard_of(config.senders, k, n)
    dns_config = fleet_dns(replace(dns, max_in_flight=max_in_flight), dnsbl_rate, record, replay)
    session = Session(config, dns_config, FailOn(fail_on), concurrency,
                      sender_timeout or dns.run_deadline)
    try:
        code, summary = session.run(senders, jsonl, junit)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise CannotRunFailure(f"cannot write{where}: {exc.strerror or exc}") from None
    click.echo(summary, nl=False)
    raise click.exceptions.Exit(code)
