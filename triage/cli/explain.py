"""``triage explain REPLY``: what one SMTP reply means and what to do (offline)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec

from triage.cli.options import output_options


@click.command("explain")
@click.argument("reply")
@click.option("--host", metavar="HOST", help="Receiving host that gave the reply (MX name).")
@click.option("--domain", metavar="DOMAIN", help="Recipient domain the reply was for.")
@output_options
def command(reply: str, host: str | None, domain: str | None, out: OutputSpec) -> None:
    """Classify one SMTP reply, e.g. "451 4.7.500 Server busy ... (S77714)"; no network."""
    from triage.cli.run import run_offline_command, usage_error
    from triage.deferrals import explain
    from triage.sanitize import clean

    if not reply.strip():
        usage_error("REPLY is empty")
    result = explain(reply, host=host, domain=domain)
    inputs = {
        "reply": clean(reply, 4000),
        "host": host and clean(host, 255),
        "domain": domain and clean(domain, 255),
    }
    run_offline_command("explain", inputs, result, out)
