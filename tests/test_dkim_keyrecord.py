"""DKIM key records judged with dkimpy's parsers (RFC 6376 §3.6.1, RFC 8301, RFC 8463)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from triage.checks.dkim.keyrecord import KeyStatus, judge_texts, looks_like_key

ZONE = Path(__file__).parent.parent / "fixtures" / "world" / "zones" / "dkim.test.zone"


def _published(owner: str) -> bytes:
    """The TXT value of ``owner`` in the generated zone, strings joined."""
    text = ZONE.read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(owner)} TXT (.*)$", text, re.MULTILINE)
    assert match, owner
    return "".join(re.findall(r'"([^"]*)"', match.group(1))).encode()


def test_a_2048_bit_rsa_key_is_valid() -> None:
    key = judge_texts((_published("google._domainkey.good"),))
    assert (key.status, key.key_type, key.key_bits) == (KeyStatus.VALID, "rsa", 2048)
    assert key.testing is False


def test_key_bits_come_from_the_modulus() -> None:
    assert judge_texts((_published("k1._domainkey.weak"),)).key_bits == 1024
    assert judge_texts((_published("k2._domainkey.weak"),)).key_bits == 512
    assert judge_texts((_published("huge._domainkey.weak"),)).key_bits == 8192


def test_empty_p_is_revoked() -> None:
    assert judge_texts((b"v=DKIM1; k=rsa; p=",)).status is KeyStatus.REVOKED
    assert judge_texts((b"v=DKIM1; p= ",)).status is KeyStatus.REVOKED


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (b"v=DKIM1; k=rsa; p=MIIB!!not*base64", "base64"),
        (b"v=DKIM1; k=rsa; p=QUJDREVGR0g=", "does not parse"),
        (b"v=DKIM1; k=rsa; k=ed25519; p=QUJD", "duplicate tag k"),
        (b"v=DKIM1; k=dsa; p=QUJD", "unknown key type"),
        (b"v=DKIM2; p=QUJD", "DKIM1"),
        (b"v=DKIM1; k=rsa", "no p="),
        (b"v=DKIM1; k=ed25519; p=" + base64.b64encode(b"x" * 31), "32 bytes"),
    ],
)
def test_broken_records_are_invalid_with_a_reason(record: bytes, why: str) -> None:
    key = judge_texts((record,))
    assert key.status is KeyStatus.INVALID
    assert key.problem is not None and why in key.problem


def test_ed25519_key_is_256_bits() -> None:
    key = judge_texts((b"v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(32)),))
    assert (key.status, key.key_type, key.key_bits) == (KeyStatus.VALID, "ed25519", 256)


def test_flags_are_read_from_t() -> None:
    key = judge_texts((_published("default._domainkey.testing"),))
    assert key.flags == ("y", "s") and key.testing


def test_a_txt_record_that_is_no_key_means_missing_not_invalid() -> None:
    key = judge_texts((b"v=spf1 -all",))
    assert key.status is KeyStatus.MISSING
    assert key.record == "v=spf1 -all"


def test_two_key_records_at_one_selector_are_invalid() -> None:
    good = _published("google._domainkey.good")
    assert judge_texts((good, good)).status is KeyStatus.INVALID


def test_looks_like_key() -> None:
    assert looks_like_key(b"v=DKIM1; p=")
    assert looks_like_key(b"k=rsa; p=abc")
    assert not looks_like_key(b"v=spf1 include:x -all")
    assert not looks_like_key(b"google-site-verification=xyz")


def test_terminal_escapes_in_a_record_are_neutralised() -> None:
    key = judge_texts((b"v=DKIM1; n=\x1b[31mred; p=",))
    assert key.record is not None and "\x1b" not in key.record
