"""Domain knowledge as data: the packaged TOML tables, and the one way to read them.

Each file documents its own schema at the top and names its sources; the module
that owns a table validates it (unknown keys refused) and the tests check every
entry. This module only reads: ``load`` parses one file of this package through
``importlib.resources`` (so it works from a wheel or a zip as well as a checkout),
``compile_patterns`` turns a table's regexes into patterns. Nothing is cached
here: each owner loads its table once per run and keeps it.

    DataError (ValueError)     a data file is unreadable or malformed; names the file
      PatternError             a regex does not compile; names the file, entry and key
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from typing import Any


class DataError(ValueError):
    """A packaged data file is unreadable or malformed (a packaging bug the tests catch)."""


class PatternError(DataError):
    """A regular expression in a data file does not compile."""

    def __init__(self, file: str, entry: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: entry {entry!r}, key {key!r}: {problem}")
        self.file, self.entry, self.key = file, entry, key


def text(name: str) -> str:
    """The text of ``name`` (a file name such as ``reply_rules.toml``) in this package."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise DataError(f"not a data file name: {name!r}")
    try:
        return resources.files(__name__).joinpath(name).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: cannot be read: {exc}") from exc


def load(name: str) -> dict[str, Any]:
    """The parsed TOML file ``name``; DataError naming the file when it does not parse."""
    try:
        return tomllib.loads(text(name))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{name}: {exc}") from exc


def compile_patterns(
    patterns: Iterable[str], *, file: str, entry: str, key: str, flags: int = re.IGNORECASE,
) -> tuple[re.Pattern[str], ...]:
    """Compile one entry's regexes (case-insensitive unless ``flags`` says otherwise).

    ``file``, ``entry`` and ``key`` say where the patterns come from, so that a bad
    one fails as ``PatternError`` with ``reply_rules.toml: entry 'x', key 'text': ...``.
    """
    out = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise PatternError(file, entry, key, "not a string")
        try:
            out.append(re.compile(pattern, flags))
        except re.error as exc:
            raise PatternError(file, entry, key, str(exc)) from exc
    return tuple(out)
