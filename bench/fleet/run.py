"""Benchmark: ``triage fleet`` over N senders through a resolver that holds every
answer ``--delay`` seconds, at several fleet sizes.

    python bench/fleet/run.py [--senders 250,500,1000] [--delay 0.03] [--json FILE]

The world is a table served by bench/spf's DelayServer on 127.0.0.1 (in this process,
on its own thread); each sender ``s<i>.fleet.bench.test`` publishes what a customer of
an ESP publishes: SPF with its own IP and the ESP's shared include (itself including a
second record), DMARC p=reject with rua, two 2048-bit DKIM selectors (one key shared,
made once), and an IP (198.18.0.0/15, RFC 2544's benchmark range) whose PTR name answers
back. DNSBL names are NXDOMAIN (clean) but for each list's 127.0.0.2 test entry. Every
answer is held ``--delay`` seconds.

Each size runs ``python -m triage fleet FILE --nameserver 127.0.0.1:PORT --jsonl
FILE --junit FILE`` as a child process and reads its wall time, CPU time (``wait4``)
and peak RSS (the child's own VmHWM, written at its exit: see WRAPPER).
Target: at 1,000 senders, 20 or more senders per second, and peak RSS
flat in the number of senders (the largest fleet within 1.25 x the smallest's).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tabulate import tabulate

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench" / "spf"))
from server import DelayServer  # noqa: E402

ESP = "esp.bench.test"
SELECTORS = ("s1", "s2")


def dkim_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64

    return base64.b64encode(der).decode()


def txt(text: str) -> str:
    chunks = [text[i:i + 250] for i in range(0, len(text), 250)]
    return " ".join(f'"{c}"' for c in chunks)


def ip_of(i: int) -> str:
    return f"198.{18 + i // 65024}.{(i // 254) % 256}.{i % 254 + 1}"


def world(senders: int, key: str) -> dict[tuple[str, str], list[str]]:
    t: dict[tuple[str, str], list[str]] = {
        (f"_spf.{ESP}", "TXT"): [txt(f"v=spf1 ip4:203.0.113.0/24 include:_spf2.{ESP} ~all")],
        (f"_spf2.{ESP}", "TXT"): [txt("v=spf1 ip4:198.51.100.0/24 ~all")],
    }
    for zone in dnsbl_zones():  # each list's RFC 5782 test entry, so no list is unverified
        t[(f"2.0.0.127.{zone}", "A")] = ["127.0.0.2"]
    for i in range(senders):
        domain, ip = f"s{i}.fleet.bench.test", ip_of(i)
        mta = f"mta.{domain}"
        t[(domain, "TXT")] = [txt(f"v=spf1 ip4:{ip} include:_spf.{ESP} -all")]
        t[(f"_dmarc.{domain}", "TXT")] = [txt(f"v=DMARC1; p=reject; rua=mailto:d@{domain}")]
        for selector in SELECTORS:
            t[(f"{selector}._domainkey.{domain}", "TXT")] = [txt(f"v=DKIM1; k=rsa; p={key}")]
        t[(mta, "A")] = [ip]
        t[(".".join(reversed(ip.split("."))) + ".in-addr.arpa", "PTR")] = [mta + "."]
    return t


def dnsbl_zones() -> list[str]:
    from triage.checks.dnsbl.catalog import load_catalog

    return [d.zone for d in load_catalog().lists]


def fleet_file(path: Path, senders: int) -> None:
    lines = ['[defaults]', f'selectors = {json.dumps(list(SELECTORS))}', '[defaults.expect]',
             'dmarc_policy_at_least = "reject"', 'spf_tree_lookups_at_most = 5',
             'dkim_key_bits_at_least = 2048', 'fcrdns = true', 'dnsbl_listed = false', '']
    for i in range(senders):
        lines += ["[[sender]]", f'domain = "s{i}.fleet.bench.test"', f'ips = ["{ip_of(i)}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# Runs ``python -m triage ARGS`` and, at exit, writes the process's own peak RSS (VmHWM,
# KiB) to the file named by BENCH_HWM. Not wait4's ru_maxrss: after a fork (or vfork)
# and exec Linux keeps the parent's peak in it, and this parent holds the world table
# and reads the JSON lines, so the child's figure would be the parent's.
WRAPPER = """
import atexit, os, runpy, sys
def hwm():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["BENCH_HWM"], "w") as out:
                    out.write(line.split()[1])
atexit.register(hwm)
sys.argv = ["triage", *sys.argv[1:]]
runpy.run_module("triage", run_name="__main__", alter_sys=True)
"""


def run_one(port: int, senders: int, folder: Path, extra: list[str]) -> dict[str, Any]:
    config = folder / f"fleet-{senders}.toml"
    fleet_file(config, senders)
    hwm = folder / f"hwm-{senders}.txt"
    argv = [sys.executable, "-c", WRAPPER, "fleet", str(config), "--nameserver",
            f"127.0.0.1:{port}", "--jsonl", str(folder / f"{senders}.jsonl"),
            "--junit", str(folder / f"{senders}.xml"), *extra]
    started = time.monotonic()
    child = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "BENCH_HWM": str(hwm)})
    out_data = child.stdout.read() if child.stdout else b""
    err = child.stderr.read() if child.stderr else b""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    lines = healthy = 0
    with (folder / f"{senders}.jsonl").open(encoding="utf-8") as jsonl:  # one line at a time
        for text in jsonl:
            lines += 1
            healthy += json.loads(text)["sender"]["status"] == "healthy"
    return {"senders": senders, "seconds": round(wall, 2), "per_second": round(senders / wall, 1),
            "peak_rss_mib": round(int(hwm.read_text()) / 1024, 1) if hwm.is_file() else 0.0,
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "exit": os.waitstatus_to_exitcode(status), "lines": lines, "healthy": healthy,
            "summary_tail": out_data.decode(errors="replace").strip().splitlines()[-1:],
            "stderr": err.decode(errors="replace").strip()[-300:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", default="250,500,1000")
    parser.add_argument("--delay", type=float, default=0.03)
    parser.add_argument("--json", type=Path)
    parser.add_argument("extra", nargs="*", help="more triage fleet options (after --)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.senders.split(",")]
    server = DelayServer(world(max(sizes), dkim_key()), args.delay).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = [run_one(server.port, n, Path(tmp), args.extra) for n in sizes]
    finally:
        server.stop()
    print(tabulate([{k: v for k, v in r.items() if k not in ("summary_tail", "stderr")}
                    for r in results], headers="keys"))
    for r in results:
        print(f"{r['senders']}: {' '.join(r['summary_tail'])} | {r['stderr']}")
    biggest = max(results, key=lambda r: r["senders"])
    smallest = min(results, key=lambda r: r["senders"])
    fast = biggest["per_second"] >= 20
    flat = biggest["peak_rss_mib"] <= 1.25 * smallest["peak_rss_mib"]
    complete = all(r["lines"] == r["senders"] and r["healthy"] == r["senders"] for r in results)
    print(f"target {'met' if fast else 'MISSED'}: {biggest['per_second']} senders/s at "
          f"{biggest['senders']} (>= 20); peak RSS {'flat' if flat else 'NOT flat'}: "
          f"{smallest['peak_rss_mib']} -> {biggest['peak_rss_mib']} MiB; every sender "
          f"{'healthy' if complete else 'NOT healthy: see the JSON lines'}")
    if args.json:
        args.json.write_text(json.dumps({"delay": args.delay, "runs": results}, indent=2))
    return 0 if fast and flat and complete else 1


if __name__ == "__main__":
    sys.exit(main())
