"""The ``v=X; k=v; ...`` syntax shared by the _mta-sts, _smtp._tls and BIMI records,
and the TXT lookup that keeps a failed lookup apart from "no record"."""

from __future__ import annotations

from dataclasses import dataclass

from triage.dns.resolver import Resolver
from triage.sanitize import clean

SHOWN = 500  # characters of a record shown in a report


@dataclass(frozen=True)
class Txt:
    name: str
    records: tuple[str, ...]  # those that start with the version tag, sanitised
    failed: str | None  # "timeout", "servfail", ... when the lookup failed


async def lookup(resolver: Resolver, name: str, version: str) -> Txt:
    """TXT records at ``name`` that begin with ``v=<version>`` (the others are discarded,
    RFC 8461 §3.1, RFC 8460 §3)."""
    answer = await resolver.query(name, "TXT")
    if answer.status.is_error:
        return Txt(name, (), answer.status.value)
    texts = [t.decode("utf-8", "replace") for t in answer.texts()]
    prefix = f"v={version}".lower()
    mine = tuple(clean(t, SHOWN) for t in texts
                 if t.strip().lower().replace(" ", "").startswith(prefix + ";")
                 or t.strip().lower() == prefix)
    return Txt(name, mine, None)


def parse(record: str) -> dict[str, str] | None:
    """``k=v`` pairs of a record, first occurrence kept; None when a part has no ``=``."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            return None
        tags.setdefault(key.strip().lower(), val.strip())
    return tags
