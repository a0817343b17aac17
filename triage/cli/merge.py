"""``triage merge FILE.jsonl...``: one summary (and JUnit) from the shards of a fleet."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("merge")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.jsonl...")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write the JUnit XML of all shards together.")
def command(files: tuple[Path, ...], junit: Path | None) -> None:
    """Merge the --jsonl outputs of fleet shards into the one summary an unsharded run
    prints; the exit code is the worst sender's."""
    from triage.cli.run import CannotRunFailure
    from triage.fleet.merge import merge

    try:
        code, summary = merge(files, junit)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise CannotRunFailure(f"cannot write{where}: {exc.strerror or exc}") from None
    click.echo(summary, nl=False)
    raise click.exceptions.Exit(code)
