"""What to ask a DNSBL: the target, and the query name under each zone (RFC 5782 §2).

IPv4: the octets reversed (``10.2.0.192.zen.spamhaus.org``); IPv6: all 32 nibbles
reversed; domains: the name itself (``example.com.dbl.spamhaus.org``). A Spamhaus
DQS key sits between the target and the zone (``<target>.<key>.zen.dq.spamhaus.net``);
``shown`` is the same name with the key replaced, the only form that reaches a report.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from triage.checks.dnsbl.catalog import TargetKind
from triage.domains.names import to_ascii
from triage.domains.psl import SuffixList
from triage.sanitize import clean

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
KEY_SHOWN = "<key>"
_DQS_KEY = re.compile(r"^[A-Za-z0-9]{1,63}$")
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


@dataclass(frozen=True)
class Target:
    text: str  # normalised: the IP as Python writes it, the domain lower-case A-label
    kind: TargetKind
    labels: str  # what goes before the zone


@dataclass(frozen=True)
class QueryName:
    wire: str  # what is sent (may hold the key)
    shown: str  # what may be printed (never holds the key)


def parse_target(text: str) -> Target:
    """An IP (v4/v6) or a domain; ValueError with one printable line otherwise."""
    value = text.strip()
    address = _address(value)
    if address is not None:
        if isinstance(address, ipaddress.IPv4Address):
            return Target(str(address), TargetKind.IP4, _reverse4(address))
        return Target(str(address), TargetKind.IP6, _reverse6(address))
    domain = _domain(value)
    if domain is None:
        raise ValueError(f"not an IP address or domain name: '{clean(text, 80)}'")
    return Target(domain, TargetKind.DOMAIN, domain)


def parse_zone(text: str) -> str:
    """A DNSBL zone given with --dnsbl; ValueError when it is not a domain name."""
    zone = _domain(text.strip())
    if zone is None:
        raise ValueError(f"--dnsbl '{clean(text, 80)}' is not a DNS zone name")
    return zone


def valid_key(key: str) -> bool:
    """A Spamhaus DQS key: one DNS label of letters and digits."""
    return bool(_DQS_KEY.match(key))


def registrable(target: Target, psl: SuffixList) -> Target:
    """The registrable domain of a host-name target (``mail.example.co.uk`` ->
    ``example.co.uk``), for lists that hold registered domains only (SURBL, URIBL)."""
    if target.kind is not TargetKind.DOMAIN:
        return target
    base = psl.registrable(target.text)
    if base is None or base == target.text:
        return target
    return Target(base, TargetKind.DOMAIN, base)


def query_name(target: Target, zone: str, key: str | None = None) -> QueryName:
    if key is None:
        name = f"{target.labels}.{zone}"
        return QueryName(name, name)
    return QueryName(f"{target.labels}.{key}.{zone}", f"{target.labels}.{KEY_SHOWN}.{zone}")


def _address(value: str) -> IpAddress | None:
    if "%" in value or "/" in value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _reverse4(address: ipaddress.IPv4Address) -> str:
    return ".".join(reversed(str(address).split(".")))


def _reverse6(address: ipaddress.IPv6Address) -> str:
    return ".".join(reversed(address.exploded.replace(":", "")))


def _domain(value: str) -> str | None:
    """The A-label form of a domain name with at least two labels, or None."""
    try:
        name = to_ascii(value)  # refuses "192.0.2" and friends too
    except ValueError:
        return None
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    return name
