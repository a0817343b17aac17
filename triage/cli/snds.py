"""``triage snds [IP]``: Microsoft SNDS data and IP status for the key's addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.snds.result import SndsResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options, snds_options
from triage.cli.run import run_dns_command


@click.command(name="snds")
@click.argument("ip", required=False)
@snds_options
@click.option("--helo", metavar="NAME",
              help="The HELO name the IP should announce (compared with SNDS's sample).")
@dns_options
@output_options
def command(ip: str | None, snds_key: str | None, snds_url: str | None, helo: str | None,
            dns: DnsConfig, out: OutputSpec) -> None:
    """Read Microsoft SNDS (filter result, complaints, trap hits, blocks) for IP,
    or for every IP of the key."""
    from triage.checks.snds import entry

    req = entry.request(snds_key, snds_url, (ip,) if ip else (), helo)
    inputs = {"ip": req.ips[0] if req.ips else None, "snds_url": req.base, "helo": req.helo}

    async def check(ctx: RunContext) -> SndsResult:
        return await entry.run(ctx, req)

    run_dns_command("snds", inputs, dns, check, out)
