"""RFC 7208 §7 macros: parse a macro-string once, expand it per evaluation.

Parsing is strict (any stray ``%``, an unknown letter, a zero digit transformer,
a non-visible character is a ``MacroError`` -> permerror); expansion is pure:
everything it needs, including the ``p`` name the evaluator looked up, comes in
a ``MacroContext``. Letters ``c``, ``r``, ``t`` are legal only in explanation
text (§7.1: "only in exp text"), never in a domain-spec.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from urllib.parse import quote

MAX_DOMAIN = 253  # §7.3: longer expansions lose labels on the left

_LETTERS = frozenset("slodiphv")
_EXP_ONLY = frozenset("crt")
_DELIMITERS = ".-+,/_="
_MACRO = re.compile(r"%\{([a-zA-Z])([0-9]*)([rR]?)([.\-+,/_=]*)\}")
_TOPLABEL = re.compile(
    r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])\Z"
)


class MacroError(ValueError):
    """A macro-string or domain-spec that RFC 7208's grammar rejects."""


@dataclass(frozen=True)
class Macro:
    """One ``%{...}`` expansion: letter, right-hand parts kept, reversal, split set."""

    letter: str  # lower-case
    keep: int | None
    reverse: bool
    delimiters: str
    escape: bool  # upper-case letter: URL-escape the result (§7.3)


Token = str | Macro  # a literal run of text, or a macro to expand


@dataclass(frozen=True)
class MacroContext:
    """The values macros expand to for one check_host() call (§7.3)."""

    sender: str  # s: local@domain, postmaster@ substituted already
    local: str  # l
    sender_domain: str  # o
    domain: str  # d: the domain currently evaluated
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None  # i, c, v
    helo: str  # h
    ptr: str = "unknown"  # p: validated name, computed only when a string uses %{p}
    receiver: str = "unknown"  # r
    now: int = 0  # t
    upper_hex: bool = False  # IPv6 "i" nibbles in upper case (the address was given so)

    def with_domain(self, domain: str) -> MacroContext:
        return replace(self, domain=domain)

    def with_ptr(self, ptr: str) -> MacroContext:
        return replace(self, ptr=ptr)


def upper_hex(ip_text: str) -> bool:
    """Whether an address was written with upper-case hex digits only (``CAFE::1``).

    §7.3 does not fix the case of the IPv6 nibbles of ``i``; its §7.4 example,
    written in lower case, expands to lower-case nibbles. Following the case the
    address arrived in keeps an explanation faithful to what the client sent.
    """
    return any(c in "ABCDEF" for c in ip_text) and not any(c in "abcdef" for c in ip_text)


def parse(text: str, *, explain: bool = False) -> tuple[Token, ...]:
    """Tokenize a macro-string; ``explain`` allows spaces and the c/r/t letters."""
    tokens: list[Token] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "%":
            if not (0x21 <= ord(ch) <= 0x7E or (explain and ch == " ")):
                raise MacroError(f"character {ch!r} is not allowed in a macro-string")
            literal.append(ch)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt in ("%", "_", "-"):
            literal.append({"%": "%", "_": " ", "-": "%20"}[nxt])
            i += 2
            continue
        match = _MACRO.match(text, i)
        if match is None:
            raise MacroError(
                f"invalid macro at {text[i:i + 12]!r}: '%' must start %{{…}}, %%, %_ or %-"
            )
        if literal:
            tokens.append("".join(literal))
            literal = []
        tokens.append(_macro(match, explain))
        i = match.end()
    if literal:
        tokens.append("".join(literal))
    return tuple(tokens)


def _macro(match: re.Match[str], explain: bool) -> Macro:
    letter, digits, reverse, delimiters = match.groups()
    low = letter.lower()
    if low in _EXP_ONLY and not explain:
        raise MacroError(f"macro %{{{letter}}} is allowed only in explanation text")
    if low not in _LETTERS and low not in _EXP_ONLY:
        raise MacroError(f"unknown macro letter {letter!r}")
    keep = int(digits) if digits else None
    if keep == 0:
        raise MacroError("a macro's digit transformer must be non-zero")
    return Macro(low, keep, bool(reverse), delimiters or ".", letter.isupper())


def parse_domain_spec(text: str) -> tuple[Token, ...]:
    """A domain-spec: a macro-string that ends in a macro or in ``.toplabel[.]`` (§7.1)."""
    if not text:
        raise MacroError("empty domain-spec")
    tokens = parse(text)
    # escapes (%%, %_, %-) count as macro-expand in domain-end, so look at the raw tail
    tail = re.split(r"%\{[^}]*\}|%[%_-]", text)[-1]
    if tail == "" and text.endswith(("}", "%%", "%_", "%-")):
        return tokens
    if tail.endswith("."):
        tail = tail[:-1]
    _, dot, top = tail.rpartition(".")
    if not dot or not _TOPLABEL.match(top):
        raise MacroError(f"domain-spec {text!r} does not end in a valid top-level label")
    return tokens


def uses(tokens: tuple[Token, ...], letter: str) -> bool:
    return any(isinstance(t, Macro) and t.letter == letter for t in tokens)


def expand(tokens: tuple[Token, ...], ctx: MacroContext) -> str:
    return "".join(t if isinstance(t, str) else _expand_one(t, ctx) for t in tokens)


def expand_domain(tokens: tuple[Token, ...], ctx: MacroContext) -> str:
    """Expand a domain-spec into the name to query: trailing dot gone, at most 253 long."""
    name = expand(tokens, ctx)
    if name.endswith("."):
        name = name[:-1]
    return truncate(name)


def truncate(name: str) -> str:
    """§7.3: drop whole labels from the left until the name fits in 253 characters."""
    while len(name) > MAX_DOMAIN and "." in name:
        name = name.split(".", 1)[1]
    return name


def _expand_one(macro: Macro, ctx: MacroContext) -> str:
    value = _value(macro.letter, ctx)
    parts = re.split("[" + re.escape(macro.delimiters) + "]", value)
    if macro.reverse:
        parts.reverse()
    if macro.keep is not None and macro.keep < len(parts):
        parts = parts[-macro.keep :]
    result = ".".join(parts)
    return quote(result, safe="") if macro.escape else result


# macro letters that are plain fields of the context (§7.3)
_FIELDS = {"s": "sender", "l": "local", "o": "sender_domain", "d": "domain", "h": "helo",
           "p": "ptr", "r": "receiver", "t": "now"}


def _value(letter: str, ctx: MacroContext) -> str:
    field = _FIELDS.get(letter)
    if field is not None:
        return str(getattr(ctx, field))
    ip = ctx.ip
    if ip is None:
        return "unknown"
    if letter == "v":
        return "in-addr" if ip.version == 4 else "ip6"
    if letter == "c":
        return str(ip)
    # "i": dotted quad, or 32 dot-separated nibbles for IPv6 (§7.3), in the case the
    # address was given in (§7.4's example is lower case). DNS names are compared
    # without case, so lookups are unaffected; only explanation text shows it.
    if ip.version == 4:
        return str(ip)
    nibbles = ip.exploded.replace(":", "")
    return ".".join(nibbles.upper() if ctx.upper_hex else nibbles)
