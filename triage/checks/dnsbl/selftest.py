"""RFC 5782 §5 test entries, asked of every IPv4 list beside the target.

An IPv4 DNSBL lists 127.0.0.2 and never 127.0.0.1. A list that lists 127.0.0.1 answers
every query as listed (a wildcard; some lists that shut down do it on purpose), so its
listing of the target says nothing and is not reported as one. A list that does not
list 127.0.0.2 may be dead or not answering this resolver properly, so a clean answer
from it is unverified (one info finding names all such lists). Only NXDOMAIN/NODATA for
127.0.0.2 counts as "not listed": a refusal or an error is reported by the target's own
query already.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.checks.dnsbl.catalog import DnsblList, TargetKind
from triage.checks.dnsbl.interpret import ListStatus, Reading
from triage.checks.dnsbl.query import Target, parse_target
from triage.checks.dnsbl.result import ListResult, SelfTest
from triage.findings import Finding, Severity

MUST_LIST = parse_target("127.0.0.2")
MUST_NOT_LIST = parse_target("127.0.0.1")
RFC5782_TEST = "RFC 5782 §5"
# the target's reading on a list that lists everything
OVERRULED = Reading(ListStatus.ERROR, detail="the list also lists 127.0.0.1, which RFC 5782 "
                    "forbids: it answers every query as listed")


def applies(target: Target, dnsbl: DnsblList) -> bool:
    """IP targets, on lists that hold IPv4 addresses (the test entries are IPv4)."""
    return target.kind is not TargetKind.DOMAIN and dnsbl.serves(TargetKind.IP4)


def broken_finding(target: str, result: ListResult, test: SelfTest) -> Finding:
    codes = ", ".join(c.value for c in test.loopback.codes)
    return Finding(
        "dnsbl.list_broken", Severity.WARNING, "dnsbl",
        f"{result.dnsbl.name} lists 127.0.0.1 ({codes}), which no working list "
        f"does: it answers every query as listed, so its answer for {target} is not read "
        "as a listing.",
        f"Stop using {result.dnsbl.zone} (it is dead or misconfigured); check the target "
        "against working lists.",
        result.evidence(), (RFC5782_TEST,),
    )


def missing_finding(results: Sequence[ListResult]) -> Finding | None:
    """One finding for every list whose clean answer is unverified."""
    unverified = [r for r in results if r.self_test is not None
                  and r.self_test.test_entry_missing and r.reading.status is ListStatus.CLEAN]
    if not unverified:
        return None
    zones = [r.dnsbl.zone for r in unverified]
    return Finding(
        "dnsbl.test_entry_missing", Severity.INFO, "dnsbl",
        f"{len(zones)} list(s) did not list their test entry 127.0.0.2 ({', '.join(zones)}): "
        "their clean answers are unverified (the list may be dead, or not answering this "
        "resolver as it should).",
        "Query through your own recursive resolver; drop lists that stay silent for "
        "127.0.0.2.",
        {"zones": zones}, (RFC5782_TEST,),
    )
