"""bench/fleet: its world makes every sender healthy and the fleet run completes, so the
benchmark measures a fleet doing the real work (no sender cut short or inconclusive)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.append(str(BENCH / "spf"))
from server import DelayServer  # noqa: E402


def _load(name: str, path: Path) -> object:
    """By path, under a name of its own: every bench folder has a ``run.py``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fleet_bench: Any = _load("fleet_bench_run", BENCH / "fleet" / "run.py")

FAKE_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "A" * 300


def test_the_world_gives_each_sender_its_own_records() -> None:
    table = fleet_bench.world(300, FAKE_KEY)
    ips = {fleet_bench.ip_of(i) for i in range(300)}
    assert len(ips) == 300  # distinct addresses, all in 198.18.0.0/15
    assert all(ip.startswith(("198.18.", "198.19.")) for ip in ips)
    assert table[("s7.fleet.bench.test", "TXT")][0].startswith('"v=spf1 ip4:198.18.0.8 ')
    assert table[("8.0.18.198.in-addr.arpa", "PTR")] == ["mta.s7.fleet.bench.test."]


@pytest.mark.parametrize("size", [12])
def test_a_small_fleet_runs_healthy_and_complete(tmp_path: Path, size: int) -> None:
    # a real 2048-bit key: the bench's fleet expects dkim_key_bits_at_least = 2048
    server = DelayServer(fleet_bench.world(size, fleet_bench.dkim_key()), 0.001).start()
    try:
        result = fleet_bench.run_one(server.port, size, tmp_path, [])
    finally:
        server.stop()
    assert result["lines"] == size, result["stderr"]
    assert result["healthy"] == size, result["stderr"]
    assert result["exit"] == 0
    assert (tmp_path / f"{size}.xml").is_file()

