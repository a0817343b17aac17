"""DNS block lists (``triage dnsbl``): the catalog, the query names, the reading of answers.

    catalog.py    the lists triage knows (triage/data/dnsbls.toml), dead zones, public resolvers
    select.py     which lists one run asks
    query.py      the target and the RFC 5782 query names (IPv4, IPv6 nibbles, domains, DQS)
    interpret.py  what one answer means on one list: listed / clean / refused / error
    findings.py   the findings, with evidence
    check.py      ``check_dnsbl``: everything at once, one result
"""

from triage.checks.dnsbl.catalog import Catalog, DnsblList, Kind, TargetKind, load_catalog
from triage.checks.dnsbl.check import check_dnsbl
from triage.checks.dnsbl.interpret import ListStatus
from triage.checks.dnsbl.query import parse_target, parse_zone, valid_key
from triage.checks.dnsbl.result import DnsblResult, ListResult
from triage.checks.dnsbl.select import select_lists, zone_problem

__all__ = [
    "Catalog",
    "DnsblList",
    "DnsblResult",
    "Kind",
    "ListResult",
    "ListStatus",
    "TargetKind",
    "check_dnsbl",
    "load_catalog",
    "parse_target",
    "parse_zone",
    "select_lists",
    "valid_key",
    "zone_problem",
]
