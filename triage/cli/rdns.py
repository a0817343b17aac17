"""``triage rdns IP [--helo NAME]``: PTR, forward confirmation, generic names, HELO."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.rdns.result import RdnsResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command


@click.command(name="rdns")
@click.argument("ip")
@click.option("--helo", metavar="NAME", help="The HELO/EHLO name the server announces.")
@dns_options
@output_options
def command(
    ip: str,
    helo: str | None,
    dns: DnsConfig,
    out: OutputSpec,
) -> None:
    """Check the reverse DNS (PTR, FCrDNS, generic names) and HELO name of IP."""
    from triage.checks.rdns import entry
    from triage.sanitize import clean

    req = entry.request(ip, helo)
    inputs = {"ip": str(req.ip), "helo": clean(helo, 255) if helo is not None else None}

    async def check(ctx: RunContext) -> RdnsResult:
        return await entry.run(ctx, req)

    run_dns_command("rdns", inputs, dns, check, out)
