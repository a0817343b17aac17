"""The servers' configuration files, rendered from a ``Layout`` and the chosen ports.

Pure text in, text out: nothing here starts a process or touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .layout import Layout

ROOT_NS = "ns.root.invalid"
SOA_TAIL = "1 3600 600 86400 0"  # serial refresh retry expire negative-TTL
HOUR_MS = 3_600_000

# unbound answers these itself (RFC 6761/6303 names); the world must be able to serve them.
UNBOUND_DEFAULT_ZONES = (
    "localhost", "127.in-addr.arpa", "home.arpa", "onion", "test", "invalid", "local",
    "resolver.arpa", "service.arpa", "10.in-addr.arpa", "0.in-addr.arpa",
    "254.169.in-addr.arpa", "2.0.192.in-addr.arpa", "100.51.198.in-addr.arpa",
    "113.0.203.in-addr.arpa", "255.255.255.255.in-addr.arpa", "168.192.in-addr.arpa",
    *(f"{n}.172.in-addr.arpa" for n in range(16, 32)),
    *(f"{n}.100.in-addr.arpa" for n in range(64, 128)),
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
    "d.f.ip6.arpa", "8.e.f.ip6.arpa", "9.e.f.ip6.arpa", "a.e.f.ip6.arpa", "b.e.f.ip6.arpa",
    "8.b.d.0.1.0.0.2.ip6.arpa",
)


@dataclass(frozen=True)
class Ports:
    nsd: int
    rbldnsd: int
    unbound: int
    blackhole: int


def root_zone(layout: Layout) -> str:
    """The root: SOA, NS, and a delegation for each top-most stubbed zone.

    unbound reaches every stubbed zone through its own stub-zone (glue cannot carry
    a port), so these delegations only keep the tree honest: ``test.`` is an empty
    non-terminal, not NXDOMAIN, when ``world.test`` exists. Every other name is a
    fast, authoritative NXDOMAIN.
    """
    lines = [
        "$ORIGIN .",
        "$TTL 60",
        f". IN SOA {ROOT_NS}. hostmaster.root.invalid. {SOA_TAIL}",
        f". IN NS {ROOT_NS}.",
        f"{ROOT_NS}. IN A 127.0.0.1",
    ]
    lines += [f"{zone}. IN NS {ROOT_NS}." for zone in _topmost(layout.stubbed())]
    return "\n".join(lines) + "\n"


def nsd_conf(workdir: Path, port: int, zones: Iterable[tuple[str, Path]], legacy_db: bool) -> str:
    """NSD in the foreground as the current user, every path inside ``workdir``."""
    lines = [
        "server:",
        f"  ip-address: 127.0.0.1@{port}",
        f"  port: {port}",
        '  username: ""',
        '  chroot: ""',
        f'  zonesdir: "{workdir}"',
        f'  pidfile: "{workdir}/nsd.pid"',
        f'  zonelistfile: "{workdir}/zone.list"',
        f'  xfrdfile: "{workdir}/xfrd.state"',
        f'  xfrdir: "{workdir}"',
        f'  logfile: "{workdir}/nsd.log"',
        "  server-count: 1",
        "  verbosity: 1",
        "  do-ip6: no",
        "  hide-version: yes",
        "  zonefiles-check: no",
        "  zonefiles-write: 0",
        "  refuse-any: no",
        "remote-control:",
        "  control-enable: no",
    ]
    if legacy_db:
        lines.insert(lines.index("remote-control:"), '  database: ""')
    for name, path in zones:
        lines += ["zone:", f'  name: "{name or "."}"', f'  zonefile: "{path}"']
    return "\n".join(lines) + "\n"


def unbound_conf(workdir: Path, layout: Layout, ports: Ports, extra: Iterable[str]) -> str:
    """A recursive resolver for loopback clients whose whole Internet is the world."""
    lines = [
        "server:",
        f"  interface: 127.0.0.1@{ports.unbound}",
        f"  port: {ports.unbound}",
        "  do-ip4: yes", "  do-ip6: no", "  do-udp: yes", "  do-tcp: yes",
        "  access-control: 127.0.0.0/8 allow",
        '  username: ""', '  chroot: ""',
        f'  directory: "{workdir}"',
        f'  pidfile: "{workdir}/unbound.pid"',
        '  logfile: ""', "  use-syslog: no", "  log-time-ascii: yes", "  verbosity: 1",
        "  do-daemonize: no", "  num-threads: 1", "  so-reuseport: no",
        '  module-config: "iterator"',
        "  do-not-query-localhost: no",
        "  cache-max-ttl: 0", "  cache-max-negative-ttl: 0",
        "  qname-minimisation: no", "  prefetch: no", "  rrset-roundrobin: no",
        "  minimal-responses: yes", "  harden-below-nxdomain: no",
        "  unblock-lan-zones: yes", "  insecure-lan-zones: yes",
        "  hide-identity: yes", "  hide-version: yes",
        "  num-queries-per-thread: 4096",
        # A server that never answers must keep timing out at the client, never turn
        # into a fast SERVFAIL. unbound marks a server down once its retransmit timeout
        # has doubled past 4x the minimum, or has reached the maximum; with both set to
        # one hour, the first retransmit to the blackhole is an hour away, so within a
        # session no timeout is ever recorded (answering servers reply at once).
        f"  infra-cache-min-rtt: {HOUR_MS}", f"  infra-cache-max-rtt: {HOUR_MS}",
        "  infra-host-ttl: 0", "  infra-keep-probing: yes",
        *(f"  {line}" for line in extra),
    ]
    lines += [f'  local-zone: "{zone}." nodefault' for zone in UNBOUND_DEFAULT_ZONES]
    lines += [f'  local-zone: "{zone}." refuse' for zone in layout.refused_zones]
    lines += ["remote-control:", "  control-enable: no"]
    lines += _stub(".", ports.nsd)
    for zone in layout.zones:
        lines += _stub(zone.origin, ports.nsd)
    for zone_name in layout.servfail_zones:
        lines += _stub(zone_name, ports.nsd)
    for dnsbl in layout.dnsbl:
        lines += _stub(dnsbl.name, ports.rbldnsd)
    for zone_name in layout.timeout_zones:
        lines += _stub(zone_name, ports.blackhole)
    return "\n".join(lines) + "\n"


def rbldnsd_soa(zone: str) -> str:
    """A dataset giving a DNSBL zone an SOA for negative answers (its own $SOA wins)."""
    return (
        f"$SOA 60 ns.{zone}. hostmaster.{zone}. {SOA_TAIL}\n"
    )


def _stub(zone: str, port: int) -> list[str]:
    return [
        "stub-zone:",
        f'  name: "{zone}."' if zone != "." else '  name: "."',
        f"  stub-addr: 127.0.0.1@{port}",
        "  stub-no-cache: yes",
    ]


def _topmost(zones: Iterable[str]) -> list[str]:
    names = sorted(set(zones))
    return [
        name for name in names
        if not any(name.endswith("." + other) for other in names if other != name)
    ]
