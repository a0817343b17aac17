"""``triage posture DOMAIN``: MTA-STS (with its policy over HTTPS), TLS-RPT and BIMI."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.posture.result import PostureResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command


@click.command(name="posture")
@click.argument("domain")
@dns_options
@output_options
def command(domain: str, dns: DnsConfig, out: OutputSpec) -> None:
    """Check DOMAIN's MTA-STS (record and policy), TLS-RPT and BIMI."""
    from triage.checks.posture import entry

    req = entry.request(domain)

    async def check(ctx: RunContext) -> PostureResult:
        return await entry.run(ctx, req)

    run_dns_command("posture", {"domain": req.domain}, dns, check, out)
