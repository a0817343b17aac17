"""Reverse DNS and HELO as a registered check."""

from __future__ import annotations

from dataclasses import dataclass

from triage.checks.rdns.check import check_rdns, parse_ip
from triage.checks.rdns.result import IpAddress, RdnsResult
from triage.checks.registry import CheckSpec
from triage.context import RunContext
from triage.errors import InputError


@dataclass(frozen=True)
class Request:
    ip: IpAddress
    helo: str | None = None  # as announced; odd values are judged, not refused


def address(text: str) -> IpAddress:
    try:
        return parse_ip(text)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def request(ip: str, helo: str | None = None) -> Request:
    return Request(address(ip), helo)


async def run(ctx: RunContext, req: Request) -> RdnsResult:
    return await check_rdns(ctx.resolver, str(req.ip), req.helo, psl=ctx.psl)


SPEC: CheckSpec[Request, RdnsResult] = CheckSpec("rdns", run)
