"""What receivers wrote into a message: Authentication-Results and Microsoft's stamps.

A message received at an Outlook or Microsoft 365 mailbox carries how Microsoft
judged the sender: ``Authentication-Results`` (RFC 8601, with Microsoft's
``compauth=`` and ``reason=``), ``X-Forefront-Antispam-Report`` (``SCL``,
``SFV``, ``CIP``, ``CAT``, ``IPV``, ``PTR``, ``H``…), ``X-Microsoft-Antispam``
(``BCL``) and ``X-MS-Exchange-Organization-SCL``. Parsing is lenient: a
header that does not parse is kept raw, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from triage.sanitize import clean

_SPLIT = re.compile(r"""("(?:[^"\\]|\\.)*"|\((?:[^()\\]|\\.)*\)|;)""")
_PAIR = re.compile(r"""([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;()]*)""")
_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
LIMIT = 300


def parse_authentication_results(value: str) -> dict[str, Any]:
    """One header: ``{authserv_id, results: [{method, result, reason, comment, properties}]}``."""
    segments = _segments(value)
    authserv_id = None
    head = _COMMENT.sub(" ", segments[0]).split() if segments else []
    if head and "=" not in head[0]:
        authserv_id = clean(head[0], 120)
        segments = segments[1:]
    results = [r for r in (_resinfo(s) for s in segments) if r is not None]
    return {"authserv_id": authserv_id, "results": results}


def _segments(value: str) -> list[str]:
    """Split at ``;`` outside quotes and comments."""
    parts, current = [], ""
    for piece in _SPLIT.split(value):
        if piece == ";":
            parts.append(current)
            current = ""
        else:
            current += piece
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _resinfo(segment: str) -> dict[str, Any] | None:
    comments = [c[1:-1].strip() for c in _COMMENT.findall(segment)]
    pairs = _PAIR.findall(_COMMENT.sub(" ", segment))
    if not pairs:
        return None
    (method, result), rest = pairs[0], pairs[1:]
    if method.lower() == "none":
        return None
    properties: dict[str, str] = {}
    reason = None
    for key, raw in rest:
        text = clean(raw.strip('"'), LIMIT)
        if key.lower() == "reason":
            reason = text
        else:
            properties[key.lower()] = text
    return {
        "method": clean(method.lower(), 40),
        "result": clean(result.strip('"').lower(), 40),
        "reason": reason,
        "comment": clean("; ".join(comments), LIMIT) if comments else None,
        "properties": properties,
    }


def parse_forefront(value: str) -> dict[str, str]:
    """``CIP:1.2.3.4;CTRY:US;SCL:1;SFV:NSPM;…`` as {KEY: value}. ``SFS`` keeps its parens."""
    out: dict[str, str] = {}
    for part in _segments(value):
        key, sep, val = part.partition(":")
        if sep and key.strip():
            out[clean(key.strip().upper(), 20)] = clean(val.strip(), LIMIT)
    return out


def parse_scl(value: str) -> int | None:
    """An SCL value (-1 to 9; Microsoft's spec allows up to 10), or None."""
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if -1 <= number <= 10 else None


def microsoft_summary(
    headers: Callable[[str], list[str]], meanings: dict[str, dict[str, str]]
) -> dict[str, Any] | None:
    """The Microsoft verdict fields of a message, or None when it carries none."""
    forefront = _first(parse_forefront(v) for v in headers("x-forefront-antispam-report"))
    antispam = _first(parse_forefront(v) for v in headers("x-microsoft-antispam"))
    org_scl = _first(parse_scl(v) for v in headers("x-ms-exchange-organization-scl"))
    compauth = _compauth(headers("authentication-results"))
    if forefront is None and antispam is None and org_scl is None and compauth is None:
        return None
    ff = forefront or {}
    scl = org_scl if org_scl is not None else parse_scl(ff.get("SCL", ""))
    sfv, cat = ff.get("SFV"), ff.get("CAT")
    if compauth is not None:
        compauth["meaning"] = compauth_meaning(meanings, compauth["reason"])
    return {
        "scl": scl,
        "scl_meaning": _meaning(meanings, "scl", None if scl is None else str(scl)),
        "sfv": sfv,
        "sfv_meaning": _meaning(meanings, "sfv", sfv),
        "cat": cat,
        "cat_meaning": _meaning(meanings, "cat", cat),
        "cip": ff.get("CIP"),
        "ipv": ff.get("IPV"),
        "ctry": ff.get("CTRY"),
        "ptr": ff.get("PTR"),
        "helo": ff.get("H"),
        "dir": ff.get("DIR"),
        "bcl": parse_scl((antispam or {}).get("BCL", "")),
        "compauth": compauth,
        "forefront": ff,
    }


def _first(values: Iterable[Any]) -> Any:
    for value in values:
        if value is not None and value != {}:
            return value
    return None


def _compauth(values: list[str]) -> dict[str, Any] | None:
    for value in values:
        for res in parse_authentication_results(value)["results"]:
            if res["method"] == "compauth":
                return {"result": res["result"], "reason": res["reason"], "meaning": None}
    return None


def compauth_meaning(meanings: dict[str, dict[str, str]], reason: str | None) -> str | None:
    """``reason=`` of compauth: an exact code first ("001"), then its class ("1xx")."""
    if not reason or not reason.isdigit() or len(reason) != 3:
        return None
    table = meanings.get("compauth_reason", {})
    return table.get(reason) or table.get(reason[0] + "XX")


def _meaning(meanings: dict[str, dict[str, str]], table: str, key: str | None) -> str | None:
    if key is None:
        return None
    return meanings.get(table, {}).get(key.upper())


def load_meanings() -> dict[str, dict[str, str]]:
    """Meanings of Microsoft's SCL/SFV/CAT/compauth values (triage/data), read once per run."""
    from triage.data import load

    data = load("microsoft_antispam.toml")
    return {table: {str(k).upper(): str(v) for k, v in rows.items()}
            for table, rows in data.items()}
