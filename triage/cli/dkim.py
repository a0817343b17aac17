"""``triage dkim DOMAIN [--selector S]... [--message FILE.eml]``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec
    from triage.dns.stack import DnsConfig

from triage.cli.options import dns_options, output_options
from triage.cli.run import run_dns_command, usage_error


def domain_argument(text: str) -> str:
    """A domain name as the user typed it, normalised; exit 2 when it cannot be one."""
    from triage.dns.names import normalise, to_wire_name

    name = normalise(text)
    if (
        not name
        or "." not in name
        or "@" in name
        or any(c.isspace() for c in name)
        or name.replace(".", "").isdigit()
        or ":" in name
        or to_wire_name(name) is None
    ):
        usage_error(f"invalid domain {text!r}")
    try:
        return name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError:
        usage_error(f"invalid domain {text!r}")


def _selector(text: str) -> str:
    name = text.strip().lower().rstrip(".")
    labels = name.split(".")
    if not name or any(
        not lb or len(lb) > 63 or not all(c.isalnum() or c in "-_" for c in lb) for lb in labels
    ):
        usage_error(f"invalid selector {text!r}")
    return name


def _read_message(path: Path) -> Any:
    from triage.checks.dkim import MessageError, parse_message

    try:
        with path.open("rb") as handle:
            data = handle.read(64 * 1024 * 1024 + 1)
    except OSError as exc:
        usage_error(f"cannot read {path}: {exc.strerror or exc}")
    try:
        return parse_message(data)
    except MessageError as exc:
        usage_error(f"{path}: {exc}")


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
    name = domain_argument(domain)
    chosen = tuple(_selector(s) for s in selectors)
    message = _read_message(message_path) if message_path is not None else None
    inputs = {
        "domain": name,
        "selectors": list(chosen),
        "message": str(message_path) if message_path else None,
    }

    async def check(resolver: Any) -> Any:
        from triage.checks.dkim import check_dkim

        return await check_dkim(resolver, name, chosen, message)

    run_dns_command("dkim", inputs, dns, check, out)
