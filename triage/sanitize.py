"""Make untrusted text (DNS answers, log lines, argv, file names) safe for a terminal.

Records, logs and arguments are attacker-controlled: an escape sequence in a TXT record
or a log line must not repaint the user's terminal. Two layers, one rule set:

* ``clean`` turns one untrusted value into one printable line (for a report field);
* ``visible`` is the boundary every rendered report and every stderr line passes on its
  way out (``triage/cli/run.py``): whatever a renderer forgot to clean is escaped there.

What a terminal may act on is escaped as a visible ``\\xNN``: C0 controls (tab and
newline aside), DEL (0x7f), the C1 controls (U+0080-U+009F: 0x9b is a one-character
CSI on many terminals), and lone surrogates, which is how Python carries the bytes of
invalid UTF-8 in argv and file names (PEP 383: byte 0x9b arrives as U+DC9B); those are
shown as the byte they stand for.
"""

from __future__ import annotations

import re

# C0 (but tab, newline), DEL, C1, surrogates
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte smuggled in by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code > 0xFF:
        return f"\\u{code:04x}"
    return f"\\x{code:02x}"


def visible(text: str) -> str:
    """``text`` with every control character escaped, tabs and newlines kept."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def clean(text: str | bytes, limit: int | None = None) -> str:
    """Return ``text`` as one printable line: invalid UTF-8 and controls escaped.

    ``limit`` truncates very long values (a 64 KB TXT) with a marker that says
    how much was dropped, so no report line is unbounded.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="backslashreplace")
    text = text.replace("\t", " ").replace("\r", "\\r").replace("\n", "\\n")
    text = visible(text)
    if limit is not None and len(text) > limit:
        dropped = len(text) - limit
        text = f"{text[:limit]}… [{dropped} more characters]"
    return text
