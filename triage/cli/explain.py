"""``triage explain REPLY``: what one SMTP reply means and what to do (offline)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec

from triage.cli.options import output_options

STDIN_LIMIT = 64 * 1024  # a pasted bounce is a few KB; read no more than this


@click.command("explain")
@click.argument("reply")
@click.option("--host", metavar="HOST", help="Receiving host that gave the reply (MX name).")
@click.option("--domain", metavar="DOMAIN", help="Recipient domain the reply was for.")
@output_options
def command(reply: str, host: str | None, domain: str | None, out: OutputSpec) -> None:
    """Say what one SMTP reply means and what to do about it (offline, no network).

    REPLY is the reply, e.g. "451 4.7.500 Server busy ... (S77714)", pasted as found (a
    DSN's Diagnostic-Code, an MTA log wording, a client library's error text); "-" reads
    it from standard input.
    """
    from triage.cli.run import run_offline_command, usage_error
    from triage.deferrals import explain
    from triage.sanitize import clean

    if reply == "-":
        raw = sys.stdin.buffer.read(STDIN_LIMIT)
        reply = raw.decode("utf-8", "replace")
    if not reply.strip():
        usage_error("REPLY is empty" + (" (nothing on standard input)" if reply == "" else ""))
    result = explain(reply, host=host, domain=domain)
    inputs = {
        "reply": clean(reply, 4000),
        "host": host and clean(host, 255),
        "domain": domain and clean(domain, 255),
    }
    run_offline_command("explain", inputs, result, out)
