"""Run every check of one sender on one run context.

Every independent lookup goes out at once on the shared resolver (one cache, one
in-flight cap): the SPF tree first (the longest chain of dependent answers), then
DMARC discovery, the DKIM selectors, each IP's PTR chain and DNSBL queries. The
deferral files are read in a worker thread meanwhile. Two things wait for others,
and ask again on a warm cache: the HELO defaults to an IP's PTR name when it has
exactly one, and DMARC's DKIM alignment needs the signing domains.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar

from triage.context import RunContext
from triage.sender.request import IP, SenderRequest
from triage.sender.result import IpResults, SenderResult
from triage.verdict import Policy, decide, gather
from triage.verdict.steps import Texts

if TYPE_CHECKING:
    from triage.checks.dkim.result import DkimResult
    from triage.checks.dmarc.result import DmarcResult
    from triage.checks.posture.result import PostureResult
    from triage.checks.rdns.result import RdnsResult
    from triage.checks.snds.result import SndsResult
    from triage.deferrals.result import DeferralResult

T = TypeVar("T")


async def check_sender(ctx: RunContext, req: SenderRequest, policy: Policy | None = None
                       ) -> SenderResult:
    from triage.checks.dkim.entry import Request as DkimRequest
    from triage.checks.dkim.entry import run as run_dkim
    from triage.checks.dnsbl.entry import request as dnsbl_request
    from triage.checks.dnsbl.entry import run as run_dnsbl
    from triage.checks.spf.entry import request as spf_request
    from triage.checks.spf.entry import run as run_spf

    policy = policy or Policy()
    start = asyncio.create_task
    # the dependent chains first: tasks start in the order they are created
    spf = [start(run_spf(ctx, spf_request(req.mail_from, str(ip), f"postmaster@{req.mail_from}",
                                          req.helo)))
           for ip in req.ips]
    guess = (req.domain,) if req.message is None else ()
    dmarc_first = start(_dmarc(ctx, req, guess))
    dkim = start(run_dkim(ctx, DkimRequest(req.domain, req.selectors, req.message)))
    rdns = [start(_rdns(ctx, ip, req.helo)) for ip in req.ips]
    dnsbl = [start(run_dnsbl(ctx, dnsbl_request(str(ip), req.dnsbl_zones, req.dnsbl_key)))
             for ip in req.ips]
    logs = start(_deferrals(ctx, req, policy)) if req.deferrals else None
    posture = start(_posture(ctx, req))
    snds = start(_snds(ctx, req, rdns[0])) if req.snds is not None else None
    await asyncio.sleep(0)  # every first query is out: read the verdict's texts meanwhile
    texts = Texts.load()

    dkim_result = await dkim
    signers = _signing_domains(req.domain, dkim_result)
    dmarc = await dmarc_first
    if signers != guess:  # asked again on a warm cache: only alignment differs
        dmarc = await _dmarc(ctx, req, signers)
    spf_results = await _all(spf)
    rdns_results = await _all(rdns)
    dnsbl_results = await _all(dnsbl)
    deferrals = await logs if logs is not None else None
    posture_result = await posture
    snds_result = await snds if snds is not None else None

    ips = tuple(IpResults(str(ip), s, r, b, _helo_source(req, r))
                for ip, s, r, b in zip(req.ips, spf_results, rdns_results, dnsbl_results,
                                       strict=True))
    signals = gather((*spf_results, dkim_result, dmarc, *rdns_results), dnsbl_results,
                     deferrals, policy, snds=snds_result)
    verdict = decide(signals, policy, texts)
    return SenderResult(req, ips, dkim_result, dmarc, deferrals, verdict, signals,
                        posture=posture_result, snds=snds_result)


async def _posture(ctx: RunContext, req: SenderRequest) -> PostureResult:
    from triage.checks.posture.entry import Request, run

    return await run(ctx, Request(req.domain))


async def _snds(ctx: RunContext, req: SenderRequest,
                first_rdns: asyncio.Task[RdnsResult]) -> SndsResult:
    """SNDS's sample HELO is judged against --helo, else the one IP's PTR name."""
    from dataclasses import replace

    from triage.checks.snds.entry import run

    assert req.snds is not None
    helo = req.helo
    if helo is None and len(req.ips) == 1:
        rdns = await first_rdns
        helo = rdns.helo.name if rdns.helo is not None else None
    return await run(ctx, replace(req.snds, helo=helo) if helo else req.snds)


async def _all(tasks: list[asyncio.Task[T]]) -> list[T]:
    return list(await asyncio.gather(*tasks))


async def _dmarc(ctx: RunContext, req: SenderRequest, signers: tuple[str, ...]) -> DmarcResult:
    from triage.checks.dmarc.entry import Request, run

    return await run(ctx, Request(req.domain, req.mail_from, signers))


async def _rdns(ctx: RunContext, ip: IP, helo: str | None) -> RdnsResult:
    from triage.checks.rdns.entry import Request, run

    result = await run(ctx, Request(ip, helo))
    if helo is None and len(result.ptr) == 1:
        # the HELO defaults to the one PTR name; its lookups are in the cache already
        result = await run(ctx, Request(ip, result.ptr[0]))
    return result


def _helo_source(req: SenderRequest, rdns: RdnsResult) -> str | None:
    if req.helo is not None:
        return "given"
    return "ptr" if rdns.helo is not None else None


def _signing_domains(domain: str, dkim: DkimResult) -> tuple[str, ...]:
    """The d= domains DMARC judges: the message's verified signatures, else DOMAIN
    itself when one of its selectors has a usable key."""
    from triage.checks.dkim.keyrecord import KeyStatus

    if dkim.message is not None:
        return tuple(dict.fromkeys(s.d for s in dkim.message.signatures
                                   if s.result.value == "pass" and s.d))
    if any(s.status is KeyStatus.VALID for s in dkim.selectors):
        return (domain,)
    return ()


async def _deferrals(ctx: RunContext, req: SenderRequest, policy: Policy) -> DeferralResult:
    from triage.deferrals import analyse

    return await asyncio.to_thread(analyse, list(req.deferrals), ctx.now(),
                                   thresholds=policy.thresholds())
