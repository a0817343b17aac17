"""``triage spf [DOMAIN] [--ip IP] [--sender ADDRESS] [--helo NAME]``: RFC 7208 check_host()."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.spf.result import SpfResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command


@click.command(name="spf")
@click.argument("domain", required=False)
@click.option("--ip", metavar="IP", help="Evaluate check_host() for this client address.")
@click.option("--sender", metavar="ADDRESS", help="MAIL FROM as received (may be empty: a bounce).")
@click.option("--helo", metavar="NAME", help="HELO/EHLO name as received.")
@dns_options
@output_options
def command(
    domain: str | None,
    ip: str | None,
    sender: str | None,
    helo: str | None,
    dns: DnsConfig,
    out: OutputSpec,
) -> None:
    """Evaluate and analyse the SPF policy of DOMAIN (or of the sender's domain)."""
    from triage.checks.spf import entry
    from triage.sanitize import clean

    req = entry.request(domain, ip, sender, helo)
    inputs = {
        "domain": clean(req.who.domain, 300),
        "ip": str(req.ip) if req.ip is not None else None,
        "sender": clean(sender, 300) if sender is not None else None,
        "helo": clean(helo, 300) if helo is not None else None,
    }

    async def check(ctx: RunContext) -> SpfResult:
        return await entry.run(ctx, req)

    run_dns_command("spf", inputs, dns, check, out)
