"""SPF record selection (RFC 7208 §4.5) and term syntax (§4.6.1, §5, §6, §12 ABNF).

``parse`` reads the whole record before anything is evaluated, because a syntax
error anywhere is a permerror even after a match (§4.6). It keeps every valid
term and lists every problem, so the analysis can show a broken record's
includes while the evaluation refuses it.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass

from triage.checks.spf import macro

_VERSION = b"v=spf1"
_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*)=(.*)\Z", re.DOTALL)
_CIDR4 = r"(?:0|[1-9][0-9]?)"
_CIDR6 = r"(?:0|[1-9][0-9]{0,2})"
_DUAL_CIDR = re.compile(rf"(?:/({_CIDR4}))?(?://({_CIDR6}))?\Z")
_QNUM = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IP4_NET = re.compile(rf"{_QNUM}(?:\.{_QNUM}){{3}}\Z")


class Qualifier(enum.Enum):
    PASS = "+"
    FAIL = "-"
    SOFTFAIL = "~"
    NEUTRAL = "?"


class Kind(enum.Enum):
    ALL = "all"
    INCLUDE = "include"
    A = "a"
    MX = "mx"
    PTR = "ptr"
    IP4 = "ip4"
    IP6 = "ip6"
    EXISTS = "exists"

    @property
    def queries_dns(self) -> bool:
        """Counts toward the 10-term limit (§4.6.4)."""
        return self not in (Kind.ALL, Kind.IP4, Kind.IP6)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Mechanism:
    raw: str  # as written, qualifier included
    qualifier: Qualifier
    kind: Kind
    spec: str | None = None  # domain-spec as written
    tokens: tuple[macro.Token, ...] | None = None
    cidr4: int = 32
    cidr6: int = 128
    network: Network | None = None  # ip4 / ip6


@dataclass(frozen=True)
class Modifier:
    raw: str
    name: str  # lower-case
    value: str
    tokens: tuple[macro.Token, ...]


@dataclass(frozen=True)
class SyntaxIssue:
    term: str
    reason: str


@dataclass(frozen=True)
class Record:
    text: str
    mechanisms: tuple[Mechanism, ...]
    redirect: Modifier | None
    exp: Modifier | None
    unknown: tuple[Modifier, ...]
    errors: tuple[SyntaxIssue, ...]

    @property
    def has_all(self) -> bool:
        return any(m.kind is Kind.ALL for m in self.mechanisms)

    @property
    def effective_redirect(self) -> Modifier | None:
        """§6.1: redirect is ignored when the record has an ``all`` anywhere."""
        return None if self.has_all else self.redirect

    def dns_terms(self) -> int:
        """DNS-querying terms of this record alone (mechanisms + an effective redirect)."""
        own = sum(1 for m in self.mechanisms if m.kind.queries_dns)
        return own + (1 if self.effective_redirect is not None else 0)


def is_spf(text: bytes) -> bool:
    """§4.5: starts with ``v=spf1`` (any case) followed by a space or the end."""
    head = text[: len(_VERSION)].lower()
    return head == _VERSION and (len(text) == len(_VERSION) or text[len(_VERSION)] == 0x20)


def select(texts: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return tuple(t for t in texts if is_spf(t))


def parse(raw: bytes) -> Record:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="backslashreplace")
        return Record(text, (), None, None, (), (SyntaxIssue(text, "the record is not ASCII"),))
    mechanisms: list[Mechanism] = []
    modifiers: list[Modifier] = []
    errors: list[SyntaxIssue] = []
    for term in text.split(" ")[1:]:
        if not term:
            continue
        try:
            parsed = parse_term(term)
        except macro.MacroError as exc:
            errors.append(SyntaxIssue(term, str(exc)))
            continue
        if isinstance(parsed, Mechanism):
            mechanisms.append(parsed)
        else:
            modifiers.append(parsed)
    redirect = _single(modifiers, "redirect", errors)
    exp = _single(modifiers, "exp", errors)
    unknown = tuple(m for m in modifiers if m.name not in ("redirect", "exp"))
    return Record(text, tuple(mechanisms), redirect, exp, unknown, tuple(errors))


def _single(modifiers: list[Modifier], name: str, errors: list[SyntaxIssue]) -> Modifier | None:
    found = [m for m in modifiers if m.name == name]
    for extra in found[1:]:
        errors.append(SyntaxIssue(extra.raw, f"{name}= appears more than once (§6)"))
    return found[0] if found else None


def parse_term(term: str) -> Mechanism | Modifier:
    """One term; raises ``MacroError`` (a syntax error) when it is not valid."""
    modifier = _MODIFIER.match(term)
    if modifier is not None:
        name, value = modifier.group(1).lower(), modifier.group(2)
        if name in ("redirect", "exp"):
            tokens = macro.parse_domain_spec(value)
        else:
            tokens = macro.parse(value)
        return Modifier(term, name, value, tokens)
    qualifier = Qualifier.PASS
    body = term
    if term[0] in "+-~?":
        qualifier, body = Qualifier(term[0]), term[1:]
    name = re.split("[:/]", body, maxsplit=1)[0]
    try:
        kind = Kind(name.lower())
    except ValueError:
        raise macro.MacroError(f"unknown mechanism {name!r}") from None
    return _mechanism(term, qualifier, kind, body[len(name) :])


def _mechanism(term: str, qualifier: Qualifier, kind: Kind, rest: str) -> Mechanism:
    if kind is Kind.ALL:
        if rest:
            raise macro.MacroError("'all' takes no argument")
        return Mechanism(term, qualifier, kind)
    if kind in (Kind.IP4, Kind.IP6):
        return Mechanism(term, qualifier, kind, network=_network(kind, rest))
    if kind in (Kind.INCLUDE, Kind.EXISTS):
        if not rest.startswith(":"):
            raise macro.MacroError(f"'{kind.value}' needs ':domain'")
        spec = rest[1:]
        return Mechanism(term, qualifier, kind, spec, macro.parse_domain_spec(spec))
    if kind is Kind.PTR:
        if not rest:
            return Mechanism(term, qualifier, kind)
        if not rest.startswith(":"):
            raise macro.MacroError("'ptr' takes no CIDR length")
        spec = rest[1:]
        return Mechanism(term, qualifier, kind, spec, macro.parse_domain_spec(spec))
    return _a_or_mx(term, qualifier, kind, rest)


def _a_or_mx(term: str, qualifier: Qualifier, kind: Kind, rest: str) -> Mechanism:
    cidr = _DUAL_CIDR.search(rest)
    assert cidr is not None  # the pattern matches the empty suffix at least
    cidr4, cidr6 = cidr.group(1), cidr.group(2)
    spec_part = rest[: cidr.start()]
    if (cidr4 is not None and int(cidr4) > 32) or (cidr6 is not None and int(cidr6) > 128):
        raise macro.MacroError("CIDR length out of range")
    spec: str | None = None
    tokens: tuple[macro.Token, ...] | None = None
    if spec_part:
        if not spec_part.startswith(":"):
            raise macro.MacroError(f"invalid '{kind.value}' argument {rest!r}")
        spec = spec_part[1:]
        tokens = macro.parse_domain_spec(spec)
    return Mechanism(
        term, qualifier, kind, spec, tokens,
        cidr4=int(cidr4) if cidr4 is not None else 32,
        cidr6=int(cidr6) if cidr6 is not None else 128,
    )


def _network(kind: Kind, rest: str) -> Network:
    if not rest.startswith(":"):
        raise macro.MacroError(f"'{kind.value}' needs ':address'")
    address, slash, length = rest[1:].partition("/")
    limit, pattern = (32, _CIDR4) if kind is Kind.IP4 else (128, _CIDR6)
    if slash and (not re.fullmatch(pattern, length) or int(length) > limit):
        raise macro.MacroError(f"invalid CIDR length /{length}")
    if kind is Kind.IP4 and not _IP4_NET.match(address):
        raise macro.MacroError(f"invalid IPv4 address {address!r}")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise macro.MacroError(f"invalid address {address!r}") from None
    if ip.version != (4 if kind is Kind.IP4 else 6) or "%" in address:
        raise macro.MacroError(f"invalid address {address!r} for {kind.value}")
    prefix = int(length) if slash else limit
    return ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
