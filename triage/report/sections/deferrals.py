"""Text and Markdown sections of ``triage deferrals`` (also used inside ``check``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report import deferral_phrases as phrases
from triage.report.layout import value
from triage.sanitize import clean


def _rate(provider: Mapping[str, Any]) -> str:
    return phrases.pct(provider["deferral_rate"]) or "-"


def text(body: Mapping[str, Any]) -> list[str]:
    lines = ["Inputs: " + ", ".join(phrases.inputs(body)),
             "Window: " + phrases.window(body["window"]),
             "Totals: " + phrases.totals(body["totals"])]
    if body.get("relog_samples"):
        lines.append(f"Relogs (deferred again without a new attempt), e.g.: "
                     f"{body['relog_samples'][0]}")
    lines += ["", "By provider:"]
    for name, p in body["by_provider"].items():
        streak = phrases.streak(p)
        lines.append(f"  {name:<14} attempts {p['attempts']:>7}  deferred {p['deferred']:>6}"
                     f"  bounced {p['bounced']:>5}  rate {_rate(p):>8}"
                     f"  {p['band']}" + (f"  streak {streak}" if streak else ""))
    if body["by_class"]:
        lines += ["", "By class: " + ", ".join(f"{k} {v}" for k, v in body["by_class"].items())]
    if body["codes"]:
        lines += ["", "Replies (most frequent first):"]
        for c in body["codes"][:15]:
            code = " ".join(x for x in (phrases.reply_code(c), c["token"]) if x)
            lines.append(f"  {c['count']:>6}  {code}  {c['provider']}  {c['class']}  "
                         f"[{c['rule']}]")
            lines.append(f"          {clean(c['sample'], 300)}")
    lines += ["", "Retries: " + phrases.retries(body["retries"])]
    samples = phrases.unparsed(body)
    if samples:
        lines += ["", "Unparsed lines (sanitized), e.g.:"]
        lines += [f"  {s}" for s in samples]
    forests = body["scope"]["forests"]
    if forests:
        lines.append("Microsoft forests: " + ", ".join(
            f"{clean(f['name'])} ({f.get('region')}) {f['deferred'] + f['bounced']}"
            for f in forests[:8]))
    return lines


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
