"""Which lists a run asks: the defaults for the target's kind, plus ``--dnsbl`` zones.

Rules (docs/commands/dnsbl.md): ``--dnsbl ZONE`` adds to the defaults,
``--no-default-dnsbls`` drops them; an IP target asks IP lists only, a domain
target domain lists only (undocumented zones are asked whatever the target);
with a Spamhaus DQS key the public Spamhaus zones are replaced by their DQS
twins and the DQS-only lists are added; without one, keyed lists are skipped.
Dead and list-the-world zones (``never_query``) are never asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from triage.checks.dnsbl.catalog import (
    Catalog,
    DeadZone,
    DnsblList,
    TargetKind,
    as_dqs,
    generic_list,
)


@dataclass(frozen=True)
class Selection:
    lists: tuple[DnsblList, ...]
    dead: tuple[tuple[str, DeadZone], ...]  # (zone asked for, why it is never queried)
    skipped: tuple[tuple[str, str], ...]  # (zone, why it does not apply to this run)


def zone_problem(catalog: Catalog, zone: str, target: TargetKind, key: str | None) -> str | None:
    """Why ``zone`` cannot be asked in this run (a usage error on the CLI), or None."""
    dead = catalog.dead(zone)
    if dead is not None:
        return f"never queried: {dead.reason}"
    found = catalog.find(zone)
    if found is None:
        return None
    if not found.serves(target):
        served = _kinds_text(found.targets)
        return f"{found.name} lists {served}, not {_kinds_text({target})}"
    if found.key is not None and key is None:
        return f"{found.name} needs a Spamhaus DQS key (--dnsbl-key)"
    return None


def select_lists(
    catalog: Catalog,
    target: TargetKind,
    extra: Iterable[str] = (),
    defaults: bool = True,
    key: str | None = None,
) -> Selection:
    chosen: dict[str, DnsblList] = {}
    dead: list[tuple[str, DeadZone]] = []
    skipped: list[tuple[str, str]] = []
    if defaults:
        for dnsbl in catalog.lists:
            if dnsbl.default and dnsbl.serves(target) and (dnsbl.key is None or key):
                picked = as_dqs(dnsbl) if key and dnsbl.dqs_zone else dnsbl
                chosen.setdefault(picked.zone, picked)
    for zone in extra:
        problem = zone_problem(catalog, zone, target, key)
        found = catalog.find(zone)
        gone = catalog.dead(zone)
        if gone is not None:
            dead.append((zone, gone))
        elif problem is not None:
            skipped.append((zone, problem))
        elif found is None:
            chosen.setdefault(zone, generic_list(zone))
        else:
            picked = as_dqs(found) if key and found.dqs_zone else found
            chosen.setdefault(picked.zone, picked)
    return Selection(tuple(chosen.values()), tuple(dead), tuple(skipped))


def _kinds_text(kinds: Iterable[TargetKind]) -> str:
    names = {TargetKind.IP4: "IPv4", TargetKind.IP6: "IPv6"}
    ips = [names[k] for k in (TargetKind.IP4, TargetKind.IP6) if k in set(kinds)]
    parts = [f"{' and '.join(ips)} addresses"] if ips else []
    if TargetKind.DOMAIN in set(kinds):
        parts.append("domains")
    return " and ".join(parts)
