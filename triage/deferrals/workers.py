"""Two workers for one large Postfix log: the second half is parsed by a forked child.

Policy: only a regular, uncompressed file of at least ``SPLIT`` bytes whose head reads as
Postfix is split, at the first newline after its middle. The child parses the second
half into its own ``Aggregator`` and sends back the counters (pickled through a pipe);
the parent parses the first half, then merges. Everything that depends on log order is
merged in log order: the first half's values come first (samples, a host's first
provider, a code's first reply), and each recipient's first retry outcome in the second
half is replayed against the first half's pending set. When the merge could differ from
one pass (a bounded table would fill, the child failed, the head was not Postfix after
all) the child's result is dropped and the parent reads the second half itself.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from triage.deferrals import parsers, source
from triage.deferrals.aggregate import (
    _BUCKET_LIMIT,
    _KEYS_LIMIT,
    _RETRY_LIMIT,
    _SAMPLES,
    BOUNCED,
    DELIVERED,
    Aggregator,
    Buckets,
    InputStats,
    merge_span,
)
from triage.deferrals.timeparse import Clock

SPLIT = 32 << 20
_TABLES = ("providers", "hosts", "domains", "ips", "forests")
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
        middle = info.st_size // 2
        cut = os.pread(stream.fileno(), _SEAM_SEARCH, middle).find(b"\n")
    except (OSError, io.UnsupportedOperation):
        return None
    return None if cut < 0 else middle + cut + 1


def _work(fd: int, seam: int, clock: Clock, parent: Aggregator, block: int) -> dict[str, Any]:
    agg = Aggregator(parent.classifier)
    agg.firsts = {}
    stats = agg.begin("")
    stats.format = "postfix"
    parser = parsers.make("postfix", agg, stats, clock)
    for chunk in source.chunks(cast(BinaryIO, _Tail(fd, seam)), *handlers(agg, stats), block):
        stats.lines += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
        parser.feed(chunk)
    parser.close()
    state = {name: value for name, value in vars(agg).items() if name != "classifier"}
    state["iso_seen"] = getattr(parser, "iso_seen", False)
    return state


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


def collect(half: Half) -> dict[str, Any] | None:
    """The child's state (None when it failed)."""
    parts = []
    try:
        while data := os.read(half.pipe, 1 << 20):
            parts.append(data)
    finally:
        os.close(half.pipe)
        os.waitpid(half.pid, 0)
    try:
        import pickle

        state: dict[str, Any] = pickle.loads(b"".join(parts))
    except Exception:  # noqa: BLE001 - a child that died mid-way: read the half here
        return None
    return state


def abandon(half: Half) -> None:
    """Stop the child (the parent failed or was interrupted)."""
    with contextlib.suppress(OSError):
        import signal

        os.kill(half.pid, signal.SIGKILL)
    os.close(half.pipe)
    os.waitpid(half.pid, 0)


def merge(agg: Aggregator, stats: InputStats, child: dict[str, Any]) -> bool:
    """Fold the child's state into ``agg`` as one pass would have; False (nothing changed)
    when that cannot be guaranteed, and the parent must read the second half itself."""
    if not _exact(agg, stats, child):
        return False
    cstats: InputStats = child["inputs"][0]
    stats.lines += cstats.lines
    stats.events += cstats.events
    stats.unparsed += cstats.unparsed
    stats.error = cstats.error or stats.error
    if child["iso_seen"]:
        stats.zoned = cstats.zoned
    _retries(agg, child)
    agg.totals.update(child["totals"])
    agg.classes.update(child["classes"])
    for name in _TABLES:
        table: dict[str, list[int]] = getattr(agg, name)
        for key, row in child[name].items():
            into = table.setdefault(key, [0, 0, 0, 0])
            for i, value in enumerate(row):
                into[i] += value
    for key, value in child["host_provider"].items():
        agg.host_provider.setdefault(key, value)
    for key, info in child["forest_info"].items():
        agg.forest_info.setdefault(key, info)
    for provider, (lo, hi) in child["provider_span"].items():
        span = agg.provider_span.get(provider)
        if span is None:
            agg.provider_span[provider] = [lo, hi]
        elif lo or hi:  # [0.0, 0.0]: the child saw this provider without a time stamp
            span[0], span[1] = min(span[0] or lo, lo), max(span[1], hi)
    _codes(agg, child)
    counts = child["timeline"].counts
    for key, row in counts.items():
        into = agg.timeline.counts.setdefault(key, [0, 0, 0, 0])
        for i, value in enumerate(row):
            into[i] += value
    for key, (lo, hi) in child["timeline"].deferred_span.items():
        merge_span(agg.timeline.deferred_span, key, lo, hi)
    latest = agg.timeline.delivered_last
    for key, ts in child["timeline"].delivered_last.items():
        latest[key] = max(ts, latest.get(key, ts))
    agg.span(child["first"], child["last"])
    agg.unparsed_samples = (agg.unparsed_samples + child["unparsed_samples"])[:_SAMPLES]
    agg.relog_samples = (agg.relog_samples + child["relog_samples"])[:_SAMPLES]
    return True


def _exact(agg: Aggregator, stats: InputStats, child: dict[str, Any]) -> bool:
    """One pass would have filled no bounded table and tracked every recipient."""
    if stats.format != "postfix" or child["retry"]["untracked"] or agg.retry["untracked"]:
        return False
    if len(agg.pending) + child["retry"]["deferred_recipients"] >= _RETRY_LIMIT:
        return False
    timeline: Buckets = child["timeline"]
    if timeline.width != agg.timeline.width or agg.timeline.width != Buckets().width:
        return False
    if len(agg.timeline.counts) + len(timeline.counts) >= _BUCKET_LIMIT:
        return False
    return all(len(getattr(agg, name)) + len(child[name]) < _KEYS_LIMIT
               for name in (*_TABLES, "codes"))


def _retries(agg: Aggregator, child: dict[str, Any]) -> None:
    """Replay each recipient's first outcome in the second half against the first half's
    pending set: a delivery or bounce settles it there, a deferral was no new recipient."""
    pending, retry = agg.pending, agg.retry
    for key, first in child["firsts"].items():
        if key in pending:
            pending.discard(key)
            if first == DELIVERED:
                retry["later_delivered"] += 1
            elif first == BOUNCED:
                retry["later_bounced"] += 1
            else:
                retry["deferred_recipients"] -= 1
    retry.update(child["retry"])
    pending.update(child["pending"])


def _codes(agg: Aggregator, child: dict[str, Any]) -> None:
    for key, theirs in child["codes"].items():
        ours = agg.codes.get(key)
        if ours is None:
            agg.codes[key] = theirs
            continue
        ours.count += theirs.count
        ours.deferred += theirs.deferred
        ours.bounced += theirs.bounced
        if theirs.first is not None:
            ours.first = theirs.first if ours.first is None else min(ours.first, theirs.first)
        if theirs.last is not None:
            ours.last = theirs.last if ours.last is None else max(ours.last, theirs.last)
        if not ours.sample and theirs.sample:
            ours.sample, ours.sample_host = theirs.sample, theirs.sample_host
            ours.sample_ts = theirs.sample_ts
