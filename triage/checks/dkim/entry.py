"""DKIM as a registered check: selectors to look up and an optional message to verify."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triage.checks import inputs
from triage.checks.dkim.check import check_dkim
from triage.checks.dkim.message import Message, MessageError, parse_message
from triage.checks.dkim.result import DkimResult
from triage.checks.registry import CheckSpec
from triage.context import Limits, RunContext
from triage.errors import InputError
from triage.sanitize import clean


@dataclass(frozen=True)
class Request:
    domain: str
    selectors: tuple[str, ...] = ()
    message: Message | None = None


def read_message(path: Path, limits: Limits | None = None) -> Message:
    """Read and parse ``--message FILE.eml``; InputError when it cannot be."""
    cap = (limits or Limits()).message_bytes
    try:
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    except OSError as exc:
        raise InputError(f"cannot read {clean(str(path), 200)}: {exc.strerror or exc}") from None
    try:
        return parse_message(data)
    except MessageError as exc:
        raise InputError(f"{clean(str(path), 200)}: {exc}") from None


def request(domain: str, selectors: tuple[str, ...] = (), message: Path | None = None) -> Request:
    return Request(
        inputs.domain(domain),
        tuple(dict.fromkeys(inputs.selector(s) for s in selectors)),
        read_message(message) if message is not None else None,
    )


async def run(ctx: RunContext, req: Request) -> DkimResult:
    return await check_dkim(ctx.resolver, req.domain, req.selectors, req.message, psl=ctx.psl)


SPEC: CheckSpec[Request, DkimResult] = CheckSpec("dkim", run)
