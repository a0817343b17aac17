"""Text and Markdown sections of ``triage deferrals`` (also used inside ``check``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report import deferral_phrases as phrases
from triage.report.deferral_text import deferral_lines, samples_lines
from triage.report.layout import DEFAULT_WIDTH, value
from triage.sanitize import clean


def _rate(provider: Mapping[str, Any]) -> str:
    return phrases.pct(provider["deferral_rate"]) or "-"


def text_with_input(body: Mapping[str, Any], inputs: Mapping[str, Any],
                    width: int = DEFAULT_WIDTH) -> list[str]:
    """The summary ``check`` prints (its replies listed with their samples), fitted to
    ``width``, with the bands when the run set its own (``--watch-rate`` …)."""
    return [*deferral_lines(body, width, codes_table=False,
                            thresholds=inputs.get("thresholds")), *samples_lines(body, width)]


def markdown(body: Mapping[str, Any]) -> list[str]:
    out = ["## Deferrals", "",
           "- Inputs: " + "; ".join(i.replace("|", "\\|") for i in phrases.inputs(body)),
           "- Window: " + phrases.window(body["window"]), "",
           "| provider | attempts | deferred | bounced | rate | band |",
           "|---|---|---|---|---|---|"]
    for name, p in body["by_provider"].items():
        out.append(f"| {name} | {p['attempts']} | {p['deferred']} | {p['bounced']} | "
                   f"{_rate(p)} | {p['band']} |")
    out += ["", "| count | reply | provider | class | first seen | last seen | sample |",
            "|---|---|---|---|---|---|---|"]
    for c in body["codes"][:20]:
        code = " ".join(str(x) for x in (c["reply"], c["enhanced"], c["token"]) if x)
        sample = clean(c["sample"], 400).replace("|", "\\|")
        out.append(f"| {c['count']} | {code} | {c['provider']} | {c['class']} | "
                   f"{value(c['first_seen'])} | {value(c['last_seen'])} | `{sample}` |")
    samples = phrases.unparsed(body)
    if samples:
        out += ["", "Unparsed lines (sanitized):", "", "~~~"]
        out += [s.replace("~~~", "~ ~ ~") for s in samples]
        out.append("~~~")
    return out
