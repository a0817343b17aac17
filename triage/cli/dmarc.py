"""``triage dmarc DOMAIN [--mail-from DOMAIN] [--dkim-domain D]...``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.dmarc.result import DmarcResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command


@click.command("dmarc")
@click.argument("domain")
@click.option(
    "--mail-from",
    "mail_from",
    metavar="DOMAIN",
    help="Envelope (Return-Path) domain to judge SPF alignment for.",
)
@click.option(
    "--dkim-domain",
    "dkim_domains",
    multiple=True,
    metavar="D",
    help="DKIM signing domain (d=) to judge DKIM alignment for (repeatable).",
)
@dns_options
@output_options
def command(
    domain: str,
    mail_from: str | None,
    dkim_domains: tuple[str, ...],
    dns: DnsConfig,
    out: OutputSpec,
) -> None:
    """DMARC record, policy, report authorization and alignment (RFC 7489 and RFC 9989)."""
    from triage.checks.dmarc import entry

    req = entry.request(domain, mail_from, dkim_domains)
    inputs = {"domain": req.domain, "mail_from": req.mail_from,
              "dkim_domains": list(req.dkim_domains)}

    async def check(ctx: RunContext) -> DmarcResult:
        return await entry.run(ctx, req)

    run_dns_command("dmarc", inputs, dns, check, out)
