"""DNS block lists as a registered check: the target, the lists to ask, a DQS key."""

from __future__ import annotations

from dataclasses import dataclass

from triage.checks.dnsbl.catalog import Catalog, load_catalog
from triage.checks.dnsbl.check import check_dnsbl
from triage.checks.dnsbl.query import Target, parse_target, parse_zone, valid_key
from triage.checks.dnsbl.result import DnsblResult
from triage.checks.dnsbl.select import zone_problem
from triage.checks.registry import CheckSpec
from triage.context import RunContext
from triage.errors import InputError


@dataclass(frozen=True)
class Request:
    target: Target
    zones: tuple[str, ...] = ()
    key: str | None = None  # a Spamhaus DQS key: a secret, never reported
    defaults: bool = True
    catalog: Catalog | None = None


def request(target: str, zones: tuple[str, ...] = (), key: str | None = None,
            defaults: bool = True) -> Request:
    key = key.strip() if key else None
    if key is not None and not valid_key(key):
        raise InputError(
            "--dnsbl-key is not a Spamhaus DQS key (one DNS label of letters and digits)")
    try:
        parsed = parse_target(target)
        wanted = tuple(dict.fromkeys(parse_zone(z) for z in zones))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    catalog = load_catalog()
    for zone in wanted:
        problem = zone_problem(catalog, zone, parsed.kind, key)
        if problem is not None:
            raise InputError(f"--dnsbl {zone}: {problem}")
    if not defaults and not wanted:
        raise InputError("--no-default-dnsbls needs at least one --dnsbl ZONE")
    return Request(parsed, wanted, key, defaults, catalog)


async def run(ctx: RunContext, req: Request) -> DnsblResult:
    return await check_dnsbl(ctx.resolver, req.target.text, req.zones, req.key, ctx.nameservers,
                             defaults=req.defaults, catalog=req.catalog, psl=ctx.psl)


SPEC: CheckSpec[Request, DnsblResult] = CheckSpec("dnsbl", run)
