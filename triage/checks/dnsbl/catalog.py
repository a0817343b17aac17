"""The DNSBL catalog: every list triage knows, what its answers mean, what is never asked.

Data lives in triage/data/dnsbls.toml (with sources); this module turns it into
typed values once per run. A zone nobody documented gets the RFC 5782 reading
(``generic_list``), so ``--dnsbl`` works for any list without guessing more.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from triage.data import load
from triage.findings import Severity

DQS_KEY = "spamhaus-dqs"


class Kind(enum.Enum):
    REPUTATION = "reputation"
    POLICY = "policy"
    DOMAIN = "domain"


class TargetKind(enum.Enum):
    IP4 = "ip4"
    IP6 = "ip6"
    DOMAIN = "domain"


class CodeClass(enum.Enum):
    """What one A answer says: listed, listed by policy, or "I will not answer you"."""

    LISTED = "listed"
    POLICY = "policy"
    REFUSED = "refused"


@dataclass(frozen=True)
class ReturnCode:
    low: int  # inclusive range of 32-bit values; for bitmask lists unused
    high: int
    bit: int | None
    cls: CodeClass
    meaning: str
    severity: Severity | None = None

    @property
    def span(self) -> int:
        return self.high - self.low


@dataclass(frozen=True)
class DnsblList:
    zone: str
    name: str
    lists: str
    kind: Kind
    targets: frozenset[TargetKind]
    default: bool
    key: str | None
    dqs_zone: str | None
    severity: Severity
    delist_url: str | None
    source: str
    bitmask: bool
    codes: tuple[ReturnCode, ...]
    documented: bool = True  # False: an undocumented zone read per RFC 5782
    registrable: bool = False  # ask about the registrable domain of a host name

    def serves(self, target: TargetKind) -> bool:
        return target in self.targets


@dataclass(frozen=True)
class DeadZone:
    zone: str
    reason: str
    source: str


@dataclass(frozen=True)
class Catalog:
    lists: tuple[DnsblList, ...]
    never_query: tuple[DeadZone, ...]
    public_resolvers: Mapping[str, str]  # normalised address -> operator

    def find(self, zone: str) -> DnsblList | None:
        """The documented list for ``zone`` (its DQS twin included), or None."""
        for dnsbl in self.lists:
            if dnsbl.zone == zone:
                return dnsbl
            if dnsbl.dqs_zone == zone:
                return as_dqs(dnsbl)
        return None

    def dead(self, zone: str) -> DeadZone | None:
        for entry in self.never_query:
            if zone == entry.zone or zone.endswith("." + entry.zone):
                return entry
        return None

    def public_resolver(self, host: str) -> str | None:
        try:
            key = str(ipaddress.ip_address(host))
        except ValueError:
            return None
        return self.public_resolvers.get(key)


def as_dqs(dnsbl: DnsblList) -> DnsblList:
    """The Spamhaus DQS twin of a public Spamhaus zone (same data, keyed, real-time)."""
    if dnsbl.dqs_zone is None:
        return dnsbl
    return replace(dnsbl, zone=dnsbl.dqs_zone, key=DQS_KEY, dqs_zone=None,
                   name=f"{dnsbl.name} (DQS)")


def generic_list(zone: str) -> DnsblList:
    """An undocumented zone: RFC 5782 says a listing is an A record in 127.0.0.0/8."""
    codes = (
        _code({"value": "127.0.0.2-127.255.254.255", "class": "listed",
               "meaning": "listed (this zone's codes are not documented in triage)"}),
        _code({"value": "127.255.255.0/24", "class": "refused",
               "meaning": "the error range most DNSBLs use for refused queries"}),
    )
    return DnsblList(
        zone=zone, name=zone, lists="not documented in triage", kind=Kind.REPUTATION,
        targets=frozenset(TargetKind), default=False, key=None, dqs_zone=None,
        severity=Severity.ERROR, delist_url=None, source="RFC 5782 §2", bitmask=False,
        codes=codes, documented=False,
    )


def load_catalog(text: str | None = None) -> Catalog:
    """Parse dnsbls.toml (the packaged file unless ``text`` is given); KeyError/ValueError
    when the data is malformed (a packaging bug, caught by the catalog tests)."""
    return _packaged() if text is None else _parse(tomllib.loads(text))


@functools.cache
def _packaged() -> Catalog:
    """The packaged catalog, parsed once per process: it is immutable data, and a fleet
    asks for it for every sender."""
    return _parse(load("dnsbls.toml"))


def _parse(data: dict[str, Any]) -> Catalog:
    sets = {name: tuple(_code(c) for c in raw["code"])
            for name, raw in data.get("code_set", {}).items()}
    lists = tuple(_list(raw, sets) for raw in data.get("list", []))
    dead = tuple(DeadZone(d["zone"], d["reason"], d["source"]) for d in data.get("never_query", []))
    resolvers = {
        str(ipaddress.ip_address(address)): entry["name"]
        for entry in data.get("public_resolver", [])
        for address in entry["addresses"]
    }
    return Catalog(lists, dead, resolvers)


def _list(raw: Mapping[str, Any], sets: Mapping[str, tuple[ReturnCode, ...]]) -> DnsblList:
    codes = tuple(_code(c) for c in raw.get("code", []))
    for name in raw.get("code_sets", []):
        codes += sets[name]
    return DnsblList(
        zone=raw["zone"],
        name=raw["name"],
        lists=raw["lists"],
        kind=Kind(raw["kind"]),
        targets=frozenset(TargetKind(t) for t in raw["targets"]),
        default=bool(raw.get("default", False)),
        key=raw.get("key"),
        dqs_zone=raw.get("dqs_zone"),
        severity=Severity(raw.get("severity", "error")),
        delist_url=raw.get("delist_url"),
        source=raw["source"],
        bitmask=bool(raw.get("bitmask", False)),
        codes=codes,
        registrable=bool(raw.get("registrable", False)),
    )


def _code(raw: Mapping[str, Any]) -> ReturnCode:
    severity = Severity(raw["severity"]) if "severity" in raw else None
    cls = CodeClass(raw["class"])
    if "bit" in raw:
        bit = int(raw["bit"])
        if bit <= 0 or bit > 128 or bit & (bit - 1):
            raise ValueError(f"bit must be a power of two up to 128: {bit}")
        return ReturnCode(0, 0, bit, cls, raw["meaning"], severity)
    low, high = _value_range(raw["value"])
    return ReturnCode(low, high, None, cls, raw["meaning"], severity)


def _value_range(text: str) -> tuple[int, int]:
    if "/" in text:
        net = ipaddress.IPv4Network(text)
        return int(net.network_address), int(net.broadcast_address)
    first, _, last = text.partition("-")
    low = int(ipaddress.IPv4Address(first.strip()))
    high = int(ipaddress.IPv4Address(last.strip())) if last else low
    if high < low:
        raise ValueError(f"empty range: {text}")
    return low, high


def zones_of(lists: Iterable[DnsblList]) -> list[str]:
    return [dnsbl.zone for dnsbl in lists]
