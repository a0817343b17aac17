"""Text and Markdown sections of ``triage deferrals`` (also used inside ``check``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.sanitize import clean


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.2f} %"


def text(body: Mapping[str, Any]) -> list[str]:
    t = body["totals"]
    w = body["window"]
    lines = ["Inputs: " + ", ".join(
        f"{clean(i['path'], 200)} ({i['format']}, {i['lines']} lines, {i['unparsed']} unparsed)"
        for i in body["inputs"])]
    if w["first_seen"] is None:
        lines.append("Window: no time stamps in the input")
    else:
        lines.append(f"Window: {w['first_seen']} .. {w['last_seen']} ({w['minutes']} min, "
                     f"{w['timezone']})")
    lines.append(f"Attempts {t['attempts']}: delivered {t['delivered']}, deferred "
                 f"{t['deferred']}, bounced {t['bounced']}; relogs {t['relogs']}, "
                 f"unparsed {t['unparsed_lines']}")
    if body.get("relog_samples"):
        lines.append(f"Relogs (deferred again without a new attempt), e.g.: "
                     f"{body['relog_samples'][0]}")
    lines += ["", "By provider:"]
    for name, p in body["by_provider"].items():
        streak = p["streak"]
        lines.append(f"  {name:<14} attempts {p['attempts']:>7}  deferred {p['deferred']:>6}"
                     f"  bounced {p['bounced']:>5}  rate {_pct(p['deferral_rate']):>8}"
                     f"  {p['band']}" + (f"  streak {streak['minutes']} min ({streak['stage']}"
                                         f"{', recovered' if streak['recovered'] else ''})"
                                         if streak else ""))
    if body["by_class"]:
        lines += ["", "By class: " + ", ".join(f"{k} {v}" for k, v in body["by_class"].items())]
    if body["codes"]:
        lines += ["", "Replies (most frequent first):"]
        for c in body["codes"][:15]:
            code = " ".join(str(x) for x in (c["reply"], c["enhanced"], c["token"]) if x)
            lines.append(f"  {c['count']:>6}  {code or '(local)'}  {c['provider']}  "
                         f"{c['class']}  [{c['rule']}]")
            lines.append(f"          {clean(c['sample'], 300)}")
    r = body["retries"]
    lines += ["", f"Retries: {r['deferred_recipients']} deferred recipients, "
              f"{r['later_delivered']} later delivered, {r['later_bounced']} later bounced, "
              f"{r['still_pending']} still pending"]
    forests = body["scope"]["forests"]
    if forests:
        lines.append("Microsoft forests: " + ", ".join(
            f"{clean(f['name'])} ({f.get('region')}) {f['deferred'] + f['bounced']}"
            for f in forests[:8]))
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    out = ["## Deferrals", "", "| provider | attempts | deferred | bounced | rate | band |",
           "|---|---|---|---|---|---|"]
    for name, p in body["by_provider"].items():
        out.append(f"| {name} | {p['attempts']} | {p['deferred']} | {p['bounced']} | "
                   f"{_pct(p['deferral_rate'])} | {p['band']} |")
    out += ["", "| count | reply | provider | class | first seen | last seen | sample |",
            "|---|---|---|---|---|---|---|"]
    for c in body["codes"][:20]:
        code = " ".join(str(x) for x in (c["reply"], c["enhanced"], c["token"]) if x)
        sample = clean(c["sample"], 400).replace("|", "\\|")
        out.append(f"| {c['count']} | {code} | {c['provider']} | {c['class']} | "
                   f"{c['first_seen']} | {c['last_seen']} | `{sample}` |")
    return out
