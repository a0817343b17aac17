"""One timed run of a tool against the server, and what the server's log says about it.

Times come from two clocks in this process: the launch and the exit of the child
(``time.monotonic()`` around ``subprocess.run``) and the server's log of answers. A
query arrived ``delay`` before its answer was made (the timer's lateness aside, well
under a millisecond here), so the first query's arrival ends start-up.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bound import Chain
from recursive import Entry, RecursiveServer

Summarize = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Run:
    tool: str
    wall: float
    startup: float  # launch to the first query's arrival
    dns_phase: float  # first arrival to last answer
    tail: float  # last answer to exit
    log: tuple[Entry, ...]
    delay: float
    summary: dict[str, Any]

    @property
    def after_startup(self) -> float:
        return self.wall - self.startup

    @property
    def queries(self) -> int:
        return len(self.log)

    @property
    def first(self) -> float:
        return self.log[0].answered - self.delay

    def offsets(self, entry: Entry) -> tuple[float, float]:
        """(asked, answered) in ms after the first query."""
        answered = (entry.answered - self.first) * 1000
        return round(answered - self.delay * 1000, 1) + 0.0, round(answered, 1)  # no -0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "wall": self.wall, "startup": self.startup,
                "after_startup": self.after_startup, "dns_phase": self.dns_phase,
                "tail": self.tail, "queries": self.queries, "summary": self.summary,
                "log": [[*self.offsets(e), e.name, e.rdtype] for e in self.log]}


def measure(server: RecursiveServer, tool: str, cmd: list[str], env: dict[str, str],
            cwd: Path, summarize: Summarize) -> Run:
    server.reset()
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=cwd)
    wall = time.monotonic() - start
    log = tuple(server.log)
    if done.returncode not in (0, 1) or not log:
        raise SystemExit(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    first = log[0].answered - server.delay
    last = max(e.answered for e in log)
    return Run(tool, wall, first - start, last - first, start + wall - last, log, server.delay,
               summarize(json.loads(done.stdout)))


def timeline(chain: Chain, run: Run) -> list[list[Any]]:
    """Each step of ``chain``: when its last query was asked and answered, and the gap
    from the answer it needed (the previous step's) to that query."""
    rows: list[list[Any]] = []
    previous: float | None = None
    for step in chain.steps:
        keys = set(step.keys)
        entries = [e for e in run.log if (e.name, e.rdtype) in keys]
        if not entries:
            rows.append([chain.check, step.label[:72], None, None, "not asked"])
            continue
        asked, answered = run.offsets(max(entries, key=lambda e: e.answered))
        gap: Any = None if previous is None else round(asked - previous, 1)
        if gap is not None and gap < 0:
            gap = "asked ahead"
        rows.append([chain.check, step.label[:72], asked, answered, gap])
        previous = answered
    return rows


def later_queries(run: Run, chains: Sequence[Chain]) -> list[list[Any]]:
    """Queries asked after the first round that no chain step accounts for."""
    steps = {key for chain in chains for step in chain.steps for key in step.keys}
    rows = []
    for entry in run.log:
        asked, answered = run.offsets(entry)
        if asked > run.delay * 500 and (entry.name, entry.rdtype) not in steps:
            rows.append([f"{entry.rdtype} {entry.name}"[:80], asked, answered])
    return rows
