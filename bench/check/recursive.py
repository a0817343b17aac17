"""bench/spf's DelayServer, answering as a recursive resolver does, with a query log.

The one ``--nameserver`` of a run is a recursive resolver, so:

- a CNAME chain comes back whole in one answer (the chain, then the target's
  records), as a resolver with a warm cache answers it: one round trip, one delay;
- a name with nothing at it but names below it (an empty non-terminal, such as
  ``_domainkey.<domain>`` or a DNSBL zone's apex) is NODATA, never NXDOMAIN;
- negative answers carry the SOA of the closest enclosing zone (RFC 2308), the
  root's for names under no zone of the world (``_dmarc.test``);
- every other name any tool asks (``spamhaus.org`` included) is NXDOMAIN.

``log`` keeps (answered at, name, type) of every answer; a query arrived ``delay``
before it was answered (the timer's lateness aside), which DelayServer's own clock
does not account for: it is set when the first answer is made, after the delay.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rrset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "spf"))
from server import DelayServer, Table, _question  # noqa: E402

MAX_CHAIN = 8
TTL = 300


@dataclass(frozen=True)
class Entry:
    answered: float  # time.monotonic() when the answer was made
    name: str
    rdtype: str


class RecursiveServer(DelayServer):
    def __init__(self, table: Table, delay: float, apexes: Iterable[str] = ("",)) -> None:
        super().__init__(table, delay)
        self.apexes = tuple(sorted({a.lower().rstrip(".") for a in apexes}, key=len,
                                   reverse=True))
        self.existing = {suffix for name in self.names for suffix in _suffixes(name)}
        self.log: list[Entry] = []

    def start(self) -> RecursiveServer:
        super().start()
        return self

    def reset(self) -> None:
        self.clock.reset()
        self.log = []

    def answer(self, wire: bytes) -> bytes | None:
        out = super().answer(wire)
        key = _question(wire)
        if key is not None:
            self.log.append(Entry(time.monotonic(), key[0], key[1]))
        return out

    def _render(self, name: str, rdtype: str) -> bytes:
        query = dns.message.make_query(_name(name), rdtype)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        owner = name
        for _ in range(MAX_CHAIN):
            values = self.table.get((owner, rdtype))
            if values:
                response.answer.append(dns.rrset.from_text_list(_name(owner), TTL, "IN", rdtype,
                                                                values))
                return response.to_wire(max_size=65535)
            target = self.table.get((owner, "CNAME"))
            if not target or rdtype == "CNAME":
                break
            response.answer.append(dns.rrset.from_text_list(_name(owner), TTL, "IN", "CNAME",
                                                            target))
            owner = target[0].lower().rstrip(".")
        if owner not in self.existing:
            response.set_rcode(dns.rcode.NXDOMAIN)
        apex = self.apex_of(owner)
        response.authority.append(dns.rrset.from_text_list(
            _name(apex), TTL, "IN", "SOA", self.table.get((apex, "SOA")) or [_root_soa()]))
        return response.to_wire(max_size=65535)

    def apex_of(self, name: str) -> str:
        return next((a for a in self.apexes if a and (name == a or name.endswith("." + a))), "")


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text) if text else dns.name.root


def _root_soa() -> str:
    return "a.root-servers.net. nstld.verisign-grs.com. 2026120200 1800 900 604800 86400"


def _suffixes(name: str) -> Iterable[str]:
    labels = name.split(".") if name else []
    return (".".join(labels[i:]) for i in range(len(labels) + 1))

