"""Format detection: a parser is imported only when its cheap precondition holds.

``parsers._may_score(name, head)`` must be a necessary condition of the parser's own
``detect(head) > 0``; then detecting with it picks exactly what scoring every parser
would. Checked on every fixture and on edge cases of each format's signature.
"""

from __future__ import annotations

import gzip
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from triage.deferrals import parsers
from triage.deferrals.source import HEAD

ROOT = Path(__file__).parent.parent

# edge cases of each signature, and texts that come close without matching
CRAFTED = [
    b"",
    b"\n\n",
    b"Nov 23 11:24:00 mx POSTFIX/smtp[1]: AB12: to=<a@b.c>, status=sent\n",
    b"<22>1 2025-05-12T09:41:07Z mx postfix-out/smtp[12]: AB: to=<a@b.c>\n",
    b"2025-05-12 09:41:07 1uEXmb-000Ab3-1x => a@b.c R=dnslookup T=remote_smtp H=x [1.2.3.4]\n",
    b"junk\n2025-05-12 09:41:07.118 +0200 [123] 1uEXmb-000Ab3-1x == a@b.c defer (-44): x\n",
    b"2025-05-12 09:41:07 no exim id here\n",
    b"Nov 23 11:24:00 mx sm-mta[42]: 5AB: to=<a@b.c>, stat=Sent\n",
    b"Nov 23 11:24:00 mx sendmail[42]: 5AB: from=<a@b.c>, size=1\n",
    b"Nov 23 11:24:00 mx sm-msp-queue[42]: 5AB: to=<a@b.c>, stat=Sent\n",
    b"type,timeLogged,timeQueued,orig,rcpt\n",
    b"#type,timeLogged\n",
    b"d,2016-04-25 18:36:49+0000,x\n",
    b"header\nt,2016-04-25T18:36:49+0000,x\ntq,2016-04-25 18:36:49,x\n",
    b"b,2016-04-25 18:36:49,x\nMessage accepted, d,2016-04-25 18:36:49\n",
    b'{"type": "Delivery", "id": "x"}\n',
    b'{"type"  :  "TransientFailure"}\n{"type":"Bounce"}',
    b'{"type": "Other"}\n',
    b'[{"eventType": "Bounce"}, {"notificationType": "Delivery"}]',
    b'{"event" : "deferred", "sg_event_id": "x"}\n{"RecordType": "Bounce"}\n',
    b'{"event-data": {"delivery-status": {}}}\n',
    b'{"event": "open"}\n',
    b'{"event":"bounce","email":"a@b.c"}\n',
    *(b"{%s: {}}\n" % key for key in (b'"eventType"', b'"notificationType"', b'"RecordType"',
                                      b'"sg_event_id"', b'"delivery-status"', b'"event-data"')),
    b"451 4.7.500 Server busy (S77714)\n  smtp; 550 5.1.1 unknown\n#comment\n",
    b"SMTP; 421-4.7.28 Gmail\n",
    bytes(range(256)) * 4,
]


def _fixture_heads() -> list[tuple[str, bytes]]:
    heads = []
    for folder in ("fixtures/logs", "fixtures/demo", "bench"):
        for path in sorted((ROOT / folder).rglob("*")):
            # the project's own files, not caches that tools leave beside them
            hidden = any(part.startswith(".") or part == "__pycache__"
                         for part in path.relative_to(ROOT).parts)
            if path.is_file() and not hidden:
                with open(path, "rb") as f:
                    head = f.read(HEAD)
                if head[:2] == b"\x1f\x8b":
                    head = gzip.decompress(path.read_bytes())[:HEAD]
                heads.append((str(path.relative_to(ROOT)), head))
    return heads


def _heads() -> list[tuple[str, bytes]]:
    crafted = [(f"crafted[{i}]", head) for i, head in enumerate(CRAFTED)]
    # each fixture also cut short mid-line, and with its lines joined to the crafted ones
    heads = _fixture_heads()
    cut = [(f"{name}[:333]", head[:333]) for name, head in heads]
    mixed = [(f"{name}+crafted", head[:2000] + b"\n" + b"\n".join(CRAFTED[2:-1]))
             for name, head in heads[:3]]
    return crafted + heads + cut + mixed


HEADS = _heads()


def _score_all(head: bytes) -> dict[str, int]:
    return {name: importlib.import_module(f"triage.deferrals.parsers.{name}").detect(head)
            for name in parsers.FORMATS}


def _best(scores: dict[str, int]) -> str:
    """The plain detection: every parser scores, the first of the best wins."""
    best, score = "unknown", 0
    for name in parsers.FORMATS:
        if scores[name] > score:
            best, score = name, scores[name]
    return best


@pytest.mark.parametrize("name,head", HEADS, ids=[name for name, _ in HEADS])
def test_precondition_is_necessary_and_detection_unchanged(name: str, head: bytes) -> None:
    scores = _score_all(head)
    for fmt, score in scores.items():
        if not parsers._may_score(fmt, head):
            assert score == 0, (fmt, name)
    assert parsers.detect(head) == _best(scores)


def test_every_format_is_detected_somewhere() -> None:
    """The heads above are not vacuous: each format wins on at least one of them."""
    found = {parsers.detect(head) for _, head in HEADS}
    assert found >= {*parsers.FORMATS, "unknown"}


def test_precondition_rejects_the_other_formats() -> None:
    """A Postfix log does not import, compile or run the other parsers (bare excepted)."""
    log = ROOT / "fixtures" / "logs" / "postfix" / "maillog"
    code = (
        "import sys\n"
        "from triage.deferrals import parsers\n"
        f"print(parsers.detect(open({str(log)!r}, 'rb').read({HEAD})))\n"
        "names = {m.rsplit('.', 1)[1] for m in sys.modules\n"
        "         if m.startswith('triage.deferrals.parsers.')}\n"
        "print(' '.join(sorted(names & set(parsers.FORMATS))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert out[0] == "postfix"
    assert out[1].split() == ["bare", "postfix"]
