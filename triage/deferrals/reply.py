"""Split one SMTP reply into the parts classification needs.

Policy: the reply is kept whole (samples and evidence show it with its tokens and
Microsoft tails); classification reads the code, the first enhanced status code, the
provider tokens and, for Microsoft, the bracketed host tail that names the EOP forest.
Nothing here raises: a reply that does not start with a code is a local outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^\s*([2-5]\d\d)(?:[ -]|$)")
_ENHANCED = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
# Token, tail and sending-IP patterns are case-insensitive. ASCII text (nearly every reply)
# is searched lower-cased with case-sensitive copies (``*_ASCII``): they find the same
# spans, and case-insensitive matching is what makes sre slow (a reply with a unique
# session id is parsed afresh, so this is the cost of every such reply); groups are taken
# from the reply itself. The case-insensitive forms, needed only for non-ASCII replies,
# and the tail patterns are compiled on first use (re's own cache keeps them).
_TOKENS = (
    r"[(\[](A?S\d{3,9})[)\]]|AS\((\d+)\)|\[((?:TSS?|IPTS|BL|PH|CS|HM|HCM|HME|BS)\d\d)\]"
    r"|\b(ATTR\d+|PRX\d+|RP-\d{3}|SC-\d{3}|IB\d{3}|OFR\d*_\d+|LPN\d+_\d+|RL\d{6}|BL\d{6}|ES\d{6})\b"
)
_TOKENS_ASCII = re.compile(_TOKENS.lower())
# Microsoft's bracketed server tail (smtp-replies-and-logs.md §2.2); it names outlook.com,
# so an ASCII reply without that is not searched
_MS_TAIL = (
    r"\[(?P<host>[A-Z0-9]+)\.(?P<forest>eop-[a-z]{3}\d+|[a-z]{3}prd\d+|[a-z]{3,4}p?\d+)"
    r"\.(?:prod\.)?(?:protection\.)?outlook\.com(?: (?P<ts>\d{4}-\d\d-\d\dT[\d:.]+Z)"
    r" (?P<cid>[0-9A-Z]{16}))?\]"
)
_MS_TAIL_ASCII = _MS_TAIL.lower().replace("(?p<", "(?P<")  # lower() breaks ``(?P<``
_REGION = re.compile(r"^(?:eop-)?([a-z]{3})", re.IGNORECASE)
_SENDING_IP = (
    r"(?:from|server|mail server|host) \[?(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)\]?"
    r"|\[(\d{1,3}(?:\.\d{1,3}){3}) \d+\]"
)
_SENDING_IP_ASCII = re.compile(_SENDING_IP.lower())


@dataclass(frozen=True)
class Reply:
    """One reply as logged, with the parts classification reads."""

    text: str
    code: int | None
    enhanced: str | None
    tokens: tuple[str, ...]
    ms_host: str | None = None
    forest: str | None = None
    region: str | None = None
    ms_time: str | None = None
    sending_ip: str | None = None

    @property
    def token(self) -> str | None:
        return self.tokens[0] if self.tokens else None

    @property
    def remote(self) -> bool:
        """True when the receiver answered (a reply code), False for local outcomes."""
        return self.code is not None


def parse(text: str, dsn: str | None = None) -> Reply:
    """Parse a reply as logged; ``dsn`` (the MTA's own status) fills a missing enhanced code."""
    m = _CODE.match(text)
    code = int(m.group(1)) if m else None
    head = text[m.end() :] if m else text
    e = _ENHANCED.search(head[:40]) if code is not None else None
    enhanced = e.group(1) if e else None
    if enhanced is None and dsn and code is not None and dsn[:1] == str(code)[:1]:
        enhanced = dsn
    ascii_low = text.lower() if text.isascii() else None
    found = (re.findall(_TOKENS, text, re.IGNORECASE) if ascii_low is None
             else _TOKENS_ASCII.findall(ascii_low))
    tokens = tuple(
        (t[0] or (f"AS{t[1]}" if t[1] else "") or t[2] or t[3]).upper() for t in found
    )
    ms_host, forest, region, ms_time = _ms_tail(text, ascii_low)
    ip = None
    if code is not None:
        ip = (re.search(_SENDING_IP, text, re.IGNORECASE) if ascii_low is None
              else _SENDING_IP_ASCII.search(ascii_low))
    return Reply(
        text=text,
        code=code,
        enhanced=enhanced,
        tokens=tokens,
        ms_host=ms_host,
        forest=forest,
        region=region,
        ms_time=ms_time,
        sending_ip=_group(text, ip),
    )


def _ms_tail(text: str, ascii_low: str | None) -> tuple[str | None, str | None, str | None,
                                                        str | None]:
    """(host, forest, region, time) from the first Microsoft server tail, or Nones."""
    if ascii_low is None:
        tail = re.search(_MS_TAIL, text, re.IGNORECASE)
    else:
        tail = re.search(_MS_TAIL_ASCII, ascii_low) if "outlook.com" in ascii_low else None
    if tail is None:
        return None, None, None, None
    forest = tail.group("forest").lower()
    r = _REGION.match(forest)
    start = tail.start("ts")  # the time as the reply has it (``tail`` may be on its lower case)
    return (tail.group("host").upper(), forest, r.group(1).upper() if r else None,
            text[start : tail.end("ts")] if start >= 0 else None)


def _group(text: str, m: re.Match[str] | None) -> str | None:
    """The first group that took part, from ``text`` itself (``m`` may be on its lower case)."""
    if m is None:
        return None
    group = 1 if m.start(1) >= 0 else 2
    return text[m.start(group) : m.end(group)] if m.start(group) >= 0 else None


def strip_postfix(text: str) -> tuple[str, str | None, str | None]:
    """Postfix wraps the reply: ``host H[ip] said: REPLY (in reply to X command)``.

    Returns (reply, host, stage); local texts come back unchanged with no host.
    """
    host = stage = None
    for marker in (" said: ", " refused to talk to me: "):
        i = text.find(marker)
        if i > 0 and text.startswith("host "):
            host = text[5:i].split("[", 1)[0]
            text = text[i + len(marker) :]
            break
    if text.endswith(" command)"):
        j = text.rfind(" (in reply to ")
        if j > 0:
            stage = text[j + 14 : -9]
            text = text[:j]
    return text, host, stage
