"""Text and Markdown sections of ``triage dkim``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, value
from triage.sanitize import clean


def _key(sel: Mapping[str, Any]) -> str:
    parts = [str(sel["status"])]
    if sel.get("key_type"):
        bits = f" {sel['key_bits']}-bit" if sel.get("key_bits") else ""
        parts.append(f"{sel['key_type']}{bits}")
    if sel.get("testing"):
        parts.append("testing (t=y)")
    if sel.get("sender"):
        parts.append(clean(str(sel["sender"]), 120))
    return ", ".join(parts)


def _selector_lines(body: Mapping[str, Any]) -> list[str]:
    shown = [s for s in body.get("selectors") or [] if s["status"] != "missing"
             or s.get("origin") != "builtin"]
    tried = len(body.get("selectors") or [])
    lines = [f"Selectors ({len(shown)} with a record or named, of {tried} tried):"]
    for sel in shown:
        lines.append(f"  {clean(sel['selector'], 80)}: {_key(sel)}")
        for target in sel.get("cname_chain") or []:
            lines.append(f"    CNAME -> {clean(target, 200)}")
        if sel.get("record"):
            lines.append(f"    {clean(sel['record'], 160)}")
        if sel.get("problem") and sel["status"] != "valid":
            lines.append(f"    ({clean(sel['problem'], 160)})")
    return lines


def _message_lines(body: Mapping[str, Any]) -> list[str]:
    lines = [f"Message From domain: {clean(str(body.get('from_domain')), 200)}"]
    sigs = body.get("signatures") or []
    lines.append(f"Signatures ({len(sigs)}):")
    for sig in sigs:
        aligned = {True: "aligned", False: "not aligned", None: "alignment unknown"}
        line = (f"  d={clean(str(sig['d']), 120)} s={clean(str(sig['s']), 80)}: "
                f"{sig['result']}, {aligned[sig['aligned']]}")
        if sig.get("reason"):
            line += f" ({clean(sig['reason'], 160)})"
        lines.append(line)
    for header in body.get("authentication_results") or []:
        results = ", ".join(f"{r['method']}={r['result']}" for r in header["results"])
        lines.append(f"Authentication-Results ({value(header['authserv_id'], 80)}): "
                     f"{clean(results, 300)}")
    ms = body.get("microsoft")
    if ms:
        lines.append("Microsoft verdict:")
        for key in ("scl", "sfv", "cat", "bcl", "cip", "ipv", "ptr", "helo"):
            if ms.get(key) is not None:
                meaning = ms.get(f"{key}_meaning")
                extra = f" ({clean(meaning, 160)})" if meaning else ""
                lines.append(f"  {key.upper()}: {clean(str(ms[key]), 160)}{extra}")
        comp = ms.get("compauth")
        if comp:
            extra = f" ({clean(comp['meaning'], 160)})" if comp.get("meaning") else ""
            lines.append(f"  compauth: {clean(str(comp['result']), 40)} "
                         f"reason={clean(str(comp['reason']), 20)}{extra}")
    return lines


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    lines = [f"DKIM for {clean(str(body['domain']), 200)}", ""]
    lines.extend(_selector_lines(body))
    if body.get("signatures") is not None:
        lines.append("")
        lines.extend(_message_lines(body))
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    lines = ["## DKIM", "", "| selector | status | key | CNAME | record |", "|---|---|---|---|---|"]
    for sel in body.get("selectors") or []:
        if sel["status"] == "missing" and sel.get("origin") == "builtin":
            continue
        key = f"{sel.get('key_type') or ''} {sel.get('key_bits') or ''}".strip()
        cells = [sel["selector"], sel["status"], key, sel.get("cname") or "",
                 sel.get("record") or ""]
        lines.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
    if body.get("signatures") is not None:
        lines += ["", "| d= | s= | result | aligned |", "|---|---|---|---|"]
        for sig in body["signatures"]:
            cells = [sig["d"], sig["s"], sig["result"], sig["aligned"]]
            lines.append("| " + " | ".join(_cell(value(c)) for c in cells) + " |")
    return lines


def _cell(text: str) -> str:
    return clean(text, 200).replace("|", "\\|")
