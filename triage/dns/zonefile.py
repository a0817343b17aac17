"""Zone-file backend: RFC 1035 master files answer for names at or under their origin.

An overlay: names outside every loaded zone go to ``fallback`` (live DNS, or the
offline backend). Inside a zone the file is the whole truth, NXDOMAIN and NODATA
included, with CNAME chains followed (through the overlay) and RFC 4592
wildcards synthesised, so unit tests see what a real authoritative server gives.

Limits (docs/dns.md): a file over ``MAX_BYTES`` or with more than ``MAX_RECORDS``
records is refused (exit 2) in bounded time: only ``MAX_BYTES`` + 1 bytes are ever
read (a FIFO or ``/dev/zero`` included), ``$GENERATE`` ranges are summed before
parsing, and the parser stops at the first record over the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.zone

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise, to_wire_name
from triage.dns.resolver import Resolver

MAX_CHAIN = 12
MAX_BYTES = 4 << 20  # 4 MiB of master-file text
MAX_RECORDS = 20_000  # resource records, $GENERATE'd ones included
_ORIGIN_LINE = re.compile(r"^\$ORIGIN\s", re.MULTILINE | re.IGNORECASE)
_GENERATE = re.compile(rb"^\$GENERATE[ \t]+(\d+)-(\d+)(?:/(\d+))?", re.MULTILINE | re.IGNORECASE)


class _TooMany(Exception):
    """The parser passed ``MAX_RECORDS``."""


@dataclass(frozen=True)
class LoadedZone:
    origin: str
    zone: dns.zone.Zone
    # every name that exists, including empty non-terminals (RFC 4592 §2.2.2)
    existing: frozenset[str]
    source: str


def load_zone(path: Path) -> LoadedZone:
    """Parse a master file; ValueError with one clear line when it cannot be used."""
    text = _read(path)
    origin = None if _ORIGIN_LINE.search(text) else path.name.removesuffix(".zone")
    added = 0

    def count(txn: object, name: object, rdataset: object) -> None:
        nonlocal added
        added += 1
        if added > MAX_RECORDS:
            raise _TooMany

    try:
        zone = dns.zone.from_text(
            text, origin=origin, relativize=False, check_origin=False, filename=str(path),
            transaction_setup=lambda txn: txn.check_put_rdataset(count),
        )
    except _TooMany:
        raise ValueError(_too_many(path)) from None
    except dns.exception.DNSException as exc:
        raise ValueError(f"zone file {path} does not parse: {exc}") from None
    apex = normalise(zone.origin.to_text()) if zone.origin is not None else ""
    existing: set[str] = set()
    for node_name in zone.nodes:
        name = node_name
        while True:
            existing.add(normalise(name.to_text()))
            if name == zone.origin or len(name) <= 1:
                break
            name = name.parent()
    return LoadedZone(apex, zone, frozenset(existing), f"zone:{path.name}")


def _read(path: Path) -> str:
    """The file's text, refused when over ``MAX_BYTES`` or ``MAX_RECORDS`` generated."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValueError(f"zone file not found: {path}") from None
    except OSError as exc:
        raise ValueError(f"cannot read zone file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ValueError(f"zone file {path} is larger than {MAX_BYTES >> 20} MiB, the --zone "
                         "limit: give a file with only the names the check needs")
    generated = 0
    for m in _GENERATE.finditer(data):
        start, stop, step = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
        generated += (stop - start) // max(step, 1) + 1 if stop >= start else 0
    if generated > MAX_RECORDS:
        raise ValueError(_too_many(path))
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read zone file {path}: {exc}") from None


def _too_many(path: Path) -> str:
    return (f"zone file {path} has more than {MAX_RECORDS} records, the --zone limit: "
            "give a file with only the names the check needs")


class ZoneResolver:
    def __init__(self, zones: list[LoadedZone], fallback: Resolver) -> None:
        # longest origin first, so a child zone file wins over its parent's
        self._zones = sorted(zones, key=lambda z: -len(z.origin))
        self._fallback = fallback

    async def query(self, name: str, rdtype: str) -> Answer:
        key = normalise(name)
        if to_wire_name(key) is None:
            return Answer(key, rdtype, Status.BADNAME, detail="name cannot be queried")
        zone = self._zone_for(key)
        if zone is None:
            return await self._fallback.query(key, rdtype)
        return await self._answer(zone, key, rdtype, ())

    def _zone_for(self, name: str) -> LoadedZone | None:
        for zone in self._zones:
            if name == zone.origin or name.endswith("." + zone.origin) or zone.origin == "":
                return zone
        return None

    async def _answer(
        self, zone: LoadedZone, name: str, rdtype: str, chain: tuple[str, ...]
    ) -> Answer:
        want = dns.rdatatype.from_text(rdtype)
        node = zone.zone.get_node(dns.name.from_text(name, origin=dns.name.root))
        if node is None:
            node = self._wildcard(zone, name)
        if node is None:
            status = Status.NODATA if name in zone.existing else Status.NXDOMAIN
            return Answer(name, rdtype, status, cnames=chain, source=zone.source)
        rdataset = node.get_rdataset(dns.rdataclass.IN, want)
        if rdataset is not None:
            return Answer(
                name, rdtype, Status.OK, tuple(rdataset), rdataset.ttl, chain, source=zone.source
            )
        cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
        if cname is None or want == dns.rdatatype.CNAME:
            return Answer(name, rdtype, Status.NODATA, cnames=chain, source=zone.source)
        target = normalise(cname[0].target.to_text())
        if target in chain or target == name or len(chain) >= MAX_CHAIN:
            return Answer(
                name,
                rdtype,
                Status.SERVFAIL,
                cnames=chain + (target,),
                source=zone.source,
                detail="CNAME loop",
            )
        followed = await self._follow(target, rdtype, chain + (target,))
        return followed.named(name)

    async def _follow(self, target: str, rdtype: str, chain: tuple[str, ...]) -> Answer:
        zone = self._zone_for(target)
        if zone is None:
            answer = await self._fallback.query(target, rdtype)
            return Answer(
                target,
                rdtype,
                answer.status,
                answer.rdata,
                answer.ttl,
                chain + answer.cnames,
                source=answer.source,
                detail=answer.detail,
            )
        return await self._answer(zone, target, rdtype, chain)

    @staticmethod
    def _wildcard(zone: LoadedZone, name: str) -> dns.node.Node | None:
        """RFC 4592: ``*.<closest encloser>`` answers a name that does not exist."""
        if name in zone.existing:
            return None
        labels = name.split(".")
        for i in range(1, len(labels)):
            encloser = ".".join(labels[i:])
            if encloser in zone.existing:
                wildcard = dns.name.from_text("*." + encloser, origin=dns.name.root)
                return zone.zone.get_node(wildcard)
            if encloser == zone.origin:
                break
        return None
