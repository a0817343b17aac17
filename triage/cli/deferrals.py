"""``triage deferrals FILE...``: classify the deferrals and bounces in MTA logs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec
    from triage.deferrals.thresholds import Thresholds

from triage.cli.options import output_options, threshold_options


def _progress(path: str, done: int) -> None:
    from triage.sanitize import clean

    click.echo(f"\rtriage: reading {clean(path, 200)}: {done >> 20} MiB", err=True, nl=False)


@click.command("deferrals")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@threshold_options
@output_options
def command(files: tuple[str, ...], thresholds: Thresholds, out: OutputSpec) -> None:
    """Read MTA logs or reply samples (Postfix, Exim, Sendmail, PowerMTA CSV, KumoMTA
    JSON, ESP event JSON, bare replies; .gz; - for stdin) and classify every deferral."""
    from datetime import UTC, datetime

    from triage.cli.run import run_offline_command, usage_error
    from triage.deferrals import InputUnreadable, analyse
    from triage.sanitize import clean

    tty = sys.stderr.isatty()
    try:
        result = analyse(list(files), datetime.now(UTC), progress=_progress if tty else None,
                         thresholds=thresholds)
    except InputUnreadable as exc:
        usage_error(clean(str(exc)))
    if tty:
        click.echo("\r\x1b[K", err=True, nl=False)
    run_offline_command("deferrals", {"files": [clean(f, 500) for f in files],
                                      "thresholds": thresholds.to_dict()}, result, out)
