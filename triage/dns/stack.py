"""Build a run's resolver stack from the command-line options.

    Cache -> Accounting -> [RateCap] -> Limiter -> [Recorder] -> Overlay(zone files)
          -> Live | Offline
    Cache -> Accounting -> Limiter -> Cassette          (replay: nothing is sent)

Only this module knows the order; checks receive the top ``Resolver``. The parts in
brackets are off unless asked for (``triage fleet``): the per-DNSBL rate cap waits
before the limiter so a held DNSBL query takes no slot; the recorder sits on the
backend so it writes what DNS (or a zone file) really answered, once per lookup.
With ``cache_entries`` the cache is bounded (least recently used answers leave).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from triage.dns.accounting import AccountingResolver
from triage.dns.answer import Stats
from triage.dns.cache import CachingResolver
from triage.dns.limiter import LimitingResolver
from triage.dns.resolver import Resolver

DEFAULT_MAX_IN_FLIGHT = 128  # one check of a big sender asks ~90 names at once


@dataclass(frozen=True)
class DnsConfig:
    nameservers: tuple[tuple[str, int], ...] = ()
    zone_files: tuple[Path, ...] = ()
    offline: bool = False
    timeout: float = 5.0
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    deadline: float | None = None  # seconds for the whole run; None: derived from timeout
    dnsbl_zones: tuple[str, ...] = ()  # rate-capped zones (names under them)
    dnsbl_rate: float = 0.0  # queries per second per DNSBL zone; 0: no cap
    record: Path | None = None  # write every answer to this cassette
    replay: Path | None = None  # answer from this cassette, send nothing
    secret_zones: tuple[str, ...] = ()  # keyed zones: the label before them is redacted
    cache_entries: int | None = None  # None: keep every answer of the run

    @property
    def run_deadline(self) -> float:
        return self.deadline if self.deadline is not None else max(20.0, self.timeout * 6)


@dataclass
class Stack:
    resolver: Resolver
    stats: Stats
    _cache: CachingResolver = field(repr=False)
    _closers: tuple[Callable[[], Awaitable[None]], ...] = field(default=(), repr=False)

    async def close(self) -> None:
        """End the lookups still in flight, then release the backend's sockets."""
        await self._cache.close()
        for close in self._closers:
            await close()


def parse_nameserver(text: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[V6]:PORT`` or a bare IPv6 address -> (host, port)."""
    value = text.strip()
    host, port = value, 53
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"invalid --nameserver {text!r}")
            port = _port(rest[1:], text)
    elif value.count(":") == 1:
        host, port_text = value.split(":")
        port = _port(port_text, text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"invalid --nameserver {text!r}: give an IP address") from None
    return host, port


def _port(text: str, original: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"invalid port in --nameserver {original!r}")
    return int(text)


def build(config: DnsConfig, *, now: Callable[[], datetime] | None = None) -> Stack:
    """Assemble the stack; ValueError (exit 2) for a zone file or cassette that cannot be
    used, OSError for a cassette that cannot be written."""
    stats = Stats()
    backend, closers = _backend(config, now)
    if config.dnsbl_rate > 0 and config.dnsbl_zones and config.replay is None:
        from triage.dns.ratecap import RateCapResolver

        limited: Resolver = RateCapResolver(
            LimitingResolver(backend, config.max_in_flight), config.dnsbl_zones,
            config.dnsbl_rate)
    else:
        limited = LimitingResolver(backend, config.max_in_flight)
    accounted = AccountingResolver(limited, stats)
    cache = CachingResolver(accounted, stats, config.cache_entries)
    return Stack(resolver=cache, stats=stats, _cache=cache, _closers=closers)


def _backend(config: DnsConfig, now: Callable[[], datetime] | None
             ) -> tuple[Resolver, tuple[Callable[[], Awaitable[None]], ...]]:
    from triage.dns.cassette import Redactor

    redact = Redactor(config.secret_zones)
    if config.replay is not None:
        from triage.dns.cassette import CassetteResolver, load_cassette

        return CassetteResolver(load_cassette(config.replay), redact), ()
    backend: Resolver
    closers: tuple[Callable[[], Awaitable[None]], ...] = ()
    if config.offline:
        from triage.dns.offline import OfflineResolver

        backend = OfflineResolver()
    else:
        from triage.dns.live import LiveResolver, Server, system_servers

        servers = tuple(Server(h, p) for h, p in config.nameservers) or system_servers()
        deadline = time.monotonic() + config.run_deadline
        live = LiveResolver(servers, config.timeout, deadline)
        backend, closers = live, (live.close,)
    if config.zone_files:
        from triage.dns.zonefile import ZoneResolver, load_zone

        backend = ZoneResolver([load_zone(p) for p in config.zone_files], backend)
    if config.record is not None:
        from triage.dns.cassette import Recorder

        recorder = Recorder(backend, config.record, (now or _utc_now)(), redact)
        backend, closers = recorder, (*closers, recorder.close)
    return backend, closers


def _utc_now() -> datetime:
    return datetime.now(UTC)
