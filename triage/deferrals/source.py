"""Open one input (file, ``.gz``, ``-`` for stdin) and cut it into newline-aligned chunks.

Policy: read in 1 MiB blocks and hand parsers whole lines only; a line longer than
``MAX_LINE`` is not buffered without bound: its first part becomes an unparsed sample
and the rest is skipped. A gzip stream is recognised by its magic bytes, whatever the
file is called; a truncated or corrupt one ends the input with one unparsed marker.
Unreadable paths raise ``InputUnreadable`` (exit 2 at the CLI).
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

BLOCK = 1 << 20
MAX_LINE = 1 << 20
HEAD = 64 * 1024


class InputUnreadable(Exception):
    """The path cannot be opened or read (the message is the one line shown)."""


def open_input(path: str, stdin: BinaryIO | None = None) -> BinaryIO:
    if path == "-":
        raw: BinaryIO = stdin if stdin is not None else sys.stdin.buffer
    else:
        if os.path.isdir(path):
            raise InputUnreadable(f"{path}: is a directory")
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as exc:
            raise InputUnreadable(f"{path}: {exc.strerror or exc}") from exc
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[type-var]
    try:
        magic = buffered.peek(2)[:2]
    except OSError as exc:
        raise InputUnreadable(f"{path}: {exc.strerror or exc}") from exc
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered


def chunks(stream: BinaryIO, on_overlong: Callable[[bytes], None],
           on_error: Callable[[str], None], size: int = BLOCK) -> Iterator[bytes]:
    """Yield chunks that end at a newline (the last may not); never one over-long line.

    ``size`` (the read size) changes how the input is cut, never what is reported."""
    rest = b""
    skipping = False
    while True:
        try:
            block = stream.read(size)
        except (EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
            on_error(f"input ends early: {exc or type(exc).__name__}")
            block = b""
        if not block:
            break
        if skipping:
            cut = block.find(b"\n")
            if cut < 0:
                continue
            block, skipping = block[cut + 1 :], False
        data = rest + block
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > MAX_LINE:
                on_overlong(data[:200])
                rest, skipping = b"", True
            else:
                rest = data
            continue
        rest = data[cut + 1 :]
        yield data[: cut + 1]
    if rest and not skipping:
        yield rest
