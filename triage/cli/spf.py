"""``triage spf [DOMAIN] [--ip IP] [--sender ADDRESS] [--helo NAME]``: RFC 7208 check_host()."""

from __future__ import annotations

import ipaddress
import time
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command, usage_error


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    value = text.strip()
    if "%" in value:  # a zone index is not an SMTP client address
        raise ValueError(f"invalid --ip {text!r}")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"invalid --ip {text!r}: give an IPv4 or IPv6 address") from None


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
    from triage.checks.spf import NoDomainError, SpfResult, check_spf, identify
    from triage.checks.spf.macro import upper_hex
    from triage.dns.resolver import Resolver
    from triage.sanitize import clean

    try:
        address = parse_ip(ip) if ip is not None else None
        who = identify(domain, sender, helo)
    except (ValueError, NoDomainError) as exc:
        usage_error(str(exc))
    inputs = {
        "domain": clean(who.domain, 300),
        "ip": str(address) if address is not None else None,
        "sender": clean(sender, 300) if sender is not None else None,
        "helo": clean(helo, 300) if helo is not None else None,
    }
    now = int(time.time())
    upper = ip is not None and upper_hex(ip)

    async def check(resolver: Resolver) -> SpfResult:
        return await check_spf(resolver, who, address, now, upper_hex=upper)

    run_dns_command("spf", inputs, dns, check, out)
