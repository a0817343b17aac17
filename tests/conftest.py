"""Shared pytest fixtures.

``world``: the real-DNS test world (tests/world/README.md), started once per session.
Every test that uses it is marked ``world`` automatically (``-m "not world"`` skips them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from netguard import guard
from world import ServerMissing, World, start_world


@pytest.fixture(autouse=True, scope="session")
def loopback_only() -> Iterator[None]:
    """No test reaches an address outside 127.0.0.0/8 or ::1 (tests/netguard/guard.py)."""
    guard.install()
    try:
        yield
    finally:
        guard.uninstall()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    """NSD, rbldnsd and unbound on loopback; ``world.resolver`` is the ``--nameserver``."""
    try:
        running = start_world()
    except ServerMissing as exc:
        if _in_ci():
            pytest.fail(f"real-DNS world unavailable in CI: {exc}", pytrace=False)
        pytest.skip(f"real-DNS world unavailable: {exc}")
    try:
        yield running
    finally:
        running.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "world" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.world)
