"""Benchmark ``triage deferrals`` on a generated 1,000,000-line incident log, side by side.

    python3 bench/deferrals/run.py [--lines N] [--log PATH] [--repeat 5]

Generates the log with make_incident_log.py (deterministic: a throttling episode across
several providers, replies with their per-message tokens) unless it exists, warms the
page cache and Python's bytecode cache (one untimed run of each command), then times, in
turn within each of --repeat rounds (so all four see the same machine state):

* ``grep -c ' status='`` (for the record: one C pass over the file);
* the two-process CPython floor from floor.py (start the interpreter, fork, each half
  finds every status line and matches one small pattern, nothing counted);
* ``python -m triage deferrals LOG --format json`` as a whole process;
* ``pflogsumm LOG`` (Debian's package), when it is installed;

and reports, as JSON, each one's median and best wall time (stdout a pipe), lines/s, the
ratios and the analysis' peak RSS (resource.getrusage: the largest of the command's
processes, since a log this size is read by two). Targets: triage within 1.5x the floor,
at least 10x faster than pflogsumm, peak RSS under 100 MB. Exits 1 when one is missed
(or pflogsumm is missing).

Bytecode: an environment with PYTHONDONTWRITEBYTECODE set recompiles every module on
every start (~50 ms here); an installed package has its bytecode, so the children run
with that variable unset and PYTHONPYCACHEPREFIX pointing at a temporary directory
(nothing is written into the source tree).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from floor import MATCH  # noqa: E402  (the floor's reader, shared with floor.py)

TARGET_FLOOR, TARGET_PFLOGSUMM, TARGET_RSS_MB = 1.5, 10, 100

# a small helper process runs the command, so the peak RSS it reports is the command's own
# (a child forked from this process would inherit this process's pages)
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.PIPE)\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run. stdout is a pipe, not /dev/null: GNU
    grep stops at the first match when its output is /dev/null."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True,
                          capture_output=True, text=True, cwd=ROOT, env=env)
    seconds, kib = done.stdout.split()
    return float(seconds), int(kib)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--log", default="/tmp/triage-bench-incident-log")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    log = Path(args.log)
    if not log.exists() or sum(1 for _ in log.open("rb")) != args.lines:
        subprocess.run([sys.executable, str(HERE / "make_incident_log.py"), "--lines",
                        str(args.lines), "--out", str(log)], check=True)
    py = sys.executable
    commands = {
        "grep_c": ["grep", "-c", " status=", str(log)],
        "floor_two_processes": [py, "-c", MATCH, str(log), "2"],
        "triage": [py, "-m", "triage", "deferrals", str(log), "--format", "json",
                   "--fail-on", "never"],
    }
    pflogsumm = shutil.which("pflogsumm")
    if pflogsumm:
        commands["pflogsumm"] = [pflogsumm, str(log)]
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, int] = dict.fromkeys(commands, 0)
    with tempfile.TemporaryDirectory(prefix="triage-bench-pyc-") as pyc:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pyc
        for cmd in commands.values():  # warm the page cache and the bytecode cache
            subprocess.run(cmd, check=True, stdout=subprocess.PIPE, cwd=ROOT, env=env)
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                seconds, kib = once(cmd, env)
                times[name].append(seconds)
                rss[name] = max(rss[name], kib)
    median = {name: statistics.median(runs) for name, runs in times.items()}
    to_floor = median["triage"] / median["floor_two_processes"]
    faster = median["pflogsumm"] / median["triage"] if pflogsumm else None
    rss_mb = rss["triage"] / 1024
    report = {
        "lines": args.lines, "bytes": log.stat().st_size, "runs": args.repeat,
        "median_seconds": {k: round(v, 3) for k, v in median.items()},
        "best_seconds": {k: round(min(v), 3) for k, v in times.items()},
        "lines_per_s": {k: round(args.lines / v) for k, v in median.items()},
        "peak_rss_mb": {k: round(v / 1024, 1) for k, v in rss.items()},
        "triage_to_floor": round(to_floor, 2),
        "triage_to_grep_c": round(median["triage"] / median["grep_c"], 1),
        "pflogsumm_to_triage": None if faster is None else round(faster, 1),
        "targets": {"triage_to_floor_max": TARGET_FLOOR,
                    "pflogsumm_to_triage_min": TARGET_PFLOGSUMM,
                    "peak_rss_mb_max": TARGET_RSS_MB},
        "met": {"floor": to_floor <= TARGET_FLOOR,
                "pflogsumm": faster is not None and faster >= TARGET_PFLOGSUMM,
                "rss": rss_mb < TARGET_RSS_MB},
    }
    print(json.dumps(report, indent=2))
    return 0 if all(report["met"].values()) else 1  # type: ignore[union-attr]


if __name__ == "__main__":
    sys.exit(main())
