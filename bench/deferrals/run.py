"""Benchmark ``triage deferrals`` on a generated 1,000,000-line Postfix log beside ``grep -c``.

    python3 bench/deferrals/run.py [--lines N] [--log PATH] [--repeat 3]

Generates the log with make_log.py (deterministic) unless it exists, warms the page
cache and Python's bytecode cache (one untimed run), then times ``grep -c ' status='``
and a full ``python -m triage deferrals LOG --format json`` run in a child process
--repeat times each, and reports the median and best wall times, lines/s, the ratio of
the medians and the child's peak RSS (resource.getrusage: the largest of the command's
processes, since a log this size is read by two). Targets: within 4x of
``grep -c`` and peak RSS under 100 MB. Exits 1 when a target is missed.

Bytecode: an environment with PYTHONDONTWRITEBYTECODE set recompiles every module on
every start (~50 ms here); an installed package has its bytecode, so the child runs with
that variable unset and PYTHONPYCACHEPREFIX pointing at a temporary directory (nothing is
written into the source tree).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


# a small helper process runs the command, so the peak RSS it reports is the command's own
# (a child forked from this process would inherit this process's pages)
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.PIPE)\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def timed(cmd: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float, int]:
    """Median and best wall time of ``repeat`` runs and the largest peak RSS in KiB.

    stdout is a pipe, not /dev/null: GNU grep stops at the first match when its output
    is /dev/null, which would not be counting at all."""
    times, rss = [], 0
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True,
                              capture_output=True, text=True, cwd=ROOT, env=env)
        seconds, kib = done.stdout.split()
        times.append(float(seconds))
        rss = max(rss, int(kib))
    return statistics.median(times), min(times), rss


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--log", default="/tmp/triage-bench-maillog")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    log = Path(args.log)
    if not log.exists() or sum(1 for _ in log.open("rb")) != args.lines:
        subprocess.run([sys.executable, str(HERE / "make_log.py"), "--lines", str(args.lines),
                        "--out", str(log)], check=True)
    subprocess.run(["cat", str(log)], check=True, stdout=subprocess.PIPE)  # warm the cache
    with tempfile.TemporaryDirectory(prefix="triage-bench-pyc-") as pyc:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pyc
        ours = [sys.executable, "-m", "triage", "deferrals", str(log), "--format", "json",
                "--fail-on", "never"]
        subprocess.run(ours, check=True, stdout=subprocess.PIPE, cwd=ROOT, env=env)
        grep_s, grep_best, _ = timed(["grep", "-c", " status=", str(log)], args.repeat, env)
        ours_s, ours_best, rss_kib = timed(ours, args.repeat, env)
    ratio = ours_s / grep_s
    report = {
        "lines": args.lines, "bytes": log.stat().st_size, "runs": args.repeat,
        "grep_c_seconds": round(grep_s, 3), "grep_c_best_seconds": round(grep_best, 3),
        "grep_c_lines_per_s": round(args.lines / grep_s),
        "triage_seconds": round(ours_s, 3), "triage_best_seconds": round(ours_best, 3),
        "triage_lines_per_s": round(args.lines / ours_s),
        "ratio": round(ratio, 2), "peak_rss_mb": round(rss_kib / 1024, 1),
        "target_ratio": 4, "target_rss_mb": 100,
    }
    print(json.dumps(report, indent=2))
    return 0 if ratio <= 4 and rss_kib < 100 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
