"""Open one input (file, ``.gz``, ``-`` for stdin) and cut it into newline-aligned chunks.

Policy: read in 1 MiB blocks and hand parsers whole lines only; a line longer than
``MAX_LINE`` is not buffered without bound: its first part becomes an unparsed sample
and the rest is skipped. A gzip stream is recognised by its magic bytes, whatever the
file is called, and decompressed here (``_Gunzip``) rather than by ``gzip.GzipFile``,
whose ``read`` raises on a truncated or corrupt stream before returning what it had
decompressed: every complete line before the damage is kept, the incomplete one at the
damage is dropped, and the input's ``error`` says why it ended (the finding
``deferrals.input_error``). Unreadable paths raise ``InputUnreadable`` (exit 2 at the CLI).
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO, cast

BLOCK = 1 << 20
MAX_LINE = 1 << 20
HEAD = 64 * 1024
PIECE = 64 * 1024  # compressed bytes per decompression step
SALVAGE = 256  # after damage, the piece is retried in steps this small


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
        return cast(BinaryIO, io.BufferedReader(_Gunzip(buffered), BLOCK))
    return buffered


class _Gunzip(io.RawIOBase):
    """The members of a gzip stream, decompressed as they come, at most ``BLOCK`` of
    output per step (a small bomb never fills memory). Damage ends the stream (EOF)
    after the last byte that could be decompressed, and ``error`` says what happened:
    never an exception that would lose data already decompressed."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self.raw = raw
        self.unzip = zlib.decompressobj(wbits=31)
        self.started = False  # the current member has had input
        self.pending = memoryview(b"")
        self.error: str | None = None
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending and not self.ended:
            self.pending = memoryview(self._step())
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def _step(self) -> bytes:
        data = self.unzip.unconsumed_tail or self.unzip.unused_data
        if self.unzip.eof:  # a member ended: what follows is the next one (or padding)
            self.unzip, self.started = zlib.decompressobj(wbits=31), False
        if not data:
            try:
                data = self.raw.read(PIECE)
            except OSError as exc:
                return self._end(f"input ends early: {exc.strerror or exc}")
            if not data:
                return self._end("input ends early: the gzip stream is truncated"
                                 if self.started else None)
        if not self.started:
            data = data.lstrip(b"\x00")  # zero padding after the last member
            if not data:
                return b""
        self.started = True
        before = self.unzip.copy()
        try:
            return self.unzip.decompress(data, BLOCK)
        except zlib.error as exc:
            return self._end(f"input ends early: corrupt gzip data ({exc})",
                             _salvage(before, data))

    def _end(self, error: str | None, last: bytes = b"") -> bytes:
        self.error, self.ended = error, True
        return last

    def close(self) -> None:
        self.raw.close()
        super().close()


def _salvage(unzip: zlib._Decompress, data: bytes) -> bytes:
    """What ``data`` decompresses to before the byte zlib rejects (a failed call returns
    nothing, so the piece is fed again in small steps)."""
    out = []
    for at in range(0, len(data), SALVAGE):
        try:
            out.append(unzip.decompress(data[at : at + SALVAGE]))
        except zlib.error:
            break
    return b"".join(out)


def stream_error(stream: BinaryIO) -> str | None:
    """Why ``stream`` ended early (a damaged gzip stream), or None."""
    raw = getattr(stream, "raw", None)
    return raw.error if isinstance(raw, _Gunzip) else None


def chunks(stream: BinaryIO, on_overlong: Callable[[bytes], None],
           on_error: Callable[[str], None], size: int = BLOCK) -> Iterator[bytes]:
    """Yield chunks that end at a newline (the last may not); never one over-long line.

    ``size`` (the read size) changes how the input is cut, never what is reported."""
    rest = b""
    skipping = False
    while True:
        try:
            block = stream.read(size)
        except (EOFError, OSError, zlib.error) as exc:
            on_error(f"input ends early: {exc or type(exc).__name__}")
            return  # the incomplete line at the damage is not a line
        if not block:
            break
        if skipping:
            cut = block.find(b"\n")
            if cut < 0:
                continue
            block, skipping = block[cut + 1 :], False
        cut = block.rfind(b"\n")
        if cut < 0:
            data = rest + block
            if len(data) > MAX_LINE:
                on_overlong(data[:200])
                rest, skipping = b"", True
            else:
                rest = data
            continue
        # one copy of the block (the held line's start joined to its whole lines)
        whole = b"".join((rest, memoryview(block)[: cut + 1])) if rest or cut + 1 < len(block) \
            else block
        rest = block[cut + 1 :]
        yield whole
    error = stream_error(stream)
    if error is not None:
        on_error(error)
        return  # the incomplete line at the damage is not a line
    if rest and not skipping:
        yield rest
