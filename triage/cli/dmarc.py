"""``triage dmarc DOMAIN [--mail-from DOMAIN] [--dkim-domain D]...``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec
    from triage.dns.stack import DnsConfig

from triage.cli.dkim import domain_argument
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
    name = domain_argument(domain)
    envelope = domain_argument(mail_from.rsplit("@", 1)[-1]) if mail_from else None
    signers = tuple(dict.fromkeys(domain_argument(d) for d in dkim_domains))
    inputs = {"domain": name, "mail_from": envelope, "dkim_domains": list(signers)}

    async def check(resolver: Any) -> Any:
        from triage.checks.dmarc import check_dmarc

        return await check_dmarc(resolver, name, envelope, signers)

    run_dns_command("dmarc", inputs, dns, check, out)
