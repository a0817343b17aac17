"""The guard that keeps every test on loopback really refuses other addresses."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_in_process_traffic_outside_loopback_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(OSError, match="network guard"):
            sock.sendto(b"x", ("192.0.2.1", 53))
        sock.sendto(b"x", ("127.0.0.1", 9))  # loopback stays allowed


def test_cli_subprocess_is_guarded_too(world) -> None:
    # No --nameserver pointing at loopback: a public address must be refused, not asked.
    result = world.run(["spf", "example.com", "--timeout", "0.5"], nameservers=["192.0.2.53"])
    assert result.code == 3
    assert "Traceback" not in result.stderr


def test_sitecustomize_is_on_the_subprocess_path() -> None:
    code = (
        "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "s.sendto(b'x', ('192.0.2.1', 53))"
    )
    env = {"PYTHONPATH": str(ROOT / "tests" / "netguard")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=30
    )
    assert out.returncode != 0
    assert "network guard" in out.stderr
