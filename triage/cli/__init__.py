"""The thin command line: parse, build the context, call one library function, render.

Commands are imported lazily (``COMMANDS``), so ``triage explain`` never pays
for dnspython and ``triage spf`` never pays for the log parsers.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import click

from triage import __version__

# command name -> module under triage.cli defining ``command``
COMMANDS: Mapping[str, str] = MappingProxyType({
    "check": "check",
    "spf": "spf",
    "dkim": "dkim",
    "dmarc": "dmarc",
    "rdns": "rdns",
    "dnsbl": "dnsbl",
    "deferrals": "deferrals",
    "explain": "explain",
    "snds": "snds",
    "posture": "posture",
    "fleet": "fleet",
    "merge": "merge",
})


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None or not self._available(cmd_name):
            return None
        module = importlib.import_module(f"triage.cli.{module_name}")
        command: click.Command = module.command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Errors raised below the CLI become one line and their exit code here."""
        from triage.cli.run import Failure, failure
        from triage.errors import TriageError

        try:
            return super().invoke(ctx)
        except TriageError as exc:
            raise failure(str(exc), exc.exit_code) from None
        except click.UsageError as exc:  # one line, like every other input error
            where = exc.ctx.command_path if exc.ctx is not None else "triage"
            raise Failure(f"{exc.format_message()} (see '{where} --help')") from None

    @staticmethod
    def _available(name: str) -> bool:
        return importlib.util.find_spec(f"triage.cli.{COMMANDS[name]}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="triage")
def cli() -> None:
    """Deliverability health-check and triage for mail senders."""


def main() -> None:
    try:
        cli.main(prog_name="triage", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("triage: interrupted", err=True)
        sys.exit(130)
