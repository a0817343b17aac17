"""Two workers for one large Postfix log: the second half is parsed by a forked child.

Policy: only a regular, uncompressed file of at least ``SPLIT`` bytes whose head reads as
Postfix is split, at the first newline after ``SHARE`` of it. The child parses the second
half into its own ``Aggregator`` and sends back its ``Counts`` (pickled through a pipe);
the parent parses the first half, then ``Aggregator.merge`` folds them in as one pass
would have (aggregate.py says how). When the merge could differ from one pass (a bounded
table would fill, the child failed, the head was not Postfix after all) the child's
result is dropped and the parent reads the second half itself.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, cast

from triage.deferrals import parsers, source
from triage.deferrals.aggregate import Aggregator, Counts, InputStats
from triage.deferrals.timeparse import Clock

SPLIT = 32 << 20
# the parent's share of the file: the child also keeps each recipient's first outcome
# for the merge and pickles its counts, the parent meets most replies first (and
# classifies them); on the benchmark log 51 % ends both closest together
SHARE = (51, 100)
_SEAM_SEARCH = 4 << 20


@dataclass
class Half:
    """The running child that parses ``[seam, size)`` of the file."""

    pid: int
    pipe: int
    seam: int


class _Head:
    """The first ``limit`` bytes of a stream (the parent's half)."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size) if size else b""
        self.left -= len(data)
        return data


class _Tail:
    """``[offset, end)`` of a file descriptor, by ``pread`` (the shared offset is untouched)."""

    def __init__(self, fd: int, offset: int) -> None:
        self.fd, self.offset = fd, offset

    def read(self, size: int = -1) -> bytes:
        data = os.pread(self.fd, size if size > 0 else 1 << 20, self.offset)
        self.offset += len(data)
        return data


def start(path: str, stream: BinaryIO, clock: Clock, agg: Aggregator, block: int,
          split: int) -> Half | None:
    """Fork the second-half worker when the input qualifies; None to read it in one pass."""
    seam = _seam(path, stream, split)
    if seam is None:
        return None
    fd = stream.fileno()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            import pickle  # only a run that forks needs it

            payload = pickle.dumps(_work(fd, seam, clock, agg, block), pickle.HIGHEST_PROTOCOL)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
    return Half(pid=pid, pipe=read_end, seam=seam)


def _seam(path: str, stream: BinaryIO, split: int) -> int | None:
    if path == "-" or not isinstance(stream, io.BufferedReader) or not hasattr(os, "fork"):
        return None
    try:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size < max(split, 4 * source.HEAD):
            return None
        if parsers.detect(os.pread(stream.fileno(), source.HEAD, 0)) != "postfix":
            return None
        middle = info.st_size * SHARE[0] // SHARE[1]
        cut = os.pread(stream.fileno(), _SEAM_SEARCH, middle).find(b"\n")
    except (OSError, io.UnsupportedOperation):
        return None
    return None if cut < 0 else middle + cut + 1


def _work(fd: int, seam: int, clock: Clock, parent: Aggregator, block: int) -> Counts:
    agg = Aggregator(parent.classifier, follows=True)
    stats = agg.begin("")
    stats.format = "postfix"
    parser = parsers.make("postfix", agg, stats, clock)
    for chunk in source.chunks(cast(BinaryIO, _Tail(fd, seam)), *handlers(agg, stats), block):
        lines = parser.feed(chunk)
        stats.lines += chunk.count(b"\n") + (not chunk.endswith(b"\n")) if lines is None \
            else lines
    parser.close()
    return agg.counts()


def handlers(agg: Aggregator, stats: InputStats) -> tuple[Callable[[bytes], None],
                                                           Callable[[str], None]]:
    """What ``source.chunks`` calls for an over-long line and for a read error."""
    def overlong(sample: bytes) -> None:
        stats.lines += 1
        agg.unparsed(stats, sample + b"... [line longer than 1 MiB skipped]")

    def broken(message: str) -> None:
        stats.error = message
        agg.unparsed(stats, f"[{message}]")

    return overlong, broken


def head(stream: BinaryIO, half: Half) -> BinaryIO:
    return cast(BinaryIO, _Head(stream, half.seam))


def join(half: Half, agg: Aggregator) -> bool:
    """Wait for the child and merge its counts into ``agg``; False (nothing changed) when
    the parent must read the second half itself."""
    counts = _collect(half)
    return counts is not None and agg.merge(counts)


def _collect(half: Half) -> Counts | None:
    """The child's counts (None when it failed)."""
    parts = []
    try:
        while data := os.read(half.pipe, 1 << 20):
            parts.append(data)
    finally:
        os.close(half.pipe)
        os.waitpid(half.pid, 0)
    try:
        import pickle

        counts = pickle.loads(b"".join(parts))
    except Exception:  # noqa: BLE001 - a child that died mid-way: read the half here
        return None
    return counts if isinstance(counts, Counts) else None


def abandon(half: Half) -> None:
    """Stop the child (the parent failed or was interrupted)."""
    with contextlib.suppress(OSError):
        import signal

        os.kill(half.pid, signal.SIGKILL)
    os.close(half.pipe)
    os.waitpid(half.pid, 0)

