"""A DMARC policy record, parsed for both RFC 7489 and RFC 9989.

The grammar is RFC 9989's (``v=DMARC1`` first, tags in any order, ``p``
RECOMMENDED) with RFC 7489's removed tags (``pct``, ``rf``, ``ri``) kept and
flagged. Unknown tags are ignored (both RFCs say so); a malformed or duplicate
tag, or a bad value of a known tag, is a syntax problem. Values are kept as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from triage.domains.treewalk import is_dmarc, psd_value
from triage.sanitize import clean

POLICIES = ("none", "quarantine", "reject")
KNOWN = ("v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf",
         "pct", "rf", "ri")
OBSOLETE = ("pct", "rf", "ri")
_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_STARTS = re.compile(r"^\s*v\s*=\s*DMARC1", re.IGNORECASE)
# a version tag meant as DMARC1: any case, a space inside ("v=DMARC 1"), then ";" or the end
_VERSION_LIKE = re.compile(r"^\s*v\s*=\s*(dmarc\s*1)\s*(;|$)", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SIZE = re.compile(r"!(\d+)([kmgt]?)$", re.IGNORECASE)


def near_miss(text: str) -> bool:
    """Meant as a DMARC record but not one: ``v=DMARC1`` not followed by ``;`` or the end
    (``v=DMARC1 p=reject``), which receivers discard."""
    return _STARTS.match(text) is not None and not is_dmarc(text)


def version_exact(text: str) -> bool:
    """The version value is exactly ``DMARC1`` (RFC 7489 §6.4 spells it in %x codes,
    so it is case-sensitive; ``v`` and the spaces around ``=`` are free)."""
    match = _VERSION_LIKE.match(text)
    return match is not None and match.group(1) == "DMARC1"


def bad_version(text: str) -> str | None:
    """The version value as given when it was meant as ``DMARC1`` but is not exactly it
    (``v=dmarc1``, ``v=DMARC 1``): receivers discard such a record (RFC 7489 §6.6.3)."""
    match = _VERSION_LIKE.match(text)
    if match is None or match.group(1) == "DMARC1":
        return None
    return match.group(1)


def with_version_fixed(text: str) -> str:
    """The record as it should be published: its version tag spelled ``v=DMARC1``."""
    match = _VERSION_LIKE.match(text)
    if match is None:
        return text
    return "v=DMARC1" + text[match.end(1):].lstrip(" \t")


@dataclass(frozen=True)
class ReportUri:
    uri: str  # as given, without the !size suffix
    host: str | None  # the destination domain (mailto: domain, or URL host)
    size: str | None  # the obsolete !size suffix, if any
    valid: bool


@dataclass(frozen=True)
class DmarcRecord:
    text: str
    tags: dict[str, str]  # lower-case name -> value as given (first occurrence)
    problems: tuple[str, ...] = ()  # syntax problems, each one sentence
    p_missing: bool = False
    unknown: tuple[str, ...] = ()
    rua: tuple[ReportUri, ...] = ()
    ruf: tuple[ReportUri, ...] = ()
    invalid_policy_tags: tuple[str, ...] = field(default=())  # p/sp/np with a bad value

    def value(self, tag: str) -> str | None:
        value = self.tags.get(tag)
        return None if value is None else value.strip().lower()

    @property
    def obsolete(self) -> tuple[str, ...]:
        return tuple(t for t in OBSOLETE if t in self.tags)

    @property
    def pct(self) -> int | None:
        value = self.value("pct")
        return int(value) if value is not None and value.isdigit() and int(value) <= 100 else None

    @property
    def testing(self) -> bool:
        return self.value("t") == "y"

    @property
    def psd(self) -> str:
        return psd_value(self.text)  # the one reading the Tree Walk uses too

    def mode(self, tag: str) -> str:
        """adkim/aspf: ``s`` strict or ``r`` relaxed (the default)."""
        return "s" if self.value(tag) == "s" else "r"

    def has_valid_rua(self) -> bool:
        return any(u.valid for u in self.rua)


def parse_record(text: str) -> DmarcRecord:
    segments = [s.strip() for s in text.split(";")]
    tags: dict[str, str] = {}
    problems: list[str] = []
    unknown: list[str] = []
    for index, segment in enumerate(segments):
        if not segment:
            continue
        name, sep, value = segment.partition("=")
        name = name.strip()
        if not sep or not _TAG.match(name):
            problems.append(f"malformed tag {clean(segment, 60)!r} (expected name=value)")
            continue
        key = name.lower()
        if key in tags:
            problems.append(f"duplicate tag {key}=")
            continue
        tags[key] = value.strip()
        if index == 0 and tags[key] != "DMARC1":
            problems.append("v= must be exactly DMARC1 (case-sensitive)")
        if key not in KNOWN:
            unknown.append(key)
    problems.extend(_value_problems(tags))
    bad_policy = tuple(t for t in ("p", "sp", "np")
                       if t in tags and tags[t].strip().lower() not in POLICIES)
    return DmarcRecord(
        text=text, tags=tags, problems=tuple(problems), p_missing="p" not in tags,
        unknown=tuple(unknown), rua=_uris(tags.get("rua")), ruf=_uris(tags.get("ruf")),
        invalid_policy_tags=bad_policy,
    )


def _value_problems(tags: dict[str, str]) -> list[str]:
    checks: dict[str, Callable[[str], bool]] = {
        "p": lambda v: v in POLICIES, "sp": lambda v: v in POLICIES,
        "np": lambda v: v in POLICIES, "adkim": lambda v: v in ("r", "s"),
        "aspf": lambda v: v in ("r", "s"), "t": lambda v: v in ("y", "n"),
        "psd": lambda v: v in ("y", "n", "u"),
        "fo": lambda v: all(o.strip() in ("0", "1", "d", "s") for o in v.split(":")),
        "pct": lambda v: v.isdigit() and int(v) <= 100,
        "ri": lambda v: v.isdigit() and int(v) < 2**32,
        "rf": lambda v: all(re.match(r"^[a-z0-9-]+$", f.strip()) is not None
                            for f in v.split(":")),
    }
    out = []
    for tag, ok in checks.items():
        if tag in tags and not ok(tags[tag].strip().lower()):
            out.append(f"invalid value {tag}={clean(tags[tag], 60)}")
    for tag in ("rua", "ruf"):
        for uri in _uris(tags.get(tag)):
            if not uri.valid:
                out.append(f"invalid report URI in {tag}=: {clean(uri.uri, 80)}")
    return out


def _uris(value: str | None) -> tuple[ReportUri, ...]:
    if value is None:
        return ()
    return tuple(_uri(part.strip()) for part in value.split(",") if part.strip())


def _uri(text: str) -> ReportUri:
    size = None
    match = _SIZE.search(text)
    if match:
        size, text = match.group(0)[1:], text[: match.start()]
    if not _SCHEME.match(text):
        return ReportUri(text, None, size, False)
    scheme, _, rest = text.partition(":")
    if scheme.lower() == "mailto":
        address = unquote(rest.split("?", 1)[0])
        local, at, domain = address.rpartition("@")
        host = domain.strip().lower().rstrip(".")
        ok = bool(at and local and "." in host and " " not in address)
        return ReportUri(text, host if ok else None, size, ok)
    host = str(urlsplit(text).hostname or "").lower().rstrip(".")
    return ReportUri(text, host or None, size, bool(host))
