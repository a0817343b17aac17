"""Every byte value, from argv, a DNS record, a message header and a log line, reaches the
terminal only as visible text: no C0 control (tab and newline aside), no DEL, no C1 control
(U+0080-U+009F, 0x9b alone being a CSI), no undecodable byte, in every format."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from triage.sanitize import clean, visible

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "markdown")
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# each byte alone between spaces: a high byte is then never part of a valid UTF-8 sequence
EVERY_BYTE = b" ".join(bytes([b]) for b in range(1, 256) if b not in (0x0A, 0x0D))
# and the C1 controls as valid UTF-8 (U+0080-U+009F), as a record or header may carry them
C1_UTF8 = " ".join(chr(c) for c in range(0x80, 0xA0)).encode()


def triage(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "triage", *args], capture_output=True,
                          env=env, cwd=REPO, timeout=60, check=False)


def assert_safe(data: bytes) -> str:
    text = data.decode("utf-8")  # strict: a lone 0x80-0xff byte fails here
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} after {text[:found.start()][-80:]!r}"
    assert "Traceback" not in text
    return text


def test_visible_escapes_every_control_and_surrogate() -> None:
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) in "\t\n":
            continue
        assert visible(chr(code)) == f"\\x{code:02x}"
    assert visible("a\udc9bb") == "a\\x9bb"  # argv byte 0x9b under surrogateescape
    assert visible("\ud800") == "\\ud800"
    assert visible("tab\tnewline\n") == "tab\tnewline\n"
    assert clean(b"\x9b\xc2\x9b") == "\\x9b\\x9b"
    assert clean("\x7f\u0085\u009b") == "\\x7f\\x85\\x9b"


@pytest.mark.parametrize("fmt", FORMATS)
def test_explain_with_every_byte_in_argv(fmt: str) -> None:
    reply = b"451 4.7.500 Server busy " + EVERY_BYTE + b" " + C1_UTF8
    done = triage("explain", reply, "--format", fmt)
    assert done.returncode == 0, done.stderr
    out = assert_safe(done.stdout)
    assert_safe(done.stderr)
    for code in (0x1B, 0x7F, 0x85, 0x9B, 0xFF):
        assert f"\\x{code:02x}" in out.replace("\\\\", "\\")


def test_usage_error_line_is_sanitised() -> None:
    done = triage("dkim", b"exa\x9bmple\x1b[2J\x7f.com", "--offline")
    assert done.returncode == 2 and done.stdout == b""
    err = assert_safe(done.stderr)
    assert err.startswith("triage: ") and err.count("\n") == 1


def _zone(tmp_path: Path) -> Path:
    """A DKIM record per 32 byte values, each byte given as a \\DDD escape."""
    lines = ["$ORIGIN example.com.", "$TTL 300",
             "@ SOA ns.example.com. h.example.com. 1 3600 600 86400 300", "@ NS ns.example.com."]
    for n, start in enumerate(range(0, 256, 32)):
        escaped = "".join(f"\\{b:03d}" for b in range(start, start + 32))
        lines.append(f's{n}._domainkey TXT "v=DKIM1; k=rsa; n={escaped}; p=MIGfMA0G"')
    lines.append('c1._domainkey TXT "v=DKIM1; n=' + "".join(
        f"\\{b:03d}" for b in C1_UTF8) + '; p=MIGfMA0G"')
    path = tmp_path / "example.com.zone"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_dkim_record_with_every_byte(tmp_path: Path, fmt: str) -> None:
    zone = _zone(tmp_path)
    selectors = [arg for n in range(8) for arg in ("--selector", f"s{n}")]
    done = triage("dkim", "example.com", *selectors, "--selector", "c1", "--zone", str(zone),
                  "--offline", "--format", fmt)
    assert done.returncode in (0, 1), done.stderr
    out = assert_safe(done.stdout)
    assert "x7f" in out and "x9b" in out


def _message(tmp_path: Path) -> Path:
    header_bytes = EVERY_BYTE.replace(b"\x0c", b"")
    msg = (b"From: \"A " + header_bytes + b"\" <a@example.com>\r\n"
           b"To: b@example.org\r\nSubject: " + header_bytes + b"\r\n"
           b"DKIM-Signature: v=1; a=rsa-sha256; d=exa\x7fmple.com; s=s\x9b1; "
           b"c=relaxed/relaxed; h=from:to; bh=" + header_bytes + b"; b=abc\r\n"
           b"Authentication-Results: mx\x7f.example.org; dkim=pass\x9b (" + header_bytes
           + b") header.d=" + C1_UTF8 + b"\r\n\r\nbody\r\n")
    path = tmp_path / "msg.eml"
    path.write_bytes(msg)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_message_headers_with_every_byte(tmp_path: Path, fmt: str) -> None:
    done = triage("dkim", "example.com", "--selector", "s0", "--message",
                  str(_message(tmp_path)), "--zone", str(_zone(tmp_path)), "--offline",
                  "--format", fmt)
    assert done.returncode in (0, 1), done.stderr
    out = assert_safe(done.stdout)
    assert "x7f" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_log_line_with_every_byte(tmp_path: Path, fmt: str) -> None:
    log = tmp_path / "maillog"
    log.write_bytes(b"451 4.7.500 Server busy " + EVERY_BYTE + b"\n" + C1_UTF8 + b"\n"
                    + bytes(range(256)) + b"\n")
    done = triage("deferrals", str(log), "--format", fmt)
    assert done.returncode in (0, 1), done.stderr
    assert_safe(done.stdout)
    assert_safe(done.stderr)


def test_file_name_with_controls(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/log\x1b[2J\x9b\x7f"
    with open(name, "wb") as handle:
        handle.write(b"451 4.7.500 Server busy\n")
    for fmt in FORMATS:
        done = triage("deferrals", name, "--format", fmt)
        assert done.returncode in (0, 1), done.stderr
        assert "x1b" in assert_safe(done.stdout)
    missing = triage("deferrals", name + b".missing")
    assert missing.returncode == 2
    assert_safe(missing.stderr)
