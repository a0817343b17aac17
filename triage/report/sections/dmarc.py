"""Text and Markdown sections of ``triage dmarc``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, value, wrap
from triage.sanitize import clean

_RULES = {"psl": "the Public Suffix List", "tree_walk": "the RFC 9989 tree walk"}


def _rows(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("record", body.get("record")),
        ("found at", body.get("found_at")),
        ("organizational domain", body.get("org_domain")),
        ("  by the Public Suffix List", body.get("org_domain_psl")),
        ("  by the RFC 9989 tree walk", body.get("org_domain_tree_walk")),
        ("policy (this domain)", body.get("policy") or _no_policy(body)),
        ("policy (existing subdomains)", body.get("subdomain_policy")),
        ("policy (non-existent subdomains)", body.get("nonexistent_policy")),
        ("testing (t=y)", body.get("testing")),
        ("alignment SPF", body["alignment"]["spf"]),
        ("alignment DKIM", body["alignment"]["dkim"]),
    ]
    return [(k, value(v, 300)) for k, v in rows]


def _no_policy(body: Mapping[str, Any]) -> str:
    """Null policy: never shown as p=none; unknown when a lookup failed."""
    if any(lk.get("state") == "error" for lk in body.get("lookups") or []):
        return "unknown (a lookup failed)"
    return "no DMARC policy applies"


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    lines = wrap(f"DMARC for {clean(str(body['domain']), 200)}", width) + [""]
    rows = _rows(body)
    keys = max(len(k) for k, _ in rows)  # values start in one column and wrap under it
    for k, v in rows:
        lines += wrap(v, width, f"  {k.ljust(keys)}  ", " " * (keys + 4))
    dests = body.get("report_destinations") or []
    if dests:
        lines.append("  report destinations:")
        for dest in dests:
            rules = " and ".join(_RULES.get(r, r) for r in dest.get("external_by") or [])
            how = f" (external by {rules})" if rules else ""
            lines += wrap(f"{dest['tag']} {clean(dest['uri'], 200)}: "
                          f"{dest['authorization']}{how}", width, "    ", "      ")
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    lines = ["## DMARC", "", "| | |", "|---|---|"]
    lines += [f"| {k.strip()} | {v.replace('|', chr(92) + '|')} |" for k, v in _rows(body)]
    return lines
