"""The MTA-STS policy file (RFC 8461 §3.2) and MX pattern matching (§4.1).

    version: STSv1          required
    mode: enforce|testing|none
    mx: mail.example.com    one or more (none needed in mode "none"); "*." matches
    mx: *.example.net       exactly one leftmost label
    max_age: 604800         seconds, at most 31557600 (one year)

Lines end in LF or CRLF; unknown keys are extensions and ignored; the first of a
repeated single-valued key counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.sanitize import clean

MAX_AGE_LIMIT = 31_557_600  # RFC 8461 §3.2
MODES = ("enforce", "testing", "none")
# keys: sts-policy-ext-name, (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]{0,31})[ \t]*:[ \t]*(.*?)[ \t]*$")
_PATTERN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}\.?$")
_DIGITS = re.compile(r"^[0-9]{1,10}$")


@dataclass(frozen=True)
class Policy:
    version: str | None
    mode: str | None
    mx: tuple[str, ...]
    max_age: int | None
    problems: tuple[str, ...]  # why the policy is invalid (empty: valid)


def parse(text: str) -> Policy:
    fields: dict[str, str] = {}
    mx: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(f"line {number} is not 'key: value'")
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "mx":
            mx.append(value.lower())
        else:
            fields.setdefault(key, value)
    version, mode, age = fields.get("version"), fields.get("mode"), fields.get("max_age")
    if version != "STSv1":
        problems.append("version is not STSv1" if version else "no version field")
    if mode not in MODES:
        problems.append(f"mode {clean(mode, 40)} is not enforce, testing or none" if mode
                        else "no mode field")
    max_age = int(age) if age is not None and _DIGITS.match(age) else None
    if age is None:
        problems.append("no max_age field")
    elif max_age is None:
        problems.append("max_age is not a number of seconds")
    elif max_age > MAX_AGE_LIMIT:
        problems.append(f"max_age {max_age} is over {MAX_AGE_LIMIT} (one year)")
    if not mx and mode != "none":
        problems.append("no mx field")
    problems += [f"mx {clean(p, 80)} is not a host name or *.domain pattern" for p in mx
                 if not _PATTERN.match(p)]
    return Policy(version, mode if mode in MODES else None, tuple(mx), max_age,
                  tuple(problems))


def matches(pattern: str, host: str) -> bool:
    """RFC 8461 §4.1: exact, or ``*.`` standing for exactly one leftmost label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        label, dot, rest = host.partition(".")
        return bool(label) and bool(dot) and rest == pattern[2:]
    return host == pattern


def unmatched(patterns: tuple[str, ...], hosts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(h for h in hosts if not any(matches(p, h) for p in patterns))
