"""The check registry: what each check declares, and where to find it.

A check is one package under ``triage/checks/`` whose ``entry`` module defines

    Request            a frozen dataclass of validated inputs
    request(...)       builds it from raw user input, raising ``InputError`` (exit 2)
    run(ctx, request)  the async check, returning a typed result with ``findings``
                       and ``to_dict()`` (its report section is ``report/sections/NAME``)
    SPEC               ``CheckSpec(NAME, run)``

A new check is one package plus one line in ``CHECKS``. Modules are imported on
first use, so a command pays only for the checks it runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from triage.context import RunContext
from triage.report.model import CheckResult

Q = TypeVar("Q")
R = TypeVar("R", bound=CheckResult)

CHECKS: Mapping[str, str] = MappingProxyType({
    "spf": "triage.checks.spf.entry",
    "dkim": "triage.checks.dkim.entry",
    "dmarc": "triage.checks.dmarc.entry",
    "rdns": "triage.checks.rdns.entry",
    "dnsbl": "triage.checks.dnsbl.entry",
    "snds": "triage.checks.snds.entry",
    "posture": "triage.checks.posture.entry",
})


@dataclass(frozen=True)
class CheckSpec(Generic[Q, R]):
    name: str  # also the report section: triage/report/sections/<name>.py
    run: Callable[[RunContext, Q], Awaitable[R]]


def entry(name: str) -> Any:
    """The ``entry`` module of check ``name`` (KeyError for an unknown check)."""
    return importlib.import_module(CHECKS[name])
