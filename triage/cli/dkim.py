"""``triage dkim DOMAIN [--selector S]... [--message FILE.eml]``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.checks.dkim.result import DkimResult
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command


@click.command("dkim")
@click.argument("domain")
@click.option(
    "--selector",
    "selectors",
    multiple=True,
    metavar="S",
    help="Selector to look up (repeatable); default: a list of common selectors.",
)
@click.option(
    "--message",
    "message_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.eml",
    help="Verify this message's DKIM signatures.",
)
@dns_options
@output_options
def command(
    domain: str,
    selectors: tuple[str, ...],
    message_path: Path | None,
    dns: DnsConfig,
    out: OutputSpec,
) -> None:
    """Look up DKIM selectors and judge their keys; verify a message's signatures."""
    from triage.checks.dkim import entry

    req = entry.request(domain, selectors, message_path)
    inputs = {
        "domain": req.domain,
        "selectors": list(req.selectors),
        "message": str(message_path) if message_path else None,
    }

    async def check(ctx: RunContext) -> DkimResult:
        return await entry.run(ctx, req)

    run_dns_command("dkim", inputs, dns, check, out)
