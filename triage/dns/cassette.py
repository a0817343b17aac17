"""Record every DNS answer of a run to a readable text cassette, and answer from one.

A cassette is UTF-8 text, one line per record, sorted by nothing but arrival::

    # triage DNS cassette 1
    # recorded_at 2026-12-02T21:00:00Z
    # NAME TYPE STATUS TTL MS CNAMES DATA
    example.com TXT ok 300 30.2 - "v=spf1 ip4:192.0.2.0/24 -all"
    _dmarc.example.com TXT nxdomain - 30.1 -
    slow.example TXT timeout - 5000.0 - timeout

NAME is the queried name (lower-case, no trailing dot; ``%``, spaces and control
characters percent-encoded), ``-`` marks an empty TTL or CNAME chain (else the
chain, comma-separated), MS is how long the answer took. DATA is one record in
zone-file form (an ``ok`` answer with several records has several lines) or, for a
failure, why it failed. Secrets in query names (the Spamhaus DQS key before a keyed
zone) are written as ``<key>``: ``Redactor`` replaces them both when recording and
when looking a query up, so a redacted cassette still replays.

``Recorder`` streams lines as answers arrive (memory stays flat); ``CassetteResolver``
answers from a loaded cassette with no network. A query the cassette does not hold
is a ``timeout`` whose detail is ``MISSING``: inconclusive for the check that asked,
never "record missing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise
from triage.dns.resolver import Resolver

MAGIC = "# triage DNS cassette 1"
MISSING = "not in the cassette"
KEY_SHOWN = "<key>"
_UNSAFE = re.compile(r"[%\s\x00-\x1f\x7f-\x9f]")
_ESCAPED = re.compile(r"%([0-9A-Fa-f]{2})")


def _escape(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", text)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


@dataclass(frozen=True)
class Redactor:
    """Hides the label just before a keyed zone (``<target>.<KEY>.zen.dq.spamhaus.net``)."""

    secret_zones: tuple[str, ...] = ()

    def __call__(self, name: str) -> str:
        for zone in self.secret_zones:
            if name.endswith("." + zone):
                head = name[: -len(zone) - 1]
                target, dot, _key = head.rpartition(".")
                return f"{target}{dot}{KEY_SHOWN}.{zone}"
        return name


def line_of(name: str, answer: Answer) -> list[str]:
    """The cassette lines of one answer (one per record)."""
    ttl = "-" if answer.ttl is None else str(answer.ttl)
    cnames = ",".join(_escape(c) for c in answer.cnames) or "-"
    head = f"{_escape(name)} {answer.rdtype.upper()} {answer.status.value} {ttl} " \
           f"{answer.elapsed_ms:.1f} {cnames}"
    if answer.rdata:
        return [f"{head} {_escape_data(r.to_text())}" for r in answer.rdata]
    detail = _escape_data(answer.detail) if answer.detail else ""
    return [f"{head} {detail}".rstrip()]


def _escape_data(text: str) -> str:
    return re.sub(r"[\n\r\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\{ord(m.group()):03d}", text)


class Recorder:
    """Writes every answer of ``inner`` to ``path`` as it arrives."""

    def __init__(self, inner: Resolver, path: Path, recorded_at: datetime,
                 redact: Redactor) -> None:
        self._inner = inner
        self._redact = redact
        self._path = path
        self._file: IO[str] = path.open("w", encoding="utf-8")
        stamp = recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._file.write(f"{MAGIC}\n# recorded_at {stamp}\n# NAME TYPE STATUS TTL MS CNAMES DATA\n")

    async def query(self, name: str, rdtype: str) -> Answer:
        answer = await self._inner.query(name, rdtype)
        self._file.write("\n".join(line_of(self._redact(normalise(name)), answer)) + "\n")
        return answer

    async def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class Cassette:
    recorded_at: datetime | None
    answers: dict[tuple[str, str], Answer]


def load_cassette(path: Path) -> Cassette:
    """Parse a cassette; ValueError naming the file and line when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"cassette not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read cassette {path}: {exc}") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != MAGIC:
        raise ValueError(f"{path}:1: not a triage DNS cassette (first line must be {MAGIC!r})")
    recorded_at = None
    answers: dict[tuple[str, str], Answer] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("# recorded_at "):
            recorded_at = _time(line.split()[-1], path, number)
        if not line.strip() or line.startswith("#"):
            continue
        try:
            key, answer = _parse(line)
        except (ValueError, dns.exception.DNSException) as exc:
            raise ValueError(f"{path}:{number}: cannot read this cassette line: {exc}") from None
        old = answers.get(key)
        if old is None:
            answers[key] = answer
        elif old.status is Status.OK and answer.rdata and old.ttl == answer.ttl:
            answers[key] = Answer(old.name, old.rdtype, old.status, old.rdata + answer.rdata,
                                  old.ttl, old.cnames, old.elapsed_ms, old.source)
    return Cassette(recorded_at, answers)


def _time(text: str, path: Path, number: int) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{path}:{number}: recorded_at is not an RFC 3339 time") from None


def _parse(line: str) -> tuple[tuple[str, str], Answer]:
    parts = line.split(" ", 6)
    if len(parts) < 6:
        raise ValueError("expected NAME TYPE STATUS TTL MS CNAMES [DATA]")
    name, rdtype, status_text, ttl, ms, cnames = parts[:6]
    data = parts[6] if len(parts) == 7 else ""
    status = Status(status_text)
    rdtype = rdtype.upper()
    dns.rdatatype.from_text(rdtype)  # an unknown type is an error here, not at replay
    name = _unescape(name)
    rdata: tuple[dns.rdata.Rdata, ...] = ()
    detail = ""
    if status is Status.OK and data:
        rdata = (dns.rdata.from_text(dns.rdataclass.IN, rdtype, data),)
    elif data:
        detail = data
    chain = () if cnames == "-" else tuple(_unescape(c) for c in cnames.split(","))
    answer = Answer(name, rdtype, status, rdata, None if ttl == "-" else int(ttl), chain,
                    float(ms), "cassette", detail)
    return (name, rdtype), answer


class CassetteResolver:
    """Answers from a cassette; sends nothing."""

    def __init__(self, cassette: Cassette, redact: Redactor) -> None:
        self._answers = cassette.answers
        self._redact = redact

    async def query(self, name: str, rdtype: str) -> Answer:
        key = normalise(name)
        found = self._answers.get((self._redact(key), rdtype.upper()))
        if found is None:
            return Answer(key, rdtype, Status.TIMEOUT, source="cassette", detail=MISSING)
        return Answer(key, found.rdtype, found.status, found.rdata, found.ttl, found.cnames,
                      found.elapsed_ms, found.source, found.detail)


def recorded_at(path: Path) -> datetime | None:
    """The time a cassette was recorded (its header), without loading its answers."""
    try:
        with path.open(encoding="utf-8") as handle:
            for _, line in zip(range(5), handle, strict=False):
                if line.startswith("# recorded_at "):
                    return _time(line.split()[-1], path, 2)
    except (OSError, UnicodeDecodeError):
        return None
    return None
