"""``triage dnsbl IP_OR_DOMAIN [--dnsbl ZONE]... [--no-default-dnsbls] [--dnsbl-key KEY]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.dnsbl.result import DnsblResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command

if TYPE_CHECKING:
    from triage.dns.stack import DnsConfig


@click.command(name="dnsbl")
@click.argument("target", metavar="IP_OR_DOMAIN")
@click.option(
    "--dnsbl",
    "extra",
    multiple=True,
    metavar="ZONE",
    help="Also ask this DNSBL zone (repeatable).",
)
@click.option(
    "--no-default-dnsbls",
    "no_defaults",
    is_flag=True,
    help="Ask only the --dnsbl zones, not the default lists.",
)
@click.option(
    "--dnsbl-key",
    "key",
    envvar="TRIAGE_DNSBL_KEY",
    metavar="KEY",
    help="Spamhaus DQS key (or TRIAGE_DNSBL_KEY); never printed.",
)
@dns_options
@output_options
def command(
    target: str,
    extra: tuple[str, ...],
    no_defaults: bool,
    key: str | None,
    dns: DnsConfig,
    out: OutputSpec,
) -> None:
    """Look up IP_OR_DOMAIN on DNS block lists, reading each list's codes correctly."""
    from triage.checks.dnsbl import entry

    req = entry.request(target, extra, key, defaults=not no_defaults)
    inputs = {
        "target": req.target.text,
        "dnsbl": list(req.zones),
        "default_lists": not no_defaults,
        "dnsbl_key": req.key is not None,
    }

    async def check(ctx: RunContext) -> DnsblResult:
        return await entry.run(ctx, req)

    run_dns_command("dnsbl", inputs, dns, check, out)
