"""Where each sender's line goes as it finishes: the JSONL file, the JUnit spool, the
summary rows, GitHub Actions annotations and the progress line.

Only the summary's small rows are kept for the whole run; each line is written and
dropped, so memory stays flat in the number of senders.

GitHub Actions annotations (``GITHUB_ACTIONS=true``): one ``::error`` (or
``::warning``) workflow command per failing finding, pointing at the sender's line in
the fleet file, escaped as the runner expects (``%``, CR, LF; also ``:`` and ``,``
in properties).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from triage.fleet.junit import THRESHOLD, JunitWriter
from triage.fleet.summary import Row
from triage.report.json_render import terminal_safe


def jsonl(safe: Mapping[str, Any]) -> str:
    """One line of JSON; ``safe`` has been through ``terminal_safe`` already."""
    return json.dumps(safe, ensure_ascii=False, separators=(",", ":")) + "\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(line: Mapping[str, Any], source: str | None) -> list[str]:
    sender = line["sender"]
    levels = THRESHOLD.get(sender.get("fail_on", "error"), ("error",))
    where = ""
    if source is not None:
        where = f"file={_prop(source)},"
        if sender.get("line") is not None:
            where += f"line={int(sender['line'])},"
    out = []
    for f in line.get("findings") or []:
        if f["severity"] not in levels:
            continue
        kind = "error" if f["severity"] == "error" else "warning"
        title = _prop(f"{sender['name']}: {f['code']}")
        message = f["message"] + (f" Fix: {f['fix']}" if f.get("fix") else "")
        out.append(f"::{kind} {where}title={title}::{_data(message)}\n")
    return out


@dataclass
class Outputs:
    jsonl_out: IO[str] | None = None
    junit: JunitWriter | None = None
    annotate: IO[str] | None = None  # stdout under GitHub Actions
    source: str | None = None  # the fleet file, for annotations
    progress: IO[str] | None = None  # stderr when it is a terminal
    total: int = 0
    rows: list[Row] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def emit(self, line: Mapping[str, Any]) -> None:
        safe = terminal_safe(dict(line))
        if self.jsonl_out is not None:
            self.jsonl_out.write(jsonl(safe))
            self.jsonl_out.flush()
        if self.junit is not None:
            self.junit.add(safe)
        self.rows.append(Row.of(safe))
        if self.annotate is not None:
            self.annotate.writelines(github_annotations(safe, self.source))
            self.annotate.flush()
        self._progress()

    def crash(self, index: int, name: str, ips: tuple[str, ...], message: str) -> None:
        """A sender that could not be checked at all (a bug): no JSON line, exit 3."""
        if self.junit is not None:
            self.junit.add_crash(index, name, message)
        self.rows.append(Row(index, name, ", ".join(ips), "error", 0, 0, 3, "-"))
        self._progress()

    def _progress(self) -> None:
        if self.progress is None:
            return
        done = len(self.rows)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        width = 30
        filled = width * done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= self.total else ""
        self.progress.write(f"\r[{bar}] {done}/{self.total} senders, {rate:.1f}/s{end}")
        self.progress.flush()


def open_output(path: Path) -> IO[str]:
    """A file to stream to (OSError when it cannot be opened)."""
    return path.open("w", encoding="utf-8")
