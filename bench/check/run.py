"""Benchmark: ``triage check`` on a big-sender world behind a slow resolver, against
the critical-path bound and against checkdmarc.

    python bench/check/run.py [--delay 0.03] [--runs 5] [--json FILE]

The world (bigsender.py) is served by bench/spf's DelayServer answering as a recursive
resolver (recursive.py) on 127.0.0.1, every answer held ``--delay`` seconds. Each
tool runs once unmeasured (bytecode caches filled), then RUNS times in turn:

- ``python -m triage check news.bigsender.bench.test --ip 203.0.113.25 --helo
  mta1.news.bigsender.bench.test --selector selector1 --selector selector2 --selector s1
  --selector s2 [--dnsbl ZONE]... --nameserver 127.0.0.1:PORT --format json``
  (``--dnsbl`` for the 15 lists beyond the 5 defaults, when ``check`` takes it);
- checkdmarc on the same domain through the same server (checkdmarc_job.py, in a
  venv under /tmp that this script makes with pip when checkdmarc is not importable).

Per run (timing.py), from the server's log: start-up (launch to the first query's arrival), the
DNS phase (first arrival to last answer), the rest (last answer to exit), queries.
The bound (bound.py) is the critical path, the longest chain of answers that depend on
each other, × the delay; target: triage's run after start-up within 1.3 × the bound,
and triage at least 3 × faster than checkdmarc, whole process. For the median triage
run every chain is printed step by step: when each step's queries were asked and
answered, and the gap between an answer and the query that needed it. Exit status 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bigsender  # noqa: E402
from bound import Chain, chains, critical  # noqa: E402
from recursive import RecursiveServer  # noqa: E402
from timing import Run, later_queries, measure, timeline  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV = Path("/tmp/triage-bench-checkdmarc")
CHECKDMARC = "checkdmarc==6.0.4"
BOUND_TARGET = 1.3
SPEEDUP_TARGET = 3.0
ASKED = (f"{bigsender.DOMAIN} from {bigsender.IP} (HELO {bigsender.HELO}), selectors "
         f"{', '.join(bigsender.SELECTORS)}")


def checkdmarc_python(venv: Path) -> str:
    """A Python that can import checkdmarc: this one, else the venv (made when missing)."""
    if importlib.util.find_spec("checkdmarc") is not None:
        return sys.executable
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"installing {CHECKDMARC} into {venv} (pip, from the package index)",
              file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", CHECKDMARC], check=True)
    return str(python)


def environment(cache: str) -> dict[str, str]:
    """Bytecode cached (in a temp dir), as for an installed tool: measure triage, not the
    compiler; the warm-up run fills the cache."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def takes_dnsbl(env: dict[str, str]) -> bool:
    done = subprocess.run([sys.executable, "-m", "triage", "check", "--help"],
                          capture_output=True, text=True, env=env, cwd=REPO, check=False)
    if done.returncode != 0:
        raise SystemExit(f"`triage check` is not available: {done.stderr.strip()[-300:]}")
    return "--dnsbl" in done.stdout


def triage_command(port: int, zones: tuple[str, ...]) -> list[str]:
    cmd = [sys.executable, "-m", "triage", "check", bigsender.DOMAIN, "--ip", bigsender.IP,
           "--helo", bigsender.HELO]
    for selector in bigsender.SELECTORS:
        cmd += ["--selector", selector]
    for zone in zones:
        cmd += ["--dnsbl", zone]
    return cmd + ["--nameserver", f"127.0.0.1:{port}", "--format", "json", "--timeout", "5"]


def triage_summary(body: dict[str, Any]) -> dict[str, Any]:
    """What the run concluded, to check that the world reads as built."""
    lists = (body.get("checks", {}).get("dnsbl") or {}).get("lists", [])
    passing = {"127.0.0.1": "clean", "127.0.0.2": "listed"}
    return {"verdict": body.get("verdict", {}).get("action"),
            "overview": {row["check"]: row["status"] for row in body.get("overview", [])},
            "dnsbl": {"lists": len(lists),
                      "clean": sum(1 for x in lists if x.get("status") == "clean"),
                      "self_tests_pass": sum(1 for x in lists if x.get("self_test") == passing)},
            "findings": sorted(f["code"] for f in body.get("findings", []))}


def checkdmarc_summary(body: dict[str, Any]) -> dict[str, Any]:
    return {"base_domain": body["base_domain"],
            "spf": {"valid": body["spf"]["valid"], "dns_lookups": body["spf"].get("dns_lookups")},
            "dmarc": {"valid": body["dmarc"]["valid"], "location": body["dmarc"].get("location"),
                      "p": body["dmarc"].get("tags", {}).get("p", {}).get("value")},
            "mx": [h["hostname"] for h in body["mx"].get("hosts", [])]}


def _ms(values: list[float]) -> str:
    return (f"{statistics.median(values) * 1000:.0f} "
            f"({min(values) * 1000:.0f}-{max(values) * 1000:.0f})")


def figures(runs: dict[str, list[Run]], bound: float) -> None:
    rows = [[tool, _ms([r.wall for r in done]), _ms([r.startup for r in done]),
             _ms([r.after_startup for r in done]), _ms([r.dns_phase for r in done]),
             _ms([r.tail for r in done]), statistics.median(r.queries for r in done),
             f"{statistics.median(r.after_startup for r in done) / bound:.2f}x",
             f"{statistics.median(r.dns_phase for r in done) / bound:.2f}x"]
            for tool, done in runs.items()]
    print(tabulate(rows, headers=["tool", "wall ms: median (min-max)", "start-up",
                                  "after start-up", "DNS phase", "last answer to exit",
                                  "queries", "after start-up / bound", "DNS phase / bound"]))


def report(runs: dict[str, list[Run]], all_chains: tuple[Chain, ...], delay: float,
           zones: tuple[str, ...]) -> dict[str, Any]:
    path = critical(all_chains)
    bound = len(path.steps) * delay
    print(f"world: {ASKED}; {len(zones)} DNSBL zones asked beyond the 5 defaults")
    print(f"delay {delay * 1000:.0f} ms an answer; the chains (answers that wait for answers):")
    for chain in all_chains:
        print(f"  {chain.check:6} {len(chain.steps)}: " + " -> ".join(s.label for s in chain.steps))
    print(f"bound: {path.check}'s {len(path.steps)} answers x {delay * 1000:.0f} ms = "
          f"{bound * 1000:.0f} ms\n")
    figures(runs, bound)
    ours = runs["triage"]
    ratio = statistics.median(r.after_startup for r in ours) / bound
    median_run = sorted(ours, key=lambda r: r.after_startup)[len(ours) // 2]
    steps = [row for chain in all_chains for row in timeline(chain, median_run)]
    print("\nthe median triage run, ms after its first query (gap: from the answer a step "
          "needs to its query)\n" + tabulate(steps, headers=["chain", "step", "asked",
                                                             "answered", "gap"]))
    later = later_queries(median_run, all_chains)
    if later:
        print("\nits other queries after the first round\n" + tabulate(
            later, headers=["query", "asked", "answered"]))
    print(f"\ntriage: {ratio:.2f}x the bound after start-up "
          f"({'meets' if ratio <= BOUND_TARGET else 'MISSES'} the {BOUND_TARGET}x target); "
          f"it found {ours[0].summary}")
    result: dict[str, Any] = {"asked": ASKED, "delay": delay, "bound": bound,
                              "critical_path": path.to_dict(),
                              "chains": [c.to_dict() for c in all_chains],
                              "ratio_to_bound": ratio, "dnsbl_extra_zones": list(zones),
                              "runs": {t: [r.to_dict() for r in rs] for t, rs in runs.items()}}
    if "checkdmarc" in runs:
        theirs = runs["checkdmarc"]
        speedup = statistics.median(c.wall / t.wall for t, c in zip(ours, theirs, strict=True))
        print(f"checkdmarc / triage, whole process: {speedup:.2f}x, median of the pairs' ratios "
              f"({'meets' if speedup >= SPEEDUP_TARGET else 'MISSES'} the {SPEEDUP_TARGET}x "
              f"target); checkdmarc found {theirs[0].summary}")
        result["speedup"] = speedup
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.03)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results here")
    parser.add_argument("--no-checkdmarc", action="store_true", help="time triage only")
    parser.add_argument("--venv", type=Path, default=VENV, help="where to install checkdmarc")
    args = parser.parse_args()
    built = bigsender.build()
    server = RecursiveServer(built.table, args.delay, built.apexes).start()
    runs: dict[str, list[Run]] = {"triage": []}
    with tempfile.TemporaryDirectory(prefix="triage-bench-pyc-") as cache:
        env = environment(cache)
        try:
            zones = built.extra_zones if takes_dnsbl(env) else ()
            tools = {"triage": (triage_command(server.port, zones), env, triage_summary)}
            if not args.no_checkdmarc:
                job = [checkdmarc_python(args.venv), str(HERE / "checkdmarc_job.py"),
                       bigsender.DOMAIN, "127.0.0.1", str(server.port)]
                plain = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
                tools["checkdmarc"] = (job, plain, checkdmarc_summary)
                runs["checkdmarc"] = []
            for tool, (cmd, tool_env, summarize) in tools.items():
                measure(server, tool, cmd, tool_env, REPO, summarize)  # warm-up
            for _ in range(args.runs):  # in turn, so that drift hits both alike
                for tool, (cmd, tool_env, summarize) in tools.items():
                    runs[tool].append(measure(server, tool, cmd, tool_env, REPO, summarize))
        finally:
            server.stop()
    asked = [d.zone for d in built.dnsbls if d.default] + list(zones)
    result = report(runs, chains(built, bigsender.DOMAIN, bigsender.IP, bigsender.HELO,
                                 bigsender.SELECTORS, asked), args.delay, zones)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    met = result["ratio_to_bound"] <= BOUND_TARGET and result.get("speedup", 99) >= SPEEDUP_TARGET
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
