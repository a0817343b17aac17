"""The running world: what tests see (``World``) and how it is started (``start_world``).

NSD (root + fixture zones), rbldnsd (DNSBL zones), a blackhole and unbound (the
resolver tests point triage at) all run on loopback from a fresh temp dir.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import dns.message
import dns.query

from .errors import WorldError
from .launch import Running, launch
from .layout import Layout, discover

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "world"
NETGUARD = REPO / "tests" / "netguard"  # its sitecustomize refuses non-loopback traffic


class RunResult(NamedTuple):
    """One CLI run: unpack as ``code, out, err``; ``.json()`` parses stdout."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except ValueError as exc:
            raise AssertionError(
                f"stdout is not JSON ({exc}); exit {self.code}\n"
                f"stdout: {self.stdout[:2000]}\nstderr: {self.stderr[:2000]}"
            ) from None


def host_port(endpoint: str) -> tuple[str, int]:
    """``"127.0.0.1:5300"`` -> ``("127.0.0.1", 5300)``."""
    host, _, port = endpoint.rpartition(":")
    return host, int(port)


@dataclass(frozen=True)
class World:
    """Addresses are ``"127.0.0.1:PORT"`` strings, usable as ``--nameserver``."""

    resolver: str  # unbound: recursive, sees every zone below
    authoritative: str  # NSD: the root and every fixtures/world/zones/*.zone
    rbldnsd: str  # rbldnsd: every fixtures/world/dnsbl zone (UDP only)
    blackhole: str  # reads nothing, answers nothing (UDP and TCP)
    zones: tuple[str, ...]  # origins of the fixture zones
    dnsbl_zones: tuple[str, ...]
    timeout_zones: tuple[str, ...]  # first one is ``timeout_zone``
    refused_zones: tuple[str, ...]
    servfail_zones: tuple[str, ...]
    workdir: Path  # configs and server logs, removed by close()
    repo: Path = REPO
    _running: Running | None = field(default=None, repr=False, compare=False)

    @property
    def timeout_zone(self) -> str:
        """Delegated to the blackhole: queries through the resolver time out."""
        return self.timeout_zones[0]

    @property
    def refused_zone(self) -> str:
        """The resolver answers REFUSED for every name at or below it."""
        return self.refused_zones[0]

    @property
    def servfail_zone(self) -> str:
        """Its only server cannot load it: the resolver answers SERVFAIL."""
        return self.servfail_zones[0]

    def run(
        self,
        args: Sequence[str],
        *,
        nameservers: Sequence[str] | None = None,
        dns_timeout: float | None = None,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        limit: float = 120.0,
    ) -> RunResult:
        """Run ``python -m triage ARGS`` with ``--nameserver`` set to the resolver.

        ``nameservers``: other servers instead (``[world.blackhole]``), or ``[]`` for a
        command without DNS options. ``dns_timeout`` adds ``--timeout``. A run slower
        than ``limit`` seconds fails the test: triage must never hang.
        """
        argv = [sys.executable, "-m", "triage", *_with_dns_options(
            args, self.resolver_list(nameservers), dns_timeout
        )]
        environ = {**os.environ, **(env or {})}
        environ["PYTHONPATH"] = os.pathsep.join(
            p
            for p in (str(self.repo), str(NETGUARD), environ.get("PYTHONPATH", ""))
            if p
        )
        try:
            done = subprocess.run(
                argv, input=stdin, capture_output=True, text=True, encoding="utf-8",
                errors="replace", env=environ, cwd=cwd or self.repo, timeout=limit, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"{' '.join(argv)} ran longer than {limit} s") from exc
        return RunResult(done.returncode, done.stdout, done.stderr)

    def resolver_list(self, nameservers: Sequence[str] | None) -> list[str]:
        return [self.resolver] if nameservers is None else list(nameservers)

    def query(
        self,
        name: str,
        rdtype: str = "A",
        *,
        server: str | None = None,
        tcp: bool = False,
        timeout: float = 2.0,
    ) -> dns.message.Message:
        """Ask ``server`` (default: the resolver) directly; raises dns.exception.Timeout."""
        host, port = host_port(server or self.resolver)
        query = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
        if tcp:
            return dns.query.tcp(query, host, port=port, timeout=timeout)
        return dns.query.udp(query, host, port=port, timeout=timeout)

    def log(self, server: str) -> str:
        """A server's log so far (``"nsd"``, ``"unbound"``, ``"rbldnsd"``), for debugging."""
        return self._running.log(server) if self._running else ""

    def close(self) -> None:
        if self._running:
            self._running.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _with_dns_options(
    args: Sequence[str], nameservers: Sequence[str], dns_timeout: float | None
) -> list[str]:
    """Put the DNS options right after the command name, before any ``--``."""
    extra = [opt for ns in nameservers for opt in ("--nameserver", ns)]
    if dns_timeout is not None:
        extra += ["--timeout", str(dns_timeout)]
    items = list(args)
    if not extra or not items or items[0].startswith("-"):
        return items
    return [items[0], *extra, *items[1:]]


def start_world(fixtures: Path = FIXTURES, deadline: float = 15.0) -> World:
    """Start every server; raise ServerMissing / WorldError (with the server's log)."""
    layout: Layout = discover(fixtures)
    workdir = Path(tempfile.mkdtemp(prefix="triage-world-"))
    workdir.chmod(0o755)  # rbldnsd reads its data as its own unprivileged user
    try:
        running = launch(layout, workdir, time.monotonic() + deadline)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return World(
        resolver=running.endpoint("unbound"),
        authoritative=running.endpoint("nsd"),
        rbldnsd=running.endpoint("rbldnsd"),
        blackhole=running.endpoint("blackhole"),
        zones=tuple(z.origin for z in layout.zones),
        dnsbl_zones=tuple(z.name for z in layout.dnsbl),
        timeout_zones=layout.timeout_zones,
        refused_zones=layout.refused_zones,
        servfail_zones=layout.servfail_zones,
        workdir=workdir,
        _running=running,
    )


__all__ = ["World", "RunResult", "WorldError", "host_port", "start_world"]
