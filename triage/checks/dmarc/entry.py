"""DMARC as a registered check: the policy of a domain and alignment of given identifiers."""

from __future__ import annotations

from dataclasses import dataclass

from triage.checks import inputs
from triage.checks.dmarc.check import check_dmarc
from triage.checks.dmarc.result import DmarcResult
from triage.checks.registry import CheckSpec
from triage.context import RunContext


@dataclass(frozen=True)
class Request:
    domain: str
    mail_from: str | None = None
    dkim_domains: tuple[str, ...] = ()


def request(domain: str, mail_from: str | None = None,
            dkim_domains: tuple[str, ...] = ()) -> Request:
    return Request(
        inputs.domain(domain),
        inputs.mail_domain(mail_from) if mail_from else None,
        tuple(dict.fromkeys(inputs.domain(d, "--dkim-domain") for d in dkim_domains)),
    )


async def run(ctx: RunContext, req: Request) -> DmarcResult:
    return await check_dmarc(ctx.resolver, req.domain, req.mail_from, req.dkim_domains,
                             psl=ctx.psl)


SPEC: CheckSpec[Request, DmarcResult] = CheckSpec("dmarc", run)
