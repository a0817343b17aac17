"""Cut one Postfix chunk into its status lines with C-level operations only.

Policy: a busy relay's log is 80-90 % smtpd/cleanup/qmgr noise and 85-90 % of the status
lines are ``status=sent``; Python must not touch either line by line. ``split`` cuts the
chunk at `` status=`` (``bytes.split``), takes each status line's head with
``rpartition`` mapped over the pieces, and extracts every delivery's fields with one
``findall`` over the joined heads. Only the few other status lines (deferrals, bounces,
relogs, malformed ones) come back as whole lines for the per-line parser.

``split`` returns None whenever a chunk is not exactly what this reading assumes (two
markers on one line, a delivery line the fast pattern does not take, e.g. an RFC 3339
stamp); the caller then reads that chunk line by line, with the same results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter, methodcaller, not_

MARK = b" status="
# the delivery pattern of postfix.py's _SENT, for heads joined with "\n" (never crosses one)
_SENT_ROWS = re.compile(
    rb"\n(?:<\d+>\d? ?)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d):(\d\d) (?:\S+ )?([\w./-]+)\[\d+\]: "
    rb"([0-9A-Za-z]+): to=<((?:[^>\n]*@)?([^>@\n]*))>,(?: orig_to=<[^>\n]*>,)? relay=([^,\n]*),"
)
_FIND_NL = methodcaller("find", b"\n")
_HEAD = methodcaller("rpartition", b"\n")
_LAST = itemgetter(2)
_IS_SENT = methodcaller("startswith", b"sent ")
LOCAL_AGENTS = (b"/local", b"/virtual", b"/pipe", b"/discard")
_IS_LOCAL = methodcaller("endswith", LOCAL_AGENTS)


@dataclass(frozen=True)
class Batch:
    """The status lines of one chunk, by their order in it (``index``: n-th status line).

    Deliveries are columns (one entry per delivery, local agents already dropped)."""

    sent_at: Sequence[int]
    minutes: Sequence[bytes]
    seconds: Sequence[bytes]
    qids: Sequence[bytes]
    rcpts: Sequence[bytes]
    domains: Sequence[bytes]
    relays: Sequence[bytes]
    others: list[tuple[int, bytes]]  # (index, whole line) of every other status line


def split(chunk: bytes) -> Batch | None:
    pieces = chunk.split(MARK)
    n = len(pieces) - 1
    if n > 1 and -1 in map(_FIND_NL, pieces[1:n]):
        return None  # a second marker on one line: only the first one counts
    heads = list(map(_LAST, map(_HEAD, pieces[:n])))
    sent = list(map(_IS_SENT, pieces[1:]))
    sent_heads = list(compress(heads, sent))
    rows = _SENT_ROWS.findall(b"\n" + b"\n".join(sent_heads)) if sent_heads else []
    if len(rows) != len(sent_heads):
        return None
    sent_at: Sequence[int] = list(compress(range(n), sent))
    others = [(k, heads[k] + MARK + pieces[k + 1].partition(b"\n")[0])
              for k in compress(range(n), map(not_, sent))]
    if not rows:
        return Batch((), (), (), (), (), (), (), others)
    minutes, seconds, svcs, qids, rcpts, domains, relays = zip(*rows)
    if any(map(_IS_LOCAL, svcs)):  # local delivery agents are not remote attempts
        keep = [not svc.endswith(LOCAL_AGENTS) for svc in svcs]
        sent_at, minutes, seconds, qids, rcpts, domains, relays = (
            list(compress(column, keep))
            for column in (sent_at, minutes, seconds, qids, rcpts, domains, relays))
    return Batch(sent_at, minutes, seconds, qids, rcpts, domains, relays, others)
