"""One DNS lookup's outcome, as a value.

A timeout is never "not found": ``Status`` keeps ``nxdomain``/``nodata`` (the
name or type does not exist: final) apart from ``timeout``/``servfail``/
``refused`` (no answer: try again). ``badname`` is a name that cannot be put
on the wire (a label over 63 octets, over 255 in all); no query is sent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

import dns.rdata


class Status(enum.Enum):
    OK = "ok"
    NXDOMAIN = "nxdomain"
    NODATA = "nodata"
    TIMEOUT = "timeout"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    BADNAME = "badname"

    @property
    def is_error(self) -> bool:
        """No usable answer: the question must be treated as unanswered."""
        return self in (Status.TIMEOUT, Status.SERVFAIL, Status.REFUSED)

    @property
    def is_void(self) -> bool:
        """Answered, with nothing: RFC 7208 §4.6.4's "void lookup"."""
        return self in (Status.NXDOMAIN, Status.NODATA)


@dataclass(frozen=True)
class Answer:
    """The answer to (name, rdtype). ``name`` is lower-case, no trailing dot."""

    name: str
    rdtype: str
    status: Status
    rdata: tuple[dns.rdata.Rdata, ...] = ()
    ttl: int | None = None
    cnames: tuple[str, ...] = ()  # the CNAME chain followed, in order
    elapsed_ms: float = 0.0
    source: str = ""  # "zone:FILE", "127.0.0.1:53", "offline", "cache"
    detail: str = ""  # why it failed, for evidence (never shown as "missing")

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def named(self, name: str) -> Answer:
        """This answer (of a CNAME's target) as the answer for ``name``, timing left to
        the caller."""
        return replace(self, name=name, elapsed_ms=0.0)

    def texts(self) -> tuple[bytes, ...]:
        """TXT records, each one's strings joined without spaces (RFC 7208 §3.3)."""
        return tuple(b"".join(r.strings) for r in self.rdata if hasattr(r, "strings"))

    def addresses(self) -> tuple[str, ...]:
        """A/AAAA addresses as text."""
        return tuple(r.address for r in self.rdata if hasattr(r, "address"))

    def names(self) -> tuple[str, ...]:
        """PTR/CNAME/NS targets, lower-case without the trailing dot."""
        return tuple(_name(r.target) for r in self.rdata if hasattr(r, "target"))

    def exchanges(self) -> tuple[tuple[int, str], ...]:
        """MX records as (preference, exchange), sorted by preference."""
        pairs = [
            (int(getattr(r, "preference", 0)), _name(getattr(r, "exchange", "")))
            for r in self.rdata
            if hasattr(r, "exchange")
        ]
        return tuple(sorted(pairs))


def _name(value: object) -> str:
    text = str(value).lower()
    return text[:-1] if text.endswith(".") and text != "." else text


@dataclass
class Stats:
    """What a run asked of DNS; the accounting wrapper fills it."""

    queries: int = 0  # lookups that reached a backend (after cache and merging)
    cache_hits: int = 0
    answered: int = 0  # lookups that got any answer (SERVFAIL and REFUSED included)
    failed: int = 0  # timeouts, servfail, refused
    elapsed_ms: float = 0.0
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (name, rdtype, status)

    @property
    def unreachable(self) -> bool:
        """Every query failed: the contract's exit 3."""
        return self.queries > 0 and self.answered == 0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "queries": self.queries,
            "cache_hits": self.cache_hits,
            "failed": self.failed,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
