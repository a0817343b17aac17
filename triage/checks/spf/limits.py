"""The RFC 7208 §4.6.4 processing limits, as a wrapper around the run's resolver.

One ``Budget`` per check_host() evaluation: it counts the DNS-querying terms
(include, a, mx, ptr, exists, redirect; at most 10), the void lookups (NXDOMAIN
or an empty answer to a term's own query; at most 2), and records every query
with the term that caused it, so a report can say which term burned a lookup.
Exceeding a limit raises ``PermError``; the evaluator never counts by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise, to_wire_name
from triage.dns.resolver import Resolver

MAX_DNS_TERMS = 10
MAX_VOID = 2
MAX_MX_NAMES = 10
MAX_PTR_NAMES = 10


class SpfError(Exception):
    """Ends check_host(): ``result`` is permerror or temperror; ``term`` caused it."""

    result = "permerror"

    def __init__(self, reason: str, term: str | None = None, domain: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.term = term
        self.domain = domain
        self.code = "spf.permerror"


class PermError(SpfError):
    result = "permerror"

    def __init__(
        self, reason: str, term: str | None = None, domain: str | None = None, code: str = ""
    ) -> None:
        super().__init__(reason, term, domain)
        self.code = code or "spf.permerror"


class TempError(SpfError):
    result = "temperror"

    def __init__(self, reason: str, term: str | None = None, domain: str | None = None) -> None:
        super().__init__(reason, term, domain)
        self.code = "spf.temperror"


@dataclass(frozen=True)
class QueryRecord:
    """One lookup of the evaluation, attributed to the term (and record) that made it."""

    term: str | None  # None: the record lookup itself
    domain: str  # the domain whose record holds the term
    name: str
    rdtype: str
    status: str
    void: bool  # counted against the void limit

    def to_dict(self) -> dict[str, object]:
        return {
            "term": self.term,
            "domain": self.domain,
            "name": self.name,
            "type": self.rdtype,
            "status": self.status,
            "void": self.void,
        }


class Budget:
    """Counts and records one evaluation's lookups; raises PermError past a limit."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self.dns_terms = 0
        self.void = 0
        self.log: list[QueryRecord] = []

    def charge(self, term: str, domain: str) -> None:
        """A DNS-querying term is about to be evaluated (§4.6.4: the 11th is a permerror)."""
        self.dns_terms += 1
        if self.dns_terms > MAX_DNS_TERMS:
            raise PermError(
                f"more than {MAX_DNS_TERMS} DNS-querying terms", term, domain, "spf.lookup_limit"
            )

    async def query(
        self, name: str, rdtype: str, *, term: str | None, domain: str, counts_void: bool = True
    ) -> Answer:
        """Look ``name`` up for ``term``; a void answer counts when ``counts_void``."""
        answer = await lookup(self._resolver, name, rdtype)
        void = counts_void and answer.status.is_void
        self.log.append(QueryRecord(term, domain, answer.name, rdtype, answer.status.value, void))
        if void:
            self.void += 1
            if self.void > MAX_VOID:
                raise PermError(
                    f"more than {MAX_VOID} void lookups", term, domain, "spf.void_lookup_limit"
                )
        return answer


async def lookup(resolver: Resolver, name: str, rdtype: str) -> Answer:
    """Query ``name`` unless it cannot be put on the wire (then BADNAME, no query)."""
    key = normalise(name)
    if not key.isascii() or to_wire_name(key.replace("\\", "\\\\")) is None:
        return Answer(key, rdtype, Status.BADNAME, detail="name cannot be queried")
    return await resolver.query(key.replace("\\", "\\\\"), rdtype)
