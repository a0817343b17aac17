"""Deferral analysis: parse MTA logs, classify every reply, aggregate, assess.

Data flow: ``source`` (files, .gz, stdin; newline-aligned chunks) -> ``parsers`` (one
module per format, detected per file) -> ``aggregate`` (bounded counters, ``buckets``
for the timeline; ``workers`` reads a big Postfix log in two processes and merges) with
``classify`` (``reply`` + ``providers`` + ``rules``, tables in triage/data/) ->
``summary`` (builds the typed ``result``: the contract's fields) and ``assess``
(findings). ``explain`` classifies one
reply with the same tables. Importing this package loads no data and no dnspython.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from triage.deferrals.analyse import analyse
from triage.deferrals.explain import ExplainResult, explain
from triage.deferrals.source import InputUnreadable

if TYPE_CHECKING:
    from triage.deferrals.result import DeferralResult

__all__ = ["DeferralResult", "ExplainResult", "InputUnreadable", "analyse", "explain"]


def __getattr__(name: str) -> Any:
    """``DeferralResult`` when first asked for: a run that reads logs loads the result
    types after the reading (while a worker finishes), not before it."""
    if name != "DeferralResult":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.result").DeferralResult
