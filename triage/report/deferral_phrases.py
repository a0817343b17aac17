"""The words for a deferral analysis, shared by the text and Markdown of ``check``.

One place says how a rate, a streak, a reply code or a retry count reads, so
the terminal summary and the escalation package never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.deferrals.duration import spoken as duration
from triage.deferrals.thresholds import Thresholds
from triage.sanitize import clean

MICROSOFT = ("microsoft-365", "outlook.com")


def pct(rate: object) -> str | None:
    """A 0..1 rate as a percentage (None when unknown: each format says so its own way)."""
    return f"{100 * rate:.2f} %" if isinstance(rate, int | float) else None


def reply_code(code: Mapping[str, Any]) -> str:
    """"451 4.7.500" (the basic and enhanced codes), or "local" for an MTA-side failure."""
    parts = [str(code[k]) for k in ("reply", "enhanced") if code.get(k)]
    return " ".join(parts) or "local"


def streak(provider: Mapping[str, Any]) -> str | None:
    """"4.1 min, monitor" (+ ", recovered"), or None without a streak."""
    s = provider.get("streak")
    if not s:
        return None
    text = duration(s.get("minutes"))
    if s.get("stage"):
        text += f", {clean(str(s['stage']), 40)}"
    return text + (", recovered" if s.get("recovered") else "")


def window(w: Mapping[str, Any] | None) -> str:
    """The time span of the input, with the time zone the log gave (or did not)."""
    if not w or w.get("first_seen") is None:
        return "no time stamps in the input"
    zone = w.get("timezone")
    zone_note = f"; times {clean(str(zone), 80)}" if zone else ""
    return f"{w['first_seen']} to {w['last_seen']}, {duration(w.get('minutes'))}{zone_note}"


def totals(t: Mapping[str, Any]) -> str:
    return (f"{t.get('attempts')} attempts: {t.get('delivered')} delivered, "
            f"{t.get('deferred')} deferred, {t.get('bounced')} bounced; "
            f"{t.get('relogs')} relogs, {t.get('unparsed_lines')} unparsed lines")


def retries(r: Mapping[str, Any] | None) -> str:
    """What became of the recipients that were deferred at least once."""
    if not r:
        return "not tracked"
    parts = [f"{r.get('later_delivered')} later delivered"]
    if r.get("later_bounced") is not None:
        parts.append(f"{r['later_bounced']} later bounced")
    parts.append(f"{r.get('still_pending')} still pending")
    return f"{r.get('deferred_recipients')} deferred recipients: " + ", ".join(parts)


_ZONES = {"UTC": "times UTC", "unknown": "times without a zone",
          "mixed": "times partly UTC, partly without a zone"}


def inputs(body: Mapping[str, Any]) -> list[str]:
    """One phrase per input file: path, format, lines, unparsed, its time zone, and why it
    ended early when it did."""
    out = []
    for i in body.get("inputs") or []:
        parts = [str(i.get("format")), f"{i.get('lines')} lines", f"{i.get('unparsed')} unparsed"]
        if i.get("timezone") in _ZONES:
            parts.append(_ZONES[i["timezone"]])
        if i.get("error"):
            parts.append(clean(str(i["error"]), 200))
        out.append(f"{clean(str(i.get('path')), 200)} ({', '.join(parts)})")
    return out


def unparsed(body: Mapping[str, Any]) -> list[str]:
    """The sanitized samples of lines that were not understood."""
    return [clean(str(s), 300) for s in body.get("unparsed_samples") or []]


def bands(thresholds: object) -> str | None:
    """The bands and window a report was judged by, when the run set its own (a report
    read later must not be taken for the playbook's 1 % / 5 % / 60 min); None for those."""
    if not isinstance(thresholds, Mapping) or thresholds == Thresholds().to_dict():
        return None
    try:
        watch, act = f"{float(thresholds['watch_rate']):g}", f"{float(thresholds['act_rate']):g}"
        window = duration(float(thresholds["window_minutes"]))
    except (KeyError, TypeError, ValueError):
        return None
    return (f"under {watch} % normal, {watch}-{act} % watch, over {act} % act; "
            f"escalation window {window} (set for this run)")
