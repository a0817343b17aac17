"""A DKIM key record (RFC 6376 §3.6.1), judged with dkimpy's own parsers.

Tag lists are split by ``dkim.util.parse_tag_value`` and keys decoded by
``dkim.evaluate_pk`` (dkimpy's ASN.1 reader for RSA, PyNaCl for ed25519), so a
key triage calls valid is one dkimpy can verify with. Without PyNaCl an ed25519
key is checked for what RFC 8463 §4.2 requires: 32 bytes of base64.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from dataclasses import dataclass, field

import dkim
from dkim.util import DuplicateTag, InvalidTagValueList, parse_tag_value

from triage.sanitize import clean

RECORD_LIMIT = 2048  # characters of a record kept in a report: an 8192-bit RSA key fits


class KeyStatus(enum.Enum):
    VALID = "valid"
    MISSING = "missing"
    REVOKED = "revoked"
    INVALID = "invalid"
    TEMPERROR = "temperror"


@dataclass(frozen=True)
class KeyRecord:
    status: KeyStatus
    record: str | None = None  # the record text, cleaned
    key_type: str | None = None  # rsa | ed25519
    key_bits: int | None = None
    flags: tuple[str, ...] = ()  # t= flags: y (testing), s (strict i= domain)
    tags: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why it is missing or invalid

    @property
    def testing(self) -> bool:
        return "y" in self.flags


def looks_like_key(raw: bytes) -> bool:
    """A TXT record meant as a DKIM key: ``v=DKIM1`` first, or a ``p=`` tag.

    Other TXT records at the name (a wildcard SPF record, a verification token)
    are not keys: the selector is then missing rather than invalid.
    """
    text = raw.strip().lower()
    if re.match(rb"v\s*=\s*dkim1\s*(;|$)", text):
        return True
    return re.search(rb"(^|;)\s*p\s*=", text) is not None


def judge_texts(texts: tuple[bytes, ...]) -> KeyRecord:
    """Judge the TXT RRset at ``<selector>._domainkey.<domain>``."""
    keys = [t for t in texts if looks_like_key(t)]
    if not keys:
        shown = clean(texts[0], RECORD_LIMIT) if texts else None
        why = "TXT record there is not a DKIM key" if texts else "no TXT record"
        return KeyRecord(KeyStatus.MISSING, record=shown, problem=why)
    if len(keys) > 1:
        shown = " | ".join(clean(k, RECORD_LIMIT) for k in keys)
        return KeyRecord(KeyStatus.INVALID, record=shown,
                         problem=f"{len(keys)} key records at one selector (RFC 6376 §3.6.2.2)")
    return judge_record(keys[0])


def judge_record(raw: bytes) -> KeyRecord:
    shown = clean(raw, RECORD_LIMIT)
    try:
        parsed = parse_tag_value(raw)
    except DuplicateTag as exc:
        return KeyRecord(KeyStatus.INVALID, shown, problem=f"duplicate tag {_tag(exc)}=")
    except InvalidTagValueList as exc:
        return KeyRecord(KeyStatus.INVALID, shown, problem=f"tag list does not parse: {_tag(exc)}")
    tags = {k.decode("ascii", "replace").lower(): clean(v, 200) for k, v in parsed.items()}
    flags = tuple(f.strip().lower() for f in tags.get("t", "").split(":") if f.strip())
    version = parsed.get(b"v")
    if version is not None and version != b"DKIM1":
        return KeyRecord(KeyStatus.INVALID, shown, tags=tags, flags=flags,
                         problem="v= is not DKIM1")
    if b"p" not in parsed:
        return KeyRecord(KeyStatus.INVALID, shown, tags=tags, flags=flags, problem="no p= tag")
    key_type = parsed.get(b"k", b"rsa").decode("ascii", "replace").lower()
    if not re.sub(rb"\s+", b"", parsed[b"p"]):
        return KeyRecord(KeyStatus.REVOKED, shown, key_type, tags=tags, flags=flags,
                         problem="empty p=: the key is revoked")
    bits, problem = key_size(raw, key_type, parsed[b"p"])
    status = KeyStatus.VALID if problem is None else KeyStatus.INVALID
    return KeyRecord(status, shown, key_type, bits, flags, tags, problem)


def key_size(raw: bytes, key_type: str, p_value: bytes) -> tuple[int | None, str | None]:
    """(bits, None) for a key dkimpy accepts, else (None, why)."""
    if key_type not in ("rsa", "ed25519"):
        return None, f"unknown key type k={clean(key_type, 40)}"
    compact = re.sub(rb"\s+", b"", p_value)
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None, "p= is not valid base64"
    try:
        _pk, bits, _ktag, _tlsrpt = dkim.evaluate_pk(b"key", raw)
    except dkim.NaClNotFoundError:
        return _ed25519_size(compact)
    except (dkim.DKIMException, binascii.Error, ValueError, IndexError, TypeError) as exc:
        return None, f"key does not parse: {_why(exc)}"
    if bits is None:
        return None, "key does not parse"
    return int(bits), None


def _ed25519_size(compact: bytes) -> tuple[int | None, str | None]:
    if len(base64.b64decode(compact)) != 32:
        return None, "an ed25519 key must be 32 bytes (RFC 8463 §4.2)"
    return 256, None


def _why(exc: BaseException) -> str:
    """dkimpy's message without the key it quotes back (the record is shown anyway)."""
    text = re.sub(r"\s*\(b'[^']*'\)", "", str(exc) or type(exc).__name__)
    return clean(text, 160)


def _tag(exc: BaseException) -> str:
    arg = exc.args[0] if exc.args else b""
    return clean(arg if isinstance(arg, bytes | str) else str(arg), 80)
