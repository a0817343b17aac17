"""The thin command line: parse, build the context, call one library function, render.

Commands are imported lazily (``_COMMANDS``), so ``triage explain`` never pays
for dnspython and ``triage spf`` never pays for the log parsers.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from triage import __version__

# command name -> module under triage.cli defining ``command``
_COMMANDS = {
    "spf": "spf",
    "dkim": "dkim",
    "dmarc": "dmarc",
    "rdns": "rdns",
    "dnsbl": "dnsbl",
    "deferrals": "deferrals",
    "explain": "explain",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if self._available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _COMMANDS.get(cmd_name)
        if module_name is None or not self._available(cmd_name):
            return None
        module = importlib.import_module(f"triage.cli.{module_name}")
        command: click.Command = module.command
        return command

    @staticmethod
    def _available(name: str) -> bool:
        return importlib.util.find_spec(f"triage.cli.{_COMMANDS[name]}") is not None


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
