"""Split one SMTP reply into the parts classification needs.

Policy: the reply is kept whole as logged (``text``: samples and evidence show it with its
tokens and Microsoft tails); classification reads ``body``, the reply as the receiver sent
it, recovered from every form it arrives in (``triage.deferrals.unwrap``: DSN fields, MTA
and client-library wrappers, quoting, HTML, repeated multi-line prefixes), and from it the
code, the first enhanced status code, the provider tokens and, for Microsoft, the bracketed
host tail that names the EOP forest. Nothing here raises: a text that carries no reply
code is a local outcome of the sending MTA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.deferrals.unwrap import unwrap

_CODE = re.compile(r"^([2-5]\d\d)(?:[ :-]|$)")
_ENHANCED = re.compile(r"\s*#?\b([245]\.\d{1,3}\.\d{1,3})\b")
# receivers' help pages: a text that points at one is the receiver's reply even when it
# reaches us without its code (a bounce pasted from a web UI); compiled on first use
_HELP_PAGE = (
    r"(?i)support\.google\.com/mail|postmaster\.yahooinc\.com|help\.yahoo\.com/kb/postmaster"
    r"|postmaster\.yahoo\.com|support\.apple\.com/\S*HT204137|sender\.office\.com"
    r"|postmaster\.live\.com|mail\.live\.com/mail/troubleshooting|go\.microsoft\.com/fwlink"
    r"|community\.mimecast\.com/docs|postmaster\.(?:gmx|web)\.|postmaster\.comcast\.net"
)
_ENH_START = re.compile(r"^#?([245]\.\d{1,3}\.\d{1,3})\b")
# Token, tail and sending-IP patterns are case-insensitive. ASCII text (nearly every reply)
# is searched lower-cased with case-sensitive copies (``*_ASCII``): they find the same
# spans, and case-insensitive matching is what makes sre slow (a reply with a unique
# session id is parsed afresh, so this is the cost of every such reply); groups are taken
# from the reply itself. The case-insensitive forms, needed only for non-ASCII replies,
# and the tail patterns are compiled on first use (re's own cache keeps them).
_TOKENS = (
    r"[(\[](A?S\d{3,9})[)\]]|AS\((\d+)\)|\[((?:TSS?|IPTS|BL|PH|CS|HM|HCM|HME|BS)\d\d?)\]"
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
    """One reply as logged (``text``) and as the receiver sent it (``body``)."""

    text: str
    code: int | None
    enhanced: str | None
    tokens: tuple[str, ...]
    ms_host: str | None = None
    forest: str | None = None
    region: str | None = None
    ms_time: str | None = None
    sending_ip: str | None = None
    body: str = ""
    relay: str | None = None  # the receiving host a wrapper named (``host X said:``)
    remote_enhanced: bool = False  # the enhanced code came from the reply, not the MTA
    remote_text: bool = False  # no code, but a receiver's help page: the receiver's words
    low: str | None = None  # ``body`` lower-cased when it is ASCII (rules search this copy)
    enhanced_key: tuple[int, int, int] | None = None  # ``enhanced`` as numbers, for ranges

    @property
    def token(self) -> str | None:
        return self.tokens[0] if self.tokens else None

    @property
    def remote(self) -> bool:
        """True when the receiver answered (a reply or enhanced code), False for local outcomes."""
        return self.code is not None or self.remote_enhanced or self.remote_text

    @property
    def klass(self) -> int | None:
        """The reply class (2, 4, 5): from the code, else from an enhanced code it carried."""
        if self.code is not None:
            return self.code // 100
        if self.remote_enhanced and self.enhanced:
            return int(self.enhanced[0])
        return None


def parse(text: str, dsn: str | None = None) -> Reply:
    """Parse a reply as logged; ``dsn`` (the MTA's own status) fills a missing enhanced code."""
    body, relay, hint = unwrap(text)
    m = _CODE.match(body)
    code = int(m.group(1)) if m else hint
    head = body[m.end() :] if m else body
    e = _ENHANCED.match(head) if m else _ENH_START.match(body)
    enhanced = e.group(1) if e else None
    remote_enhanced = enhanced is not None
    if enhanced is None and m:
        e = _ENHANCED.search(head[:40])
        enhanced = e.group(1) if e else None
        remote_enhanced = enhanced is not None
    if enhanced is None and dsn and code is not None and dsn[:1] == str(code)[:1]:
        enhanced = dsn
    ascii_low = body.lower() if body.isascii() else None
    remote_text = code is None and not remote_enhanced and bool(re.search(_HELP_PAGE, body))
    found = (re.findall(_TOKENS, body, re.IGNORECASE) if ascii_low is None
             else _TOKENS_ASCII.findall(ascii_low))
    tokens = tuple(
        (t[0] or (f"AS{t[1]}" if t[1] else "") or t[2] or t[3]).upper() for t in found
    )
    ms_host, forest, region, ms_time = _ms_tail(body, ascii_low)
    ip = None
    if code is not None or remote_enhanced:  # searched in the text as logged, as before
        text_low = ascii_low if body is text else (text.lower() if text.isascii() else None)
        ip = (re.search(_SENDING_IP, text, re.IGNORECASE) if text_low is None
              else _SENDING_IP_ASCII.search(text_low))
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
        body=body,
        relay=relay,
        remote_enhanced=remote_enhanced,
        remote_text=remote_text,
        low=ascii_low,
        enhanced_key=_key(enhanced),
    )


def _key(enhanced: str | None) -> tuple[int, int, int] | None:
    if enhanced is None:
        return None
    a, b, c = enhanced.lstrip("#").split(".")
    return int(a), int(b), int(c)


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
