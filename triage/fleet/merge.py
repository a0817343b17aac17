"""Read the JSON lines of fleet shards back into one summary and one JUnit file.

Each line is checked for what the summary needs (a ``sender`` with its index, name,
status and exit code); a line that is not JSON or lacks them, or a sender index seen
twice (the same shard given twice, or shards of different files), is an
``InputError`` naming the file and line. GitHub Actions annotations are printed as in
the fleet run when ``GITHUB_ACTIONS=true``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from triage.errors import InputError
from triage.fleet.junit import JunitWriter
from triage.fleet.outputs import Outputs
from triage.fleet.summary import exit_code, render
from triage.report.layout import terminal_width
from triage.sanitize import clean

_NEEDED = ("index", "name", "status", "exit_code")


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield number, _parse(text, path, number)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None


def _parse(text: str, path: Path, number: int) -> dict[str, Any]:
    try:
        line = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: not a JSON line: {clean(exc.msg, 100)}") from None
    sender = line.get("sender") if isinstance(line, dict) else None
    ok = (isinstance(sender, Mapping) and all(k in sender for k in _NEEDED)
          and isinstance(line.get("input"), Mapping) and "ips" in line["input"])
    if not ok:
        raise InputError(f"{path}:{number}: not a line of triage fleet --jsonl (no sender)")
    return dict(line)


def merge(files: tuple[Path, ...], junit: Path | None) -> tuple[int, str]:
    outputs = Outputs(
        junit=JunitWriter(junit) if junit is not None else None,
        annotate=sys.stdout if os.environ.get("GITHUB_ACTIONS") == "true" else None)
    seen: dict[int, str] = {}
    for path in files:
        for number, line in read_lines(path):
            index = int(line["sender"]["index"])
            if index in seen:
                raise InputError(f"{path}:{number}: sender #{index + 1} is already in "
                                 f"{seen[index]}: give each shard once")
            seen[index] = f"{path}:{number}"
            outputs.emit(line)
    if outputs.junit is not None:
        outputs.junit.close()
    return exit_code(outputs.rows), render(outputs.rows, terminal_width())
