"""Text and Markdown sections of ``triage dkim``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, value, wrap
from triage.sanitize import clean

# spaces may split a key; a record cut for the report ends in "… [N more characters]"
_KEY = re.compile(r"\bp=([A-Za-z0-9+/=][A-Za-z0-9+/=\s]*[A-Za-z0-9+/=])"
                  r"(… \[(\d+) more characters\])?")


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


def _selector_lines(body: Mapping[str, Any], width: int) -> list[str]:
    shown = [s for s in body.get("selectors") or [] if s["status"] != "missing"
             or s.get("origin") != "builtin"]
    tried = len(body.get("selectors") or [])
    lines = [f"Selectors ({len(shown)} with a record or named, of {tried} tried):"]
    for sel in shown:
        lines += wrap(_key(sel), width, f"  {clean(sel['selector'], 80)}: ", "    ")
        for target in sel.get("cname_chain") or []:
            lines += wrap(clean(target, 200), width, "    CNAME -> ", "      ")
        if sel.get("record"):
            lines += wrap(_short_key(clean(sel["record"], 4000)), width, "    ", "      ",
                          cut=True)
        if sel.get("problem") and sel["status"] != "valid":
            lines += wrap(f"({clean(sel['problem'], 160)})", width, "    ", "     ")
    return lines


def _short_key(record: str) -> str:
    """The record with a long ``p=`` key as its two ends and its length: a person checks
    the tags; the whole key is in the JSON report."""
    def cut(m: re.Match[str]) -> str:
        key = "".join(m.group(1).split())
        if len(key) <= 40:
            return m.group(0)
        if m.group(2):  # the record was cut inside its key: the rest is key too
            return f"p={key[:12]}… ({len(key) + int(m.group(3))} characters or so)"
        return f"p={key[:12]}…{key[-8:]} ({len(key)} characters)"

    return _KEY.sub(cut, record)


def _message_lines(body: Mapping[str, Any], width: int) -> list[str]:
    lines = wrap(clean(str(body.get("from_domain")), 200), width, "Message From domain: ", "  ")
    sigs = body.get("signatures") or []
    lines.append(f"Signatures ({len(sigs)}):")
    for sig in sigs:
        aligned = {True: "aligned", False: "not aligned", None: "alignment unknown"}
        line = (f"d={clean(str(sig['d']), 120)} s={clean(str(sig['s']), 80)}: "
                f"{sig['result']}, {aligned[sig['aligned']]}")
        if sig.get("reason"):
            line += f" ({clean(sig['reason'], 160)})"
        lines += wrap(line, width, "  ", "    ")
    for header in body.get("authentication_results") or []:
        results = ", ".join(f"{r['method']}={r['result']}" for r in header["results"])
        lines += wrap(clean(results, 300), width,
                      f"Authentication-Results ({value(header['authserv_id'], 80)}): ", "  ")
    ms = body.get("microsoft")
    if ms:
        lines.append("Microsoft verdict:")
        for key in ("scl", "sfv", "cat", "bcl", "cip", "ipv", "ptr", "helo"):
            if ms.get(key) is not None:
                meaning = ms.get(f"{key}_meaning")
                extra = f" ({clean(meaning, 160)})" if meaning else ""
                lines += wrap(f"{clean(str(ms[key]), 160)}{extra}", width,
                              f"  {key.upper()}: ", "    ")
        comp = ms.get("compauth")
        if comp:
            extra = f" ({clean(comp['meaning'], 160)})" if comp.get("meaning") else ""
            lines += wrap(f"{clean(str(comp['result']), 40)} "
                          f"reason={clean(str(comp['reason']), 20)}{extra}", width,
                          "  compauth: ", "    ")
    return lines


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    lines = wrap(f"DKIM for {clean(str(body['domain']), 200)}", width) + [""]
    lines.extend(_selector_lines(body, width))
    if body.get("signatures") is not None:
        lines.append("")
        lines.extend(_message_lines(body, width))
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
