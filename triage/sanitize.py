"""Make untrusted text (DNS answers, log lines) safe for a terminal and a report.

Records and logs are attacker-controlled: an escape sequence in a TXT record
must not repaint the user's terminal. Everything that came from outside goes
through ``clean`` before it reaches a renderer.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; tab is folded to a space, newlines are escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str | bytes, limit: int | None = None) -> str:
    """Return ``text`` as printable Unicode: invalid UTF-8 and controls escaped.

    ``limit`` truncates very long values (a 64 KB TXT) with a marker that says
    how much was dropped, so no report line is unbounded.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="backslashreplace")
    text = text.replace("\t", " ").replace("\r", "\\r").replace("\n", "\\n")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if limit is not None and len(text) > limit:
        dropped = len(text) - limit
        text = f"{text[:limit]}… [{dropped} more characters]"
    return text
