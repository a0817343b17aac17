"""The "Deferrals" part of the escalation package: what Microsoft refused, where and when.

Support needs the full replies with the receiving host, the S-token and the
time stamps; the affected sending IPs and the volume; per-provider rates; the
retry outcome; and the timeline (Microsoft deferral playbook, section 6). Full
Microsoft replies come as fenced blocks so they can be copied byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.report import deferral_phrases as words
from triage.report.markup import code, fenced, prose, table, value

_HOSTS_SHOWN = 12
_OTHER_REPLIES_SHOWN = 15
_BUCKETS_SHOWN = 96


def _counts(row: Mapping[str, Any]) -> list[str]:
    return [prose(row.get(k)) for k in ("attempts", "delivered", "deferred", "bounced")]


def _rate(row: Mapping[str, Any]) -> str:
    return prose(words.pct(row.get("deferral_rate")))


def providers(body: Mapping[str, Any]) -> list[str]:
    rows = [[prose(name), *_counts(p), _rate(p), prose(p.get("band")),
             prose(words.streak(p))] for name, p in (body.get("by_provider") or {}).items()]
    if not rows:
        return []
    return ["### By provider", "", *table(
        ["provider", "attempts", "delivered", "deferred", "bounced", "deferral rate", "band",
         "longest streak"], rows), ""]


def scope(body: Mapping[str, Any]) -> list[str]:
    s = body.get("scope") or {}
    lines: list[str] = []
    ips = s.get("sending_ips") or []
    if ips:
        rows = [[code(i.get("name"), cell=True), *_counts(i), _rate(i)]
                for i in ips]
        lines += ["### Sending IPs named in the replies", "", *table(
            ["IP", "attempts", "delivered", "deferred", "bounced", "deferral rate"], rows), ""]
    hosts = s.get("receiving_hosts") or []
    if hosts:
        rows = [[code(h.get("name"), cell=True), prose(h.get("provider")), *_counts(h),
                 _rate(h)] for h in hosts[:_HOSTS_SHOWN]]
        lines += ["### Receiving hosts", "", *table(
            ["host", "provider", "attempts", "delivered", "deferred", "bounced",
             "deferral rate"], rows)]
        if len(hosts) > _HOSTS_SHOWN:
            lines += ["", f"… and {len(hosts) - _HOSTS_SHOWN} more hosts (JSON report)."]
        lines.append("")
    forests = s.get("forests") or []
    if forests:
        rows = [[code(f.get("name"), cell=True), prose(f.get("region")), prose(f.get("provider")),
                 *_counts(f), _rate(f)] for f in forests]
        lines += ["### Microsoft EOP forests", "", *table(
            ["forest", "region", "provider", "attempts", "delivered", "deferred", "bounced",
             "deferral rate"], rows), ""]
    return lines


def _reply_head(c: Mapping[str, Any]) -> str:
    token = f" {c['token']}" if c.get("token") else ""
    where = f"host {code(c.get('host'))}" if c.get("host") else "host not logged"
    if c.get("forest"):
        where += f" (forest {code(c.get('forest'))}, {prose(c.get('region'))})"
    count = c.get("count")
    times = "once" if count == 1 else f"{prose(count)} times"
    return (f"**{prose(words.reply_code(c) + token)}** — {prose(c.get('provider'))}, "
            f"{prose(c.get('class'))}, {times}, first seen "
            f"{prose(c.get('first_seen'))}, last seen {prose(c.get('last_seen'))}; {where}")


def replies(codes: Sequence[Mapping[str, Any]]) -> list[str]:
    microsoft = [c for c in codes if c.get("provider") in words.MICROSOFT]
    others = [c for c in codes if c.get("provider") not in words.MICROSOFT]
    lines: list[str] = []
    if microsoft:
        lines += ["### Microsoft replies (full text)", ""]
        for c in microsoft:
            lines += [_reply_head(c), "", *fenced(value(c.get("sample"), 4000)), ""]
    if others:
        rows = [[prose(c.get("count")), prose(words.reply_code(c)), prose(c.get("token")),
                 prose(c.get("provider")), prose(c.get("class")), prose(c.get("first_seen")),
                 prose(c.get("last_seen")), code(c.get("sample"), 400, cell=True)]
                for c in others[:_OTHER_REPLIES_SHOWN]]
        lines += ["### Other providers' replies", "", *table(
            ["count", "reply", "token", "provider", "class", "first seen", "last seen",
             "sample"], rows)]
        if len(others) > _OTHER_REPLIES_SHOWN:
            lines += ["", f"… and {len(others) - _OTHER_REPLIES_SHOWN} more (JSON report)."]
        lines.append("")
    return lines


def retries(body: Mapping[str, Any]) -> list[str]:
    lines = ["### Retries", "", prose(words.retries(body.get("retries"))) + "."]
    rows = [[prose(name), prose(r.get("deferred_recipients")), prose(r.get("later_delivered")),
             prose(r.get("later_bounced")), prose(r.get("still_pending"))]
            for name, p in (body.get("by_provider") or {}).items()
            if (r := p.get("retries")) and r.get("deferred_recipients")]
    if rows:
        lines += ["", *table(["provider", "deferred recipients", "later delivered",
                              "later bounced", "still pending"], rows)]
    return [*lines, ""]


def _link(path: object) -> str:
    """A relative link target: characters that would end or break it percent-encoded."""
    from urllib.parse import quote

    return quote(value(path, 1000), safe="/._-~")


def timeline(body: Mapping[str, Any], chart: object) -> list[str]:
    buckets = [b for b in body.get("timeline") or []
               if any(b.get(k) for k in ("delivered", "deferred", "bounced"))]
    lines = ["### Timeline", ""]
    if chart:
        lines += [f"Deferral rate per provider over time: {code(chart)} (SVG, attached).", "",
                  f"![Deferral rate per provider]({_link(chart)})", ""]
    if not buckets:
        return [*lines, "No time stamps in the input: no timeline.", ""]
    minutes = buckets[0].get("minutes")
    rows = [[prose(b.get("start")), prose(b.get("delivered")), prose(b.get("deferred")),
             prose(b.get("bounced"))] for b in buckets[:_BUCKETS_SHOWN]]
    lines += [f"Buckets of {prose(minutes)} minutes (empty ones left out):", "",
              *table(["start", "delivered", "deferred", "bounced"], rows)]
    if len(buckets) > _BUCKETS_SHOWN:
        lines += ["", f"… and {len(buckets) - _BUCKETS_SHOWN} more buckets (JSON report)."]
    return [*lines, ""]


def section(report: Mapping[str, Any]) -> list[str]:
    body = report.get("deferrals")
    lines = ["## Deferrals", ""]
    if body is None:
        return [*lines, "Not checked (no deferral sample was given with --deferrals).", ""]
    lines += [f"- Inputs: {', '.join(prose(i) for i in words.inputs(body)) or '—'}",
              f"- Window: {prose(words.window(body.get('window')))}",
              f"- Totals: {prose(words.totals(body.get('totals') or {}))}"]
    judged = words.bands((report.get("input") or {}).get("thresholds"))
    lines += [f"- Bands: {prose(judged)}", ""] if judged else [""]
    lines += providers(body)
    lines += scope(body)
    lines += replies(body.get("codes") or [])
    lines += retries(body)
    lines += timeline(body, report.get("chart"))
    return lines
