"""The domain posture as a registered check: MTA-STS, TLS-RPT and BIMI."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from triage.checks import inputs
from triage.checks.posture import bimi, mtasts, tlsrpt
from triage.checks.posture.result import PostureResult
from triage.checks.posture.tags import lookup
from triage.checks.registry import CheckSpec
from triage.context import RunContext


@dataclass(frozen=True)
class Request:
    domain: str


def request(domain: str) -> Request:
    return Request(inputs.domain(domain))


async def run(ctx: RunContext, req: Request) -> PostureResult:
    from triage.checks.dmarc.check import check_dmarc

    d = req.domain
    sts, rpt, mark, dmarc = await asyncio.gather(
        mtasts.check(ctx.resolver, ctx.fetcher, d),
        lookup(ctx.resolver, f"_smtp._tls.{d}", "TLSRPTv1"),
        lookup(ctx.resolver, f"default._bimi.{d}", "BIMI1"),
        check_dmarc(ctx.resolver, d, None, (), psl=ctx.psl))
    mta_sts, found = sts
    tls_rpt, rpt_found = tlsrpt.judge(rpt, mta_sts.record is not None)
    tags = dmarc.to_dict().get("tags") or {}
    failed = any(f.code == "dmarc.temperror" for f in dmarc.findings)
    logo, bimi_found = bimi.judge(mark, dmarc.policy, tags.get("pct"), failed)
    return PostureResult(d, mta_sts, tls_rpt, logo, (*found, *rpt_found, *bimi_found))


SPEC: CheckSpec[Request, PostureResult] = CheckSpec("posture", run)
