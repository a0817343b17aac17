"""The findings of the DNSBL check. Only a documented listing code is ever "listed".

One list can give two findings: Spamhaus ZEN answering both 127.0.0.2 (SBL) and
127.0.0.11 (PBL) is a reputation listing and a policy listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from triage.checks.dnsbl.catalog import CodeClass, DeadZone
from triage.checks.dnsbl.interpret import TOO_LONG, Code, ListStatus
from triage.findings import Finding, Severity

if TYPE_CHECKING:
    from triage.checks.dnsbl.result import ListResult

RFC5782 = "RFC 5782"
SPAMHAUS_ERRORS = "https://www.spamhaus.org/news/article/788/"
REFUSED_FIX = (
    "Query from your own recursive resolver (not a public one such as 8.8.8.8, 1.1.1.1 or "
    "9.9.9.9){dqs}; until then the result is unknown."
)
DQS_HINT = ", or with a Spamhaus DQS key (--dnsbl-key)"


def list_findings(target: str, result: ListResult) -> Iterator[Finding]:
    reading = result.reading
    if reading.status is ListStatus.LISTED:
        yield from _listed(target, result, reading.of_class(CodeClass.LISTED), policy=False)
        yield from _listed(target, result, reading.of_class(CodeClass.POLICY), policy=True)
    elif reading.status is ListStatus.REFUSED:
        yield Finding(
            "dnsbl.query_refused", Severity.WARNING, "dnsbl",
            f"{result.dnsbl.name} refused to answer for {target} "
            f"({_meanings(reading.codes) or reading.detail}): inconclusive, not a listing.",
            REFUSED_FIX.format(dqs=DQS_HINT if _spamhaus(result) else ""),
            result.evidence(), (SPAMHAUS_ERRORS,) if _spamhaus(result) else (),
        )
    elif reading.status is ListStatus.ERROR and not reading.unexpected:
        yield Finding(
            "dnsbl.error", Severity.WARNING, "dnsbl",
            f"The query to {result.dnsbl.name} failed ({reading.detail}): whether {target} "
            "is listed there is unknown.",
            "Check the registrable domain instead (a shorter name)." if reading.detail == TOO_LONG
            else "Retry; if it persists, check that the resolver can reach the list's servers.",
            result.evidence(),
        )
    if reading.unexpected:
        yield Finding(
            "dnsbl.unexpected_answer", Severity.WARNING, "dnsbl",
            f"{result.dnsbl.name} answered {', '.join(c.value for c in reading.unexpected)} "
            f"for {target}, which is not one of its documented codes: not read as a listing.",
            "Check the resolver (answers outside 127.0.0.0/8 mean it rewrites answers) and the "
            "list's current documentation.",
            result.evidence(), (RFC5782,),
        )


def _listed(
    target: str, result: ListResult, codes: Sequence[Code], policy: bool
) -> Iterator[Finding]:
    if not codes:
        return
    dnsbl = result.dnsbl
    severity = max((c.severity or dnsbl.severity for c in codes), key=lambda s: s.rank)
    where = f" at {dnsbl.delist_url}" if dnsbl.delist_url else " with the list's operator"
    if policy:
        yield Finding(
            "dnsbl.policy_listed", severity, "dnsbl",
            f"{target} is on {dnsbl.name}'s policy list ({_meanings(codes)}): designated "
            "end-user space that should not deliver to MX servers directly. Not evidence of spam.",
            "Send through an authenticated smarthost; if this is a real mail server on a static "
            f"IP, give it a proper PTR and ask for removal{where}.",
            result.evidence(), (SPAMHAUS_ERRORS,) if _spamhaus(result) else (),
        )
        return
    yield Finding(
        "dnsbl.listed", severity, "dnsbl",
        f"{target} is listed on {dnsbl.name} ({_meanings(codes)}).",
        "Find and stop the cause (a compromised account or host, a bad list source, ignored "
        f"bounces), then request removal{where}.",
        result.evidence(), (RFC5782,),
    )


def inconclusive_finding(target: str, results: Sequence[ListResult]) -> Finding | None:
    """No list asked gave an answer that means anything (each timed out, failed or
    refused): that is no evidence, so it must not read as "clean"."""
    if not results or any(
        r.reading.status in (ListStatus.LISTED, ListStatus.CLEAN) for r in results
    ):
        return None
    return Finding(
        "dnsbl.inconclusive", Severity.ERROR, "dnsbl",
        f"None of the {len(results)} DNS block list(s) asked answered for {target} "
        "(each timed out, failed or refused): whether it is listed is unknown, not clean.",
        "Check that the resolver can reach the lists (try --nameserver with your own "
        "recursive resolver and a longer --timeout), then run the check again.",
        {"lists": [{"zone": r.dnsbl.zone, "status": r.reading.status.value,
                    "detail": r.reading.detail} for r in results]},
        (RFC5782,),
    )


def public_resolver_finding(used: Iterable[tuple[str, str]]) -> Finding | None:
    """Warn once when the resolver in use is a public one that DNSBLs refuse."""
    found = list(used)
    if not found:
        return None
    names = ", ".join(f"{operator} ({address})" for address, operator in found)
    return Finding(
        "dnsbl.public_resolver", Severity.WARNING, "dnsbl",
        f"DNSBL queries go through {names}: Spamhaus, SURBL and URIBL refuse or silently "
        "blank public resolvers, so a 'clean' from them proves nothing.",
        "Run the check with --nameserver pointing at your own recursive resolver "
        "(e.g. a local unbound), or use a Spamhaus DQS key (--dnsbl-key).",
        {"resolvers": [{"address": a, "operator": o} for a, o in found]},
        (SPAMHAUS_ERRORS,),
    )


def dead_finding(zone: str, dead: DeadZone) -> Finding:
    return Finding(
        "dnsbl.dead_list", Severity.WARNING, "dnsbl",
        f"{zone} was not queried: {dead.reason}.",
        "Remove it from your configuration and your MTA's DNSBL checks.",
        {"zone": zone, "never_query": dead.zone, "source": dead.source},
    )


def skipped_finding(zone: str, why: str) -> Finding:
    return Finding(
        "dnsbl.skipped", Severity.INFO, "dnsbl", f"{zone} was not queried: {why}.", None,
        {"zone": zone},
    )


def _spamhaus(result: ListResult) -> bool:
    zone = result.dnsbl.zone
    return zone.endswith((".spamhaus.org", ".spamhaus.net"))


def _meanings(codes: Sequence[Code]) -> str:
    return "; ".join(f"{c.value}: {c.meaning}" for c in codes)
