"""One sender's JSON line: the ``check`` report plus ``sender``.

``sender`` holds what the fleet adds: where the sender is in the file (``index``,
``line``, ``name``), its expectations and whether each was met, the ``--fail-on``
it was judged by, its ``status`` (the verdict's action, or ``inconclusive`` when some
part could not be checked) and its ``exit_code``. The summary, JUnit and annotations
are made from these lines alone, so ``triage merge`` gives what the fleet gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from triage.findings import FailOn, Finding, Severity, fails
from triage.fleet.expect import evaluate, finding
from triage.report.model import Report
from triage.sanitize import clean

if TYPE_CHECKING:
    from triage.dns.scoped import ScopeStats
    from triage.fleet.config import SenderSpec
    from triage.sender import SenderResult


@dataclass(frozen=True)
class _Joined:
    """A SenderResult with the fleet's own findings beside its checks'."""

    result: SenderResult
    extra: tuple[Finding, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings + self.extra

    def to_dict(self) -> dict[str, Any]:
        return self.result.to_dict()


def inputs(spec: SenderSpec, deferrals: tuple[str, ...]) -> dict[str, Any]:
    return {
        "domain": spec.domain, "ips": list(spec.ips),
        "helo": clean(spec.helo, 255) if spec.helo else None,
        "mail_from": spec.mail_from or spec.domain, "selectors": list(spec.selectors),
        "deferrals": [clean(p, 500) for p in deferrals], "message": None,
        "thresholds": spec.thresholds.to_dict(),
    }


def make_line(spec: SenderSpec, result: SenderResult, extra: tuple[Finding, ...],
              stats: ScopeStats, fail_on: FailOn, generated_at: datetime,
              used: tuple[str, ...]) -> dict[str, Any]:
    body = result.to_dict()
    outcomes = evaluate(spec.expect, body)
    unmet = tuple(finding(o) for o in outcomes if not o.met)
    joined = _Joined(result, extra + unmet)
    report = Report.of("check", inputs(spec, used), joined, generated_at, dns=stats.to_dict())
    gating = result.gating() + extra + unmet
    code = 3 if stats.unreachable else 1 if fails(gating, fail_on) else 0
    inconclusive = bool(result.verdict.inconclusive) or any(
        f.severity is Severity.ERROR and f.code in INCONCLUSIVE for f in extra)
    data = report.to_dict()
    data["sender"] = {
        "index": spec.index, "name": spec.name, "line": spec.line,
        "status": "inconclusive" if inconclusive else result.verdict.action,
        "exit_code": code, "fail_on": fail_on.value,
        "expectations": [o.to_dict() for o in outcomes],
    }
    return data


INCONCLUSIVE = frozenset({"deferrals.unreadable", "verdict.replay_missing"})


def unreadable(paths: tuple[str, ...], why: tuple[str, ...]) -> Finding:
    return Finding(
        "deferrals.unreadable", Severity.ERROR, "deferrals",
        f"{len(paths)} deferral file(s) of this sender could not be read: "
        f"{'; '.join(why)}. The sender was checked without them.",
        "Fix the path (relative to the fleet file) or remove it from deferrals.",
        {"paths": list(paths)},
    )


def replay_missing(missing: list[str]) -> Finding:
    shown = missing[:20]
    return Finding(
        "verdict.replay_missing", Severity.ERROR, "verdict",
        f"{len(missing)} DNS question(s) of this sender are not in the cassette "
        f"(first: {shown[0]}): the parts that needed them are inconclusive.",
        "Record the cassette again with the same fleet file (--record), or replay the "
        "cassette that was recorded for this file.",
        {"missing": shown, "count": len(missing)},
    )
