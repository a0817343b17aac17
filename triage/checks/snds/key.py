"""The SNDS access key: handed to the fetcher for the two SNDS pages and nowhere else.

``SndsKey`` never shows its value: ``str``/``repr`` print a placeholder, so the key
cannot slip into a report, an exception message or a log line by accident. Only
``check.py`` calls ``reveal`` to build the request URL; every text that could echo
it back (a redirect's Location) goes through ``scrub``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triage.errors import InputError

HIDDEN = "[key]"
# SNDS keys are GUID-like; anything that would change the URL is refused
_SHAPE = re.compile(r"[A-Za-z0-9._~-]{1,200}")


@dataclass(frozen=True)
class SndsKey:
    _value: str = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> SndsKey:
        value = text.strip()
        if not _SHAPE.fullmatch(value):
            # the message never quotes the key, not even a bad one
            raise InputError("invalid SNDS key: expected 1-200 letters, digits, '-', '_', "
                             "'.' or '~' (the key from SNDS automated access)")
        return cls(value)

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with every occurrence of the key replaced (case-insensitively)."""
        return re.sub(re.escape(self._value), HIDDEN, text, flags=re.IGNORECASE)

    def __str__(self) -> str:
        return HIDDEN

    def __repr__(self) -> str:
        return f"SndsKey({HIDDEN})"
