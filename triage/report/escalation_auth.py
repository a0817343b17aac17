"""The "Sender authentication" part of the escalation package.

Support asks first whether the sender is clean: SPF, DKIM and DMARC pass for
the same mail stream, reverse DNS and HELO agree, and no block list has the
IP. Each part shows the proof (result, matched term, record), and a part that
was not run says "not checked" instead of vanishing: a missing section reads
like a hidden failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.report.markup import NULL, code, fields, prose, table, value

NOT_CHECKED = "Not checked."
_LIST_ORDER = {"listed": 0, "refused": 1, "error": 2, "clean": 3}


def _per_ip(checks: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(ip, body) for every --ip that has ``key``; the first IP's own body otherwise."""
    rows = [(str(e.get("ip")), e[key]) for e in checks.get("ips") or [] if e.get(key)]
    if rows:
        return rows
    body = checks.get(key)
    if not body:
        return []
    return [(str(body.get("ip") or body.get("target")), body)]


def spf(checks: Mapping[str, Any]) -> list[str]:
    lines = ["### SPF", ""]
    first = checks.get("spf")
    if not first:
        return [*lines, NOT_CHECKED]
    lookups = first.get("lookups") or {}
    lines += fields([
        ("Domain (MAIL FROM)", code(first.get("domain"), cell=True)),
        ("Envelope sender", code(first.get("sender"), cell=True)),
        ("Record", code(first.get("record"), cell=True)),
        ("Lookups", f"{value(first.get('tree_lookups'))} of 10 over the include tree; "
                    f"{value(lookups.get('dns'))} DNS, {value(lookups.get('void'))} void "
                    "in this evaluation"),
    ])
    rows = [[code(ip, cell=True), f"**{prose(body.get('result'))}**",
             code(body.get("matched"), cell=True), prose(body.get("explanation"))]
            for ip, body in _per_ip(checks, "spf")]
    return [*lines, "", *table(["IP", "result", "matched term", "explanation"], rows)]


def _key(sel: Mapping[str, Any]) -> str:
    kind = " ".join(value(sel.get(k)) for k in ("key_type", "key_bits") if sel.get(k))
    return prose(kind or None)


def dkim(body: Mapping[str, Any] | None) -> list[str]:
    lines = ["### DKIM", ""]
    if not body:
        return [*lines, NOT_CHECKED]
    shown = [s for s in body.get("selectors") or []
             if s.get("status") != "missing" or s.get("origin") != "builtin"]
    tried = len(body.get("selectors") or [])
    lines.append(f"Domain {code(body.get('domain'))}: {len(shown)} selector(s) with a key "
                 f"or named, of {tried} tried.")
    if shown:
        rows = [[code(s.get("selector"), cell=True), prose(s.get("status")), _key(s),
                 prose(s.get("testing")), code(s.get("cname"), cell=True)] for s in shown]
        lines += ["", *table(["selector", "status", "key", "testing (t=y)", "CNAME"], rows)]
    sigs = body.get("signatures")
    if sigs is None:
        return [*lines, "", "Signatures: not checked (no sample message given)."]
    if not sigs:
        return [*lines, "", "Signatures: the sample message has no DKIM signature."]
    rows = [[code(s.get("d"), cell=True), code(s.get("s"), cell=True),
             f"**{prose(s.get('result'))}**", prose(s.get("aligned"))] for s in sigs]
    return [*lines, "", "Signatures of the sample message:", "",
            *table(["d=", "s=", "result", "aligned with From"], rows)]


def dmarc(body: Mapping[str, Any] | None) -> list[str]:
    lines = ["### DMARC", ""]
    if not body:
        return [*lines, NOT_CHECKED]
    alignment = body.get("alignment") or {}
    return lines + fields([
        ("Record", code(body.get("record"), cell=True)),
        ("Found at", code(body.get("found_at"), cell=True)),
        ("Organizational domain", code(body.get("org_domain"), cell=True)),
        ("Policy", f"p={prose(body.get('policy'))}, sp={prose(body.get('subdomain_policy'))}, "
                   f"np={prose(body.get('nonexistent_policy'))}"),
        ("Testing (t=y)", prose(body.get("testing"))),
        ("Alignment", f"SPF {prose(alignment.get('spf'))}, "
                      f"DKIM {prose(alignment.get('dkim'))}"),
    ])


def rdns(checks: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
    lines = ["### Reverse DNS and HELO", ""]
    per_ip = _per_ip(checks, "rdns")
    if not per_ip:
        return [*lines, NOT_CHECKED]
    rows = []
    for ip, body in per_ip:
        ptr = ", ".join(code(n, cell=True) for n in body.get("ptr") or []) or "none"
        helo = body.get("helo") or {}
        rows.append([code(ip, cell=True), ptr, prose(body.get("fcrdns")),
                     code(helo.get("name"), cell=True), prose(helo.get("resolves")),
                     prose(helo.get("matches_ip")), prose(helo.get("matches_ptr"))])
    lines += table(["IP", "PTR", "FCrDNS (confirmed)", "HELO", "HELO resolves",
                    "HELO matches IP", "HELO matches PTR"], rows)
    checked = any(b.get("helo") for _, b in per_ip)
    if inputs.get("helo_source") == "ptr" or (checked and not inputs.get("helo")):
        lines += ["", "HELO was not given: the IP's PTR name was assumed."]
    elif not checked:
        lines += ["", "HELO: not checked (not given, and no single PTR name to assume)."]
    return lines


def _list_rows(lists: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    ordered = sorted(lists, key=lambda e: _LIST_ORDER.get(str(e.get("status")), 9))
    rows = []
    for e in ordered:
        status = prose(e.get("status"))
        rows.append([prose(e.get("name")), code(e.get("zone"), cell=True),
                     f"**{status}**" if e.get("status") == "listed" else status,
                     ", ".join(code(c, cell=True) for c in e.get("codes") or []) or NULL,
                     prose(e.get("reason") or e.get("detail"))])
    return rows


def dnsbl(checks: Mapping[str, Any]) -> list[str]:
    lines = ["### DNS block lists", ""]
    per_ip = _per_ip(checks, "dnsbl")
    if not per_ip:
        return [*lines, NOT_CHECKED]
    for ip, body in per_ip:
        lists = body.get("lists") or []
        listed = sum(1 for e in lists if e.get("status") == "listed")
        lines += [f"{code(body.get('target') or ip)}: listed on {listed} of {len(lists)} lists.",
                  ""]
        if lists:
            lines += [*table(["list", "zone", "status", "codes", "reason"], _list_rows(lists)),
                      ""]
    return lines[:-1] if lines[-1] == "" else lines


def section(report: Mapping[str, Any]) -> list[str]:
    checks = report.get("checks") or {}
    inputs = report.get("input") or {}
    lines = ["## Sender authentication", ""]
    for part in (spf(checks), dkim(checks.get("dkim")), dmarc(checks.get("dmarc")),
                 rdns(checks, inputs), dnsbl(checks)):
        lines += [*part, ""]
    return lines
