"""The built-in selector list: data in ``triage/data/dkim_selectors.toml``.

Selectors cannot be enumerated from DNS, so the list is a guess at the names
mail services publish. It is read once per run (``load_catalog``), never at
import, and every entry carries the service it belongs to and its source.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from triage.data import text as data_text

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class CommonSelector:
    name: str
    sender: str
    source: str


@dataclass(frozen=True)
class TargetHint:
    """A CNAME target suffix that names the service hosting a delegated key."""

    suffix: str
    sender: str
    source: str


@dataclass(frozen=True)
class Catalog:
    selectors: tuple[CommonSelector, ...]
    targets: tuple[TargetHint, ...]

    def sender_of(self, selector: str, cname_chain: tuple[str, ...] = ()) -> str | None:
        """The service a selector belongs to: by its CNAME target first, then by name."""
        for name in cname_chain:
            for hint in self.targets:
                if name.endswith(hint.suffix):
                    return hint.sender
        for entry in self.selectors:
            if entry.name == selector:
                return entry.sender
        return None


def parse_catalog(text: str) -> Catalog:
    """Validate and build the catalog; ValueError names the first bad entry."""
    data = tomllib.loads(text)
    selectors = tuple(_selector(item) for item in data.get("selector", []))
    targets = tuple(_target(item) for item in data.get("target", []))
    names = [s.name for s in selectors]
    if len(set(names)) != len(names):
        raise ValueError("duplicate selector in the DKIM selector list")
    return Catalog(selectors, targets)


def _selector(item: dict[str, str]) -> CommonSelector:
    name, sender, source = (str(item.get(k, "")) for k in ("name", "sender", "source"))
    if not _LABEL.match(name) or not sender or not source:
        raise ValueError(f"bad DKIM selector entry: {item!r}")
    return CommonSelector(name, sender, source)


def _target(item: dict[str, str]) -> TargetHint:
    suffix, sender, source = (str(item.get(k, "")) for k in ("suffix", "sender", "source"))
    if not suffix.startswith(".") or not sender or not source:
        raise ValueError(f"bad DKIM CNAME target entry: {item!r}")
    return TargetHint(suffix.lower(), sender, source)


@functools.cache
def load_catalog() -> Catalog:
    """The packaged selectors, parsed once per process (immutable; a fleet asks per sender)."""
    return parse_catalog(data_text("dkim_selectors.toml"))
