"""SPF as a registered check: validate the identities, run check_host() and the tree."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from triage.checks.registry import CheckSpec
from triage.checks.spf.check import check_spf
from triage.checks.spf.identity import Identity, NoDomainError, identify
from triage.checks.spf.macro import upper_hex
from triage.checks.spf.result import SpfResult
from triage.context import RunContext
from triage.errors import InputError

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Request:
    who: Identity
    ip: IP | None
    upper_hex: bool = False  # the address was typed in upper-case hex (macro %{I})


def parse_ip(text: str) -> IP:
    value = text.strip()
    if "%" in value:  # a zone index is not an SMTP client address
        raise InputError(f"invalid --ip {text!r}")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise InputError(f"invalid --ip {text!r}: give an IPv4 or IPv6 address") from None


def request(domain: str | None, ip: str | None, sender: str | None = None,
            helo: str | None = None) -> Request:
    """DOMAIN, when given, must be a domain name (exit 2 otherwise, as in every command);
    ``--sender`` and ``--helo`` are taken as they arrive in SMTP (contract)."""
    address = parse_ip(ip) if ip is not None else None
    if domain is not None and domain.strip():
        from triage.checks.inputs import domain as valid_domain

        valid_domain(domain.strip())
    try:
        who = identify(domain, sender, helo)
    except NoDomainError as exc:
        raise InputError(str(exc)) from None
    return Request(who, address, ip is not None and upper_hex(ip))


async def run(ctx: RunContext, req: Request) -> SpfResult:
    now = int(ctx.now().timestamp())
    return await check_spf(ctx.resolver, req.who, req.ip, now, upper_hex=req.upper_hex)


SPEC: CheckSpec[Request, SpfResult] = CheckSpec("spf", run)
