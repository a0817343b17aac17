"""Verify every DKIM-Signature of a message with dkimpy, through our resolver.

dkimpy asks DNS itself through a synchronous ``dnsfunc``. To keep ``--zone``,
``--offline`` and ``--nameserver`` in force, the keys are fetched first through
the run's resolver (concurrently), and dkimpy gets a function that reads the
answers already fetched. A key that could not be fetched is ``temperror``
before dkimpy runs, so a timeout never looks like a broken signature.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
from dataclasses import dataclass
from typing import Any

import dkim
from dkim.util import InvalidTagValueList, parse_tag_value

from triage.checks.dkim.keyrecord import KeyStatus, looks_like_key
from triage.checks.dkim.lookup import judge_answer, key_name
from triage.dns.answer import Answer
from triage.dns.resolver import Resolver
from triage.domains.alignment import RELAXED, aligned
from triage.domains.names import canonical
from triage.domains.psl import SuffixList
from triage.domains.treewalk import org_domains
from triage.sanitize import clean

MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class MessageError(ValueError):
    """The input is not an RFC 5322 message (exit 2)."""


class SigResult(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


@dataclass(frozen=True)
class Message:
    raw: bytes
    headers: tuple[tuple[str, bytes], ...]  # (lower-case name, raw value)
    from_domain: str | None

    def values(self, name: str) -> list[str]:
        return [_text(v) for n, v in self.headers if n == name]


@dataclass(frozen=True)
class SignatureResult:
    d: str | None
    s: str | None
    result: SigResult
    aligned: bool | None
    algorithm: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"d": self.d, "s": self.s, "result": self.result.value, "aligned": self.aligned,
                "algorithm": self.algorithm, "reason": self.reason}


def parse_message(data: bytes) -> Message:
    """Split the header; MessageError with one line when ``data`` is not a message."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError("message is larger than 64 MiB")
    if not data.strip() or data[:1] in (b" ", b"\t") or b"\x00" in data[:4096]:
        raise MessageError("not an RFC 5322 message: no header section")
    try:
        fields, _body = dkim.rfc822_parse(data)
    except (dkim.DKIMException, IndexError) as exc:
        raise MessageError(f"not an RFC 5322 message: {clean(str(exc), 80)}") from None
    headers = tuple((n.decode("ascii", "replace").lower(), v) for n, v in fields)
    froms = [_text(v) for n, v in headers if n == "from"]
    if not froms:
        raise MessageError("not an RFC 5322 message: no From header")
    return Message(data, headers, _from_domain(froms))


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace").replace("\r\n", "").strip()


def _from_domain(values: list[str]) -> str | None:
    for _name, address in email.utils.getaddresses(values):
        if "@" in address:
            domain = address.rsplit("@", 1)[1].strip().strip(">").lower()
            if domain:
                return canonical(domain)
    return None


async def verify_signatures(
    resolver: Resolver, message: Message, psl: SuffixList
) -> tuple[SignatureResult, ...]:
    signatures = [v for n, v in message.headers if n == "dkim-signature"]
    tags = [_tags(v) for v in signatures]
    names = sorted({key_name(t["s"], t["d"]) for t in tags if "d" in t and "s" in t})
    answers = dict(zip(names, await asyncio.gather(*(resolver.query(n, "TXT") for n in names)),
                       strict=True))
    domains = sorted({t["d"] for t in tags if t.get("d")})
    alignment: dict[str, bool | None] = dict.fromkeys(domains)
    if message.from_domain:
        alignment = await _relaxed(resolver, domains, message.from_domain, psl)
    return tuple(_verify_one(message, i, t, answers, alignment) for i, t in enumerate(tags))


async def _relaxed(resolver: Resolver, domains: list[str], from_domain: str,
                   psl: SuffixList) -> dict[str, bool | None]:
    """Relaxed alignment of each ``d=`` with the From domain, by DMARC's rule."""
    names = [from_domain, *(d for d in domains if d != from_domain)]
    if len(names) == 1:
        return dict.fromkeys(domains, True)
    found = await asyncio.gather(*(org_domains(resolver, n, psl) for n in names))
    orgs = dict(zip(names, found, strict=True))
    return {d: aligned(d, from_domain, RELAXED, orgs[d], orgs[from_domain]) for d in domains}


def _tags(value: bytes) -> dict[str, str]:
    try:
        parsed = parse_tag_value(value)
    except InvalidTagValueList:
        return {}
    out = {k.decode("ascii", "replace").lower(): v.decode("ascii", "replace").strip()
           for k, v in parsed.items()}
    for key in ("d", "s"):
        if key in out:
            out[key] = canonical(out[key])
    return out


def _verify_one(
    message: Message, index: int, tags: dict[str, str], answers: dict[str, Answer],
    alignment: dict[str, bool | None],
) -> SignatureResult:
    d, s = tags.get("d"), tags.get("s")
    algorithm = clean(tags["a"], 40) if "a" in tags else None
    if not d or not s:
        return SignatureResult(d and clean(d), s and clean(s), SigResult.PERMERROR, None,
                               algorithm, "signature does not parse (no d= or s=)")
    result, reason = _result(message, index, answers[key_name(s, d)], key_name(s, d))
    return SignatureResult(clean(d), clean(s), result, alignment.get(d), algorithm, reason)


def _result(message: Message, index: int, answer: Answer,
            name: str) -> tuple[SigResult, str | None]:
    key = judge_answer(answer)
    if key.status is KeyStatus.TEMPERROR:
        return SigResult.TEMPERROR, f"key lookup failed: {key.problem}"
    if key.status is not KeyStatus.VALID:
        return SigResult.PERMERROR, f"key {key.status.value} at {name}: {key.problem}"
    return _run_dkimpy(message.raw, index, answer)


def _run_dkimpy(raw: bytes, index: int, answer: Answer) -> tuple[SigResult, str | None]:
    key_text = next((t for t in answer.texts() if looks_like_key(t)), None)

    def dnsfunc(name: bytes, timeout: float = 5) -> bytes | None:
        return key_text

    verifier = dkim.DKIM(raw, minkey=1024)
    try:
        ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
    except dkim.ValidationError as exc:
        return SigResult.FAIL, clean(str(exc), 200)
    except (dkim.DKIMException, ValueError, IndexError, TypeError, KeyError) as exc:
        return SigResult.PERMERROR, clean(str(exc) or type(exc).__name__, 200)
    if ok:
        return SigResult.PASS, None
    return SigResult.FAIL, "signature does not verify"
