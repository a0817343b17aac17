"""Does a PTR name look generic (dynamic, residential, pool space)?

Receivers treat such names as end-user space (Microsoft throttles them, Yahoo asks
for "non-generic" names). Two signals: the IP address written into the name, which
depends on the IP and so lives here, and keywords in the host part, which are data
(triage/data/generic_ptr.toml). Pure: no DNS.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from triage.data import compile_patterns, load
from triage.domains.psl import SuffixList

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DATA_FILE = "generic_ptr.toml"
_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    meaning: str
    source: str


@dataclass(frozen=True)
class GenericPatterns:
    keywords: tuple[Rule, ...]
    exempt: tuple[Rule, ...]
    names: frozenset[str]


@dataclass(frozen=True)
class GenericMatch:
    name: str
    why: str  # one human phrase: "contains the IP address (192-0-2-10)"


def load_patterns(text: str | None = None) -> GenericPatterns:
    """Parse generic_ptr.toml (the packaged file unless ``text`` is given)."""
    return _packaged() if text is None else _parse(tomllib.loads(text))


@functools.cache
def _packaged() -> GenericPatterns:
    """The packaged patterns, compiled once per process (a fleet asks per sender)."""
    return _parse(load(DATA_FILE))


def _parse(data: dict[str, Any]) -> GenericPatterns:
    return GenericPatterns(
        keywords=tuple(_rule(r, f"keyword[{i}]") for i, r in enumerate(data.get("keyword", []))),
        exempt=tuple(_rule(r, f"exempt[{i}]") for i, r in enumerate(data.get("exempt", []))),
        names=frozenset(n.lower() for n in data.get("names", [])),
    )


def _rule(raw: dict[str, Any], entry: str) -> Rule:
    (pattern,) = compile_patterns((f"(?:{raw['pattern']})",), file=DATA_FILE, entry=entry,
                                  key="pattern")
    return Rule(pattern, raw["meaning"], raw["source"])


class GenericDetector:
    """One per run: the patterns loaded once, the run's Public Suffix List (one built if None)."""

    def __init__(self, psl: SuffixList | None = None,
                 patterns: GenericPatterns | None = None) -> None:
        self._patterns = patterns or load_patterns()
        self._psl = psl or SuffixList()

    def match(self, name: str, ip: IpAddress) -> GenericMatch | None:
        lowered = name.lower().rstrip(".")
        if lowered in self._patterns.names:
            return GenericMatch(name, "is a placeholder name")
        embedded = embedded_ip(lowered, ip)
        if embedded is not None:
            return GenericMatch(name, f"contains the IP address ({embedded})")
        tokens = _TOKEN.findall(self._host_part(lowered))
        if any(r.pattern.fullmatch(t) for r in self._patterns.exempt for t in tokens):
            return None
        for rule in self._patterns.keywords:
            for token in tokens:
                if rule.pattern.fullmatch(token):
                    return GenericMatch(name, f"has the keyword {token!r} ({rule.meaning})")
        return None

    def _host_part(self, name: str) -> str:
        registrable = self._psl.registrable(name)
        if registrable is None or registrable == name:
            # no registrable domain (a bare suffix) or the name is the domain itself
            return "" if registrable == name else name
        return name[: -len(registrable) - 1]


def embedded_ip(name: str, ip: IpAddress) -> str | None:
    """The part of ``name`` that spells ``ip`` in a common form, or None."""
    for pattern in _ip_patterns(ip):
        found = pattern.search(name)
        if found:
            return found.group(0)
    return None


def _ip_patterns(ip: IpAddress) -> list[re.Pattern[str]]:
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_patterns(ip)
    return _ipv6_patterns(ip)


def _ipv4_patterns(ip: ipaddress.IPv4Address) -> list[re.Pattern[str]]:
    octets = [int(o) for o in str(ip).split(".")]
    sep = r"[^0-9]{1,3}"
    patterns = []
    for order in (octets, octets[::-1]):
        dotted = sep.join(f"0{{0,2}}{o}" for o in order)
        patterns.append(rf"(?<![0-9]){dotted}(?![0-9])")
        padded = "".join(f"{o:03d}" for o in order)
        patterns.append(rf"(?<![0-9]){padded}(?![0-9])")
        hexed = "".join(f"{o:02x}" for o in order)
        patterns.append(rf"(?<![0-9a-f]){hexed}(?![0-9a-f])")
    return [re.compile(p) for p in patterns]


def _ipv6_patterns(ip: ipaddress.IPv6Address) -> list[re.Pattern[str]]:
    exploded = ip.exploded.split(":")
    short = [g.lstrip("0") or "0" for g in exploded]
    forms = {"".join(exploded)}
    for sep in ("-", "."):
        forms.add(sep.join(exploded))
        forms.add(sep.join(short))
        forms.add(ip.compressed.replace(":", sep))
    # the interface identifier alone (the last four groups) is specific enough
    if any(g != "0" for g in short[4:]) and sum(g != "0" for g in short[4:]) >= 2:
        for sep in ("-", "."):
            forms.add(sep.join(short[4:]))
    bounded = [
        rf"(?<![0-9a-f]){re.escape(form)}(?![0-9a-f])"
        for form in sorted(forms, key=len, reverse=True)
        if len(form) >= 4
    ]
    return [re.compile(p) for p in bounded]
