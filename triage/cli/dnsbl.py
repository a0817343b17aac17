"""``triage dnsbl IP_OR_DOMAIN [--dnsbl ZONE]... [--no-default-dnsbls] [--dnsbl-key KEY]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command, usage_error

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
    from triage.checks.dnsbl import (
        DnsblResult,
        check_dnsbl,
        load_catalog,
        parse_target,
        parse_zone,
        valid_key,
        zone_problem,
    )
    from triage.dns.resolver import Resolver

    key = key.strip() if key else None
    if key is not None and not valid_key(key):
        usage_error("--dnsbl-key is not a Spamhaus DQS key (one DNS label of letters and digits)")
    try:
        parsed = parse_target(target)
        wanted = tuple(dict.fromkeys(parse_zone(z) for z in extra))
    except ValueError as exc:
        usage_error(str(exc))
    catalog = load_catalog()
    for zone in wanted:
        problem = zone_problem(catalog, zone, parsed.kind, key)
        if problem is not None:
            usage_error(f"--dnsbl {zone}: {problem}")
    if no_defaults and not wanted:
        usage_error("--no-default-dnsbls needs at least one --dnsbl ZONE")
    servers = _resolvers_in_use(dns)
    inputs = {
        "target": parsed.text,
        "dnsbl": list(wanted),
        "default_lists": not no_defaults,
        "dnsbl_key": key is not None,
    }

    async def check(resolver: Resolver) -> DnsblResult:
        return await check_dnsbl(
            resolver, parsed.text, wanted, key, servers, defaults=not no_defaults, catalog=catalog
        )

    run_dns_command("dnsbl", inputs, dns, check, out)


def _resolvers_in_use(dns: DnsConfig) -> tuple[str, ...]:
    """The resolvers DNSBL queries go through: --nameserver, else the system's."""
    if dns.offline:
        return ()
    if dns.nameservers:
        return tuple(host for host, _ in dns.nameservers)
    from triage.dns.live import system_servers

    return tuple(server.host for server in system_servers())
