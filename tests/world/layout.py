"""What the world serves, read from the fixture folders (no server knowledge here).

    fixtures/world/zones/*.zone          NSD; origin from the first $ORIGIN, else the file name
    fixtures/world/dnsbl/<zone>.<type>   rbldnsd; <type> is an rbldnsd dataset type
    fixtures/world/dnsbl/<zone>/*.<type> rbldnsd; several datasets for one zone
    fixtures/world/outcomes/<zone>.<timeout|refused|servfail>   extra broken zones
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import WorldError

# The zones every world has, one per failure outcome a check must survive.
TIMEOUT_ZONE = "timeout.test"
REFUSED_ZONE = "refused.test"
SERVFAIL_ZONE = "servfail.test"

OUTCOMES = ("timeout", "refused", "servfail")
DATASET_TYPES = (
    "ip4set", "ip4tset", "ip4trie", "ip6tset", "ip6trie", "dnset", "generic", "combined",
)
_ORIGIN = re.compile(r"^\$ORIGIN\s+(\S+)", re.IGNORECASE)
_LABEL = re.compile(r"^[A-Za-z0-9_*]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


@dataclass(frozen=True)
class ZoneFile:
    origin: str  # lower-case, no trailing dot; "" is the root
    path: Path


@dataclass(frozen=True)
class DnsblZone:
    name: str
    datasets: tuple[tuple[str, Path], ...]  # (rbldnsd dataset type, file)


@dataclass(frozen=True)
class Layout:
    zones: tuple[ZoneFile, ...]
    dnsbl: tuple[DnsblZone, ...]
    timeout_zones: tuple[str, ...]
    refused_zones: tuple[str, ...]
    servfail_zones: tuple[str, ...]

    def stubbed(self) -> tuple[str, ...]:
        """Every zone that is not answered from the root zone itself."""
        return (
            tuple(z.origin for z in self.zones)
            + tuple(z.name for z in self.dnsbl)
            + self.timeout_zones
            + self.servfail_zones
        )


def discover(folder: Path) -> Layout:
    """Read ``folder`` (fixtures/world); a name used twice is an error, not a silent pick."""
    zones = tuple(
        ZoneFile(zone_origin(path), path) for path in sorted((folder / "zones").glob("*.zone"))
    )
    dnsbl = _dnsbl_zones(folder / "dnsbl")
    outcomes: dict[str, list[str]] = {kind: [] for kind in OUTCOMES}
    for path in sorted((folder / "outcomes").glob("*")):
        zone, _, kind = path.name.rpartition(".")
        if kind in outcomes and path.is_file():
            outcomes[kind].append(_checked_name(zone, path))
    layout = Layout(
        zones=zones,
        dnsbl=dnsbl,
        timeout_zones=(TIMEOUT_ZONE, *outcomes["timeout"]),
        refused_zones=(REFUSED_ZONE, *outcomes["refused"]),
        servfail_zones=(SERVFAIL_ZONE, *outcomes["servfail"]),
    )
    names = layout.stubbed() + layout.refused_zones
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise WorldError(f"fixtures/world: zone(s) defined twice: {', '.join(duplicates)}")
    if "" in names:
        raise WorldError("fixtures/world: the root zone is generated; do not add one")
    return layout


def zone_origin(path: Path) -> str:
    """The zone's origin: its first ``$ORIGIN`` line, else the file name minus ``.zone``."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = _ORIGIN.match(line)
            if match:
                return _checked_name(match.group(1), path)
    return _checked_name(path.name.removesuffix(".zone"), path)


def _dnsbl_zones(folder: Path) -> tuple[DnsblZone, ...]:
    found: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(folder.glob("*")):
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not _is_note(p))
            name = _checked_name(path.name, path)
        elif path.is_file() and not _is_note(path):
            files = [path]
            name = _checked_name(path.name.rpartition(".")[0], path)
        else:
            continue
        for file in files:
            found.setdefault(name, []).append((_dataset_type(file), file))
    return tuple(DnsblZone(name, tuple(sets)) for name, sets in sorted(found.items()))


def _is_note(path: Path) -> bool:
    return path.name.startswith((".", "README")) or path.suffix == ".md"


def _dataset_type(path: Path) -> str:
    kind = path.name.rpartition(".")[2]
    if kind not in DATASET_TYPES:
        raise WorldError(
            f"{path}: DNSBL data files end in one of .{', .'.join(DATASET_TYPES)} "
            "(the rbldnsd dataset type)"
        )
    return kind


def _checked_name(text: str, where: Path) -> str:
    name = text.strip().rstrip(".").lower()
    if name and not all(_LABEL.match(label) for label in name.split(".")):
        raise WorldError(f"{where}: {text!r} is not a usable zone name")
    return name
