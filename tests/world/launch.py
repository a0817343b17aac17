"""Start the world's servers in parallel from a ``Layout``; stop exactly those.

Order of work (all fast): rbldnsd and the blackhole start at once; meanwhile every
fixture zone goes through ``nsd-checkzone`` and the installed unbound/NSD are asked
which options they know; then NSD and unbound start; then every server is queried
until it answers. A port taken between choosing and binding restarts the attempt.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.rcode

from . import config
from .errors import ServerMissing, WorldError
from .layout import Layout
from .process import Server, answers, run_all, wait_all
from .sockets import HOST, Blackhole, free_ports

APT_PACKAGES = {
    "nsd": "nsd", "nsd-checkzone": "nsd", "nsd-checkconf": "nsd",
    "unbound": "unbound", "unbound-checkconf": "unbound", "rbldnsd": "rbldnsd",
}
READY_ZONE = "ready.invalid"  # served by rbldnsd only, for its readiness probe
ATTEMPTS = 3


def _which(name: str) -> str | None:
    """Like ``which``, also looking in the sbin folders that are often not on PATH."""
    extra = ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/bin"]
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), *extra]))


@dataclass
class Running:
    servers: dict[str, Server]
    blackhole: Blackhole
    ports: config.Ports
    stopped: bool = field(default=False)

    def endpoint(self, name: str) -> str:
        return f"{HOST}:{getattr(self.ports, name)}"

    def log(self, name: str) -> str:
        server = self.servers.get(name)
        return server.diagnostics() if server else ""

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        for server in reversed(list(self.servers.values())):
            server.stop()
        self.blackhole.close()


def binaries() -> dict[str, str]:
    """Absolute paths of the server programs (they live in sbin, often not on PATH)."""
    found = {name: _which(name) for name in APT_PACKAGES}
    missing = sorted(name for name, path in found.items() if path is None)
    if missing:
        packages = sorted({APT_PACKAGES[name] for name in missing})
        raise ServerMissing(
            f"{', '.join(missing)} not installed: apt-get install -y {' '.join(packages)}"
        )
    paths = {name: path for name, path in found.items() if path}
    setpriv = _which("setpriv")  # util-linux; optional, and --pdeathsig needs 2.33+
    if setpriv and "--pdeathsig" in run_all([[setpriv, "--help"]], timeout=5.0)[0][1]:
        paths["setpriv"] = setpriv
    return paths


def launch(layout: Layout, workdir: Path, deadline: float) -> Running:
    exe = binaries()
    for attempt in range(ATTEMPTS):
        running = _launch_once(layout, workdir / f"run{attempt}", exe, deadline)
        try:
            wait_all(list(running.servers.values()), deadline)
            return running
        except WorldError as exc:
            running.stop()
            if "in use" not in str(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _launch_once(layout: Layout, workdir: Path, exe: dict[str, str], deadline: float) -> Running:
    workdir.mkdir(mode=0o755)
    blackhole = Blackhole()
    nsd, rbldnsd, unbound = free_ports(3)
    ports = config.Ports(nsd=nsd, rbldnsd=rbldnsd, unbound=unbound, blackhole=blackhole.port)
    servers: dict[str, Server] = {}
    running = Running(servers, blackhole, ports)
    try:
        servers["rbldnsd"] = _rbldnsd(layout, workdir, ports.rbldnsd, exe)
        servers["rbldnsd"].start()
        options = _check_zones_and_probe(layout, workdir, exe, deadline)
        servers["nsd"] = _nsd(layout, workdir, ports.nsd, exe, options)
        servers["nsd"].start()
        servers["unbound"] = _unbound(layout, workdir, ports, exe, options)
        servers["unbound"].needs = (servers["nsd"], servers["rbldnsd"])
        servers["unbound"].start()
    except BaseException:
        running.stop()
        raise
    return running


def _check_zones_and_probe(
    layout: Layout, workdir: Path, exe: dict[str, str], deadline: float
) -> set[str]:
    """nsd-checkzone every fixture zone (errors are fatal) and learn the known options."""
    probes = {
        "discard-timeout": ("unbound-checkconf", "server:\n  discard-timeout: 0\n"),
        "wait-limit": ("unbound-checkconf", "server:\n  wait-limit: 0\n"),
        "database": ("nsd-checkconf", 'server:\n  database: ""\n'),
    }
    commands = [[exe["nsd-checkzone"], z.origin or ".", str(z.path)] for z in layout.zones]
    for option, (tool, text) in probes.items():
        path = workdir / f"probe-{option}.conf"
        path.write_text(f'{text}  username: ""\n  chroot: ""\n')
        commands.append([exe[tool], str(path)])
    results = run_all(commands, timeout=max(1.0, deadline - time.monotonic()))
    zone_results = results[: len(layout.zones)]
    errors = [
        f"{zone.path}: nsd-checkzone {zone.origin or '.'} failed:\n{output}"
        for zone, (code, output) in zip(layout.zones, zone_results, strict=True)
        if code != 0
    ]
    if errors:
        raise WorldError("fixture zone(s) do not load:\n" + "\n".join(errors))
    probe_results = results[len(layout.zones):]
    return {name for name, (code, _) in zip(probes, probe_results, strict=True) if code == 0}


def _nsd(
    layout: Layout, workdir: Path, port: int, exe: dict[str, str], options: set[str]
) -> Server:
    (workdir / "root.zone").write_text(config.root_zone(layout))
    zones = [("", workdir / "root.zone")]
    zones += [(z.origin, z.path.resolve()) for z in layout.zones]
    # configured but never loadable: NSD answers SERVFAIL, so the resolver does too
    zones += [(name, workdir / "never-loaded" / f"{name}.zone") for name in layout.servfail_zones]
    conf = workdir / "nsd.conf"
    conf.write_text(config.nsd_conf(workdir, port, zones, legacy_db="database" in options))
    return Server(
        "nsd", _guarded([exe["nsd"], "-d", "-c", str(conf)], exe), workdir / "nsd.out",
        answers(port, ".", "SOA", dns.rcode.NOERROR, aa=True), logs=(workdir / "nsd.log",),
    )


def _unbound(
    layout: Layout, workdir: Path, ports: config.Ports, exe: dict[str, str], options: set[str]
) -> Server:
    extra = [f"{name}: 0" for name in ("discard-timeout", "wait-limit") if name in options]
    conf = workdir / "unbound.conf"
    conf.write_text(config.unbound_conf(workdir, layout, ports, extra))
    return Server(
        "unbound", _guarded([exe["unbound"], "-d", "-c", str(conf)], exe), workdir / "unbound.out",
        answers(ports.unbound, ".", "SOA", dns.rcode.NOERROR, aa=False),
    )


def _rbldnsd(layout: Layout, workdir: Path, port: int, exe: dict[str, str]) -> Server:
    """rbldnsd refuses to run as root: as root, it drops to its own user, which must
    be able to read the data, so the data is copied into the world's own dir."""
    data = workdir / "dnsbl"
    data.mkdir(mode=0o755)
    specs: list[str] = []
    sources: dict[str, Path] = {}
    zones = [(zone.name, zone.datasets) for zone in layout.dnsbl] + [(READY_ZONE, ())]
    for name, datasets in zones:
        for index, (kind, source) in enumerate(datasets):
            target = data / f"{name}.{index}.{kind}"
            shutil.copyfile(source, target)
            target.chmod(0o644)
            specs.append(f"{name}:{kind}:{target.name}")
            sources[target.name] = source
        soa = data / f"{name}.soa.generic"  # after the zone's own data: its $SOA wins
        soa.write_text(config.rbldnsd_soa(name))
        soa.chmod(0o644)
        specs.append(f"{name}:generic:{soa.name}")
    argv = [exe["rbldnsd"], "-n", "-e", "-t", "60", "-b", f"{HOST}/{port}", "-w", str(data), *specs]
    user = _unprivileged_user() if os.geteuid() == 0 else None
    setpriv = exe.get("setpriv")
    if user and setpriv:
        entry = pwd.getpwnam(user)
        argv = [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups",
                "--pdeathsig=TERM", *argv]
    elif user:
        argv += ["-u", user]  # drops root itself, but then outlives a killed test run
    else:
        argv = _guarded(argv, exe)
    return Server(
        "rbldnsd", argv, workdir / "rbldnsd.out",
        answers(port, READY_ZONE, "SOA", dns.rcode.NOERROR, aa=True),
        complaints=lambda output: _rbldnsd_complaints(output, sources),
    )


_RBLDNSD_COMPLAINT = re.compile(r"^rbldnsd: file (\S+)\((\d+)\): (.*)$", re.MULTILINE)


def _rbldnsd_complaints(output: str, sources: dict[str, Path]) -> list[str]:
    """rbldnsd skips a bad line with "file F(LINE): why"; name the fixture file instead."""
    return [
        f"{sources.get(copy, copy)}:{line}: {why}"
        for copy, line, why in _RBLDNSD_COMPLAINT.findall(output)
    ]


def _guarded(argv: list[str], exe: dict[str, str]) -> list[str]:
    """Make the server die with the test run, even when pytest is killed (Linux)."""
    setpriv = exe.get("setpriv")
    return [setpriv, "--pdeathsig=TERM", *argv] if setpriv else argv


def _unprivileged_user() -> str:
    for name in ("rbldns", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise WorldError("rbldnsd cannot run as root and neither user rbldns nor nobody exists")
