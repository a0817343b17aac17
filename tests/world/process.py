"""One server process: start it, ask it whether it answers, read its logs, stop it.

Every process is started in its own session so that stopping it can reach the
children it forked (NSD's xfrd and server processes) and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.rcode

from .errors import WorldError

Probe = Callable[[], bool]


@dataclass
class Server:
    """A server the world started; ``probe`` returns True once it answers as expected."""

    name: str
    argv: Sequence[str]
    log: Path  # the process's stdout and stderr
    probe: Probe
    logs: tuple[Path, ...] = ()  # log files the server writes itself
    needs: tuple[Server, ...] = ()  # probe only after these are ready (unbound asks NSD)
    complaints: Callable[[str], list[str]] | None = None  # errors in its output once ready
    ready: bool = False
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        with self.log.open("wb") as out:
            self._proc = subprocess.Popen(
                list(self.argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def exited(self) -> int | None:
        """The exit code if the process has ended, else None."""
        return self._proc.poll() if self._proc else None

    def poll_ready(self) -> bool:
        if not self.ready and all(s.ready for s in self.needs):
            self.ready = self.probe()
        return self.ready

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def diagnostics(self) -> str:
        """What the server said, for the error that explains why the world did not start."""
        parts = [f"{self.name}: {' '.join(self.argv)}"]
        code = self.exited()
        parts.append("still running" if code is None else f"exited with status {code}")
        for path in (self.log, *self.logs):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").strip()
                parts.append(f"--- {path.name} ---\n{text[-4000:] or '(empty)'}")
        return "\n".join(parts)

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM the process we started, SIGKILL its session if it lingers."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                _kill_session(proc.pid)
                proc.wait(grace)
        _kill_session(proc.pid)  # children that outlived a clean exit of their parent
        self._proc = None


def _kill_session(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def wait_all(servers: Sequence[Server], deadline: float) -> None:
    """Poll until every server answers; raise with the failing server's logs otherwise."""
    while True:
        pending = [s for s in servers if not s.poll_ready()]
        if not pending:
            _raise_complaints(servers)
            return
        for server in pending:
            if server.exited() is not None:
                raise WorldError(f"{server.name} did not start\n{server.diagnostics()}")
        if time.monotonic() > deadline:
            detail = "\n\n".join(s.diagnostics() for s in pending)
            names = ", ".join(s.name for s in pending)
            raise WorldError(f"no answer in time from {names}\n{detail}")
        time.sleep(0.02)


def _raise_complaints(servers: Sequence[Server]) -> None:
    """A server that answers but skipped bad fixture data still fails the world, loudly."""
    for server in servers:
        found = server.complaints(server.output()) if server.complaints else []
        if found:
            raise WorldError(f"{server.name} rejected fixture data:\n" + "\n".join(found))


def run_all(commands: Sequence[Sequence[str]], timeout: float) -> list[tuple[int, str]]:
    """Run short commands at the same time; (exit code, output) for each, in order."""
    procs = [
        subprocess.Popen(
            list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for cmd in commands
    ]
    results = []
    for proc in procs:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        results.append((proc.returncode, out.decode("utf-8", "replace").strip()))
    return results


def answers(port: int, name: str, rdtype: str, rcode: dns.rcode.Rcode, aa: bool) -> Probe:
    """A probe: a UDP query to 127.0.0.1:port whose reply has ``rcode`` (and AA if asked).

    The socket is connected, so a port nobody listens on yet fails at once (ICMP)
    instead of costing a timeout.
    """

    def probe() -> bool:
        query = dns.message.make_query(name, rdtype)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.25)
            try:
                sock.connect(("127.0.0.1", port))
                sock.send(query.to_wire())
                reply = dns.message.from_wire(sock.recv(65535))
            except (OSError, dns.exception.DNSException):
                return False
        return reply.rcode() == rcode and (not aa or bool(reply.flags & dns.flags.AA))

    return probe
