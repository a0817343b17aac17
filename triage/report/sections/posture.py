"""Text and Markdown sections of ``triage posture`` (and of ``check``'s posture part)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, value
from triage.report.markup import code, fields, prose


def _fetch(sts: Mapping[str, Any]) -> str:
    fetch = sts.get("fetch")
    if not fetch:
        return "not fetched (no valid record)"
    if fetch.get("error"):
        where = f" to {value(fetch.get('location'))}" if fetch.get("location") else ""
        return f"NOT READ: {value(fetch.get('error'))} ({value(fetch.get('detail'))}){where}"
    return f"HTTP {value(fetch.get('status'))}, {value(fetch.get('content_type'))}"


def rows(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    sts = body.get("mta_sts") or {}
    rpt = body.get("tls_rpt") or {}
    mark = body.get("bimi") or {}
    out = [("MTA-STS record", value(sts.get("record"))),
           ("policy URL", value((sts.get("fetch") or {}).get("url"))),
           ("policy fetch", _fetch(sts)),
           ("mode", value(sts.get("mode"))),
           ("mx patterns", value(sts.get("mx"))),
           ("max_age", value(sts.get("max_age"))),
           ("domain MX", value(sts.get("mx_hosts"))),
           ("MX not covered", value(sts.get("unmatched") or None)),
           ("TLS-RPT record", value(rpt.get("record"))),
           ("TLS-RPT rua", value(rpt.get("rua"))),
           ("BIMI record", value(mark.get("record"))),
           ("BIMI logo", value(mark.get("logo"))),
           ("BIMI authority", value(mark.get("authority"))),
           ("DMARC policy", value(mark.get("dmarc_policy")))]
    return out


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    pairs = rows(body)
    width = max(len(k) for k, _ in pairs)
    return [f"Posture of {value(body.get('domain'))}", "",
            *(f"  {k.ljust(width)}  {v}" for k, v in pairs)]


def markdown(body: Mapping[str, Any]) -> list[str]:
    pairs = [(k, code(v, cell=True) if k.endswith(("record", "URL", "patterns", "MX", "covered",
                                                    "rua", "logo", "authority")) and v != "-"
              else prose(v)) for k, v in rows(body)]
    return ["## MTA-STS, TLS-RPT and BIMI", "", *fields(pairs)]
